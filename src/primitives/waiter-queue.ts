/**
 * The FIFO of sleeping tasks that every blocking primitive shares, stored
 * front-aligned in slots `[len, e0, e1, ...]` so equal queues are equal bytes.
 * An entry packs the pid and a small mode tag: `(pid + 1) * 4 + tag`, so 0
 * always means "no entry" and a slot can be rewritten without knowing the length.
 */
export class WaiterQueue {
  constructor(
    /** Slot holding the length; entries follow it. */
    readonly at: number,
    readonly capacity: number,
  ) {}

  get slotCount(): number {
    return 1 + this.capacity;
  }

  get slotKinds(): Array<'value' | 'qentry'> {
    return ['value', ...Array.from({ length: this.capacity }, () => 'qentry' as const)];
  }

  get slotRanges(): Array<[number, number]> {
    return [[0, this.capacity], ...Array.from({ length: this.capacity }, (): [number, number] => [0, this.capacity * 4 + 3])];
  }

  length(s: Int32Array): number {
    return s[this.at];
  }

  push(s: Int32Array, pid: number, tag: number): void {
    const n = s[this.at];
    s[this.at + 1 + n] = (pid + 1) * 4 + tag;
    s[this.at] = n + 1;
  }

  pid(s: Int32Array, i: number): number {
    return (s[this.at + 1 + i] >> 2) - 1;
  }

  tag(s: Int32Array, i: number): number {
    return s[this.at + 1 + i] & 3;
  }

  /** Removes entry i, keeping the others in order. */
  removeAt(s: Int32Array, i: number): void {
    const n = s[this.at];
    for (let k = this.at + 1 + i; k < this.at + n; k++) s[k] = s[k + 1];
    s[this.at + n] = 0;
    s[this.at] = n - 1;
  }

  /** Entries in FIFO order. */
  entries(s: Int32Array): Array<{ pid: number; tag: number }> {
    const out = [];
    for (let i = 0; i < s[this.at]; i++) out.push({ pid: this.pid(s, i), tag: this.tag(s, i) });
    return out;
  }

  indexOf(s: Int32Array, pid: number): number {
    for (let i = 0; i < s[this.at]; i++) if (this.pid(s, i) === pid) return i;
    return -1;
  }
}
