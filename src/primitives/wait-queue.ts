/**
 * Wait queue with the kernel's lost-wake-up-safe sleep protocol, exclusive
 * waiters and wake-one, as in Linux v5.4.6 (hxb-gt/linux-5.4.6 @0d474ff0,
 * the tree of the dm-snapshot fix) kernel/sched/wait.c and include/linux/wait.h:
 * 1. prepareToWait: `prepare_to_wait` (wait.c L222-233): clears
 *    WQ_FLAG_EXCLUSIVE, adds the entry at the HEAD (`__add_wait_queue`,
 *    `list_add`, wait.h L167-169) unless it is already queued, and
 *    `set_current_state(TASK_UNINTERRUPTIBLE)`; the model's re-check of the
 *    condition belongs under the same lock;
 *    prepareToWaitExclusive: `prepare_to_wait_exclusive` (wait.c L236-247, and
 *    `add_wait_queue_exclusive` L29-37, `wait_event_exclusive` via
 *    `___wait_event(..., exclusive = 1)`, wait.h L259-265): sets
 *    WQ_FLAG_EXCLUSIVE and adds at the TAIL (`__add_wait_queue_entry_tail`,
 *    `list_add_tail`, wait.h L182-184). So non-exclusive entries precede
 *    exclusive ones, which queue FIFO;
 * 2. the lock is dropped;
 * 3. schedule: sleeps only if still TASK_UNINTERRUPTIBLE; a wake-up that came
 *    between 1 and 3 left the task runnable, so it returns at once;
 * 4. finishWait: `finish_wait` (wait.c L344-367): TASK_RUNNING and
 *    `list_del_init` if still queued.
 * Wake-ups walk the list from the head (`__wake_up_common`, wait.c L66-108):
 * each entry's wake function runs; `try_to_wake_up` returns 0 for a task no
 * longer in TASK_UNINTERRUPTIBLE (kernel/sched/core.c L2553), and the walk
 * stops after the nr_exclusive-th exclusive entry it really woke (L96).
 * - wakeUp: `wake_up` = `__wake_up(x, TASK_NORMAL, 1, NULL)` (wait.h L208),
 *   and wakeUp({ locked: true }) `wake_up_locked` (L211, nr 1, the caller
 *   holds the queue's lock): every non-exclusive sleeper and ONE exclusive
 *   sleeper, the first queued;
 * - wakeAll: `wake_up_all` (wait.h L210, nr_exclusive 0): every sleeper.
 *   Without exclusive entries the two are the same (wake_up_locked's nr = 1
 *   limits only exclusive entries), which is why every model written before
 *   exclusive waiters existed uses wakeAll for its wake_up/wake_up_locked.
 * Every wake op returns how many tasks it woke; 0 is a wake-up that woke
 * nobody, which explanations show as the wake-up a lost wake-up loses.
 *
 * Woken entries: a non-exclusive one stays on the queue until finish_wait
 * (`DECLARE_WAITQUEUE` + `default_wake_function`, as dm-snapshot's
 * wait_for_in_progress); for a `DEFINE_WAIT` entry the only difference is
 * waitqueue_active() seeing it a little longer. An exclusive one is removed
 * by the wake-up itself (`autoremove_wake_function`, wait.c L370-375, the
 * function `init_wait_entry` gives every wait_event_exclusive entry), which
 * matters: the next wake_up picks the next exclusive sleeper, and a woken
 * task that has to wait again re-queues at the tail. So every exclusive
 * entry on the queue is waiting: asleep in schedule(), or queued with its
 * task state set and still running towards it.
 *
 * Not modelled: a task switching one queued entry between exclusive and
 * non-exclusive (prepare_to_wait after prepare_to_wait_exclusive without a
 * finish_wait); the kernel flips the flag in place and that can hide
 * non-exclusive entries behind an exclusive one. It is reported as a misuse.
 *
 * Whether the protocol is used correctly (re-check and join under one lock) is
 * the model's business: a model that checks outside the lock can lose wake-ups,
 * and the checker will find it.
 *
 * Slots: [members bitmask, sleeping bitmask], and when the declaration has
 * exclusive waiters (the builder marks a queue that a step joins with
 * prepareToWaitExclusive), a FIFO of the exclusive entries after them, so
 * queues without exclusive waiters keep their two slots and their state counts.
 */
