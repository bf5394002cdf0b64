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
import { defineModel } from '../../src/model/definition.js';
import type { LocalRef } from '../../src/model/builder.js';
import { addOriginsLockWriters, kcopydCompletion, requireAllBiosComplete, retryOriginBios } from './common.js';
import { semaphoreDesign, semaphoreParams } from './semaphore-writers.js';

export default defineModel({
  name: 'dm-snapshot/semaphore',
  description: 'COW throttled by a semaphore taken under _origins_lock (721b1d98fb51): deadlocks',
  params: semaphoreParams,
  build(p) {
    const { b, copies, biosDone, origins, copiesIn, at, semaphoreUp, requireBound, loop } = semaphoreDesign('dm-snapshot/semaphore', p, {
      commit: 'v5.3.1', downRead: 2495, upRead: 2499, insertPe: 2431, down: 1759, copy: 1760, up: 1735,
    });

    let job: LocalRef | undefined;
    b.process('kcopyd', {}, (k) => kcopydCompletion(k, {
      copiesIn, copies,
      job: () => (job = k.local('job', 0, { max: copies })),
      callback: { action: 'copy_callback: copy done, complete_exception -> pending_complete', source: at(1691, 'copy_callback') },
      completeLabel: 'retry_down_read',
    }, (finish) => retryOriginBios(k, {
      origins, biosDone, loop, chunk: job, bios: p.bios,
      retryDownRead: { action: 'retry_origin_bios -> do_origin: down_read(&_origins_lock)', source: at(1543, 'retry_origin_bios'), required: true },
      retryUpRead: { action: 'do_origin: __origin_write remaps the bio (chunk copied); up_read(&_origins_lock)', source: at(2499, 'do_origin') },
    }, finish), semaphoreUp(k)));

    addOriginsLockWriters(b, origins, p, {
      commit: 'v5.3.1', registerDownWrite: 559, registerUpWrite: 584,
      dtrDownRead: 1471, dtrUpRead: 1480, unregisterDownWrite: 608, unregisterUpWrite: 617,
    }, loop);
    requireBound();
    requireAllBiosComplete(b, biosDone, p.writers, p.bios, loop, p['ctr-rounds']);
    return b.build();
  },
});
