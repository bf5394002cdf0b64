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

const SEGMENT_BITS = 16;
const SEGMENT = 1 << SEGMENT_BITS;

/**
 * Per state id, the id of the state that first discovered it (-1 for the
 * initial state) and, where the states themselves are not kept (bitstate),
 * the step that did. Fixed-size segments: appending never copies.
 */
export class ParentLog {
  private readonly parents: Int32Array[] = [];
  private readonly steps: Int32Array[] = [];
  private size = 0;

  constructor(readonly withSteps: boolean) {}

  push(parent: number, step: number): void {
    const seg = this.size >>> SEGMENT_BITS;
    if (seg === this.parents.length) {
      this.parents.push(new Int32Array(SEGMENT));
      if (this.withSteps) this.steps.push(new Int32Array(SEGMENT));
    }
    const at = this.size & (SEGMENT - 1);
    this.parents[seg][at] = parent;
    if (this.withSteps) this.steps[seg][at] = step;
    this.size++;
  }

  parentOf(id: number): number {
    return this.parents[id >>> SEGMENT_BITS][id & (SEGMENT - 1)];
  }

  /** The step from the parent (only with `withSteps`). */
  stepOf(id: number): number {
    return this.steps[id >>> SEGMENT_BITS][id & (SEGMENT - 1)];
  }

  get bytes(): number {
    return (this.parents.length + this.steps.length) * SEGMENT * 4;
  }
}
