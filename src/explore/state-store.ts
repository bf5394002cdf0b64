/**
 * The seen-set, like TLC's FPSet but exact: packed states live back to back
 * in fixed-size segments (growing never copies a state), indexed by an
 * open-addressing table (linear probing, load <= 3/4). Ids are dense and in
 * insertion order, which is what lets BFS use id ranges as its frontier and
 * its levels.
 *
 * A table entry is two ints: the state's full 32-bit hash and its id + 1.
 * A probe that meets another state is rejected on the hash alone (so a state
 * is read only when it is almost surely the one looked for), and growing
 * never reads or re-hashes a stored state. The slot is taken from the hash's
 * top bits, so doubling the table sends slot i to 2i or 2i+1: growth walks
 * the old table in order and writes the new one almost sequentially.
 */
import { hashInts } from './hash.js';
import type { SeenSet } from './seen-set.js';

const SEGMENT_BITS = 16;
const SEGMENT_STATES = 1 << SEGMENT_BITS;
const MIN_LOG2 = 4;

/** Most states one store can hold (ids + 1 are positive 31-bit ints; tables up to 2^30 slots). */
export const MAX_STORED_STATES = 3 * 2 ** 28;

export class StoreFullError extends Error {
  constructor() {
    super(`the state store holds at most ${MAX_STORED_STATES} states`);
    this.name = 'StoreFullError';
  }
}

/** log2 of a table size that keeps `states` under 3/4 load. */
export function tableLog2For(states: number): number {
  let log2 = MIN_LOG2;
  while (2 ** log2 * 3 < states * 4) log2++;
  return log2;
}

export class StateStore implements SeenSet {
  readonly exact = true;
  private readonly segments: Int32Array[] = [];
  /** Pairs [hash, id + 1]; id + 1 = 0 marks an empty slot. */
  private table: Int32Array;
  private shift: number;
  private mask: number;
  private size = 0;
  /** Hash of the last state passed to `insert` or `find`. */
  lastHash = 0;

  /** `initialTable`: slots to start with (rounded up to a power of two). */
  constructor(readonly words: number, initialTable = 1 << 12) {
    const log2 = Math.max(MIN_LOG2, Math.ceil(Math.log2(Math.max(1, initialTable))));
    this.table = new Int32Array(2 << log2);
    this.shift = 32 - log2;
    this.mask = (1 << log2) - 1;
  }

  get count(): number {
    return this.size;
  }

  /** Bytes held by the segments and the table (allocated, not just used). */
  get bytesAllocated(): number {
    return this.segments.length * SEGMENT_STATES * this.words * 4 + this.table.byteLength;
  }

  /** Bytes per stored state: the packed state plus its share of the table. */
  get bytesPerState(): number {
    return this.size === 0 ? 0 : (this.size * this.words * 4 + this.table.byteLength) / this.size;
  }

  /** Returns the new state's id (>= 0), or `-(id + 1)` if it was already stored. */
  insert(p: Int32Array): number {
    const words = this.words;
    const h = hashInts(p, 0, words);
    this.lastHash = h;
    const table = this.table;
    const mask = this.mask;
    let slot = h >>> this.shift;
    for (;;) {
      const at = slot << 1;
      const entry = table[at + 1];
      if (entry === 0) break;
      if (table[at] === h) {
        const id = entry - 1;
        const seg = this.segments[id >>> SEGMENT_BITS];
        const base = (id & (SEGMENT_STATES - 1)) * words;
        let k = 0;
        while (k < words && seg[base + k] === p[k]) k++;
        if (k === words) return -entry;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    if (id >= MAX_STORED_STATES) throw new StoreFullError();
    const segIndex = id >>> SEGMENT_BITS;
    if (segIndex === this.segments.length) this.segments.push(new Int32Array(SEGMENT_STATES * words));
    const seg = this.segments[segIndex];
    const base = (id & (SEGMENT_STATES - 1)) * words;
    for (let k = 0; k < words; k++) seg[base + k] = p[k];
    table[slot << 1] = h;
    table[(slot << 1) + 1] = id + 1;
    this.size = id + 1;
    if (this.size * 4 > (mask + 1) * 3) this.grow();
    return id;
  }

  /** The id of packed state `p`, or -1 if it is not stored. */
  find(p: Int32Array): number {
    const h = hashInts(p, 0, this.words);
    this.lastHash = h;
    const table = this.table;
    for (let slot = h >>> this.shift; ; slot = (slot + 1) & this.mask) {
      const entry = table[(slot << 1) + 1];
      if (entry === 0) return -1;
      if (table[slot << 1] === h && this.equals(entry - 1, p)) return entry - 1;
    }
  }

  /** Copies packed state `id` into `into` at `at`. */
  read(id: number, into: Int32Array, at = 0): void {
    const words = this.words;
    const seg = this.segments[id >>> SEGMENT_BITS];
    const base = (id & (SEGMENT_STATES - 1)) * words;
    for (let k = 0; k < words; k++) into[at + k] = seg[base + k];
  }

  /** Whether packed state `id` equals `p`. */
  equals(id: number, p: Int32Array): boolean {
    const words = this.words;
    const seg = this.segments[id >>> SEGMENT_BITS];
    const base = (id & (SEGMENT_STATES - 1)) * words;
    for (let k = 0; k < words; k++) if (seg[base + k] !== p[k]) return false;
    return true;
  }

  /** Makes room for `states` in all without growing again on the way (a hint; never shrinks). */
  reserve(states: number): void {
    const log2 = tableLog2For(states);
    if (log2 > 32 - this.shift) this.rehash(log2);
  }

  private grow(): void {
    if (32 - this.shift >= 30) throw new StoreFullError();
    this.rehash(33 - this.shift);
  }

  private rehash(log2: number): void {
    const old = this.table;
    const oldSlots = this.mask + 1;
    const table = new Int32Array(2 << log2);
    const shift = 32 - log2;
    const mask = (1 << log2) - 1;
    // Start after an empty slot, so a run that wraps past the end is moved in order.
    let start = 0;
    while (old[(start << 1) + 1] !== 0) start++;
    for (let n = 0; n < oldSlots; n++) {
      const from = ((start + n) & (oldSlots - 1)) << 1;
      const entry = old[from + 1];
      if (entry === 0) continue;
      const h = old[from];
      let slot = h >>> shift;
      while (table[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = h;
      table[(slot << 1) + 1] = entry;
    }
    this.table = table;
    this.shift = shift;
    this.mask = mask;
  }
}
