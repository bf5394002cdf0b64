/**
 * Nikos Tsironis's fix (dm-devel, 2019-10-01, "[PATCH 1/1] dm snapshot: Fix
 * bug in COW throttling mechanism causing deadlocks"), the alternative to
 * b21555786f18 that was not merged: keep the semaphore of 721b1d98fb51, but
 * let pending_complete hand the origin bios to a per-snapshot workqueue
 * (issue_origin_bios: bio_list_merge + queue_work), whose worker
 * (process_deferred_bios) retries them through do_origin. kcopyd never takes
 * `_origins_lock`, so it always reaches the up() at the end of copy_callback.
 *
 * Lines: the patch's post-image of dm-snap.c, blob d701fe53bc96, applied to
 * f150f5c5492b (v5.3.1's dm-snap.c); line numbers follow from the hunk
 * headers of the mail.
 *
 * The work item: queue_work of a pending work is a no-op and the worker takes
 * every deferred bio at once, then calls do_origin for each in turn. Here each
 * completed pe queues one entry and the worker retries them one at a time;
 * the worker's lock traffic (one down_read/up_read per bio) is the same.
 * WQ_MEM_RECLAIM (a rescuer thread) matters only under memory pressure,
 * which is abstracted away.
 */
import { defineModel } from '../../src/model/definition.js';
import { inc } from '../../src/model/expr.js';
import { addOriginsLockWriters, bioRemapped, kcopydCompletion, requireAllBiosComplete } from './common.js';
import { semaphoreDesign, semaphoreParams } from './semaphore-writers.js';

const COMMIT = 'd701fe53bc96';

export default defineModel({
  name: 'dm-snapshot/workqueue-retry',
  description: 'the semaphore kept, origin bios retried from a per-snapshot workqueue (Tsironis, dm-devel 2019-10-01): the unmerged alternative fix',
  params: semaphoreParams,
  build(p) {
    const { b, copies, biosDone, origins, copiesIn, at, semaphoreUp, requireBound, loop } = semaphoreDesign('dm-snapshot/workqueue-retry', p, {
      commit: COMMIT, downRead: 2576, upRead: 2580, insertPe: 2512, down: 1840, copy: 1841, up: 1816,
    });
    const anyOrder = copiesIn.order === 'any';
    const deferred = b.jobQueue('deferred_origin_bios', { capacity: copies, jobName: 'bios', payloadName: anyOrder ? 'exception' : 'chunk', payloadMax: copies - 1 });

    b.process('kcopyd', {}, (k) => {
      const job = anyOrder ? undefined : k.local('job', 0, { max: copies });
      kcopydCompletion(k, {
        copiesIn, copies,
        job: () => job!,
        callback: { action: 'copy_callback: copy done, complete_exception -> pending_complete', source: at(1772, 'copy_callback') },
        completeLabel: 'issue',
      }, (finish) => k.step('issue', {
        action: 'pending_complete: issue_origin_bios: bio_list_merge(&s->deferred_origin_bios); queue_work(s->wq)',
        source: at(1754, 'pending_complete'),
        // The pe being completed: kcopyd's job, or the next exception in sequence.
        op: deferred.submit(copiesIn.order === 'any' ? copiesIn.completeSeq : job!),
        effects: [...finish.effects],
        goto: finish.goto,
        required: true,
      }), semaphoreUp(k));
    });

    b.process('kworker', {}, (q) => { const bios = q.local('bios', 0, { max: copies }); return q
      .step('process_deferred_bios', {
        action: 'process_deferred_bios: bio_list_get(&s->deferred_origin_bios)',
        source: at(1582, 'process_deferred_bios'),
        op: deferred.take(bios),
        validEnd: true,
      })
      .step('retry_down_read', {
        action: 'retry_origin_bios -> do_origin: down_read(&_origins_lock)',
        source: at(1568, 'retry_origin_bios'),
        op: origins.downRead(),
        required: true,
      })
      .step('retry_up_read', {
        action: 'do_origin: __origin_write remaps the bio (chunk copied); up_read(&_origins_lock)',
        source: at(2580, 'do_origin'),
        op: origins.upRead(),
        effects: bioRemapped(biosDone, loop, bios, p.bios),
        goto: 'process_deferred_bios',
      }); });

    addOriginsLockWriters(b, origins, p, {
      commit: COMMIT, registerDownWrite: 562, registerUpWrite: 587,
      dtrDownRead: 1494, dtrUpRead: 1503, unregisterDownWrite: 611, unregisterUpWrite: 620,
    }, loop);
    requireBound();
    requireAllBiosComplete(b, biosDone, p.writers, p.bios, loop, p['ctr-rounds']);
    return b.build();
  },
});
