/**
 * Bitstate search (Holzmann's supertrace) for spaces beyond memory: the seen
 * set is a table of bits, each state setting `hashes` of them, so a state
 * costs a few bits instead of its bytes. A new state whose bits all happen to
 * be set already is taken for a seen one and never explored: the search may
 * miss states, so finding nothing is not a proof. Every violation it does
 * find is real, and comes with a shortest-so-far trace.
 *
 * It is the ordinary search (bfs.ts) over a different seen-set: states are
 * kept only until they are expanded, and the parent log keeps each state's
 * parent and step (8 bytes a state), from which the trace is replayed.
 */
import { createBitTable, type BitTable } from './bit-table.js';
import type { BitstateStats } from './result.js';
import type { SeenSet } from './seen-set.js';

export interface BitstateOptions {
  /** log2 of the table size in bits (default 30: 128 MiB). */
  readonly log2Bits?: number;
  /** Bits set per state (default 3). */
  readonly hashes?: number;
}

/** Probability a fresh state finds all its k bits set after n states in m bits. */
function falsePositive(n: number, m: number, k: number): number {
  return (1 - Math.exp((-k * n) / m)) ** k;
}

const SEGMENT_BITS = 16;
const SEGMENT = 1 << SEGMENT_BITS;

/** The bit table, and the states not yet expanded (in segments dropped once expanded). */
export class BitstateSet implements SeenSet {
  readonly exact = false;
  readonly bits: number;
  private readonly table: BitTable;
  private readonly segments: Array<Int32Array | undefined> = [];
  private size = 0;
  private live = 0;

  constructor(readonly words: number, log2Bits: number, readonly hashes: number) {
    if (!Number.isInteger(log2Bits) || log2Bits < 10 || log2Bits > 33) throw new RangeError(`bitstate table must have 2^10..2^33 bits, got 2^${log2Bits}`);
    this.bits = 2 ** log2Bits;
    this.table = createBitTable(log2Bits, hashes, words);
  }

  get count(): number {
    return this.size;
  }

  get bytesAllocated(): number {
    return this.table.byteLength + this.live * SEGMENT * this.words * 4;
  }

  insert(p: Int32Array): number {
    if (!this.table.testAndSet(p, 0)) return -1;
    const id = this.size++;
    const seg = id >>> SEGMENT_BITS;
    if (seg === this.segments.length) {
      this.segments.push(new Int32Array(SEGMENT * this.words));
      this.live++;
    }
    this.segments[seg]!.set(p, (id & (SEGMENT - 1)) * this.words);
    return id;
  }

  find(p: Int32Array): number {
    return this.table.isNew(p, 0) ? -1 : 0;
  }

  read(id: number, into: Int32Array, at = 0): void {
    const seg = this.segments[id >>> SEGMENT_BITS];
    if (!seg) throw new Error(`internal: bitstate state ${id} was already dropped`);
    const base = (id & (SEGMENT - 1)) * this.words;
    for (let k = 0; k < this.words; k++) into[at + k] = seg[base + k];
  }

  expandedBelow(id: number): void {
    const seg = (id >>> SEGMENT_BITS) - 1;
    if (seg >= 0 && this.segments[seg] !== undefined) {
      this.segments[seg] = undefined;
      this.live--;
    }
  }

  stats(): BitstateStats {
    const { size: n, bits: m, hashes: k } = this;
    // Expected misses: the sum over insertions of the false-positive chance at that fill.
    let expectedMissed = 0;
    const samples = 1000;
    for (let i = 1; i <= samples; i++) expectedMissed += falsePositive((n * i) / samples, m, k) * (n / samples);
    return { bits: m, hashes: k, omissionProbability: falsePositive(n, m, k), expectedMissedStates: expectedMissed };
  }
}
