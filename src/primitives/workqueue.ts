/**
 * A workqueue and its work items (struct work_struct), as in Linux
 * kernel/workqueue.c, read in the v5.11 tree (CompressionDuck/linux-5.11,
 * the copy models/exec cites, @2dbae366306d). The generated worker steps
 * cite process_one_work's call of the work function there,
 * `worker->current_func(work);` (L2275); they used to cite 009bb421b6ce
 * (upstream "workqueue, lockdep: Fix an alloc_workqueue() error path") with
 * no line. The semantics below hold in v5.11:
 * - queue_work (queue_work_on): a no-op returning false while the work is
 *   pending (test_and_set_bit(WORK_STRUCT_PENDING_BIT)); otherwise the work
 *   goes to the tail of the worklist. A work that is running but not pending
 *   is queued again (it runs once more after the current run).
 * - Workers (worker_thread -> process_one_work) take works from the head of
 *   the list, clear PENDING before calling the work function, and never run
 *   one work item on two workers at once (non-reentrant; process_one_work
 *   hands a work already running elsewhere to that worker). Here a worker
 *   takes the first pending work not running on another worker.
 *   `workers: 1` is an ordered workqueue (alloc_ordered_workqueue: one at a
 *   time, in queue order); `workers: N` an N-worker pool.
 * - flush_work (__flush_work -> start_flush_work -> insert_wq_barrier):
 *   waits for the instance queued or running when it is called: a pending
 *   work's next run, else the current run; returns at once if neither.
 * - cancel_work_sync: takes a pending work off the list and waits for a
 *   running one to finish. (The kernel also refuses queue_work while a cancel
 *   is in progress; that window is not modelled.)
 *
 * The work function is written as process steps (`wq.work(name, body)`):
 * the builder generates the worker processes (`<wq>_worker`), which take a
 * work (`take`, into the local `work`), run that work's steps, and finish it
 * (`finish`), waking its flushers.
 *
 * lockdep sees flush_work: process_one_work runs the function under
 * lock_map_acquire(&pwq->wq->lockdep_map) and lock_map_acquire(&lockdep_map)
 * (a copy of work->lockdep_map), and __flush_work does
 * lock_map_acquire(&work->lockdep_map) / lock_map_release before waiting
 * (its barrier's completion is init_completion_map(&barr->done,
 * &target->lockdep_map)). So "flush_work() under a mutex the work function
 * takes" is reported as a circular dependency (work_completion)(&w) -> mutex.
 * A work function that flushes its own work is reported too, as recursive
 * locking: the map process_one_work holds is a copy of work->lockdep_map
 * (lockdep_copy_map, same lock class), and __flush_work acquires that class
 * again (lock_map_acquire is an exclusive, non-recursive acquisition). On an
 * ordered workqueue start_flush_work adds a second report: process_one_work
 * also runs every work function under lock_map_acquire(&pwq->wq->lockdep_map),
 * and start_flush_work does lock_map_acquire/release(&pwq->wq->lockdep_map)
 * when `pwq->wq->saved_max_active == 1 || pwq->wq->rescuer` (its comment:
 * "Force a lock recursion deadlock when using flush_work() inside a
 * single-threaded or rescuer equipped workqueue"). A rescuer is not modelled,
 * so only `workers: 1` gets the second; there a work function flushing any
 * other work of its own workqueue is the same recursion on the workqueue's map.
 *
 * Slots: [worklist len, worklist entries (work index + 1)...,
 *         running worker pid + 1 per work, flushers of the current run
 *         (bitmask) per work, flushers of the pending instance per work].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { bitsOf, grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime, type SlotKind } from './primitive.js';
import { comment, intType, maskType, unknownOp, unknownQuery, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { DEPT_SERIES } from './sleep-state.js';

type WorkqueueDecl = Extract<PrimitiveDecl, { kind: 'workqueue' }>;

export function createWorkqueue(decl: WorkqueueDecl, ctx: PrimitiveContext): PrimitiveRuntime {
  const K = decl.works.length;
  const LEN = ctx.base;
  const RUN = ctx.base + 1 + K;
  const CUR = RUN + K;
  const PEND = CUR + K;
  const fullMask = 2 ** ctx.processCount - 1;
  const pendingAt = (s: Int32Array, k: number) => {
    for (let i = 0; i < s[LEN]; i++) if (s[LEN + 1 + i] === k + 1) return i;
    return -1;
  };
  const removeAt = (s: Int32Array, i: number) => {
    const n = s[LEN];
    for (let j = LEN + 1 + i; j < LEN + n; j++) s[j] = s[j + 1];
    s[LEN + n] = 0;
    s[LEN] = n - 1;
  };
  /** The first pending work no worker is running: what the next idle worker takes. */
  const nextTakeable = (s: Int32Array) => {
    for (let i = 0; i < s[LEN]; i++) if (s[RUN + s[LEN + 1 + i] - 1] === 0) return i;
    return -1;
  };
  const checkWork = (k: number, op: string) => {
    if (!Number.isInteger(k) || k < 0 || k >= K) throw new PrimitiveMisuse(`${op} on ${decl.name}: no work number ${k}`);
  };
  const workOf = (s: Int32Array, pid: number) => {
    for (let k = 0; k < K; k++) if (((s[CUR + k] | s[PEND + k]) >> pid) & 1) return k;
    return -1;
  };
  // Flush and cancel wait for the instance in the queue (its next run) or the one running now.
  const waitFor = (s: Int32Array, pid: number, k: number) => {
    if (pendingAt(s, k) >= 0) s[PEND + k] |= 1 << pid;
    else s[CUR + k] |= 1 << pid;
  };
  return {
    decl,
    slotCount: 1 + 4 * K,
    slotRanges: [
      [0, K],
      ...Array.from({ length: K }, (): [number, number] => [0, K]),
      ...Array.from({ length: K }, (): [number, number] => [0, ctx.processCount]),
      ...Array.from({ length: 2 * K }, (): [number, number] => [0, fullMask]),
    ],
    slotKinds: ['value', ...Array<SlotKind>(K).fill('value'), ...Array<SlotKind>(K).fill('pid1'), ...Array<SlotKind>(2 * K).fill('mask')],
    init() {},
    ops: {
      queueWork: {
        kind: 'apply',
        apply(s, _pid, k) {
          checkWork(k, 'queue_work');
          if (pendingAt(s, k) >= 0) return 0;
          s[LEN + 1 + s[LEN]] = k + 1;
          s[LEN]++;
          return 1;
        },
      },
      flush: {
        kind: 'blocking',
        tryAcquire(s, _pid, k) {
          checkWork(k, 'flush_work');
          return pendingAt(s, k) < 0 && s[RUN + k] === 0;
        },
        block(s, pid, k) { waitFor(s, pid, k); },
      },
      cancelSync: {
        kind: 'blocking',
        tryAcquire(s, _pid, k) {
          checkWork(k, 'cancel_work_sync');
          const at = pendingAt(s, k);
          if (at >= 0) removeAt(s, at);
          return s[RUN + k] === 0;
        },
        block(s, pid, k) { s[CUR + k] |= 1 << pid; },
      },
      take: {
        kind: 'guarded',
        enabled: (s) => nextTakeable(s) >= 0,
        apply(s, pid) {
          const i = nextTakeable(s);
          const k = s[LEN + 1 + i] - 1;
          removeAt(s, i);
          s[RUN + k] = pid + 1;
          // Flushers of the queued instance now wait for this run.
          s[CUR + k] |= s[PEND + k];
          s[PEND + k] = 0;
          return k;
        },
      },
      finish: {
        kind: 'apply',
        apply(s, pid, k) {
          checkWork(k, 'finish');
          if (s[RUN + k] !== pid + 1) throw new PrimitiveMisuse(`work ${decl.works[k]} finishes on a worker that is not running it`);
          s[RUN + k] = 0;
          for (const f of bitsOf(s[CUR + k])) grant(s, ctx, f);
          s[CUR + k] = 0;
          return 0;
        },
      },
    },
    queries: {},
    releaseOps: ['finish'],
    holders: () => [],
    queue: (s) => {
      const out = [];
      for (let k = 0; k < K; k++) for (const pid of bitsOf(s[CUR + k] | s[PEND + k])) out.push({ pid, mode: `flush ${decl.works[k]}` });
      return out;
    },
    waitInfo(s, pid, op) {
      // A worker with nothing to run waits for some work to be queued.
      if (op === 'take') return { primitive: decl.name, mode: 'work', holders: [], queuedAhead: [], needsRelease: true, releasedBy: ['queueWork'] };
      const k = workOf(s, pid);
      // Only the work's completion on a worker releases a flusher: owner-less, like a completion.
      // The flusher runs the work it flushes (its own work function), or, on an ordered
      // workqueue, another work, which the flushed one must wait behind.
      const runs = (j: number) => s[RUN + j] === pid + 1;
      const inside = k < 0 ? undefined : runs(k) ? 'item' : decl.workers === 1 && decl.works.some((_, j) => runs(j)) ? 'queue' : undefined;
      return { primitive: decl.name, mode: k >= 0 ? `flush ${decl.works[k]}` : 'flush', holders: [], queuedAhead: [], needsRelease: true, awaited: `${k >= 0 ? decl.works[k] : 'a work'} on ${decl.name} to finish`, ...(inside ? { inside } : {}) };
    },
    jobs(s) {
      const out = [];
      for (let i = 0; i < s[LEN]; i++) out.push(s[LEN + 1 + i] - 1);
      return out;
    },
    describe(s, name) {
      const parts: string[] = [];
      for (let k = 0; k < K; k++) if (s[RUN + k] !== 0) parts.push(`${decl.works[k]} running on ${name(s[RUN + k] - 1)}`);
      const pending = [];
      for (let i = 0; i < s[LEN]; i++) pending.push(decl.works[s[LEN + 1 + i] - 1]);
      if (pending.length > 0) parts.push(`pending [${pending.join(', ')}]`);
      return parts.length > 0 ? parts.join(', ') : 'idle';
    },
  };
}

