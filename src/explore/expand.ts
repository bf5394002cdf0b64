/**
 * Expanding one stored state: unpack it, run every enabled step, and hand
 * each successor on packed (as its representative under symmetry), in step
 * order. The same code runs on the main thread and in worker threads, so
 * both produce successors in the same order: that is what makes the
 * search's state ids, counts and counterexamples independent of the worker count.
 */
import { ModelRuntimeError, type CompiledModel } from './compile.js';
import type { Symmetry } from './symmetry.js';

/** What expanding a state found about the state itself. */
export const SourceStatus = {
  /** Has successors, or stopped at a valid end with every terminal property holding. */
  Fine: 0,
  /** No step enabled while some process has not finished. */
  Deadlock: 1,
  /** Stopped at a valid end but an at-end property fails (`extra` = its index). */
  AtEndViolation: 2,
  /** A step broke a model rule at run time (`extra` = the step id). */
  RuntimeError: 3,
} as const;

export type SourceStatus = (typeof SourceStatus)[keyof typeof SourceStatus];

export interface ExpandResult {
  status: SourceStatus;
  extra: number;
  message: string;
}

export type SuccessorSink = (packed: Int32Array, stepId: number) => void;

export interface Expander {
  /** Expands the packed state at `from[at..]`, calling `sink` once per successor. */
  expand(from: Int32Array, at: number, sink: SuccessorSink): ExpandResult;
  /** Packs `s` as stored: its representative under symmetry. */
  packKey(s: Int32Array, into: Int32Array): void;
}

export function createExpander(cm: CompiledModel, sym: Symmetry | undefined): Expander {
  const { pack, unpack, words } = cm.packer;
  const cur = new Int32Array(cm.slotCount);
  const out = new Int32Array(cm.slotCount);
  const canon = new Int32Array(cm.slotCount);
  const packed = new Int32Array(words);
  const result: ExpandResult = { status: SourceStatus.Fine as SourceStatus, extra: 0, message: '' };
  const packKey = sym
    ? (s: Int32Array, into: Int32Array) => { canon.set(s); sym.canonicalize(canon); pack(canon, into, 0); }
    : (s: Int32Array, into: Int32Array) => pack(s, into, 0);
  let sink: SuccessorSink = () => {};
  const emit = (stepId: number) => {
    packKey(out, packed);
    sink(packed, stepId);
  };
  return {
    packKey,
    expand(from, at, to) {
      sink = to;
      unpack(from, at, cur);
      result.status = SourceStatus.Fine;
      result.extra = 0;
      result.message = '';
      let enabled: number;
      try {
        enabled = cm.successors(cur, out, emit);
      } catch (e) {
        if (!(e instanceof ModelRuntimeError)) throw e;
        result.status = SourceStatus.RuntimeError;
        result.extra = e.stepId;
        result.message = e.message;
        return result;
      }
      if (enabled === 0) {
        if (!cm.allAtValidEnd(cur)) result.status = SourceStatus.Deadlock;
        else {
          const v = cm.violatedAtEnd(cur);
          if (v >= 0) {
            result.status = SourceStatus.AtEndViolation;
            result.extra = v;
          }
        }
      }
      return result;
    },
  };
}
