/**
 * rw_semaphore, as in Linux 5.3 kernel/locking/rwsem.c.
 *
 * writer-fair (the kernel's lock):
 * - down_read takes the lock at once only if no writer holds it and nobody is
 *   queued (fast path fails on WAITERS, rwsem.c L164/L273-279). So **a reader
 *   arriving after a queued writer waits for it**, even while other readers
 *   hold the lock. This is the edge the dm-snapshot deadlock needs.
 * - down_write takes it only if it is free and nobody is queued; otherwise it
 *   queues FIFO at the tail (L1126).
 * - When the lock becomes free (last up_read, L1399, or up_write), the head
 *   of the queue is served (rwsem_mark_wake L397): a writer alone; a reader
 *   together with every other queued reader (up to 256, writers keep their
 *   place), which is what 5.3 does.
 * - Optimistic spinning and the hand-off bit are abstracted away (kernel-brief §3):
 *   they only reorder who gets the lock, never let a reader pass a queued
 *   writer once spinning is disabled.
 *
 * reader-preferring (for contrast, as loom and shuttle implement it): a reader
 * gets the lock whenever no writer holds it, queued writers or not; on release
 * queued readers are served before writers. With this policy the dm-snapshot
 * semaphore design does not deadlock.
 *
 * Slots: [readers bitmask, writer pid+1, queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import {
  bitsOf, grant, PrimitiveMisuse,
  type PrimitiveContext, type PrimitiveRuntime, type QueuedWaiter,
} from './primitive.js';
import { WaiterQueue } from './waiter-queue.js';

const READ = 0;
const WRITE = 1;
const modeName = (tag: number) => (tag === WRITE ? 'write' : 'read');

export function createRwSemaphore(
  decl: Extract<PrimitiveDecl, { kind: 'rwsem' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const READERS = ctx.base;
  const WRITER = ctx.base + 1;
  const q = new WaiterQueue(ctx.base + 2, ctx.processCount);
  const writerFair = decl.policy === 'writer-fair';

  const grantReaders = (s: Int32Array) => {
    for (let i = 0; i < q.length(s); ) {
      if (q.tag(s, i) === READ) {
        const pid = q.pid(s, i);
        s[READERS] |= 1 << pid;
        q.removeAt(s, i);
        grant(s, ctx, pid);
      } else i++;
    }
  };

  const grantWriter = (s: Int32Array, i: number) => {
    const pid = q.pid(s, i);
    s[WRITER] = pid + 1;
    q.removeAt(s, i);
    grant(s, ctx, pid);
  };

  /** Serve waiters after a release. */
  const wake = (s: Int32Array) => {
    if (s[WRITER] !== 0 || q.length(s) === 0) return;
    if (writerFair) {
      if (q.tag(s, 0) === WRITE) {
        if (s[READERS] === 0) grantWriter(s, 0);
      } else grantReaders(s);
    } else {
      grantReaders(s);
      if (s[READERS] === 0) {
        for (let i = 0; i < q.length(s); i++) if (q.tag(s, i) === WRITE) { grantWriter(s, i); break; }
      }
    }
  };

  const holdsRead = (s: Int32Array, pid: number) => (s[READERS] & (1 << pid)) !== 0;

  return {
    decl,
    slotCount: 2 + q.slotCount,
    slotRanges: [[0, 2 ** ctx.processCount - 1], [0, ctx.processCount], ...q.slotRanges],
    slotKinds: ['mask', 'pid1', ...q.slotKinds],
    init() {},
    ops: {
      downRead: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) {
            throw new PrimitiveMisuse(`down_read(&${decl.name}) by a task that already holds it`);
          }
          if (s[WRITER] !== 0 || (writerFair && q.length(s) !== 0)) return false;
          s[READERS] |= 1 << pid;
          return true;
        },
        block(s, pid) { q.push(s, pid, READ); },
      },
      downWrite: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) {
            throw new PrimitiveMisuse(`down_write(&${decl.name}) by a task that already holds it`);
          }
          if (s[WRITER] !== 0 || s[READERS] !== 0 || q.length(s) !== 0) return false;
          s[WRITER] = pid + 1;
          return true;
        },
        block(s, pid) { q.push(s, pid, WRITE); },
      },
      upRead: {
        kind: 'apply',
        apply(s, pid) {
          if (!holdsRead(s, pid)) throw new PrimitiveMisuse(`up_read(&${decl.name}) by a task that does not hold it for read`);
          s[READERS] &= ~(1 << pid);
          if (s[READERS] === 0) wake(s);
          return 0;
        },
      },
      upWrite: {
        kind: 'apply',
        apply(s, pid) {
          if (s[WRITER] !== pid + 1) throw new PrimitiveMisuse(`up_write(&${decl.name}) by a task that does not hold it for write`);
          s[WRITER] = 0;
          wake(s);
          return 0;
        },
      },
    },
    queries: {},
    releaseOps: ['upRead', 'upWrite'],
    holders(s) {
      const out = bitsOf(s[READERS]).map((pid) => ({ pid, mode: 'read' }));
      if (s[WRITER] !== 0) out.push({ pid: s[WRITER] - 1, mode: 'write' });
      return out;
    },
    queue(s) {
      return q.entries(s).map((e) => ({ pid: e.pid, mode: modeName(e.tag) }));
    },
    waitInfo(s, pid, op) {
      const entries = q.entries(s);
      const at = entries.findIndex((e) => e.pid === pid);
      const ahead: QueuedWaiter[] = entries.slice(0, at < 0 ? 0 : at).map((e) => ({ pid: e.pid, mode: modeName(e.tag) }));
      return {
        primitive: decl.name,
        mode: op === 'downWrite' ? 'write' : 'read',
        holders: this.holders(s),
        queuedAhead: ahead,
        needsRelease: false,
      };
    },
    describe(s, name) {
      const parts: string[] = [];
      if (s[WRITER] !== 0) parts.push(`writer ${name(s[WRITER] - 1)}`);
      const readers = bitsOf(s[READERS]);
      if (readers.length > 0) parts.push(`readers {${readers.map(name).join(', ')}}`);
      const queued = q.entries(s);
      if (queued.length > 0) parts.push(`queue [${queued.map((e) => `${name(e.pid)}:${e.tag === WRITE ? 'W' : 'R'}`).join(', ')}]`);
      return parts.length > 0 ? parts.join(', ') : 'free';
    },
  };
}
