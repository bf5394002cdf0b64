/** Messages between the search and its worker threads (see parallel.ts). */
import type { Model } from '../../model/types.js';
import type { RoundShare, StoreShare } from '../state-store.js';

export interface WorkerInit {
  readonly model: Model;
  readonly symmetry: boolean;
  /** Keys are `source offset * perSource + successor index`: the most successors one state has. */
  readonly perSource: number;
  /** Provisional-state records of the shared store's rounds. */
  readonly round: RoundShare;
  /** [0]: sources of the round taken so far (offset from the round's start). */
  readonly work: SharedArrayBuffer;
  /** Per source of the round (by offset): successors it emitted. */
  readonly emitted: SharedArrayBuffer;
  /** Per step: the least source id whose expansion ran it (for coverage). */
  readonly firstSource: SharedArrayBuffer;
  /** Per provisional state: 1 + the index of the invariant it breaks, or 0. */
  readonly arrival: SharedArrayBuffer;
}

/** Expand sources `start .. end - 1`, inserting their successors into the shared store. */
export interface RoundRequest {
  readonly start: number;
  readonly end: number;
  /** The store's count: provisional ids start here. */
  readonly base: number;
  /** Table and segments the worker lacks, when they changed. */
  readonly share?: StoreShare;
  /**
   * Instead of expanding: the table grew (`share` has the new, empty one),
   * and stored states `0 .. rehash - 1` are to be put into it (taken a part
   * at a time through the work counter).
   */
  readonly rehash?: number;
}

export interface RoundResponse {
  /** Sources that are not `Ok` (see classify.ts), with what they are; rare. */
  readonly events: ReadonlyArray<{ readonly source: number; readonly kind: number; readonly index: number; readonly message: string }>;
  /** Per model variable, the largest value in the states this worker stored so far. */
  readonly maxima: Int32Array;
}

export type WorkerReply = { readonly ok: true; readonly response: RoundResponse } | { readonly ok: false; readonly error: string };
