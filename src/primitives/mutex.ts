/**
 * Sleeping mutex (kernel/locking/mutex.c), modelled as FIFO hand-off: the
 * unlocker passes ownership to the first waiter. Optimistic spinning is
 * abstracted away, as for rw_semaphore. Only the owner may unlock.
 *
 * Slots: [owner pid+1, queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { exclusive, grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, intType, removeInline, unknownOp, unknownQuery, waiterQueueVars, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { WaiterQueue } from './waiter-queue.js';
import { DEPT_SERIES } from './sleep-state.js';

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
      // mutex_trylock (kernel/locking/mutex.c:1410 at v5.11): 1 if it took the free mutex, else 0; never sleeps. Its owner gets 0.
      trylock: {
        kind: 'apply',
        apply(s, pid) {
          if (s[OWNER] !== 0) return 0;
          s[OWNER] = pid + 1;
          return 1;
        },
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

type MutexDecl = Extract<PrimitiveDecl, { kind: 'mutex' }>;

export const mutexModule: PrimitiveModule<MutexDecl> = {
  kind: 'mutex',
  title: 'mutex',
  create: createMutex,
  kernelNames: { lock: 'mutex_lock', unlock: 'mutex_unlock', trylock: 'mutex_trylock' },
  commuting: [],
  sliceRoles: {},
  ...exclusive,
  visibility: {
    lockdep: { sees: true, why: 'mutex_lock is a lockdep acquisition of the mutex\'s dep_map (mutex_acquire_nest in __mutex_lock_common, kernel/locking/mutex.c:956 at v5.11)' },
    dept: { sees: true, why: `${DEPT_SERIES} follows the lockdep annotations ("dept: tie to lockdep and IRQ tracing"), and a blocking lock is a wait to it` },
  },
  // mutex_lock: __mutex_lock(lock, TASK_UNINTERRUPTIBLE, ...); _killable TASK_KILLABLE, _interruptible TASK_INTERRUPTIBLE (kernel/locking/mutex.c:1364/1370/1376 at v5.6.4).
  sleepStates: { lock: 'uninterruptible' },
  sleepVariants: ['lock'],
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: () => ({}),
  handOffLabel: (decl) => `hands over ${decl.name}`,
  promelaSuffixes: ['_owner', '_qlen', '_q', '_remove'],
  promela: mutexCode,
};

function mutexCode(decl: Extract<PrimitiveDecl, { kind: 'mutex' }>, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [O, QL, Q] = [`${n}_owner`, `${n}_qlen`, `${n}_q`];
  return {
    decl,
    title: 'mutex: FIFO hand-off, the unlocker passes ownership to the first sleeper',
    vars: [`${intType(0, ctx.processCount)} ${O} = 0;  ${comment('pid + 1 of the owner, 0 = free')}`, ...waiterQueueVars(n, ctx.processCount, '')],
    inlines: [removeInline(n, Q, QL)],
    op(op, p) {
      switch (op) {
        case 'lock':
          return { kind: 'blocking', misuse: `${O} != ${p} + 1`, canAcquire: `${O} == 0`, acquire: [`${O} = ${p} + 1`], block: [`${Q}[${QL}] = (${p} + 1) * 4`, `${QL}++`] };
        case 'trylock':
          return { kind: 'apply', result: `(${O} == 0 -> 1 : 0)`, apply: [`if\n:: ${O} == 0 -> ${O} = ${p} + 1\n:: else -> skip\nfi`] };
        case 'unlock':
          return {
            kind: 'apply',
            misuse: `${O} == ${p} + 1`,
            apply: [[
              'if',
              `:: ${QL} > 0 ->`,
              `   pid_ = (${Q}[0] >> 2) - 1;`,
              `   ${n}_remove(0);`,
              `   ${O} = pid_ + 1;`,
              '   wait[pid_] = -1;',
              '   pid_ = 0',
              `:: else -> ${O} = 0`,
              'fi',
            ].join('\n')],
          };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) { throw unknownQuery(decl, q); },
  };
}
