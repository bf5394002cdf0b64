/**
 * Counting semaphore, as in Linux kernel/locking/semaphore.c.
 * - down (L53): if count > 0, take a unit; otherwise queue FIFO (L209) and
 *   sleep uninterruptibly.
 * - up (L178): if nobody waits, count++; otherwise `__up` (L255) hands the
 *   unit straight to the first waiter, so a later down() cannot overtake it.
 * - No owner (L175): any task may up(). That is why lockdep cannot see the
 *   dm-snapshot cycle: the unit a writer waits for is released by kcopyd.
 *
 * Slots: [count, queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveRuntime } from './primitive.js';
import { WaiterQueue } from './waiter-queue.js';

export function createSemaphore(
  decl: Extract<PrimitiveDecl, { kind: 'semaphore' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const COUNT = ctx.base;
  const q = new WaiterQueue(ctx.base + 1, ctx.processCount);
  const max = decl.max ?? Math.max(decl.initial, ctx.processCount);
  return {
    decl,
    slotCount: 1 + q.slotCount,
    slotRanges: [[0, max], ...q.slotRanges],
    slotKinds: ['value', ...q.slotKinds],
    init(s) { s[COUNT] = decl.initial; },
    ops: {
      down: {
        kind: 'blocking',
        tryAcquire(s) {
          if (s[COUNT] <= 0) return false;
          s[COUNT]--;
          return true;
        },
        block(s, pid) { q.push(s, pid, 0); },
      },
      up: {
        kind: 'apply',
        apply(s) {
          if (q.length(s) > 0) {
            const pid = q.pid(s, 0);
            q.removeAt(s, 0);
            grant(s, ctx, pid);
          } else {
            if (s[COUNT] >= max) throw new PrimitiveMisuse(`up(&${decl.name}) raises the count above its declared maximum ${max}`);
            s[COUNT]++;
          }
          return 0;
        },
      },
    },
    queries: { count: (s) => s[COUNT] },
    releaseOps: ['up'],
    holders: () => [],
    queue: (s) => q.entries(s).map((e) => ({ pid: e.pid, mode: 'down' })),
    waitInfo(s, pid) {
      const at = q.indexOf(s, pid);
      return {
        primitive: decl.name,
        mode: 'down',
        holders: [],
        queuedAhead: q.entries(s).slice(0, Math.max(0, at)).map((e) => ({ pid: e.pid, mode: 'down' })),
        needsRelease: true,
      };
    },
    describe(s, name) {
      const queued = q.entries(s);
      return `count ${s[COUNT]}${queued.length > 0 ? `, queue [${queued.map((e) => name(e.pid)).join(', ')}]` : ''}`;
    },
  };
}
