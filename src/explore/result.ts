/** Plain data that leaves the explorer: results and progress events. */
import type { Params } from '../model/types.js';

/**
 * `ok` only for a search that covered every reachable state; a search cut
 * short without finding a violation is `unknown`, never `ok`.
 */
export type Verdict = 'ok' | 'deadlock' | 'invariant' | 'liveness' | 'unknown';

/** Why the search stopped. */
export type Completion = 'complete' | 'violation' | 'interrupted' | 'state-limit' | 'memory-limit'
  /** A bitstate search ran to its end: states may have been missed, so no proof. */
  | 'bitstate';

export interface Discovery {
  readonly kind: 'deadlock' | 'invariant' | 'liveness';
  /** `deadlock`, the violated property's name, or `assertion` for a model's run-time error. */
  readonly property: string;
  readonly message: string;
  /** Step ids from the initial state to the violating state: a shortest path. */
  readonly path: readonly number[];
  /** The violating state, packed. */
  readonly state: Int32Array;
  /** For `assertion`: the step that failed when run from `state`. */
  readonly failingStep?: number;
  /**
   * For `liveness`: the path is a lasso, `path[0..loopStart)` the prefix and
   * `path[loopStart..]` the cycle that repeats forever; `state` is where the
   * cycle begins and ends. An empty cycle: the run stops there for good.
   */
  readonly loopStart?: number;
}

/** What the liveness pass checked and cost. */
export interface LivenessStats {
  readonly properties: readonly string[];
  /** e.g. `weak`, or `weak,writer=strong`. */
  readonly fairness: string;
  readonly elapsedMs: number;
  /** Bytes the pass held at its peak beyond the state store, per stored state. */
  readonly bytesPerState: number;
}

export interface SearchStats {
  readonly states: number;
  readonly transitions: number;
  /** Length of the longest shortest path explored (BFS levels - 1). */
  readonly depth: number;
  readonly elapsedMs: number;
  /** Bytes a stored state costs: its packed words plus its share of the hash table, and its parent id (4 bytes). */
  readonly bytesPerState: number;
  readonly memoryBytes: number;
}

export interface ProgressEvent {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  /** States discovered but not yet expanded. */
  readonly frontier: number;
  readonly elapsedMs: number;
  readonly memoryBytes: number;
}

export interface BitstateStats {
  /** Bits in the table. */
  readonly bits: number;
  /** Hash functions per state. */
  readonly hashes: number;
  /** Probability that a new state was taken for a seen one when the search ended. */
  readonly omissionProbability: number;
  /** Expected number of reachable states never explored (an estimate, from the fill of the table). */
  readonly expectedMissedStates: number;
}

export interface CheckResult {
  readonly model: string;
  readonly params: Params;
  readonly verdict: Verdict;
  readonly completion: Completion;
  readonly stats: SearchStats;
  readonly discovery?: Discovery;
  /** Largest value each global variable took in any explored state. */
  readonly maxima: Readonly<Record<string, number>>;
  /** Per step id: whether it ever ran. */
  readonly covered: Uint8Array;
  /** Reductions the search used, e.g. `symmetry`. */
  readonly reductions: readonly string[];
  /** Expansion threads used (1 = the main thread only). */
  readonly workers: number;
  /** What the search decided on its own that the reader should know, e.g. that it gave up a reduction that could not help. */
  readonly notes?: readonly string[];
  /** For a bitstate search: its table and how many states it may have missed. */
  readonly bitstate?: BitstateStats;
  /** When liveness was checked (after a complete search without a safety violation). */
  readonly liveness?: LivenessStats;
  /** Set when the run was asked to leave the model's liveness properties out. */
  readonly safetyOnly?: true;
  /** Set when the seen states were kept tree-compressed (`--compress`): same results, fewer bytes per state. */
  readonly compressed?: true;
}
