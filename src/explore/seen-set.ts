/**
 * What the search driver needs from a seen-set, whichever it is: the exact
 * store (`StateStore`), the table shared by worker threads, or bitstate's
 * bit table. Ids are dense, in insertion order (= BFS discovery order).
 */
export interface SeenSet {
  readonly words: number;
  /** States inserted so far (for bitstate: taken as new). */
  readonly count: number;
  /** True when every stored state can be read back and found again (not bitstate). */
  readonly exact: boolean;
  /** The new state's id (>= 0), or a negative number if it was seen (`-(id + 1)` when known). */
  insert(p: Int32Array): number;
  /** The id of `p` if seen (bitstate: 0 when it may have been), else -1. */
  find(p: Int32Array): number;
  /** Copies state `id` into `into` at `at` (bitstate: only states not yet expanded). */
  read(id: number, into: Int32Array, at?: number): void;
  /** Every id below `id` is expanded: a set that keeps only the frontier may drop them. */
  expandedBelow?(id: number): void;
  readonly bytesAllocated: number;
}
