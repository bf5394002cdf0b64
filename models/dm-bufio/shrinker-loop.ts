/**
 * dm-bufio's shrinker against a loop device under the dm device: reclaim
 * takes the bufio client's mutex (c->lock) and waits for a buffer write to
 * finish; the write is served by the loop device's worker thread, whose
 * write to the backing file allocates page-cache memory, and that allocation
 * may enter direct reclaim, the dm-bufio shrinker and c->lock.
 *
 * Designs:
 * - bug (v5.2.1): dm_bufio_shrink_scan takes c->lock with mutex_lock when the
 *   allocation may do FS I/O (__GFP_FS), else trylocks; the loop worker
 *   allocates with GFP_KERNEL. kswapd holds c->lock waiting for B_WRITING; the
 *   loop worker, which would clear it, sleeps on c->lock.
 * - trylock (bd293d071ffe, "dm bufio: fix deadlock with loop device"): the
 *   shrinker always trylocks. Reverted by cf3591ef8329 because it "doesn't
 *   really prevent the deadlock": the reported kswapd hung in bit_wait_io, not
 *   on the mutex, and a trylock that succeeds still waits for a write only
 *   the loop worker can finish, which is the loop worker itself when it is the
 *   one reclaiming.
 * - noio (d0a255e795ab, "loop: set PF_MEMALLOC_NOIO for the worker thread",
 *   v5.3.1): the worker's allocations drop __GFP_IO and __GFP_FS, so its
 *   shrinker pass trylocks and __try_evict_buffer skips buffers being read,
 *   written or dirty: it never waits for I/O.
 *
 * Processes: a dm target flushing its metadata (dm_bufio_write_dirty_buffers_async:
 * under c->lock mark the dirty buffer B_WRITING, unlock, submit), kswapd (one
 * shrinker pass with GFP_KERNEL), and the loop worker (serves each write; its
 * allocation may or may not enter reclaim: a choice). One buffer, dirty at
 * the start; nobody dirties it again.
 *
 * Abstracted: the LRU lists and nr_to_scan (one buffer), hold counts (nobody
 * holds the buffer), B_READING (no reads), the block layer between
 * submit_io and the loop worker's queue (a FIFO job queue, the kthread
 * worker), the page cache beyond "this allocation may enter reclaim".
 */
