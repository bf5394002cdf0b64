/**
 * A single-worker job queue, like a kcopyd client: submitters append jobs,
 * one worker takes them in FIFO order and runs their completions one at a time
 * (a work item runs on at most one worker, workqueue.rst L219-221). If the
 * worker sleeps inside a completion, every later completion of that client
 * waits: that is how kcopyd ends up in the dm-snapshot deadlock.
 *
 * A job carries one integer payload (e.g. a chunk number). Taking a job from
 * an empty queue is not enabled; an idle worker should sit at a valid end.
 *
 * Slots: [len, payload0, payload1, ...].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { PrimitiveMisuse, type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime } from './primitive.js';
import { comment, intType, removeInline, unknownOp, unknownQuery, type PrimitiveCode, type PromelaContext } from './promela-code.js';

export function createJobQueue(
  decl: Extract<PrimitiveDecl, { kind: 'jobqueue' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const LEN = ctx.base;
  const cap = decl.capacity;
  const payloadMax = decl.payloadMax ?? 255;
  return {
    decl,
    slotCount: 1 + cap,
    slotRanges: [[0, cap], ...Array.from({ length: cap }, (): [number, number] => [0, payloadMax])],
    slotKinds: ['value', ...Array.from({ length: cap }, () => 'payload' as const)],
    init() {},
    ops: {
      submit: {
        kind: 'apply',
        apply(s, _pid, payload) {
          const n = s[LEN];
          if (n >= cap) throw new PrimitiveMisuse(`job queue ${decl.name} overflows its capacity ${cap}`);
          if (payload < 0 || payload > payloadMax) throw new PrimitiveMisuse(`job queue ${decl.name}: payload ${payload} is outside 0..${payloadMax}`);
          s[LEN + 1 + n] = payload;
          s[LEN] = n + 1;
          return 0;
        },
      },
      take: {
        kind: 'guarded',
        enabled: (s) => s[LEN] > 0,
        apply(s) {
          const n = s[LEN];
          const head = s[LEN + 1];
          for (let k = LEN + 1; k < LEN + n; k++) s[k] = s[k + 1];
          s[LEN + n] = 0;
          s[LEN] = n - 1;
          return head;
        },
      },
    },
    queries: { length: (s) => s[LEN] },
    releaseOps: ['submit'],
    holders: () => [],
    queue: () => [],
    waitInfo() {
      return { primitive: decl.name, mode: 'job', holders: [], queuedAhead: [], needsRelease: true };
    },
    jobs: (s) => jobsIn(s, LEN),
    describe(s) {
      const jobs = [];
      for (let i = 0; i < s[LEN]; i++) jobs.push(`${decl.jobName}(${s[LEN + 1 + i]})`);
      return jobs.length > 0 ? `[${jobs.join(', ')}]` : 'empty';
    },
  };
}

/** The payloads queued, oldest first. */
export function jobsIn(s: Int32Array, base: number): number[] {
  const out = [];
  for (let i = 0; i < s[base]; i++) out.push(s[base + 1 + i]);
  return out;
}

type JobQueueDecl = Extract<PrimitiveDecl, { kind: 'jobqueue' }>;

export const jobQueueModule: PrimitiveModule<JobQueueDecl> = {
  kind: 'jobqueue',
  title: 'job queue',
  create: createJobQueue,
  kernelNames: { submit: 'queue_job', take: 'wait_for_job' },
  commuting: [],
  sliceRoles: { submit: 'job-submit', take: 'job-take' },
  conflicts: () => true,
  passesQueue: () => false,
  visibility: {
    lockdep: { sees: false, why: 'a job handed to a worker (a kcopyd client\'s job list, drivers/md/dm-kcopyd.c) is driver data, not a lock: waiting for the worker to finish it has no lockdep map' },
    dept: { sees: false, why: 'DEPT v19 annotates completions, wait_event() and the lockdep-annotated locks, not a driver\'s own job list' },
  },
  sleepStates: {},
  dot: { shape: 'cylinder', style: 'filled' },
  nodeFacts: (decl) => ({ jobName: decl.jobName }),
  scenarioText(decl, op, base, before, after, jobName) {
    // The job: last in the queue after a submit, first in it before a take.
    return op === 'submit' ? `queue ${jobName(after[base + after[base]])} on ${decl.name};` : `run ${jobName(before[base + 1])} callback;`;
  },
  lockdepBlindSpot: (decl) => `it passes through ${decl.name}, work run by a worker task, and waiting for that work to finish is not a lock lockdep tracks.`,
  jobLabel: (decl, payload) => `${decl.jobName}(${decl.payloadName !== undefined ? `${decl.payloadName} ` : ''}${payload})`,
  handOffLabel: (decl) => `hands over ${decl.name}`,
  promelaSuffixes: ['_len', '_q', '_remove'],
  promela: jobQueueCode,
};

function jobQueueCode(decl: Extract<PrimitiveDecl, { kind: 'jobqueue' }>, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [L, Q] = [`${n}_len`, `${n}_q`];
  const payloadMax = decl.payloadMax ?? 255;
  return {
    decl,
    title: `job queue (one worker, FIFO): submit appends a ${decl.jobName} job, take removes the oldest`,
    vars: [
      `${intType(0, decl.capacity)} ${L} = 0;`,
      `${intType(0, payloadMax)} ${Q}[${decl.capacity}];  ${comment(`payloads (${decl.payloadName ?? 'job'}), oldest first, 0 past the end`)}`,
    ],
    inlines: [removeInline(n, Q, L)],
    scratchMax: decl.capacity,
    op(op, _p, arg) {
      switch (op) {
        case 'submit':
          return {
            kind: 'apply',
            apply: [
              `assert(${L} < ${decl.capacity})  ${comment('capacity')}`,
              `assert(0 <= ${arg} && ${arg} <= ${payloadMax})  ${comment('payload range')}`,
              `${Q}[${L}] = ${arg}`,
              `${L}++`,
            ],
          };
        case 'take': return { kind: 'guarded', enabled: `${L} > 0`, result: `${Q}[0]`, apply: [`${n}_remove(0)`] };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) {
      if (q === 'length') return L;
      throw unknownQuery(decl, q);
    },
  };
}