export const workqueueModule: PrimitiveModule<WorkqueueDecl> = {
  kind: 'workqueue',
  title: 'workqueue',
  create: createWorkqueue,
  kernelNames: { queueWork: 'queue_work', flush: 'flush_work', cancelSync: 'cancel_work_sync', take: 'process_one_work', finish: 'process_one_work' },
  commuting: [],
  sliceRoles: { queueWork: 'job-submit', take: 'job-take' },
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: {
      sees: true,
      why: 'process_one_work runs the work function under lock_map_acquire(&lockdep_map), a copy of work->lockdep_map, and __flush_work acquires and releases work->lockdep_map before it waits (kernel/workqueue.c:2251 and :3047-3048 at v5.11), so flushing under a lock the work function takes is a lockdep cycle',
    },
    dept: { sees: true, why: `the flush waits on a completion (wait_for_completion(&barr.done), kernel/workqueue.c:3052 at v5.11), which ${DEPT_SERIES} tracks (patch 10/40)` },
  },
  lockdepSelfWait: (decl, { process, call }, inside) => {
    const ordered = `${decl.name} is ordered (max_active 1), so start_flush_work acquires ${decl.name}'s own lockdep_map, which process_one_work holds around every work function of ${decl.name} ("Force a lock recursion deadlock when using flush_work() inside a single-threaded or rescuer equipped workqueue")`;
    if (inside === 'queue') return `${process} runs a work function of ${decl.name}, and ${call} waits for a work queued behind it: ${ordered}`;
    return `${process} runs the work function inside process_one_work, which holds lock_map_acquire(&lockdep_map), a copy of work->lockdep_map and so of its lock class (kernel/workqueue.c:2251 at v5.11), and ${call} acquires work->lockdep_map again in __flush_work (:3047) before it waits` +
      (decl.workers === 1 ? `; besides, ${ordered}` : '');
  },
  opVisibility: {
    cancelSync: {
      lockdep: { sees: false, why: 'cancel_work_sync reaches __flush_work(work, true), and with from_cancel set it skips lock_map_acquire(&work->lockdep_map) (kernel/workqueue.c:3046-3049 at v5.11); the barrier\'s init_completion_map (:2672) gives the completion a map only cross-release used' },
    },
  },
  // Both wait in wait_for_completion(&barr.done): TASK_UNINTERRUPTIBLE.
  sleepStates: { flush: 'uninterruptible', cancelSync: 'uninterruptible' },
  dot: { shape: 'cylinder', style: 'filled' },
  nodeFacts: () => ({ jobName: 'work' }),
  scenarioText(decl, op, base, before, _after, _jobName, arg) {
    const work = arg !== undefined ? decl.works[arg] ?? `work ${arg}` : undefined;
    switch (op) {
      case 'queueWork': return `queue_work(${decl.name}, &${work});`;
      case 'flush': return `flush_work(&${work});`;
      case 'cancelSync': return `cancel_work_sync(&${work});`;
      case 'take': {
        const K = decl.works.length;
        for (let i = 0; i < before[base]; i++) {
          const k = before[base + 1 + i] - 1;
          if (before[base + 1 + K + k] === 0) return `process_one_work: ${decl.works[k]}();`;
        }
        return 'process_one_work();';
      }
      default: return `/* ${work ?? 'work'} returns */`;
    }
  },
  jobLabel: (decl, payload) => decl.works[payload] ?? `work(${payload})`,
  callObject: (decl, op, arg) => (op === 'flush' || op === 'cancelSync') && arg !== undefined ? decl.works[arg] : undefined,
  handOffLabel: (decl) => `flush of ${decl.name} done`,
  promelaSuffixes: ['_len', '_q', '_run', '_cur', '_pend', '_remove', '_take'],
  promela: workqueueCode,
};

