/**
 * The part of a counterexample the final blocked state depends on. A long
 * trace is mostly noise: locks taken and given back, copies that completed,
 * sleeps that ended. The slice keeps what is still in force at the end:
 *
 * - owner locks (rw_semaphore, mutex, spinlock): an acquire matched by a
 *   later release by the same task is dropped with its release (and its
 *   wake-up); a lock still held, or a blocked attempt, stays;
 * - counting semaphores: each up() cancels the oldest outstanding down(); the
 *   downs left hold units the stuck tasks need, whoever took them;
 * - job queues: a job whose worker went on to the next job (or back to idle)
 *   completed and is dropped with its submission; a job still in flight stays,
 *   with the submission that created it;
 * - wait queues: a sleep that ended (finishWait) is dropped; for a task asleep
 *   at the end, the step that decided to sleep stays, and so does every step
 *   of a would-be waker that looked at the queue after that decision; a
 *   wake-up on that queue that woke nobody (the lost wake-up) stays whoever
 *   sent it, with its sender's writes to what the decision had read (the
 *   write that made the condition true); so does a wake-up that went to
 *   another waiter while the task slept (wake_up wakes one exclusive waiter),
 *   with that waiter's prepare_to_wait* (it may not have slept yet) and its
 *   later writes to what the stuck task's sleep tested (the item it took).
 *
 * Only steps on resources of the cycle (or, without a cycle, the resources
 * stuck tasks wait on) are kept, and only by tasks in the cycle, except the
 * semaphore units and jobs those tasks depend on, which may come from others
 * (the first writer's copy in the dm-snapshot deadlock).
 */
import type { CompiledModel, CompiledStep } from '../explore/compile.js';
import { walkEffects, walkExpr } from '../model/expr.js';
import { PRIMITIVE_OPS } from '../model/primitive-ops.js';
import type { Expr } from '../model/types.js';
import type { SliceRole } from '../primitives/primitive.js';
import { moduleOf } from '../primitives/registry.js';
import type { WaitForAnalysis } from './cycle.js';
import type { ProcessStatus } from './process-status.js';
import { wakeRecipients, wokeNobody } from './trace.js';
import type { WaitForGraph } from './wait-for.js';

export interface TraceSlice {
  /** 1-based trace indices kept, in order. */
  readonly indices: readonly number[];
  /** Processes the slice is about (the cycle's, or the stuck ones and their would-be wakers). */
  readonly processes: readonly string[];
  /** Resources the slice is about. */
  readonly resources: readonly string[];
}

/** The expressions a step tests before it runs: its guard, its operation's argument, its branch conditions. */
function testedExprs(cs: CompiledStep): Expr[] {
  return [cs.step.guard, cs.step.op?.arg, ...cs.step.next.map((b) => b.when)].filter((e): e is Expr => e !== undefined);
}

/** Shared variables a step's guard, argument and branch conditions read. */
function readVars(cs: CompiledStep): Set<string> {
  const out = new Set<string>();
  for (const e of testedExprs(cs)) walkExpr(e, (x) => { if (x.kind === 'var') out.add(x.name); });
  return out;
}

/** Shared variables a step's effects assign. */
function writtenVars(cs: CompiledStep): Set<string> {
  const out = new Set<string>();
  walkEffects(cs.step.effects, () => {}, (t) => { if (t.kind === 'var') out.add(t.name); });
  return out;
}

function queriedPrimitives(cs: CompiledStep): Set<string> {
  const out = new Set<string>();
  const visit = (e: Expr) => walkExpr(e, (x) => { if (x.kind === 'query') out.add(x.primitive); });
  for (const e of testedExprs(cs)) visit(e);
  walkEffects(cs.step.effects, visit, () => {});
  return out;
}

