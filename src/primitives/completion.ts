/**
 * struct completion, as in Linux v5.11 kernel/sched/completion.c (complete :34-36, complete_all :64-65) and
 * include/linux/completion.h:
 * - `done` counts completions not yet consumed; `complete_all` sets it to
 *   UINT_MAX ("done for good": complete_all sets `x->done = UINT_MAX`).
 * - complete (complete_with_flags): `if (x->done != UINT_MAX)
 *   x->done++; swake_up_locked(&x->wait)`: it banks one done and wakes the
 *   first sleeper (swait queues are FIFO; swake_up_locked wakes one).
 * - wait_for_completion (wait_for_completion -> do_wait_for_common): if done is 0 the task queues at the tail and sleeps in
 *   TASK_UNINTERRUPTIBLE until done > 0; then `if (x->done != UINT_MAX)
 *   x->done--`.
 * - try_wait_for_completion: never sleeps; returns false if done
 *   is 0, else consumes one (unless UINT_MAX) and returns true.
 * - reinit_completion (completion.h): `x->done = 0`.
 * - complete_all: done = UINT_MAX and every sleeper is woken.
 *
 * Hand-off: complete() with a sleeper queued gives that done straight to the
 * first sleeper (the model's grant) instead of banking it and letting the
 * woken task take it when it runs. The kernel's woken task re-checks `done`,
 * so a wait_for_completion/try_wait_for_completion arriving in between could
 * take it first and the woken task would sleep again; that steal window is
 * not modelled (as semaphore.c's __up hands units over, the semaphore model is
 * exact there; here it is an abstraction).
 *
 * Owner-less, like a semaphore: any task may complete(), so lockdep has
 * nothing to point at; DEPT tracks exactly this wait/event pair.
 *
 * Slots: [done (0..max, max + 1 = complete_all), queue len, queue entries...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { grant, PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, grantHead, intType, removeInline, unknownOp, unknownQuery, waiterQueueVars, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { WaiterQueue } from './waiter-queue.js';
import { DEPT_SERIES } from './sleep-state.js';

type CompletionDecl = Extract<PrimitiveDecl, { kind: 'completion' }>;

const maxOf = (decl: CompletionDecl, processCount: number) => decl.max ?? Math.max(1, processCount);

export function createCompletion(decl: CompletionDecl, ctx: PrimitiveContext): PrimitiveRuntime {
  const DONE = ctx.base;
  const q = new WaiterQueue(ctx.base + 1, ctx.processCount);
  const max = maxOf(decl, ctx.processCount);
  const ALL = max + 1;
  const grantAll = (s: Int32Array) => {
    while (q.length(s) > 0) {
      const pid = q.pid(s, 0);
      q.removeAt(s, 0);
      grant(s, ctx, pid);
    }
  };
  return {
    decl,
    slotCount: 1 + q.slotCount,
    slotRanges: [[0, ALL], ...q.slotRanges],
    slotKinds: ['value', ...q.slotKinds],
    init() {},
    ops: {
      wait: {
        kind: 'blocking',
        tryAcquire(s) {
          if (s[DONE] === 0) return false;
          if (s[DONE] !== ALL) s[DONE]--;
          return true;
        },
        block(s, pid) { q.push(s, pid, 0); },
      },
      complete: {
        kind: 'apply',
        apply(s) {
          if (s[DONE] === ALL) return 0;
          if (q.length(s) > 0) {
            const pid = q.pid(s, 0);
            q.removeAt(s, 0);
            grant(s, ctx, pid);
          } else {
            if (s[DONE] >= max) throw new PrimitiveMisuse(`complete(&${decl.name}) banks more than its declared maximum of ${max} dones`);
            s[DONE]++;
          }
          return 0;
        },
      },
      completeAll: {
        kind: 'apply',
        apply(s) {
          s[DONE] = ALL;
          grantAll(s);
          return 0;
        },
      },
      reinit: { kind: 'apply', apply(s) { s[DONE] = 0; return 0; } },
      tryWait: {
        kind: 'apply',
        apply(s) {
          if (s[DONE] === 0) return 0;
          if (s[DONE] !== ALL) s[DONE]--;
          return 1;
        },
      },
    },
    queries: { done: (s) => (s[DONE] !== 0 ? 1 : 0) },
    releaseOps: ['complete', 'completeAll'],
    holders: () => [],
    queue: (s) => q.entries(s).map((e) => ({ pid: e.pid, mode: 'completion' })),
    waitInfo(s, pid) {
      const at = q.indexOf(s, pid);
      return {
        primitive: decl.name,
        mode: 'completion',
        holders: [],
        queuedAhead: q.entries(s).slice(0, Math.max(0, at)).map((e) => ({ pid: e.pid, mode: 'completion' })),
        needsRelease: true,
      };
    },
    describe(s, name) {
      const queued = q.entries(s);
      const done = s[DONE] === ALL ? 'done for good (complete_all)' : `done ${s[DONE]}`;
      return `${done}${queued.length > 0 ? `, waiting [${queued.map((e) => name(e.pid)).join(', ')}]` : ''}`;
    },
  };
}

export const completionModule: PrimitiveModule<CompletionDecl> = {
  kind: 'completion',
  title: 'completion',
  create: createCompletion,
  kernelNames: {
    wait: 'wait_for_completion', complete: 'complete', completeAll: 'complete_all',
    reinit: 'reinit_completion', tryWait: 'try_wait_for_completion',
  },
  // Two complete()s: either order serves the first two sleepers or banks both.
  commuting: [['complete', 'complete'], ['completeAll', 'completeAll']],
  sliceRoles: { wait: 'unit-take', complete: 'unit-give', completeAll: 'unit-give' },
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: { sees: false, why: 'struct completion has no lockdep_map (include/linux/completion.h:26-29 at v5.11: done and a swait queue); lockdep\'s cross-release tracking of completions was removed again by e966eaeeb623' },
    dept: { sees: true, why: `${DEPT_SERIES} stages wait_for_completion() as a wait and complete() as its event (patch 10/40, "dept: apply sdt_might_sleep_{start,end}() to wait_for_completion()/complete()")` },
  },
  // wait_for_completion: wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE), kernel/sched/completion.c:138 at v5.11; _killable :243.
  sleepStates: { wait: 'uninterruptible' },
  sleepVariants: ['wait'],
  lockdepBlindSpot: (decl, releasers) =>
    `${decl.name} is a completion, which lockdep does not track (no lockdep_map in struct completion); ` +
    `its complete() comes from another task (${releasers.join(', ') || 'none'}), so the edge "waits for ${decl.name}" has no lock to point at.`,
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: () => ({}),
  handOffLabel: (decl) => `completes ${decl.name}`,
  promelaSuffixes: ['_done', '_qlen', '_q', '_remove'],
  promela: completionCode,
};

function completionCode(decl: CompletionDecl, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [D, QL] = [`${n}_done`, `${n}_qlen`];
  const max = maxOf(decl, ctx.processCount);
  const ALL = max + 1;
  return {
    decl,
    title: `completion: wait_for_completion takes a done or queues FIFO; complete hands it to the first sleeper, else banks it; ${ALL} = complete_all`,
    vars: [`${intType(0, ALL)} ${D} = 0;  ${comment(`dones banked, 0..${max}; ${ALL} = done for good (complete_all)`)}`, ...waiterQueueVars(n, ctx.processCount, '')],
    inlines: [removeInline(n, `${n}_q`, QL)],
    op(op, p) {
      switch (op) {
        case 'wait':
          return {
            kind: 'blocking',
            canAcquire: `${D} > 0`,
            acquire: [`if\n:: ${D} != ${ALL} -> ${D}--\n:: else -> skip\nfi`],
            block: [`${n}_q[${QL}] = (${p} + 1) * 4`, `${QL}++`],
          };
        case 'complete':
          return {
            kind: 'apply',
            apply: [[
              'if',
              `:: ${D} == ${ALL} -> skip`,
              `:: ${D} != ${ALL} && ${QL} > 0 ->`,
              ...grantHead(n).map((l) => `   ${l}`),
              `:: ${D} != ${ALL} && ${QL} == 0 -> assert(${D} < ${max}); ${D}++`,
              'fi',
            ].join('\n')],
          };
        case 'completeAll':
          return {
            kind: 'apply',
            apply: [`${D} = ${ALL}`, ['do', `:: ${QL} > 0 ->`, ...grantHead(n).map((l) => `   ${l}`), ':: else -> break', 'od'].join('\n')],
          };
        case 'reinit': return { kind: 'apply', apply: [`${D} = 0`] };
        case 'tryWait':
          return {
            kind: 'apply',
            result: `(${D} > 0 -> 1 : 0)`,
            apply: [`if\n:: ${D} > 0 && ${D} != ${ALL} -> ${D}--\n:: else -> skip\nfi`],
          };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) {
      if (q === 'done') return `(${D} != 0)`;
      throw unknownQuery(decl, q);
    },
  };
}
