/**
 * dm-snapshot with the COW throttle of commit 721b1d98fb51 ("dm snapshot: Fix
 * excessive memory usage and workqueue stalls"): start_copy does
 * `down(&s->cow_count)` while do_origin holds `_origins_lock` for read, and
 * the kcopyd callback does `up()` as its last statement, after retrying the
 * origin bios, which needs `_origins_lock` again. With a writer-fair
 * rw_semaphore and a snapshot_ctr queued for write this deadlocks (the fix's
 * commit message, steps 1-4). Lines: v5.3.1's dm-snap.c, the mainline
 * pre-image of the fix series.
 */
import { defineModel, intParam } from '../../src/model/definition.js';
import { dec, eq, inc, le, or } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { addOriginsLockWriters, commonParams, completionOrderParam, dmSnapshotBase, DM_SNAP, insertPeSaid, kcopydCompletion, originWriter, pendingException, requireAllBiosComplete, retryOriginBios } from './common.js';

const COMMIT = 'v5.3.1';
const INT_MAX = 2147483647;

export default defineModel({
  name: 'dm-snapshot/semaphore',
  description: 'COW throttled by a semaphore taken under _origins_lock (721b1d98fb51): deadlocks',
  params: {
    ...commonParams,
    'cow-threshold': intParam(0, 16, 1, 'sema_init count; 0 means unlimited (INT_MAX), as in snapshot_ctr L1330'),
    ...completionOrderParam,
  },
  build(p) {
    const W = p.writers;
    const B = p.bios;
    const T = p['cow-threshold'];
    const at = sourceIn(DM_SNAP, COMMIT);
    const { b, copies, inflight, biosDone, origins, limit: cowCount, copiesIn } = dmSnapshotBase('dm-snapshot/semaphore', p, 'inflight',
      (m) => m.semaphore('cow_count', { initial: T > 0 ? T : INT_MAX }));

    b.process('writer', { instances: W }, (w) => {
      const bio = w.local('bio', 0, { max: B });
      const pe = pendingException(w, copiesIn, { copies, bios: B, bio });
      originWriter(w, {
        origins, bio, bios: B,
        downRead: { action: 'do_origin: down_read(&_origins_lock)', source: at(2495, 'do_origin') },
        upRead: { action: 'do_origin: up_read(&_origins_lock)', source: at(2499, 'do_origin') },
      }, () => {
        // The pe gets its sequence number before start_copy's down() (L2431 < L2472).
        pe.insert(insertPeSaid(at, 2431, '__insert_pending_exception'));
        w.step('down_cow', {
          action: 'start_copy: down(&s->cow_count) (pe made, bio parked on it)',
          source: at(1759, 'start_copy'),
          op: cowCount.down(),
          required: true,
        })
          .step('copy', {
            action: 'start_copy: dm_kcopyd_copy(..., copy_callback, pe)',
            source: at(1760, 'start_copy'),
            ...pe.submit,
            effects: [inc(inflight), ...(pe.submit.effects ?? [])],
          });
      });
    });

    b.process('kcopyd', {}, (k) => kcopydCompletion(k, {
      copiesIn, copies,
      job: () => k.local('job', 0, { max: copies }),
      callback: { action: 'copy_callback: copy done, complete_exception -> pending_complete', source: at(1691, 'copy_callback') },
      completeLabel: 'retry_down_read',
    }, (finish) => retryOriginBios(k, {
      origins, biosDone,
      retryDownRead: { action: 'retry_origin_bios -> do_origin: down_read(&_origins_lock)', source: at(1543, 'retry_origin_bios'), required: true },
      retryUpRead: { action: 'do_origin: __origin_write remaps the bio (chunk copied); up_read(&_origins_lock)', source: at(2499, 'do_origin') },
    }, finish), {
      label: 'up_cow',
      add: () => k.step('up_cow', {
        action: 'copy_callback: up(&s->cow_count)',
        source: at(1735, 'copy_callback'),
        op: cowCount.up(),
        effects: [dec(inflight)],
        goto: 'copy_callback',
      }),
    }));

    addOriginsLockWriters(b, origins, p.ctrs, {
      commit: COMMIT, registerDownWrite: 559, registerUpWrite: 584,
      dtrDownRead: 1471, dtrUpRead: 1480, unregisterDownWrite: 608, unregisterUpWrite: 617,
    });
    b.always(`in-flight copies <= cow_threshold${T === 0 ? ' (unlimited)' : ''}`, or(eq(T, 0), le(inflight, T)));
    requireAllBiosComplete(b, biosDone, W, B);
    return b.build();
  },
});
