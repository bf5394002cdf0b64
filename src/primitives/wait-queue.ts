/**
 * Wait queue with the kernel's lost-wake-up-safe sleep protocol
 * (include/linux/wait.h, kernel/sched/wait.c):
 * 1. prepareToWait: `__add_wait_queue` + `set_current_state(TASK_UNINTERRUPTIBLE)`,
 *    done under the queue's spinlock together with the re-check of the condition;
 * 2. the lock is dropped;
 * 3. schedule: sleeps only if still TASK_UNINTERRUPTIBLE; a wake-up that came
 *    between 1 and 3 left the task runnable, so it returns at once;
 * 4. finishWait: `remove_wait_queue`, TASK_RUNNING.
 * wakeAll is `wake_up_locked`: nr_exclusive = 1 limits only exclusive
 * entries (wait.c L96) and DECLARE_WAITQUEUE entries are not exclusive, so
 * every waiter is woken. It does not remove waiters from the queue.
 *
 * Whether the protocol is used correctly (re-check and join under one lock) is
 * the model's business: a model that checks outside the lock can lose wake-ups,
 * and the checker will find it.
 *
 * Slots: [members bitmask, sleeping bitmask].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { bitsOf, grant, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, maskType, unknownOp, unknownQuery, type PrimitiveCode, type PromelaContext } from './promela-code.js';

export function createWaitQueue(
  decl: Extract<PrimitiveDecl, { kind: 'waitqueue' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const MEMBERS = ctx.base;
  const SLEEPING = ctx.base + 1;
  const blockedHere = ctx.id + 1;
  return {
    decl,
    slotCount: 2,
    slotRanges: [[0, 2 ** ctx.processCount - 1], [0, 2 ** ctx.processCount - 1]],
    slotKinds: ['mask', 'mask'],
    init() {},
    ops: {
      prepareToWait: {
        kind: 'apply',
        apply(s, pid) {
          s[MEMBERS] |= 1 << pid;
          s[SLEEPING] |= 1 << pid;
          return 0;
        },
      },
      schedule: {
        kind: 'blocking',
        tryAcquire: (s, pid) => (s[SLEEPING] & (1 << pid)) === 0,
        block() {},
      },
      finishWait: {
        kind: 'apply',
        apply(s, pid) {
          s[MEMBERS] &= ~(1 << pid);
          s[SLEEPING] &= ~(1 << pid);
          return 0;
        },
      },
      wakeAll: {
        kind: 'apply',
        apply(s) {
          const sleeping = s[SLEEPING] & s[MEMBERS];
          for (const pid of bitsOf(sleeping)) {
            s[SLEEPING] &= ~(1 << pid);
            if (s[ctx.waitSlot[pid]] === blockedHere) grant(s, ctx, pid);
          }
          return 0;
        },
      },
    },
    queries: { active: (s) => (s[MEMBERS] !== 0 ? 1 : 0) },
    releaseOps: ['wakeAll'],
    holders: () => [],
    queue: (s) => bitsOf(s[MEMBERS]).map((pid) => ({ pid, mode: (s[SLEEPING] >> pid) & 1 ? 'sleeping' : 'woken' })),
    waitInfo() {
      return { primitive: decl.name, mode: 'wake-up', holders: [], queuedAhead: [], needsRelease: true };
    },
    describe(s, name) {
      const members = bitsOf(s[MEMBERS]);
      if (members.length === 0) return 'empty';
      return `[${members.map((p) => `${name(p)}${(s[SLEEPING] >> p) & 1 ? ' (asleep)' : ' (woken)'}`).join(', ')}]`;
    },
  };
}

type WaitQueueDecl = Extract<PrimitiveDecl, { kind: 'waitqueue' }>;

export const waitQueueModule: PrimitiveModule<WaitQueueDecl> = {
  kind: 'waitqueue',
  title: 'wait queue',
  create: createWaitQueue,
  kernelNames: { prepareToWait: 'prepare_to_wait', schedule: 'schedule', finishWait: 'finish_wait', wakeAll: 'wake_up_locked' },
  // Waking everyone twice, in either order, leaves everyone woken.
  commuting: [['wakeAll', 'wakeAll']],
  sliceRoles: { prepareToWait: 'sleep-prepare', schedule: 'sleep', finishWait: 'sleep-end' },
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: { sees: false, why: 'a sleep on a wait queue ended by another task\'s wake-up is not a lock: prepare_to_wait/schedule carry no lockdep annotation (kernel/sched/wait.c v6.12)' },
    dept: { sees: true, why: 'DEPT annotates the wait of wait_event/prepare_to_wait and the event of wake_up (DEPT v19 "dept: apply sdt to wait(waitqueue)")' },
    hungTask: { sees: true, why: 'the waiter sleeps in TASK_UNINTERRUPTIBLE, which check_hung_task (kernel/hung_task.c) reports after hung_task_timeout_secs' },
  },
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: () => ({}),
  lockdepBlindSpot: (decl) => `the edge through ${decl.name} is a sleep on a wait queue, ended by another task's wake-up, which lockdep does not track as a lock dependency.`,
  handOffLabel: (decl) => `wake-up on ${decl.name}`,
  promelaSuffixes: ['_members', '_sleeping', '_wake_all'],
  promela: waitQueueCode,
};

function waitQueueCode(decl: Extract<PrimitiveDecl, { kind: 'waitqueue' }>, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [M, S] = [`${n}_members`, `${n}_sleeping`];
  const mask = maskType(ctx.processCount);
  return {
    decl,
    title: 'wait queue: prepare_to_wait joins and marks TASK_UNINTERRUPTIBLE; schedule sleeps only if still marked; wake_up_locked wakes every waiter',
    vars: [
      `${mask} ${M} = 0;  ${comment('bit p set: process p is on the queue')}`,
      `${mask} ${S} = 0;  ${comment('bit p set: process p is still marked TASK_UNINTERRUPTIBLE (not yet woken)')}`,
    ],
    inlines: [[
      `inline ${n}_wake_all() {`,
      '  i_ = 0;',
      '  do',
      `  :: i_ < NPROC ->`,
      '     if',
      `     :: (${S} & ${M} & (1 << i_)) != 0 ->`,
      `        ${S} = ${S} & ~(1 << i_);`,
      '        if',
      `        :: wait[i_] == ${ctx.id + 1} -> wait[i_] = -1`,
      '        :: else -> skip',
      '        fi',
      '     :: else -> skip',
      '     fi;',
      '     i_++',
      '  :: else -> break',
      '  od;',
      '  i_ = 0',
      '}',
    ].join('\n')],
    op(op, p) {
      const bit = `(1 << ${p})`;
      switch (op) {
        case 'prepareToWait': return { kind: 'apply', apply: [`${M} = ${M} | ${bit}`, `${S} = ${S} | ${bit}`] };
        case 'schedule': return { kind: 'blocking', canAcquire: `(${S} & ${bit}) == 0`, acquire: [], block: [] };
        case 'finishWait': return { kind: 'apply', apply: [`${M} = ${M} & ~${bit}`, `${S} = ${S} & ~${bit}`] };
        case 'wakeAll': return { kind: 'apply', apply: [`${n}_wake_all()`] };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) {
      if (q === 'active') return `(${M} != 0)`;
      throw unknownQuery(decl, q);
    },
  };
}