export function sliceTrace(
  cm: CompiledModel,
  path: readonly number[],
  states: readonly Int32Array[],
  analysis: WaitForAnalysis,
  graph: WaitForGraph,
  processes: readonly ProcessStatus[],
): TraceSlice {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const core = new Set<string>();
  const resources = new Set<string>();
  if (analysis.cycle) {
    for (const step of analysis.cycle.steps) {
      const n = nodes.get(step.node);
      if (n?.kind === 'process') core.add(n.name);
      if (n?.kind === 'resource') resources.add(n.name);
      if (n?.kind === 'job') resources.add(n.queue);
    }
  } else {
    for (const p of processes) {
      if (p.state !== 'blocked') continue;
      core.add(p.process);
      if (p.wait?.primitive) resources.add(p.wait.primitive);
      for (const r of p.wait?.releasers ?? []) core.add(r);
      // A holder keeps the lock even when it cannot give it back (it finished holding it): its acquire is the cause.
      for (const h of p.wait?.holders ?? []) core.add(h.process);
    }
  }

  const steps = path.map((id) => cm.steps[id]);
  const name = (i: number) => cm.processName(steps[i].pid);
  const declOf = (prim: string) => cm.primitives[cm.layout.primitiveIndex.get(prim)!].decl;
  const sliceRole = (prim: string, op: string): SliceRole | undefined => moduleOf(declOf(prim)).sliceRoles[op];
  const outcome = (i: number): 'ran' | 'blocked' | 'woke' => {
    const w = cm.layout.processes[steps[i].pid].waitSlot;
    return states[i][w] < 0 ? 'woke' : states[i + 1][w] > 0 ? 'blocked' : 'ran';
  };
  const dropped = new Set<number>();
  const keep = new Set<number>();

  // Owner locks: per (task, lock, mode) a stack of acquires; the wake-up completing one rides along.
  const held = new Map<string, number[][]>();
  const pendingAcquire = new Map<number, number[]>(); // pid -> [attempt] while asleep on a lock
  // Semaphores: outstanding downs in order; ups no down was waiting for (a unit banked, a completion's done).
  const downs = new Map<string, number[]>();
  const ups = new Map<string, number[]>();
  /** A down that took the unit an earlier up banked -> that up: kept together (who gave what the stuck tasks lack). */
  const gaveUnit = new Map<number, number>();
  // Job queues: submissions waiting, and what each worker runs.
  const queued = new Map<string, number[]>();
  const running = new Map<number, { queue: string; pair: number[] }>();
  // Wait queues: per task, the steps of its current sleep.
  const sleeping = new Map<number, number[]>();

  steps.forEach((cs, i) => {
    const op = cs.step.op;
    if (!op) return;
    const role = PRIMITIVE_OPS[declOf(op.primitive).kind].ops[op.op];
    const slice = sliceRole(op.primitive, op.op);
    const pid = cs.pid;
    const out = outcome(i);
    if (role.role === 'acquire') {
      const key = `${pid}\u0000${op.primitive}\u0000${role.mode}`;
      if (out === 'blocked') pendingAcquire.set(pid, [i]);
      else {
        const acquire = out === 'woke' ? [...(pendingAcquire.get(pid) ?? []), i] : [i];
        pendingAcquire.delete(pid);
        held.set(key, [...(held.get(key) ?? []), acquire]);
      }
    } else if (role.role === 'release') {
      const key = `${pid}\u0000${op.primitive}\u0000${role.mode}`;
      const acquire = held.get(key)?.pop();
      if (acquire) {
        for (const a of acquire) dropped.add(a);
        dropped.add(i);
      }
    } else if (slice === 'unit-take' || slice === 'unit-give') {
      if (slice === 'unit-take' && out !== 'woke') downs.set(op.primitive, [...(downs.get(op.primitive) ?? []), i]);
      if (slice === 'unit-take' && out === 'ran') {
        const banked = ups.get(op.primitive)?.shift();
        if (banked !== undefined) gaveUnit.set(i, banked);
      }
      if (slice === 'unit-take' && out === 'woke') dropped.add(i); // the wake-up of a down already counted
      if (slice === 'unit-give') {
        const oldest = downs.get(op.primitive)?.shift();
        if (oldest !== undefined) {
          dropped.add(oldest);
          dropped.add(i);
        } else ups.set(op.primitive, [...(ups.get(op.primitive) ?? []), i]);
      }
    } else if (slice === 'job-submit' || slice === 'job-take') {
      if (slice === 'job-submit') queued.set(op.primitive, [...(queued.get(op.primitive) ?? []), i]);
      if (slice === 'job-take') {
        const prev = running.get(pid);
        if (prev) for (const j of prev.pair) dropped.add(j);
        const submit = queued.get(op.primitive)?.shift();
        running.set(pid, { queue: op.primitive, pair: submit === undefined ? [i] : [submit, i] });
      }
    } else if (slice === 'sleep-prepare' || slice === 'sleep' || slice === 'sleep-end') {
      if (slice === 'sleep-prepare') sleeping.set(pid, [i]);
      else if (slice === 'sleep') sleeping.get(pid)?.push(i);
      else {
        for (const j of sleeping.get(pid) ?? []) dropped.add(j);
        dropped.add(i);
        sleeping.delete(pid);
      }
    }
  });
  // A worker idle at the end has finished its last job.
  for (const [pid, job] of running) {
    if (processes[pid].state === 'idle' || processes[pid].state === 'done') for (const j of job.pair) dropped.add(j);
  }

  steps.forEach((cs, i) => {
    const op = cs.step.op;
    if (!op || dropped.has(i) || !resources.has(op.primitive)) return;
    if (core.has(name(i))) keep.add(i);
    else if (sliceRole(op.primitive, op.op) === 'unit-take') keep.add(i); // a unit the cycle waits for
  });
  for (const [take, up] of gaveUnit) if (keep.has(take) && !dropped.has(up)) keep.add(up);
  // Submissions of in-flight jobs a kept worker runs.
  for (const job of running.values()) {
    if (job.pair.length === 2 && keep.has(job.pair[1]) && !dropped.has(job.pair[0])) keep.add(job.pair[0]);
  }
  // Sleeps in force at the end: the decision, and wakers that looked at the queue after it.
  const wakers = new Set<string>();
  const asleepOn = (s: Int32Array, pid: number, queue: string) =>
    cm.primitives[cm.layout.primitiveIndex.get(queue)!].queue(s).some((w) => w.pid === pid && w.mode === 'sleeping');
  const passedOver = (j: number, pid: number, queue: string) => {
    const op = steps[j].step.op;
    if (op?.primitive !== queue) return false;
    const decl = cm.primitives[cm.layout.primitiveIndex.get(queue)!].decl;
    return moduleOf(decl).wakeOps?.includes(op.op) === true && asleepOn(states[j], pid, queue) && asleepOn(states[j + 1], pid, queue);
  };
  for (const [pid, sleep] of sleeping) {
    const me = cm.processName(pid);
    if (!core.has(me)) continue;
    const prepare = sleep[0];
    const queue = steps[prepare].step.op!.primitive;
    let decision = prepare;
    if (!steps[prepare].step.guard) {
      for (let j = prepare - 1; j >= 0; j--) if (steps[j].pid === pid) { decision = j; break; }
    }
    keep.add(decision);
    for (const i of sleep) keep.add(i);
    for (let j = decision + 1; j < steps.length; j++) {
      const other = name(j);
      if (other === me) continue;
      if (core.has(other) && (steps[j].step.op?.primitive === queue || queriedPrimitives(steps[j]).has(queue))) keep.add(j);
      // The lost wake-up itself, whoever sent it (a finished producer too), and
      // that task's writes, since the decision, to what the decision read.
      // A wake-up that went to another waiter while this one slept (wake_up
      // picks one exclusive waiter): the one it did not get, whoever sent it.
      if (j > prepare && passedOver(j, pid, queue)) {
        keep.add(j);
        wakers.add(other);
        // Whom it went to instead: that task's joining the queue (before it
        // slept, or without ever sleeping) and its later writes to what this
        // task's sleep decided on (the item it took).
        const read = new Set(sleep.flatMap((k) => [...readVars(steps[k])]));
        for (let k = decision; k <= sleep[sleep.length - 1]; k++) if (steps[k].pid === pid) for (const v of readVars(steps[k])) read.add(v);
        for (const r of wakeRecipients(cm, path[j], states[j], states[j + 1])) {
          for (let k = j - 1; k >= 0; k--) {
            if (steps[k].pid === r.pid && steps[k].step.op && sliceRole(steps[k].step.op!.primitive, steps[k].step.op!.op) === 'sleep-prepare') { keep.add(k); break; }
          }
          for (let k = j + 1; k < steps.length; k++) {
            if (steps[k].pid === r.pid && [...writtenVars(steps[k])].some((v) => read.has(v))) keep.add(k);
          }
          wakers.add(cm.processName(r.pid));
        }
      }
      if (steps[j].step.op?.primitive === queue && wokeNobody(cm, path[j], states[j])) {
        keep.add(j);
        wakers.add(other);
        const read = readVars(steps[decision]);
        for (let k = decision + 1; k < j; k++) {
          if (steps[k].pid === steps[j].pid && [...writtenVars(steps[k])].some((v) => read.has(v))) keep.add(k);
        }
      }
    }
  }
  for (const w of wakers) core.add(w);

  return {
    indices: [...keep].sort((a, b) => a - b).map((i) => i + 1),
    processes: [...core],
    resources: [...resources],
  };
}