function workqueueCode(decl: WorkqueueDecl, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const K = decl.works.length;
  const [L, Q, RUN, CUR, PEND] = [`${n}_len`, `${n}_q`, `${n}_run`, `${n}_cur`, `${n}_pend`];
  const mask = maskType(ctx.processCount);
  const pendingTest = (k: string) => `(${Array.from({ length: K }, (_, i) => `(${L} > ${i} && ${Q}[${i}] == ${k} + 1)`).join(' || ')})`;
  const takeableAt = (i: number) => `(${L} > ${i} && ${RUN}[${Q}[${i}] - 1] == 0)`;
  return {
    decl,
    title: `workqueue (${decl.workers} worker${decl.workers === 1 ? ', ordered' : 's'}): works ${decl.works.join(', ')}`,
    vars: [
      `${intType(0, K)} ${L} = 0;`,
      `${intType(0, K)} ${Q}[${K}];  ${comment('pending works, oldest first: work index + 1, 0 past the end')}`,
      `${intType(0, ctx.processCount)} ${RUN}[${K}];  ${comment('per work: pid + 1 of the worker running it, 0 = none')}`,
      `${mask} ${CUR}[${K}];  ${comment('per work: bit p = process p waits for the current run to finish')}`,
      `${mask} ${PEND}[${K}];  ${comment('per work: bit p = process p waits for the queued instance to finish')}`,
    ],
    inlines: [
      [
        `inline ${n}_remove(at) {`,
        '  k_ = at;',
        '  do',
        `  :: k_ + 1 < ${L} -> ${Q}[k_] = ${Q}[k_ + 1]; k_++`,
        '  :: else -> break',
        '  od;',
        `  ${Q}[${L} - 1] = 0;`,
        `  ${L}--;`,
        '  k_ = 0',
        '}',
      ].join('\n'),
      [
        `inline ${n}_take(p) {  ${comment('the first pending work no worker runs')}`,
        '  j_ = 0;',
        '  do',
        `  :: j_ < ${L} && ${RUN}[${Q}[j_] - 1] != 0 -> j_++`,
        '  :: else -> break',
        '  od;',
        `  pid_ = ${Q}[j_] - 1;`,
        `  ${n}_remove(j_);`,
        `  ${RUN}[pid_] = p + 1;`,
        `  ${CUR}[pid_] = ${CUR}[pid_] | ${PEND}[pid_];`,
        `  ${PEND}[pid_] = 0;`,
        '  j_ = 0;',
        '  pid_ = 0',
        '}',
      ].join('\n'),
    ],
    scratchMax: K,
    op(op, p, arg) {
      const k = arg ?? '0';
      const bit = `(1 << ${p})`;
      switch (op) {
        case 'queueWork':
          return {
            kind: 'apply',
            misuse: `0 <= ${k} && ${k} < ${K}`,
            apply: [`if\n:: !${pendingTest(k)} -> ${Q}[${L}] = ${k} + 1; ${L}++\n:: else -> skip\nfi`],
          };
        case 'flush':
          return {
            kind: 'blocking',
            misuse: `0 <= ${k} && ${k} < ${K}`,
            canAcquire: `!${pendingTest(k)} && ${RUN}[${k}] == 0`,
            acquire: [],
            block: [`if\n:: ${pendingTest(k)} -> ${PEND}[${k}] = ${PEND}[${k}] | ${bit}\n:: else -> ${CUR}[${k}] = ${CUR}[${k}] | ${bit}\nfi`],
          };
        case 'cancelSync': {
          const unqueue = `j_ = 0;\ndo\n:: j_ < ${L} && ${Q}[j_] != ${k} + 1 -> j_++\n:: else -> break\nod;\nif\n:: j_ < ${L} -> ${n}_remove(j_)\n:: else -> skip\nfi;\nj_ = 0`;
          return {
            kind: 'blocking',
            misuse: `0 <= ${k} && ${k} < ${K}`,
            canAcquire: `${RUN}[${k}] == 0`,
            acquire: [unqueue],
            block: [unqueue, `${CUR}[${k}] = ${CUR}[${k}] | ${bit}`],
          };
        }
        case 'take':
          return {
            kind: 'guarded',
            enabled: `(${Array.from({ length: K }, (_, i) => takeableAt(i)).join(' || ')})`,
            result: `(${Array.from({ length: K }, (_, i) => i).reverse().reduce((acc, i) => `(${takeableAt(i)} -> ${Q}[${i}] - 1 : ${acc})`, '0')})`,
            apply: [`${n}_take(${p})`],
          };
        case 'finish':
          return {
            kind: 'apply',
            misuse: `${RUN}[${k}] == ${p} + 1`,
            apply: [
              `${RUN}[${k}] = 0`,
              ['i_ = 0;', 'do', ':: i_ < NPROC ->', '   if', `   :: (${CUR}[${k}] & (1 << i_)) != 0 -> wait[i_] = -1`, '   :: else -> skip', '   fi;', '   i_++', ':: else -> break', 'od;', 'i_ = 0'].join('\n'),
              `${CUR}[${k}] = 0`,
            ],
          };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) { throw unknownQuery(decl, q); },
  };
}
