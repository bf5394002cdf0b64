/** Messages between the search and its worker threads (see parallel.ts). */
import type { Model } from '../../model/types.js';
import { INSERT_BLOCK, type RoundShare, type StoreShare } from '../state-store.js';

export interface WorkerInit {
  readonly model: Model;
  /** Threads in the pool (they meet at barriers within a round). */
  readonly workers: number;
  readonly symmetry: boolean;
  /** Keys are `source offset * perSource + successor index`: the most successors one state has. */
  readonly perSource: number;
  /** Provisional-state records of the shared store's rounds. */
  readonly round: RoundShare;
  /**
   * Work taken so far this round, per phase: [0] sources to expand (offset
   * from the round's start; where it stops, the round ends), [1] chunks of sources whose new states to
   * count, [2] chunks whose new states to place; and [3] successors whose probe
   * left their part of the table, inserted after the others (see worker.ts).
   */
  readonly work: SharedArrayBuffer;
  /**
   * [0]: threads at the barrier, [1]: barriers passed (see worker.ts), [2]: threads started (model compiled),
   * [3]: threads that took their index (which part of the table they insert into).
   */
  readonly sync: SharedArrayBuffer;
  /**
   * Per thread, `mailCapacity` entries of `words + 2` ints (packed state, key,
   * hash): successors other threads found whose probe starts in this thread's
   * part of the table, for it to insert.
   */
  readonly mail: SharedArrayBuffer;
  /** Per thread: entries of its mail taken so far this round (by other threads, `INSERT_BLOCK` at a time). */
  readonly mailCount: SharedArrayBuffer;
  readonly mailCapacity: number;
  /**
   * Per source of the round (by offset): successors it emitted. This and
   * `fresh` and `placedArrival` come twice, one after the other: a round
   * writes one half (`RoundRequest.records`) while the main thread reads
   * what the round before wrote in the other.
   */
  readonly emitted: SharedArrayBuffer;
  /** Per source of the round (by offset): new states it is the first to reach. */
  readonly fresh: SharedArrayBuffer;
  /** Per chunk of `CHUNK_SOURCES` sources of the round: new states its sources reach first. */
  readonly chunkFresh: SharedArrayBuffer;
  /** Per step: the least source id whose expansion ran it (for coverage). */
  readonly firstSource: SharedArrayBuffer;
  /** Per provisional state: 1 + the index of the invariant it breaks, or 0. */
  readonly arrival: SharedArrayBuffer;
  /** The same per new state by its final id (offset from the round's base). */
  readonly placedArrival: SharedArrayBuffer;
}

/** Sources a thread counts or places at a time, after the expansion of a round. */
export const CHUNK_SOURCES = 256;

/** Sources a thread takes at a time to expand. */
export const GRAB_SOURCES = 32;

/**
 * Provisional states that `workers` threads, each with sources taken and
 * not yet expanded, may still store: a thread takes more sources only
 * while the round's records have this much room left.
 */
export function provisionalMargin(workers: number, perSource: number): number {
  return workers * (GRAB_SOURCES * perSource + INSERT_BLOCK);
}

/**
 * Expand sources `start .. end - 1`, inserting their successors into the
 * shared store; then give their new states final ids from `base` on, in the
 * order one thread would have stored them (see parallel.ts).
 */
export interface RoundRequest {
  readonly start: number;
  readonly end: number;
  /** Ids placed so far (the store's count, and the new states of a round the main thread has not yet booked): the round's ids start here. */
  readonly base: number;
  /** Which half of the per-round records to write (see `WorkerInit.emitted`). */
  readonly records: 0 | 1;
  /** Table and segments the worker lacks, when they changed. */
  readonly share?: StoreShare;
  /**
   * Instead of expanding: the table grew (`share` has the new, empty one),
   * and stored states `0 .. rehash - 1` are to be put into it, each thread
   * its part of the table (the part's index taken through the work counter;
   * see `RehashPart`).
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