import { defineModel, enumParam } from '../../src/model/definition.js';
import { and, eq, not, set } from '../../src/model/expr.js';
import { ModelBuilder, type LocalRef, type ProcessBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

const BUFIO = 'drivers/md/dm-bufio.c';
const LOOP = 'drivers/block/loop.c';

export default defineModel({
  name: 'dm-bufio/shrinker-loop',
  description: 'dm-bufio shrinker waiting for a write served by the loop worker, whose allocation enters that shrinker (bd293d071ffe, cf3591ef8329, d0a255e795ab)',
  params: {
    design: enumParam(['bug', 'trylock', 'noio'], 'bug', 'bug: v5.2.1; trylock: bd293d071ffe (reverted); noio: d0a255e795ab (v5.3.1)'),
  },
  build(p) {
    const bufioCommit = p.design === 'noio' ? 'v5.3.1' : 'v5.2.1';
    const bufio = sourceIn(BUFIO, bufioCommit);
    const loop = sourceIn(LOOP, p.design === 'noio' ? 'v5.3.1' : 'v5.2.1');
    const b = new ModelBuilder(`dm-bufio/shrinker-loop[${p.design}]`);

    const dirty = b.var('B_DIRTY', 1, { max: 1 });
    const writing = b.var('B_WRITING', 0, { max: 1 });
    const lock = b.mutex('c_lock');
    const bitWait = b.waitQueue('bit_wait_B_WRITING');
    const ioQueue = b.jobQueue('lo_worker', { capacity: 1, jobName: 'write', payloadName: 'buffer', payloadMax: 0 });

    /** wait_on_bit_io(&b->state, B_WRITING): test, then the prepare/test/io_schedule loop. */
    const waitOnBit = (w: ProcessBuilder, label: string, then: string) => {
      w.choice(label, [
        { name: 'clear', action: '__make_buffer_clean: wait_on_bit_io(B_WRITING): bit clear', source: bufio(731, '__make_buffer_clean'), guard: not(writing), goto: then },
        { name: 'set', action: '__make_buffer_clean: wait_on_bit_io(B_WRITING): prepare_to_wait', source: bufio(731, '__make_buffer_clean'), guard: writing, op: bitWait.prepareToWait(), goto: `${label}_test` },
      ])
        .choice(`${label}_test`, [
          { name: 'cleared', action: 'bit_wait_io: B_WRITING cleared: finish_wait', source: bufio(731, '__make_buffer_clean'), guard: not(writing), op: bitWait.finishWait(), goto: then },
          { name: 'still', action: 'bit_wait_io: B_WRITING still set', source: bufio(731, '__make_buffer_clean'), guard: writing, goto: `${label}_sleep` },
        ])
        .step(`${label}_sleep`, { action: 'bit_wait_io: io_schedule()', source: bufio(731, '__make_buffer_clean'), op: bitWait.schedule(), goto: `${label}_test` });
    };

    /**
     * One dm_bufio_shrink_scan pass: take c->lock (mutex_lock with __GFP_FS,
     * trylock without, or always trylock in bd293d071ffe), then
     * __try_evict_buffer: with __GFP_FS it cleans the buffer (writing it if
     * dirty and waiting for B_WRITING); without, it skips a dirty or
     * writing buffer. `done` is where the pass returns to.
     */
    const shrinkScan = (w: ProcessBuilder, who: string, fs: boolean, taken: LocalRef | undefined, done: string) => {
      const tryOnly = p.design === 'trylock' || !fs;
      if (tryOnly) {
        w.step(`${who}_trylock`, {
          action: p.design === 'trylock' ? 'dm_bufio_shrink_scan: if (!dm_bufio_trylock(c)) (bd293d071ffe: always)' : 'dm_bufio_shrink_scan: no __GFP_FS: dm_bufio_trylock(c)',
          source: bufio(p.design === 'trylock' ? 1602 : 1604, 'dm_bufio_shrink_scan'),
          op: lock.trylock(taken!),
        })
          .choice(`${who}_taken`, [
            { name: 'no', action: 'dm_bufio_shrink_scan: trylock failed: return SHRINK_STOP', source: bufio(1605, 'dm_bufio_shrink_scan'), guard: eq(taken!, 0), goto: done },
            { name: 'yes', action: 'dm_bufio_shrink_scan: trylock taken', source: bufio(1604, 'dm_bufio_shrink_scan'), guard: eq(taken!, 1), goto: `${who}_evict`, required: who === 'worker' },
          ]);
      } else {
        w.step(`${who}_lock`, { action: `${who === 'kswapd' ? 'kswapd -> shrink_slab -> ' : ''}dm_bufio_shrink_scan: __GFP_FS: dm_bufio_lock(c) -> mutex_lock_nested(&c->lock)`, source: bufio(1603, 'dm_bufio_shrink_scan'), op: lock.lock() });
      }
      if (fs) {
        w.choice(`${who}_evict`, [
          {
            name: 'write',
            action: '__scan -> __try_evict_buffer -> __make_buffer_clean -> __write_dirty_buffer: clear B_DIRTY, set B_WRITING, submit_io',
            source: bufio(698, '__write_dirty_buffer'),
            guard: dirty,
            op: ioQueue.submit(0),
            effects: [set(dirty, 0), set(writing, 1)],
            goto: `${who}_wait`,
          },
          { name: 'clean', action: '__scan -> __try_evict_buffer -> __make_buffer_clean: not dirty', source: bufio(730, '__make_buffer_clean'), guard: not(dirty), goto: `${who}_wait` },
        ]);
        waitOnBit(w, `${who}_wait`, `${who}_unlock`);
      } else {
        w.step(`${who}_evict`, {
          action: '__scan -> __try_evict_buffer: no __GFP_FS: reading, writing or dirty: return false; else free it',
          source: bufio(1546, '__try_evict_buffer'),
        });
      }
      w.step(`${who}_unlock`, { action: 'dm_bufio_shrink_scan: dm_bufio_unlock(c)', source: bufio(1608, 'dm_bufio_shrink_scan'), op: lock.unlock(), goto: done });
    };

    b.process('dm_target', {}, (t) => t
      .step('lock', { action: 'dm_bufio_write_dirty_buffers_async: dm_bufio_lock(c)', source: bufio(1239, 'dm_bufio_write_dirty_buffers_async'), op: lock.lock() })
      .choice('mark', [
        { name: 'dirty', action: '__write_dirty_buffers_async -> __write_dirty_buffer: clear B_DIRTY, set B_WRITING, onto the write list', source: bufio(692, '__write_dirty_buffer'), guard: and(dirty, not(writing)), effects: [set(dirty, 0), set(writing, 1)], goto: 'unlock_submit' },
        { name: 'clean', action: '__write_dirty_buffers_async: nothing dirty', source: bufio(1240, 'dm_bufio_write_dirty_buffers_async'), guard: not(and(dirty, not(writing))), goto: 'unlock' },
      ])
      .step('unlock_submit', { action: 'dm_bufio_write_dirty_buffers_async: dm_bufio_unlock(c)', source: bufio(1241, 'dm_bufio_write_dirty_buffers_async'), op: lock.unlock() })
      .step('submit', { action: '__flush_write_list: submit_io(b, REQ_OP_WRITE, write_endio)', source: bufio(1242, 'dm_bufio_write_dirty_buffers_async'), op: ioQueue.submit(0), goto: 'end' })
      .step('unlock', { action: 'dm_bufio_write_dirty_buffers_async: dm_bufio_unlock(c)', source: bufio(1241, 'dm_bufio_write_dirty_buffers_async'), op: lock.unlock(), goto: 'end' }));

    b.process('kswapd', {}, (k) => {
      const taken = p.design === 'trylock' ? k.local('taken', 0, { max: 1 }) : undefined;
      shrinkScan(k, 'kswapd', true, taken, 'end');
    });

    b.process('loop_worker', {}, (w) => {
      const noio = p.design === 'noio';
      const taken = p.design !== 'bug' ? w.local('taken', 0, { max: 1 }) : undefined;
      const job = w.local('buffer', 0, { max: 0 });
      w.step('take', {
        action: noio ? 'loop_kthread_worker_fn (PF_MEMALLOC_NOIO) -> kthread_worker_fn: next queued write' : 'loop_kthread_worker_fn -> kthread_worker_fn: next queued write',
        source: loop(noio ? 888 : 896, 'loop_kthread_worker_fn'),
        op: ioQueue.take(job),
        validEnd: true,
      })
        .choice('alloc', [
          { name: 'enough-memory', action: 'lo_write_bvec -> vfs_iter_write: page-cache allocation succeeds without reclaim', source: loop(noio ? 275 : 283, 'lo_write_bvec'), goto: 'endio' },
          {
            name: 'reclaim',
            action: noio ? 'lo_write_bvec -> vfs_iter_write: allocation enters direct reclaim (GFP_NOIO) -> shrink_slab -> dm_bufio_shrink_scan'
              : 'lo_write_bvec -> vfs_iter_write: allocation enters direct reclaim (GFP_KERNEL) -> shrink_slab -> dm_bufio_shrink_scan',
            source: loop(noio ? 275 : 283, 'lo_write_bvec'),
            goto: p.design === 'bug' ? 'worker_lock' : 'worker_trylock',
            required: true,
          },
        ]);
      shrinkScan(w, 'worker', !noio, taken, 'endio');
      w.step('endio', {
        action: 'write done -> write_endio: clear_bit(B_WRITING); wake_up_bit(B_WRITING)',
        source: bufio(673, 'write_endio'),
        op: bitWait.wakeUp(),
        effects: [set(writing, 0)],
        goto: 'take',
      });
    });

    b.atEnd('the buffer is written back', and(not(dirty), not(writing)));
    return b.build();
  },
});
