/**
 * dm-snapshot after commit b21555786f18 ("dm snapshot: rework COW throttling
 * to fix deadlock", Mikulas Patocka; it needs a2f83e8b0c82, which its
 * Depends-on line names by its pre-rebase id 4a3f111a73a8c): an `in_progress` counter guarded
 * by the wait queue's spinlock. do_origin calls wait_for_in_progress(s, true),
 * which, over the threshold, joins the wait queue and sets
 * TASK_UNINTERRUPTIBLE under the spinlock, drops `_origins_lock`, sleeps, and
 * makes do_origin start again. kcopyd's account_end_copy decrements under the
 * same spinlock and wakes every waiter once `in_progress <= cow_threshold`.
 * Lines: v5.4.6's dm-snap.c, the post-image of the fix.
 *
 * A spinlock-protected section is one atomic step here (the spinlock is never
 * held across a sleep, so nothing can observe its inside).
 *
 * Mutants, each a way the fix could have been wrong:
 * - sleep-holding-lock: sleeps without the up_read (and drops the lock only
 *   after waking): the semaphore design's cycle comes back through the wait queue.
 * - lost-wakeup: reads in_progress and joins the queue in separate steps, not
 *   under the spinlock: the wake-up can fall between them.
 * - retry-limit: retry_origin_bios calls do_origin(bio, true), so kcopyd
 *   itself runs wait_for_in_progress(s, true) and sleeps until in_progress
 *   drops, a decrement only kcopyd's own account_end_copy makes.
 * - uninit-in-progress: a backport without the kzalloc of `s` (d377535405686,
 *   "dm: Use kzalloc for all structs with embedded biosets/mempools"), as in
 *   the 4.4 rebase of 2019-10: in_progress starts as whatever kmalloc left.
 *   Modelled as cow_threshold + 1, the least garbage that makes a writer sleep
 *   (garbage at or below the threshold only shifts the bound).
 *
 * The soft bound: the check is not atomic with account_start_copy's
 * increment, so every writer can pass the check at in_progress <= T and then
 * increment: in_progress <= T + writers. That is the invariant checked.
 */
