/**
 * Spinlock: a task that cannot take it busy-waits without sleeping or
 * queueing, so in the model the lock step is simply not enabled while another
 * task holds it. There is no fairness order among spinners (qspinlock is
 * FIFO, but spinners hold nothing else the model tracks). Only the holder may
 * unlock.
 *
 * Slots: [holder pid+1].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { PrimitiveMisuse, type PrimitiveContext, type PrimitiveRuntime } from './primitive.js';

export function createSpinlock(
  decl: Extract<PrimitiveDecl, { kind: 'spinlock' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const HOLDER = ctx.base;
  const holders = (s: Int32Array) => (s[HOLDER] !== 0 ? [{ pid: s[HOLDER] - 1, mode: 'held' }] : []);
  return {
    decl,
    slotCount: 1,
    slotRanges: [[0, ctx.processCount]],
    slotKinds: ['pid1'],
    init() {},
    ops: {
      lock: {
        kind: 'guarded',
        enabled(s, pid) {
          if (s[HOLDER] === pid + 1) throw new PrimitiveMisuse(`spin_lock(&${decl.name}) by its holder: self-deadlock`);
          return s[HOLDER] === 0;
        },
        apply(s, pid) { s[HOLDER] = pid + 1; return 0; },
      },
      unlock: {
        kind: 'apply',
        apply(s, pid) {
          if (s[HOLDER] !== pid + 1) throw new PrimitiveMisuse(`spin_unlock(&${decl.name}) by a task that does not hold it`);
          s[HOLDER] = 0;
          return 0;
        },
      },
    },
    queries: {},
    releaseOps: ['unlock'],
    holders,
    queue: () => [],
    waitInfo(s) {
      return { primitive: decl.name, mode: 'lock', holders: holders(s), queuedAhead: [], needsRelease: false };
    },
    describe(s, name) {
      return s[HOLDER] !== 0 ? `held by ${name(s[HOLDER] - 1)}` : 'free';
    },
  };
}
