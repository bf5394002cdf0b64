/**
 * The causal hand-offs along a trace, found by replaying it: a job submitted
 * by one process and later taken by a worker (job queues are FIFO, so the
 * k-th take gets the k-th submit), and a lock or wake-up handed by one
 * process's step to a sleeping process, which then runs its wake-up step,
 * or a wake-up that reached a task queued but not yet asleep (it only made
 * the task runnable again), to that task's next step.
 */
import type { CompiledModel } from '../explore/compile.js';
import { moduleOf, sliceRoleOf } from '../primitives/registry.js';
import { replayPath } from './path.js';
import { wakeRecipients } from './trace.js';

export interface HandOff {
  readonly kind: 'job' | 'wake';
  /** 1-based trace index of the step that hands over (submits, releases, wakes). */
  readonly from: number;
  /** 1-based trace index of the step that receives (takes the job, wakes up). */
  readonly to: number;
  /** e.g. `copy(chunk 0)`, `hands over _origins_lock`, `wake-up on in_progress_wait`. */
  readonly label: string;
  /** A wake-up that reached its task before it slept: `to` is only the task's next step, any later one of its steps will do. */
  readonly beforeSleep?: true;
}

export function findHandOffs(cm: CompiledModel, path: readonly number[], states: readonly Int32Array[] = replayPath(cm, path)): HandOff[] {
  const out: HandOff[] = [];
  const submitted = new Map<string, number[]>();
  /** pid -> [trace index of the granting step, primitive id]. */
  const granted = new Map<number, [number, number]>();
  /** The same for a wake-up that reached a task before it slept. */
  const wokenEarly = new Map<number, [number, number]>();
  path.forEach((stepId, i) => {
    const cs = cm.steps[stepId];
    const before = states[i];
    const after = states[i + 1];
    const index = i + 1;
    const op = cs.step.op;
    const role = op && sliceRoleOf(cm.model.primitives, op.primitive, op.op);
    if (op && role === 'job-submit') {
      const q = submitted.get(op.primitive) ?? [];
      q.push(index);
      submitted.set(op.primitive, q);
    }
    if (op && role === 'job-take' && op.into !== undefined) {
      const from = submitted.get(op.primitive)?.shift();
      if (from !== undefined) {
        const proc = cm.layout.processes[cs.pid];
        out.push({ kind: 'job', from, to: index, label: jobName(cm, op.primitive, after[proc.localSlots.get(op.into)!]) });
      }
    }
    const grant = granted.get(cs.pid);
    if (grant && before[cm.layout.processes[cs.pid].waitSlot] < 0) {
      const prim = cm.primitives[grant[1]].decl;
      out.push({ kind: 'wake', from: grant[0], to: index, label: moduleOf(prim).handOffLabel(prim) });
      granted.delete(cs.pid);
    }
    const early = wokenEarly.get(cs.pid);
    if (early) {
      const prim = cm.primitives[early[1]].decl;
      out.push({ kind: 'wake', from: early[0], to: index, label: `${moduleOf(prim).handOffLabel(prim)} (not yet asleep)`, beforeSleep: true });
      wokenEarly.delete(cs.pid);
    }
    for (const w of wakeRecipients(cm, stepId, before, after)) {
      if (!w.asleep && w.pid !== cs.pid) wokenEarly.set(w.pid, [index, cm.layout.primitiveIndex.get(op!.primitive)!]);
    }
    for (const proc of cm.layout.processes) {
      if (proc.pid !== cs.pid && before[proc.waitSlot] > 0 && after[proc.waitSlot] < 0) granted.set(proc.pid, [index, before[proc.waitSlot] - 1]);
    }
  });
  return out.sort((a, b) => a.from - b.from || a.to - b.to);
}

/** A job's name from its queue's module: `copy(chunk 3)`, or `job(3)`. */
export function jobName(cm: CompiledModel, queue: string, payload: number): string {
  const decl = cm.model.primitives.find((p) => p.name === queue);
  return (decl && moduleOf(decl).jobLabel?.(decl, payload)) ?? `job(${payload})`;
}
