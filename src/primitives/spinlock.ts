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
import { exclusive, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, intType, unknownOp, unknownQuery, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { DEPT_SERIES } from './sleep-state.js';

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
      // spin_trylock (include/linux/spinlock.h:362 at v5.11, do_raw_spin_trylock): 1 if it took the free lock, else 0.
      trylock: {
        kind: 'apply',
        apply(s, pid) {
          if (s[HOLDER] !== 0) return 0;
          s[HOLDER] = pid + 1;
          return 1;
        },
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
    atomicFor: (s, pid) => s[HOLDER] === pid + 1,
    waitInfo(s) {
      return { primitive: decl.name, mode: 'lock', holders: holders(s), queuedAhead: [], needsRelease: false };
    },
    describe(s, name) {
      return s[HOLDER] !== 0 ? `held by ${name(s[HOLDER] - 1)}` : 'free';
    },
  };
}

type SpinlockDecl = Extract<PrimitiveDecl, { kind: 'spinlock' }>;

export const spinlockModule: PrimitiveModule<SpinlockDecl> = {
  kind: 'spinlock',
  title: 'spinlock',
  create: createSpinlock,
  kernelNames: { lock: 'spin_lock', unlock: 'spin_unlock', trylock: 'spin_trylock' },
  commuting: [],
  sliceRoles: {},
  ...exclusive,
  visibility: {
    lockdep: { sees: true, why: 'spin_lock is a lockdep acquisition (spin_acquire in __raw_spin_lock, include/linux/spinlock_api_smp.h:142 at v5.11)' },
    dept: { sees: true, why: `${DEPT_SERIES} follows the lockdep annotations ("dept: tie to lockdep and IRQ tracing")` },
  },
  // A spinner never sleeps: it stays TASK_RUNNING.
  sleepStates: { lock: 'running' },
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: () => ({}),
  handOffLabel: (decl) => `hands over ${decl.name}`,
  promelaSuffixes: ['_holder'],
  promela: spinlockCode,
};

function spinlockCode(decl: Extract<PrimitiveDecl, { kind: 'spinlock' }>, ctx: PromelaContext): PrimitiveCode {
  const H = `${ctx.name}_holder`;
  return {
    decl,
    title: 'spinlock: taking it is simply not executable while another process holds it',
    vars: [`${intType(0, ctx.processCount)} ${H} = 0;  ${comment('pid + 1 of the holder, 0 = free')}`],
    inlines: [],
    atomicFor: (p) => `${H} == ${p} + 1`,
    op(op, p) {
      switch (op) {
        // interleave evaluates "held by me" as a misuse when the step is tried, so that case is executable and fails its assertion.
        case 'lock': return { kind: 'guarded', enabled: `(${H} == 0 || ${H} == ${p} + 1)`, misuse: `${H} != ${p} + 1`, apply: [`${H} = ${p} + 1`] };
        case 'unlock': return { kind: 'apply', misuse: `${H} == ${p} + 1`, apply: [`${H} = 0`] };
        case 'trylock': return { kind: 'apply', result: `(${H} == 0 -> 1 : 0)`, apply: [`if\n:: ${H} == 0 -> ${H} = ${p} + 1\n:: else -> skip\nfi`] };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) { throw unknownQuery(decl, q); },
  };
}