import type { PrimitiveDecl } from '../model/types.js';
import { bitsOf, grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, maskType, removeInline, unknownOp, unknownQuery, waiterQueueVars, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { WaiterQueue } from './waiter-queue.js';
import { DEPT_SERIES } from './sleep-state.js';

type WaitQueueDecl = Extract<PrimitiveDecl, { kind: 'waitqueue' }>;

export function createWaitQueue(decl: WaitQueueDecl, ctx: PrimitiveContext): PrimitiveRuntime {
  const MEMBERS = ctx.base;
  const SLEEPING = ctx.base + 1;
  const blockedHere = ctx.id + 1;
  const mask: [number, number] = [0, 2 ** ctx.processCount - 1];
  // The exclusive entries in queue order (all still waiting: a wake-up removes them).
  const excl = decl.exclusive ? new WaiterQueue(ctx.base + 2, ctx.processCount) : undefined;
  const exclusiveMask = (s: Int32Array) => {
    let m = 0;
    if (excl) for (let i = 0; i < excl.length(s); i++) m |= 1 << excl.pid(s, i);
    return m;
  };
  const wakeOne = (s: Int32Array, pid: number) => {
    s[SLEEPING] &= ~(1 << pid);
    if (s[ctx.waitSlot[pid]] === blockedHere) grant(s, ctx, pid);
  };
  // autoremove_wake_function: a woken exclusive entry leaves the queue.
  const wakeExclusive = (s: Int32Array, at: number) => {
    const pid = excl!.pid(s, at);
    excl!.removeAt(s, at);
    s[MEMBERS] &= ~(1 << pid);
    wakeOne(s, pid);
  };
  const wakeNonExclusive = (s: Int32Array) => {
    const sleeping = s[SLEEPING] & s[MEMBERS] & ~exclusiveMask(s);
    for (const pid of bitsOf(sleeping)) wakeOne(s, pid);
    return bitsOf(sleeping).length;
  };
  const refuseMix = (s: Int32Array, pid: number, exclusive: boolean) => {
    const queued = (s[MEMBERS] >> pid) & 1;
    const isExcl = (exclusiveMask(s) >> pid) & 1;
    if (queued && isExcl !== (exclusive ? 1 : 0)) {
      throw new PrimitiveMisuse(`${exclusive ? 'prepare_to_wait_exclusive' : 'prepare_to_wait'}(&${decl.name}) by a task already queued there ${isExcl ? 'exclusively' : 'non-exclusively'}: switching an entry's mode in place is not modelled (call finish_wait first)`);
    }
  };
  const wakeUp = {
    kind: 'apply' as const,
    apply(s: Int32Array) {
      let woken = wakeNonExclusive(s);
      if (excl && excl.length(s) > 0) { wakeExclusive(s, 0); woken++; }
      return woken;
    },
  };
  return {
    decl,
    slotCount: 2 + (excl?.slotCount ?? 0),
    slotRanges: [mask, mask, ...(excl?.slotRanges ?? [])],
    slotKinds: ['mask', 'mask', ...(excl?.slotKinds ?? [])],
    init() {},
    ops: {
      prepareToWait: {
        kind: 'apply',
        apply(s, pid) {
          refuseMix(s, pid, false);
          s[MEMBERS] |= 1 << pid;
          s[SLEEPING] |= 1 << pid;
          return 0;
        },
      },
      prepareToWaitExclusive: {
        kind: 'apply',
        apply(s, pid) {
          if (!excl) throw new PrimitiveMisuse(`prepare_to_wait_exclusive(&${decl.name}): the wait queue is not declared with exclusive: true`);
          refuseMix(s, pid, true);
          if (((s[MEMBERS] >> pid) & 1) === 0) excl.push(s, pid, 0);
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
          const at = excl ? excl.indexOf(s, pid) : -1;
          if (at >= 0) excl!.removeAt(s, at);
          s[MEMBERS] &= ~(1 << pid);
          s[SLEEPING] &= ~(1 << pid);
          return 0;
        },
      },
      wakeUp,
      wakeUpLocked: wakeUp,
      wakeAll: {
        kind: 'apply',
        apply(s) {
          let woken = wakeNonExclusive(s);
          while (excl && excl.length(s) > 0) { wakeExclusive(s, 0); woken++; }
          return woken;
        },
      },
    },
    queries: { active: (s) => (s[MEMBERS] !== 0 ? 1 : 0) },
    releaseOps: ['wakeUp', 'wakeUpLocked', 'wakeAll'],
    holders: () => [],
    // In the kernel's list order: non-exclusive entries (at the head), then the exclusive ones.
    queue: (s) => {
      const ex = excl ? excl.entries(s).map((e) => e.pid) : [];
      const mode = (pid: number) => ((s[SLEEPING] >> pid) & 1 ? 'sleeping' : 'woken');
      return [...bitsOf(s[MEMBERS] & ~exclusiveMask(s)), ...ex].map((pid) => ({ pid, mode: mode(pid) }));
    },
    waitInfo() {
      return { primitive: decl.name, mode: 'wake-up', holders: [], queuedAhead: [], needsRelease: true, awaited: `a wake-up on ${decl.name}` };
    },
    describe(s, name) {
      const ex = exclusiveMask(s);
      const entries = [...bitsOf(s[MEMBERS] & ~ex), ...(excl ? excl.entries(s).map((e) => e.pid) : [])];
      if (entries.length === 0) return 'empty';
      // Queued with the task state set is not asleep: only a task blocked in schedule() here is.
      const state = (p: number) => (!((s[SLEEPING] >> p) & 1) ? 'woken' : s[ctx.waitSlot[p]] === blockedHere ? 'asleep' : 'queued, not yet asleep');
      const mark = (p: number) => ` (${state(p)}${(ex >> p) & 1 ? ', exclusive' : ''})`;
      return `[${entries.map((p) => `${name(p)}${mark(p)}`).join(', ')}]`;
    },
  };
}

const WAKE_OPS = ['wakeUp', 'wakeUpLocked', 'wakeAll'] as const;
const OWN_OPS = ['prepareToWait', 'prepareToWaitExclusive', 'schedule', 'finishWait'] as const;

export const waitQueueModule: PrimitiveModule<WaitQueueDecl> = {
  kind: 'waitqueue',
  title: 'wait queue',
  create: createWaitQueue,
  kernelNames: {
    prepareToWait: 'prepare_to_wait', prepareToWaitExclusive: 'prepare_to_wait_exclusive', schedule: 'schedule',
    finishWait: 'finish_wait', wakeUp: 'wake_up', wakeUpLocked: 'wake_up_locked', wakeAll: 'wake_up_all',
  },
  // Wake-ups do not depend on who runs them, so any two, in either order,
  // wake the same sleepers (all of them, or the first exclusive ones in turn).
  // Joining, sleeping and leaving touch only the caller's own bits and entry,
  // except that two exclusive joins queue in the order they run.
  commuting: [
    ...WAKE_OPS.flatMap((a) => WAKE_OPS.map((b) => [a, b] as const)),
    ...OWN_OPS.flatMap((a) => OWN_OPS.filter((b) => a !== 'prepareToWaitExclusive' || b !== a).map((b) => [a, b] as const)),
  ],
  sliceRoles: { prepareToWait: 'sleep-prepare', prepareToWaitExclusive: 'sleep-prepare', schedule: 'sleep', finishWait: 'sleep-end' },
  wakeOps: WAKE_OPS,
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: { sees: false, why: 'a sleep on a wait queue ended by another task\'s wake-up is not a lock: prepare_to_wait()/schedule() carry no lockdep annotation' },
    dept: { sees: false, why: `an open-coded prepare_to_wait()/schedule() loop is not staged as a wait: ${DEPT_SERIES} annotates the wait_event() macros (___wait_event, patch 12/40), so a step that is a wait_event() says kernelWait: 'wait_event'` },
  },
  // The modelled prepare_to_wait marks the task TASK_UNINTERRUPTIBLE; a step says `sleep` for another state.
  sleepStates: { schedule: 'uninterruptible' },
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: () => ({}),
  lockdepBlindSpot: (decl) => `the edge through ${decl.name} is a sleep on a wait queue, ended by another task's wake-up, which lockdep does not track as a lock dependency.`,
  handOffLabel: (decl) => `wake-up on ${decl.name}`,
  promelaSuffixes: ['_members', '_sleeping', '_excl', '_qlen', '_q', '_remove', '_wake_all', '_wake_shared', '_wake_first', '_dequeue'],
  promela: waitQueueCode,
};

