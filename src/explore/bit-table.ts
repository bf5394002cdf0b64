/**
 * The bit table of a bitstate search (Holzmann's supertrace): a state sets
 * `hashes` bits chosen by double hashing of its packed words, and counts as
 * new when at least one of them was clear. Shared by the breadth-first
 * bitstate search and the swarm's depth-first jobs.
 */
import { hashInts } from './hash.js';

export interface BitTable {
  /** Bits in the table. */
  readonly bits: number;
  readonly hashes: number;
  readonly byteLength: number;
  /** Sets the bits of the `words` ints at `p[at..]`; true if at least one was clear (a new state). */
  testAndSet(p: Int32Array, at: number): boolean;
  /** Whether at least one of the bits of `p[at..]` is clear, setting none. */
  isNew(p: Int32Array, at: number): boolean;
}

/** A table of 2^log2Bits bits; `seeds` pick the two hash functions (a swarm job's own, for diversity). */
export function createBitTable(log2Bits: number, hashes: number, words: number, seeds: readonly [number, number] = [0x9747b28c, 0x5bd1e995]): BitTable {
  const m = 2 ** log2Bits;
  const table = new Uint32Array(Math.max(1, m / 32));
  const [s1, s2] = seeds;
  function touch(p: Int32Array, at: number, set: boolean): boolean {
    const h1 = hashInts(p, at, words, s1) >>> 0;
    const h2 = (hashInts(p, at, words, s2) | 1) >>> 0;
    let fresh = false;
    for (let i = 0; i < hashes; i++) {
      // Double hashing, in float arithmetic so tables beyond 2^32 bits work.
      const bit = (h1 + i * h2) % m;
      const word = Math.floor(bit / 32);
      const b = 1 << (bit & 31);
      if ((table[word] & b) === 0) {
        fresh = true;
        if (!set) return true;
        table[word] |= b;
      }
    }
    return fresh;
  }
  return {
    bits: m,
    hashes,
    byteLength: table.byteLength,
    testAndSet: (p, at) => touch(p, at, true),
    isNew: (p, at) => touch(p, at, false),
  };
}
