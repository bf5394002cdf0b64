/**
 * Counting semaphore, as in Linux kernel/locking/semaphore.c.
 * - down: if count > 0, take a unit; otherwise queue FIFO and
 *   sleep uninterruptibly.
 * - up: if nobody waits, count++; otherwise `__up` hands the
 *   unit straight to the first waiter, so a later down() cannot overtake it.
 * - No owner: any task may up(). That is why lockdep cannot see the
 *   dm-snapshot cycle: the unit a writer waits for is released by kcopyd.
 *
 * Slots: [count, queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, intType, removeInline, unknownOp, unknownQuery, waiterQueueVars, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { WaiterQueue } from './waiter-queue.js';
import { DEPT_SERIES } from './sleep-state.js';

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
      // down_trylock (kernel/locking/semaphore.c:130 at v5.11): returns 0 when it took a unit, 1 when none was free (the kernel's convention).
      downTrylock: {
        kind: 'apply',
        apply(s) {
          if (s[COUNT] <= 0) return 1;
          s[COUNT]--;
          return 0;
        },
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
        awaited: `a unit on ${decl.name}`,
      };
    },
    describe(s, name) {
      const queued = q.entries(s);
      return `count ${s[COUNT]}${queued.length > 0 ? `, queue [${queued.map((e) => name(e.pid)).join(', ')}]` : ''}`;
    },
  };
}

type SemaphoreDecl = Extract<PrimitiveDecl, { kind: 'semaphore' }>;

export const semaphoreModule: PrimitiveModule<SemaphoreDecl> = {
  kind: 'semaphore',
  title: 'counting semaphore',
  create: createSemaphore,
  kernelNames: { down: 'down', up: 'up', downTrylock: 'down_trylock' },
  // Two ups: either order serves the first two sleepers (or counts both units), the same state.
  commuting: [['up', 'up']],
  sliceRoles: { down: 'unit-take', up: 'unit-give' },
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: { sees: false, why: 'struct semaphore has no lockdep_map (include/linux/semaphore.h:15-19 at v5.11: lock, count, wait_list): down() and up() are invisible to lockdep, and up() may come from any task' },
    dept: { sees: false, why: `${DEPT_SERIES} touches neither kernel/locking/semaphore.c nor include/linux/semaphore.h (its diffstat), so down() is no wait to it` },
  },
  // __down: __down_common(sem, TASK_UNINTERRUPTIBLE, ...), kernel/locking/semaphore.c:235-237 at v5.11; down_killable :101, down_interruptible :75.
  sleepStates: { down: 'uninterruptible' },
  sleepVariants: ['down'],
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: (decl, rt, s) => ({ tokens: { available: rt.queries.count(s), initial: decl.initial } }),
  lockdepBlindSpot: (decl, releasers) =>
    `${decl.name} is a counting semaphore, which lockdep does not track; ` +
    `its up() comes from another task (${releasers.join(', ') || 'none'}), not from the one that did down(), so the edge "waits for ${decl.name}" has no owner to point at.`,
  handOffLabel: (decl) => `hands over ${decl.name}`,
  promelaSuffixes: ['_count', '_qlen', '_q', '_remove'],
  promela: semaphoreCode,
};

function semaphoreCode(decl: Extract<PrimitiveDecl, { kind: 'semaphore' }>, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [C, QL, Q] = [`${n}_count`, `${n}_qlen`, `${n}_q`];
  const max = decl.max ?? Math.max(decl.initial, ctx.processCount);
  return {
    decl,
    title: 'counting semaphore: down takes a unit or queues FIFO; up hands the unit to the first sleeper, else count++',
    vars: [`${intType(0, max)} ${C} = ${decl.initial};  ${comment(`units available, 0..${max}`)}`, ...waiterQueueVars(n, ctx.processCount, '')],
    inlines: [removeInline(n, Q, QL)],
    op(op, p) {
      switch (op) {
        case 'down':
          return { kind: 'blocking', canAcquire: `${C} > 0`, acquire: [`${C}--`], block: [`${Q}[${QL}] = (${p} + 1) * 4`, `${QL}++`] };
        case 'downTrylock':
          return { kind: 'apply', result: `(${C} > 0 -> 0 : 1)`, apply: [`if\n:: ${C} > 0 -> ${C}--\n:: else -> skip\nfi`] };
        case 'up':
          return {
            kind: 'apply',
            apply: [[
              'if',
              `:: ${QL} > 0 ->`,
              `   pid_ = (${Q}[0] >> 2) - 1;`,
              `   ${n}_remove(0);`,
              '   wait[pid_] = -1;',
              '   pid_ = 0',
              `:: else -> assert(${C} < ${max}); ${C}++`,
              'fi',
            ].join('\n')],
          };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) {
      if (q === 'count') return C;
      throw unknownQuery(decl, q);
    },
  };
}