function waitQueueCode(decl: WaitQueueDecl, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [M, S, X, Q, QL] = [`${n}_members`, `${n}_sleeping`, `${n}_excl`, `${n}_q`, `${n}_qlen`];
  const mask = maskType(ctx.processCount);
  const grantIfAsleep = (who: string) => ['if', `:: wait[${who}] == ${ctx.id + 1} -> wait[${who}] = -1`, ':: else -> skip', 'fi'];
  // Wakes every sleeping member outside `skip` (a mask expression).
  const wakeLoop = (name: string, skip: string) => [
    `inline ${n}_${name}() {`,
    '  i_ = 0;',
    '  do',
    '  :: i_ < NPROC ->',
    '     if',
    `     :: (${S} & ${M} & ~${skip} & (1 << i_)) != 0 ->`,
    `        ${S} = ${S} & ~(1 << i_);`,
    ...grantIfAsleep('i_').map((l) => `        ${l}`),
    '     :: else -> skip',
    '     fi;',
    '     i_++',
    '  :: else -> break',
    '  od;',
    '  i_ = 0',
    '}',
  ].join('\n');
  const base = {
    decl,
    title: 'wait queue: prepare_to_wait joins and marks TASK_UNINTERRUPTIBLE; schedule sleeps only if still marked; wake_up wakes every non-exclusive sleeper and the first exclusive one, wake_up_all every sleeper',
    query(q: string) {
      if (q === 'active') return `(${M} != 0)`;
      throw unknownQuery(decl, q);
    },
  };
  const vars = [
    `${mask} ${M} = 0;  ${comment('bit p set: process p is on the queue')}`,
    `${mask} ${S} = 0;  ${comment('bit p set: process p is still marked TASK_UNINTERRUPTIBLE (not yet woken)')}`,
  ];
  const bit = (p: string) => `(1 << ${p})`;
  if (!decl.exclusive) {
    return {
      ...base,
      vars,
      inlines: [wakeLoop('wake_all', '0')],
      op(op, p) {
        switch (op) {
          case 'prepareToWait': return { kind: 'apply', apply: [`${M} = ${M} | ${bit(p)}`, `${S} = ${S} | ${bit(p)}`] };
          case 'schedule': return { kind: 'blocking', canAcquire: `(${S} & ${bit(p)}) == 0`, acquire: [], block: [] };
          case 'finishWait': return { kind: 'apply', apply: [`${M} = ${M} & ~${bit(p)}`, `${S} = ${S} & ~${bit(p)}`] };
          // Without exclusive entries wake_up, wake_up_locked and wake_up_all are the same walk.
          case 'wakeUp': case 'wakeUpLocked': case 'wakeAll': return { kind: 'apply', apply: [`${n}_wake_all()`] };
          default: throw unknownOp(decl, op);
        }
      },
    };
  }
  return {
    ...base,
    vars: [...vars, `${mask} ${X} = 0;  ${comment('bit p set: process p is queued exclusively (always asleep: a wake-up removes it)')}`, ...waiterQueueVars(n, ctx.processCount, '; the exclusive entries in queue order')],
    inlines: [
      removeInline(n, Q, QL),
      wakeLoop('wake_shared', X),
      [
        `inline ${n}_wake_first() {  ${comment('autoremove_wake_function on the first exclusive entry')}`,
        `  pid_ = (${Q}[0] >> 2) - 1;`,
        `  ${n}_remove(0);`,
        `  ${M} = ${M} & ~(1 << pid_);`,
        `  ${X} = ${X} & ~(1 << pid_);`,
        `  ${S} = ${S} & ~(1 << pid_);`,
        `  if\n  :: wait[pid_] == ${ctx.id + 1} -> wait[pid_] = -1\n  :: else -> skip\n  fi;`,
        '  pid_ = 0',
        '}',
      ].join('\n'),
      [
        `inline ${n}_dequeue(p) {  ${comment('finish_wait of an exclusive entry: list_del_init')}`,
        '  j_ = 0;',
        '  do',
        `  :: j_ < ${QL} && (${Q}[j_] >> 2) - 1 != p -> j_++`,
        `  :: else -> break`,
        '  od;',
        `  ${n}_remove(j_);`,
        `  ${X} = ${X} & ~(1 << p);`,
        '  j_ = 0',
        '}',
      ].join('\n'),
    ],
    op(op, p) {
      const b = bit(p);
      const notMixed = (exclusive: boolean) => `((${M} & ${b}) == 0 || (${X} & ${b}) ${exclusive ? '!=' : '=='} 0)`;
      switch (op) {
        case 'prepareToWait': return { kind: 'apply', misuse: notMixed(false), apply: [`${M} = ${M} | ${b}`, `${S} = ${S} | ${b}`] };
        case 'prepareToWaitExclusive':
          return {
            kind: 'apply',
            misuse: notMixed(true),
            apply: [`if\n:: (${M} & ${b}) == 0 -> ${Q}[${QL}] = (${p} + 1) * 4; ${QL}++; ${X} = ${X} | ${b}\n:: else -> skip\nfi`, `${M} = ${M} | ${b}`, `${S} = ${S} | ${b}`],
          };
        case 'schedule': return { kind: 'blocking', canAcquire: `(${S} & ${b}) == 0`, acquire: [], block: [] };
        case 'finishWait':
          return { kind: 'apply', apply: [`if\n:: (${X} & ${b}) != 0 -> ${n}_dequeue(${p})\n:: else -> skip\nfi`, `${M} = ${M} & ~${b}`, `${S} = ${S} & ~${b}`] };
        case 'wakeUp': case 'wakeUpLocked':
          return { kind: 'apply', apply: [`${n}_wake_shared()`, `if\n:: ${QL} > 0 -> ${n}_wake_first()\n:: else -> skip\nfi`] };
        case 'wakeAll':
          return { kind: 'apply', apply: [`${n}_wake_shared()`, `do\n:: ${QL} > 0 -> ${n}_wake_first()\n:: else -> break\nod`] };
        default: throw unknownOp(decl, op);
      }
    },
  };
}
