/**
 * Sleeping mutex (kernel/locking/mutex.c), modelled as FIFO hand-off: the
 * unlocker passes ownership to the first waiter. Optimistic spinning is
 * abstracted away, as for rw_semaphore. Only the owner may unlock.
 *
 * Slots: [owner pid+1, queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveRuntime } from './primitive.js';
import { WaiterQueue } from './waiter-queue.js';

export function createMutex(
  decl: Extract<PrimitiveDecl, { kind: 'mutex' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const OWNER = ctx.base;
  const q = new WaiterQueue(ctx.base + 1, ctx.processCount);
  const holders = (s: Int32Array) => (s[OWNER] !== 0 ? [{ pid: s[OWNER] - 1, mode: 'held' }] : []);
  return {
    decl,
    slotCount: 1 + q.slotCount,
    slotRanges: [[0, ctx.processCount], ...q.slotRanges],
    slotKinds: ['pid1', ...q.slotKinds],
    init() {},
    ops: {
      lock: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (s[OWNER] === pid + 1) throw new PrimitiveMisuse(`mutex_lock(&${decl.name}) by its owner: self-deadlock`);
          if (s[OWNER] !== 0) return false;
          s[OWNER] = pid + 1;
          return true;
        },
        block(s, pid) { q.push(s, pid, 0); },
      },
      unlock: {
        kind: 'apply',
        apply(s, pid) {
          if (s[OWNER] !== pid + 1) throw new PrimitiveMisuse(`mutex_unlock(&${decl.name}) by a task that does not own it`);
          if (q.length(s) > 0) {
            const next = q.pid(s, 0);
            q.removeAt(s, 0);
            s[OWNER] = next + 1;
            grant(s, ctx, next);
          } else s[OWNER] = 0;
          return 0;
        },
      },
    },
    queries: {},
    releaseOps: ['unlock'],
    holders,
    queue: (s) => q.entries(s).map((e) => ({ pid: e.pid, mode: 'lock' })),
    waitInfo(s, pid) {
      const at = q.indexOf(s, pid);
      return {
        primitive: decl.name,
        mode: 'lock',
        holders: holders(s),
        queuedAhead: q.entries(s).slice(0, Math.max(0, at)).map((e) => ({ pid: e.pid, mode: 'lock' })),
        needsRelease: false,
      };
    },
    describe(s, name) {
      const queued = q.entries(s);
      const owner = s[OWNER] !== 0 ? `owner ${name(s[OWNER] - 1)}` : 'free';
      return `${owner}${queued.length > 0 ? `, queue [${queued.map((e) => name(e.pid)).join(', ')}]` : ''}`;
    },
  };
}
