/**
 * The seen-set, like TLC's FPSet but exact: states live back to back in one
 * growable `Int32Array` arena, indexed by an open-addressing table of state
 * ids (linear probing, load <= 1/2). Each state is hashed once; the stored
 * hash is compared before any state bytes, so full comparisons happen only on
 * real matches or rare collisions. Ids are dense and in insertion order,
 * which is what lets BFS use id ranges as its frontier.
 */
import { hashInts } from './hash.js';

export class StateStore {
  private arena: Int32Array;
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;
  private size = 0;

  constructor(readonly width: number, initialCapacity = 1 << 14) {
    const cap = Math.max(16, initialCapacity);
    this.arena = new Int32Array(cap * width);
    this.hashes = new Int32Array(cap);
    this.table = new Int32Array(cap * 2);
    this.mask = cap * 2 - 1;
  }

  get count(): number {
    return this.size;
  }

  /** Bytes held by the arena, hashes and table (allocated, not just used). */
  get bytesAllocated(): number {
    return this.arena.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  /** Bytes per stored state actually needed: the state itself, its hash, and its share of the table. */
  get bytesPerState(): number {
    return this.width * 4 + 4 + 8;
  }

  /** Returns the new state's id (>= 0), or `-(id + 1)` if it was already stored. */
  insert(s: Int32Array): number {
    const width = this.width;
    const h = hashInts(s, 0, width);
    let slot = h & this.mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === h && this.equals(id, s)) return -(id + 1);
      slot = (slot + 1) & this.mask;
    }
    const id = this.size;
    if ((id + 1) * width > this.arena.length) this.growArena();
    this.arena.set(s, id * width);
    this.hashes[id] = h;
    this.table[slot] = id + 1;
    this.size = id + 1;
    if (this.size * 2 > this.mask + 1) this.growTable();
    return id;
  }

  /** Copies state `id` into `into`. */
  read(id: number, into: Int32Array): void {
    const width = this.width;
    const base = id * width;
    const a = this.arena;
    for (let k = 0; k < width; k++) into[k] = a[base + k];
  }

  get(id: number): Int32Array {
    return this.arena.slice(id * this.width, (id + 1) * this.width);
  }

  private equals(id: number, s: Int32Array): boolean {
    const width = this.width;
    const base = id * width;
    const a = this.arena;
    for (let k = 0; k < width; k++) if (a[base + k] !== s[k]) return false;
    return true;
  }

  private growArena(): void {
    const cap = this.hashes.length * 2;
    const arena = new Int32Array(cap * this.width);
    arena.set(this.arena);
    this.arena = arena;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }

  private growTable(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}
