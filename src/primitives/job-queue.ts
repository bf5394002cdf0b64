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
import { PrimitiveMisuse, type PrimitiveContext, type PrimitiveRuntime } from './primitive.js';

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
