/**
 * Expanding one stored state: unpack it, run every enabled step, and hand
 * each successor on packed (as its representative under symmetry), in step
 * order. The same code runs on the main thread and in worker threads, so
 * both produce successors in the same order: that is what makes the
 * search's state ids, counts and counterexamples independent of the worker count.
 */
import { ModelRuntimeError, type CompiledModel } from './compile.js';
import type { Symmetry } from './symmetry.js';
import { classifyExpanded, okClassification, type Classification } from './classify.js';

/** What expanding a state found about the state itself (see classify.ts). */
export type ExpandResult = Classification;

/**
 * `unpacked`: the successor as stored, unpacked (a scratch array, valid only
 * during the call), so a sink that classifies a new state need not unpack it
 * again.
 */
export type SuccessorSink = (packed: Int32Array, stepId: number, unpacked: Int32Array) => void;

/** A successor as the step left it: unpacked, not yet its representative under symmetry (a scratch array). */
export type RawSuccessorSink = (raw: Int32Array, stepId: number) => void;

export interface Expander {
  /** Expands the packed state at `from[at..]`, calling `sink` once per successor. */
  expand(from: Int32Array, at: number, sink: SuccessorSink): ExpandResult;
  /**
   * The same, handing each successor on before it is packed (and
   * canonicalized), for a caller that keeps only some: partial-order
   * reduction packs only the successors it looks up or keeps.
   */
  expandRaw(from: Int32Array, at: number, sink: RawSuccessorSink): ExpandResult;
  /** Packs `s` as stored: its representative under symmetry. */
  packKey(s: Int32Array, into: Int32Array): void;
}

export function createExpander(cm: CompiledModel, sym: Symmetry | undefined): Expander {
  const { pack, unpack, words } = cm.packer;
  const cur = new Int32Array(cm.slotCount);
  const out = new Int32Array(cm.slotCount);
  const canon = new Int32Array(cm.slotCount);
  const packed = new Int32Array(words);
  const result = okClassification();
  const packKey = sym
    ? (s: Int32Array, into: Int32Array) => { canon.set(s); sym.canonicalize(canon); pack(canon, into, 0); }
    : (s: Int32Array, into: Int32Array) => pack(s, into, 0);
  // What packKey packed: unpacking it gives the same (steps keep every slot in its range, so packing loses nothing).
  const stored = sym ? canon : out;
  let sink: SuccessorSink = () => {};
  let rawSink: RawSuccessorSink | undefined;
  // One emit for both, so the compiled model's call to it stays monomorphic after a search switches.
  const emit = (stepId: number) => {
    if (rawSink) return rawSink(out, stepId);
    packKey(out, packed);
    sink(packed, stepId, stored);
  };
  const run = (from: Int32Array, at: number): ExpandResult => {
    unpack(from, at, cur);
    try {
      return classifyExpanded(cm, cur, cm.successors(cur, out, emit), undefined, result);
    } catch (e) {
      if (!(e instanceof ModelRuntimeError)) throw e;
      return classifyExpanded(cm, cur, 0, e, result);
    }
  };
  return {
    packKey,
    expand(from, at, to) {
      sink = to;
      rawSink = undefined;
      return run(from, at);
    },
    expandRaw(from, at, to) {
      rawSink = to;
      return run(from, at);
    },
  };
}
