/**
 * The seen-set, like TLC's FPSet but exact: packed states live back to back
 * in fixed-size segments (growing never copies a state), indexed by an
 * open-addressing table (linear probing, load <= 3/4). A table entry holds
 * the state id and 4 bits of its hash, so most probes that hit another state
 * are rejected without touching it. Ids are dense and in insertion order,
 * which is what lets BFS use id ranges as its frontier and its levels.
 */
import { hashInts } from './hash.js';

const ID_BITS = 27;
const ID_MASK = (1 << ID_BITS) - 1;
const SEGMENT_BITS = 16;
const SEGMENT_STATES = 1 << SEGMENT_BITS;

/** Most states one store can hold (entry ids are 27 bits). */
export const MAX_STORED_STATES = ID_MASK - 1;

export class StoreFullError extends Error {
  constructor() {
    super(`the state store holds at most ${MAX_STORED_STATES} states`);
    this.name = 'StoreFullError';
  }
}

export class StateStore {
  private readonly segments: Int32Array[] = [];
  private table: Int32Array;
  private mask: number;
  private size = 0;

  constructor(readonly words: number, initialTable = 1 << 12) {
    this.table = new Int32Array(initialTable);
    this.mask = initialTable - 1;
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
    const tag = (h >>> 28) << ID_BITS;
    let slot = h & this.mask;
    const table = this.table;
    for (;;) {
      const entry = table[slot];
      if (entry === 0) break;
      if ((entry & ~ID_MASK) === tag) {
        const id = (entry & ID_MASK) - 1;
        const seg = this.segments[id >>> SEGMENT_BITS];
        const base = (id & (SEGMENT_STATES - 1)) * words;
        let k = 0;
        while (k < words && seg[base + k] === p[k]) k++;
        if (k === words) return -(id + 1);
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.size;
    if (id >= MAX_STORED_STATES) throw new StoreFullError();
    const segIndex = id >>> SEGMENT_BITS;
    if (segIndex === this.segments.length) this.segments.push(new Int32Array(SEGMENT_STATES * words));
    this.segments[segIndex].set(p, (id & (SEGMENT_STATES - 1)) * words);
    table[slot] = tag | (id + 1);
    this.size = id + 1;
    if (this.size * 4 > this.table.length * 3) this.grow();
    return id;
  }

  /** The id of packed state `p`, or -1 if it is not stored. */
  find(p: Int32Array): number {
    const words = this.words;
    const h = hashInts(p, 0, words);
    const tag = (h >>> 28) << ID_BITS;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.table[slot];
      if (entry === 0) return -1;
      if ((entry & ~ID_MASK) === tag && this.equals((entry & ID_MASK) - 1, p)) return (entry & ID_MASK) - 1;
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

  private grow(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    const words = this.words;
    const scratch = new Int32Array(words);
    for (let id = 0; id < this.size; id++) {
      this.read(id, scratch);
      const h = hashInts(scratch, 0, words);
      let slot = h & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = ((h >>> 28) << ID_BITS) | (id + 1);
    }
    this.table = table;
    this.mask = mask;
  }
}
