/**
 * A counterexample as rows a kernel developer reads top to bottom: which
 * process ran, the kernel statement and its source line, whether it went
 * to sleep or woke up, and what changed in the shared variables.
 */
import type { CompiledModel } from '../explore/compile.js';
import type { SourceRef } from '../model/types.js';
import { wokeNobody as primitiveWokeNobody } from '../primitives/registry.js';
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
    return {
      index: i + 1,
      process: proc.name,
      step: cs.step.name,
      action: cs.step.action,
      source: cs.step.source,
      outcome,
      changes,
      ...(wokeNobody(cm, stepId, before) ? { wokeNobody: true as const } : {}),
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