import { defineModel, enumParam, intParam } from '../../src/model/definition.js';
import { add, and, dec, gt, inc, le, not, sub } from '../../src/model/expr.js';
import type { LocalRef, ProcessBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { addOriginsLockWriters, commonParams, completionOrderParam, dmSnapshotBase, DM_SNAP, insertPeSaid, kcopydCompletion, originWriter, pendingException, requireAllBiosComplete, retryOriginBios } from './common.js';

const COMMIT = 'v5.4.6';

export default defineModel({
  name: 'dm-snapshot/in-progress',
  description: 'COW throttled by an in_progress counter and a wait queue, sleeping after up_read (b21555786f1): the fix',
  params: {
    ...commonParams,
    'cow-threshold': intParam(0, 16, 1, 'sleep while in_progress > cow_threshold; 0 means "while any copy is in flight"'),
    mutant: enumParam(['none', 'sleep-holding-lock', 'lost-wakeup', 'retry-limit', 'uninit-in-progress'], 'none', 'a deliberately broken variant of the fix'),
    ...completionOrderParam,
  },
  build(p) {
    const W = p.writers;
    const B = p.bios;
    const T = p['cow-threshold'];
    const at = sourceIn(DM_SNAP, COMMIT);
    const name = p.mutant === 'none' ? 'dm-snapshot/in-progress' : `dm-snapshot/in-progress[${p.mutant}]`;
    const garbage = p.mutant === 'uninit-in-progress' ? T + 1 : 0;
    const { b, copies, inflight: inProgress, biosDone, origins, limit: wq, copiesIn, loop } = dmSnapshotBase(name, p, 'in_progress',
      (m) => m.waitQueue('in_progress_wait'), garbage);
    const sleepHolding = p.mutant === 'sleep-holding-lock';
    const lostWakeup = p.mutant === 'lost-wakeup';
    const retryLimit = p.mutant === 'retry-limit';
    const afterCheck = copiesIn.order === 'any' ? 'insert_pe' : 'start_copy';

    b.process('writer', { instances: W }, (w) => {
      const bio = w.local('bio', 0, { max: B });
      const pe = pendingException(w, copiesIn, { copies, bios: B, bio });
      originWriter(w, {
        origins, bio, bios: B, loop,
        downRead: { action: 'do_origin: again: down_read(&_origins_lock)', source: at(2547, 'do_origin') },
        upRead: { action: 'do_origin: up_read(&_origins_lock)', source: at(2559, 'do_origin') },
      }, () => {
        if (lostWakeup) {
          w.choice('check', [
            {
              name: 'over',
              action: 'MUTANT wait_for_in_progress: in_progress > cow_threshold, read without in_progress_wait.lock',
              source: at(1536, 'wait_for_in_progress'),
              guard: gt(inProgress, T),
              goto: 'prepare',
            },
            {
              name: 'under',
              action: 'wait_for_in_progress: in_progress <= cow_threshold, go on',
              source: at(1536, 'wait_for_in_progress'),
              guard: le(inProgress, T),
              goto: afterCheck,
            },
          ]);
          w.step('prepare', {
            action: 'MUTANT spin_lock; __add_wait_queue; __set_current_state(TASK_UNINTERRUPTIBLE); spin_unlock (no re-check)',
            source: at(1547, 'wait_for_in_progress'),
            op: wq.prepareToWait(),
            goto: 'drop',
          });
        } else {
          w.choice('check', [
            {
              name: 'over',
              action: 'wait_for_in_progress: [in_progress_wait.lock] in_progress > cow_threshold: __add_wait_queue; __set_current_state(TASK_UNINTERRUPTIBLE)',
              source: at(1547, 'wait_for_in_progress'),
              guard: gt(inProgress, T),
              op: wq.prepareToWait(),
              goto: sleepHolding ? 'sleep' : 'drop',
              required: true,
            },
            {
              name: 'under',
              action: 'wait_for_in_progress: [in_progress_wait.lock] in_progress <= cow_threshold, go on',
              source: at(1538, 'wait_for_in_progress'),
              guard: le(inProgress, T),
              goto: afterCheck,
            },
          ]);
        }
        if (!sleepHolding) {
          w.step('drop', { action: 'wait_for_in_progress: up_read(&_origins_lock)', source: at(1551, 'wait_for_in_progress'), op: origins.upRead() });
        }
        w.step('sleep', { action: 'wait_for_in_progress: io_schedule()', source: at(1552, 'wait_for_in_progress'), op: wq.schedule(), required: true })
          .step('dequeue', {
            action: 'wait_for_in_progress: remove_wait_queue; return false -> goto again',
            source: at(1553, 'wait_for_in_progress'),
            op: wq.finishWait(),
            goto: sleepHolding ? 'late_up_read' : 'down_read',
          });
        if (sleepHolding) {
          w.step('late_up_read', { action: 'MUTANT up_read(&_origins_lock) only after sleeping', source: at(1551, 'wait_for_in_progress'), op: origins.upRead(), goto: 'down_read' });
        }
        pe.insert(insertPeSaid(at, 2482, '__insert_pending_exception'));
        w.step('start_copy', {
          action: 'start_copy: account_start_copy (in_progress++ under the lock); dm_kcopyd_copy',
          source: at(1805, 'start_copy'),
          ...pe.submit,
          effects: [inc(inProgress), ...(pe.submit.effects ?? [])],
        });
      });
    });

    /** retry-limit: do_origin(bio, true) on kcopyd's retry path, the writers' throttle steps with kcopyd's labels. */
    const throttleRetry = (k: ProcessBuilder) => k
      .choice('retry_check', [
        {
          name: 'over',
          action: 'MUTANT retry_origin_bios -> do_origin(bio, true): wait_for_in_progress: [in_progress_wait.lock] in_progress > cow_threshold: __add_wait_queue',
          source: at(1547, 'wait_for_in_progress'),
          guard: gt(inProgress, T),
          op: wq.prepareToWait(),
          goto: 'retry_drop',
        },
        {
          name: 'under',
          action: 'MUTANT wait_for_in_progress: [in_progress_wait.lock] in_progress <= cow_threshold, go on',
          source: at(1538, 'wait_for_in_progress'),
          guard: le(inProgress, T),
          goto: 'retry_up_read',
        },
      ])
      .step('retry_drop', { action: 'MUTANT wait_for_in_progress: up_read(&_origins_lock)', source: at(1551, 'wait_for_in_progress'), op: origins.upRead() })
      .step('retry_sleep', { action: 'MUTANT wait_for_in_progress: io_schedule() (only this kcopyd decrements in_progress)', source: at(1552, 'wait_for_in_progress'), op: wq.schedule() })
      .step('retry_dequeue', {
        action: 'MUTANT wait_for_in_progress: remove_wait_queue; return false -> goto again',
        source: at(1553, 'wait_for_in_progress'),
        op: wq.finishWait(),
        goto: 'retry_down_read',
      });

    let job: LocalRef | undefined;
    b.process('kcopyd', {}, (k) => {
      const wakes = and(le(sub(inProgress, 1), T), wq.active());
      kcopydCompletion(k, {
        copiesIn, copies,
        job: () => (job = k.local('job', 0, { max: copies })),
        callback: { action: 'copy_callback: copy done, complete_exception -> pending_complete', source: at(1737, 'copy_callback') },
        completeLabel: 'retry_down_read',
      }, (finish) => retryOriginBios(k, {
        origins, biosDone, loop, chunk: job, bios: B,
        retryDownRead: {
          action: retryLimit ? 'MUTANT retry_origin_bios -> do_origin(bio, true): again: down_read(&_origins_lock)' : 'retry_origin_bios -> do_origin(bio, false): down_read(&_origins_lock)',
          source: at(1589, 'retry_origin_bios'),
        },
        retryUpRead: { action: 'do_origin: __origin_write remaps the bio (chunk copied); up_read(&_origins_lock)', source: at(2559, 'do_origin') },
      }, finish, retryLimit ? () => throttleRetry(k) : undefined), {
        label: 'end_copy',
        add: () => k.choice('end_copy', [
          {
            name: 'wake',
            action: 'account_end_copy: [in_progress_wait.lock] in_progress--; <= cow_threshold and waiters: wake_up_locked',
            source: at(1530, 'account_end_copy'),
            guard: wakes,
            op: wq.wakeUp({ locked: true }),
            effects: [dec(inProgress)],
            goto: 'copy_callback',
            required: true,
          },
          {
            name: 'quiet',
            action: 'account_end_copy: [in_progress_wait.lock] in_progress--; no wake-up needed',
            source: at(1527, 'account_end_copy'),
            guard: not(wakes),
            effects: [dec(inProgress)],
            goto: 'copy_callback',
          },
        ]),
      });
    });

    addOriginsLockWriters(b, origins, p, {
      commit: COMMIT, registerDownWrite: 558, registerUpWrite: 583,
      dtrDownRead: 1470, dtrUpRead: 1479, unregisterDownWrite: 607, unregisterUpWrite: 616,
    }, loop);
    b.always('in_progress <= cow_threshold + writers (soft bound)', le(inProgress, add(T, W)));
    requireAllBiosComplete(b, biosDone, W, B, loop, p['ctr-rounds']);
    return b.build();
  },
});
