/**
 * A counterexample as rows a kernel developer reads top to bottom: which
 * process ran, the kernel statement and its source line, whether it went
 * to sleep or woke up, and what changed in the shared variables.
 */
import type { CompiledModel } from '../explore/compile.js';
import type { SourceRef } from '../model/types.js';
import { moduleOf, wokeNobody as primitiveWokeNobody } from '../primitives/registry.js';
import { replayPath } from './path.js';

export type StepOutcome = 'ran' | 'blocked' | 'woke';

export interface TraceRow {
  /** 1-based position in the trace. */
  readonly index: number;
  readonly process: string;
  /** The step's name within its process (its label). */
  readonly step: string;
  readonly action: string;
  readonly source: SourceRef;
  readonly outcome: StepOutcome;
  /** e.g. `in_progress 0 -> 1`. */
  readonly changes: readonly string[];
  /** A wake-up that found nobody asleep on its wait queue (the one a lost wake-up loses). */
  readonly wokeNobody?: true;
  /**
   * Whom a wake-up woke: `asleep` false for a task that had queued itself
   * (prepare_to_wait*) but not yet reached schedule(); the wake-up only set it
   * TASK_RUNNING, so its schedule() will return at once.
   */
  readonly woke?: readonly { readonly process: string; readonly asleep: boolean }[];
}

export interface WakeRecipient {
  readonly pid: number;
  /** Asleep in schedule() on the queue, rather than queued and still running. */
  readonly asleep: boolean;
}

/**
 * Whom step `stepId`, run from `before` to `after`, woke, if it is a wake-up:
 * the entries its queue showed as waiting before and not after, each asleep
 * or not by its process's wait slot (blocked on this primitive, or running).
 */
export function wakeRecipients(cm: CompiledModel, stepId: number, before: Int32Array, after: Int32Array): WakeRecipient[] {
  const op = cm.steps[stepId].step.op;
  if (!op) return [];
  const index = cm.layout.primitiveIndex.get(op.primitive)!;
  const prim = cm.primitives[index];
  if (moduleOf(prim.decl).wakeOps?.includes(op.op) !== true) return [];
  const waiting = (s: Int32Array) => prim.queue(s).filter((w) => w.mode === 'sleeping').map((w) => w.pid);
  const still = new Set(waiting(after));
  return waiting(before)
    .filter((pid) => !still.has(pid))
    .map((pid) => ({ pid, asleep: before[cm.layout.processes[pid].waitSlot] === index + 1 }));
}

/** `woke consumer#1, not yet asleep`: the trace's mark for a wake-up that reached a task before it slept. */
export function wokeMark(row: Pick<TraceRow, 'woke'>): string | undefined {
  const early = row.woke?.filter((w) => !w.asleep) ?? [];
  if (early.length === 0) return undefined;
  return `woke ${row.woke!.map((w) => `${w.process}${w.asleep ? '' : ', not yet asleep'}`).join('; ')}`;
}

/**
 * Whether step `stepId`, run from state `before`, is a wake-up that woke
 * nobody, as its primitive op's result records: a waiter that tested its
 * condition but had not joined the queue yet misses it for good.
 */
export function wokeNobody(cm: CompiledModel, stepId: number, before: Int32Array): boolean {
  const op = cm.steps[stepId].step.op;
  if (!op) return false;
  const result = new Int32Array([-1]);
  if (!cm.runStep(stepId, before, new Int32Array(before.length), result)) return false;
  return primitiveWokeNobody(cm.primitives[cm.layout.primitiveIndex.get(op.primitive)!].decl, op.op, result[0]);
}

export function buildTrace(cm: CompiledModel, path: readonly number[]): TraceRow[] {
  const states = replayPath(cm, path);
  return path.map((stepId, i) => {
    const cs = cm.steps[stepId];
    const proc = cm.layout.processes[cs.pid];
    const before = states[i];
    const after = states[i + 1];
    const w0 = before[proc.waitSlot];
    const w1 = after[proc.waitSlot];
    const outcome: StepOutcome = w0 < 0 ? 'woke' : w1 > 0 ? 'blocked' : 'ran';
    const changes: string[] = [];
    for (const v of cm.model.vars) {
      const slot = cm.layout.varSlots.get(v.name)!;
      if (before[slot] !== after[slot]) changes.push(`${v.name} ${before[slot]} -> ${after[slot]}`);
    }
    const woke = wakeRecipients(cm, stepId, before, after).map((w) => ({ process: cm.processName(w.pid), asleep: w.asleep }));
    return {
      index: i + 1,
      process: proc.name,
      step: cs.step.name,
      action: cs.step.action,
      source: cs.step.source,
      outcome,
      changes,
      ...(wokeNobody(cm, stepId, before) ? { wokeNobody: true as const } : {}),
      ...(woke.length > 0 ? { woke } : {}),
    };
  });
}

/** The model's global variables at `s`, by name in declaration order. */
export function variableValues(cm: CompiledModel, s: Int32Array): Record<string, number> {
  return Object.fromEntries(cm.model.vars.map((v) => [v.name, s[cm.layout.varSlots.get(v.name)!]]));
}

/** The primitive states at `s`, e.g. `_origins_lock: readers {writer#2}, queue [...]`. */
export function describePrimitives(cm: CompiledModel, s: Int32Array): string[] {
  return cm.primitives.map((p) => `${p.decl.name}: ${p.describe(s, cm.processName)}`);
}
