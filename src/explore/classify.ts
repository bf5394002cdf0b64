/**
 * What a state is: the one place that decides whether a state is a
 * deadlock, breaks an invariant, ends with a terminal property failing, or
 * makes a step break a model rule, and that words each verdict. Every search
 * (exhaustive, workers, bitstate), simulation and trace replay asks here,
 * so a new kind of violation is added once: a `StateKind`, its test in
 * `classify*`, its words in `describeViolation`.
 *
 * Searches split the work in two so nothing is computed twice: an arriving
 * state is checked against the invariants once (`classifyArrival`), and
 * after its successors are generated the count of enabled steps, or the
 * model error that stopped them, settles the rest (`classifyExpanded`).
 */
import { ModelRuntimeError, runtimeErrorProperty, type CompiledModel } from './compile.js';
import type { Discovery } from './result.js';

export const StateKind = {
  /** Nothing wrong with the state itself. */
  Ok: 0,
  /** No step enabled while some process has not finished. */
  Deadlock: 1,
  /** Stopped at a valid end but a terminal (`at-end`) property fails (`index` = its index). */
  AtEnd: 2,
  /** A step broke a model rule at run time (`index` = the step id, `message` says how). */
  ModelError: 3,
  /** An `always` property fails (`index` = its index). */
  Invariant: 4,
} as const;

export type StateKind = (typeof StateKind)[keyof typeof StateKind];

/** A mutable record, reused on hot paths. */
export interface Classification {
  kind: StateKind;
  index: number;
  message: string;
}

export const okClassification = (): Classification => ({ kind: StateKind.Ok, index: 0, message: '' });

/** Checks a newly reached state against the invariants; true if one fails (written into `c`). */
export function classifyArrival(cm: CompiledModel, s: Int32Array, c: Classification): boolean {
  if (cm.alwaysProperties.length === 0) return false;
  const v = cm.violatedAlways(s);
  if (v < 0) return false;
  c.kind = StateKind.Invariant;
  c.index = v;
  c.message = '';
  return true;
}

/**
 * Settles a state after its successors were generated: `enabled` steps ran,
 * or `error` stopped the generation. Writes into `c` and returns it.
 */
export function classifyExpanded(cm: CompiledModel, s: Int32Array, enabled: number, error: ModelRuntimeError | undefined, c: Classification): Classification {
  c.kind = StateKind.Ok;
  c.index = 0;
  c.message = '';
  if (error) {
    c.kind = StateKind.ModelError;
    c.index = error.stepId;
    c.message = error.message;
  } else if (enabled === 0) {
    if (!cm.allAtValidEnd(s)) c.kind = StateKind.Deadlock;
    else {
      const v = cm.violatedAtEnd(s);
      if (v >= 0) {
        c.kind = StateKind.AtEnd;
        c.index = v;
      }
    }
  }
  return c;
}

/** Everything about one state on its own (simulation, replay): invariants first, then its steps. */
export function classify(cm: CompiledModel, s: Int32Array, c: Classification = okClassification()): Classification {
  if (classifyArrival(cm, s, c)) return c;
  const scratch = new Int32Array(cm.slotCount);
  let enabled = 0;
  try {
    enabled = cm.successors(s, scratch, () => { enabled++; });
    return classifyExpanded(cm, s, enabled, undefined, c);
  } catch (e) {
    if (!(e instanceof ModelRuntimeError)) throw e;
    return classifyExpanded(cm, s, 0, e, c);
  }
}

/** The words of a violation, as a discovery carries them; undefined for `Ok`. */
export function describeViolation(cm: CompiledModel, c: Classification): Omit<Discovery, 'path' | 'state'> | undefined {
  switch (c.kind) {
    case StateKind.Ok: return undefined;
    case StateKind.Deadlock: return { kind: 'deadlock', property: 'deadlock', message: deadlockMessage };
    case StateKind.Invariant: {
      const name = cm.alwaysProperties[c.index];
      return { kind: 'invariant', property: name, message: invariantMessage(name) };
    }
    case StateKind.AtEnd: {
      const name = cm.atEndProperties[c.index];
      return { kind: 'invariant', property: name, message: atEndMessage(name) };
    }
    case StateKind.ModelError: return { kind: 'invariant', property: runtimeErrorProperty(c.message), message: c.message, failingStep: c.index };
  }
}

export const deadlockMessage = 'no step is enabled and some process has not finished';
export const invariantMessage = (name: string) => `invariant "${name}" is violated`;
export const atEndMessage = (name: string) => `"${name}" does not hold when every process has stopped`;
