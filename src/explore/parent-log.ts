/**
 * For each stored state, the state it was first reached from and the step
 * that did it. BFS reaches every state first along a shortest path, so
 * following parents back from any state gives a shortest counterexample.
 */
export class ParentLog {
  private parents = new Int32Array(1 << 14);
  private steps = new Int32Array(1 << 14);

  /** Records state `id` (ids arrive densely, in order). The root has parent -1. */
  record(id: number, parent: number, step: number): void {
    if (id >= this.parents.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      this.parents = grow(this.parents);
      this.steps = grow(this.steps);
    }
    this.parents[id] = parent;
    this.steps[id] = step;
  }

  /** Step ids from the root to `id`, in order. */
  pathTo(id: number): number[] {
    const path: number[] = [];
    for (let cur = id; this.parents[cur] >= 0; cur = this.parents[cur]) path.push(this.steps[cur]);
    return path.reverse();
  }

  get bytesAllocated(): number {
    return this.parents.byteLength + this.steps.byteLength;
  }
}
