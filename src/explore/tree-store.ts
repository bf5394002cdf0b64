/**
 * An exact seen-set that keeps a state in a little over half the bytes of
 * `StateStore` (`--compress`), after the tree compression of Blom, Lisser,
 * van de Pol and Weber ("A database approach to distributed state-space
 * generation") and Laarman, van de Pol and Weber ("Parallel recursive state
 * compression for free", SPIN 2011): each part of the state vector is stored
 * once, and a state keeps only the ids of its parts.
 *
 * Here a part is one word of the packed state: each word's distinct values
 * go in a small table of their own (the leaf, `WordTable`), and a state keeps
 * the ids its words have there (the root). A deeper tree does worse on the
 * dm-snapshot models, measured: the packer fills each word with fields of
 * several processes, so two words together already take millions of values
 * (of the reference run's 4.7M states, words 2 and 3 together take 2.3M, all
 * but word 4 together 4.25M), while each word alone takes at most 40
 * thousand. So the root is flat, one id per word, and each id takes only the
 * bits its leaf needs so far: roots are bit-packed back to back in id order
 * (69-73 bits instead of the 160 of the reference run's packed state), and
 * when a leaf's ids outgrow their field, every root is rewritten in place
 * with a wider one (three bits at a time, so this happens a few times a
 * search).
 *
 * Roots are found by an open-addressing table like StateStore's (one int a
 * slot: fingerprint above, id + 1 below) keyed by the hash of the root's ids,
 * not of its bits, so widening a field moves nothing in it. On a large
 * search the table is most of the bytes left, so it grows by half again at
 * 4/5 load (53% to 80% full; StateStore doubles at 3/4), in place: its
 * buffer is resizable, so growing leaves no old table for the collector.
 *
 * Ids are dense and in insertion order, as the BFS needs.
 */
import { hashInts } from './hash.js';
import type { SeenSet } from './seen-set.js';
import { REHASH_CHUNK, SlotOrder } from './slot-order.js';
import { MAX_STORED_STATES, StoreFullError } from './state-store.js';

const SEGMENT_BITS = 16;
const SEGMENT_STATES = 1 << SEGMENT_BITS;
const MIN_TABLE = 16;
const MAX_TABLE = 2 ** 30;
/** Grow when count * LOAD_DEN > slots * LOAD_NUM. */
const LOAD_NUM = 4;
const LOAD_DEN = 5;
const TWO_32 = 2 ** 32;
/** Entries of a leaf's cache of recent inserts. */
const FRONT = 1 << 10;
/** Bits a leaf id may take: ids stay below MAX_STORED_STATES < 2^30. */
const MAX_FIELD = 30;

/** ES2024's resizable ArrayBuffer (Node 20 has it; the ES2023 lib does not declare it). */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** Bits needed to write `n` (at least 1). */
function bitsFor(n: number): number {
  return Math.max(1, 32 - Math.clz32(n));
}

export class TreeStore implements SeenSet {
  readonly exact = true;
  /** One table per word of the packed state. */
  private readonly leaves: WordTable[];
  /** Bits of each word's id in a root, and where in the root it starts. */
  private readonly widths: Int32Array;
  private readonly offsets: Int32Array;
  /** Bits of one root: the sum of `widths`. */
  private stride = 0;
  /** Roots, `SEGMENT_STATES` a segment, each `stride` bits from bit `(id % SEGMENT_STATES) * stride`. */
  private segments: Int32Array[] = [];
  /** Their buffers, resizable, so widening rewrites the roots where they are (no old copies for the collector). */
  private readonly segmentBuffers: ResizableArrayBuffer[] = [];
  private table: Int32Array;
  private tableBuffer: ResizableArrayBuffer | undefined;
  /** Ids + 1 take the low `idBits` bits of a slot; the fingerprint the rest. */
  private idBits = 0;
  private idMask = 0;
  private size = 0;
  /** The ids of the state being inserted or found, and of a root read back. */
  private readonly ids: Int32Array;
  private readonly other: Int32Array;
  /**
   * Per word, the value and id of the state last read, and of the last value
   * looked up: the search reads a state, then inserts its successors, each
   * of which differs from it in the words of the step's process and the
   * variables the step wrote, so most words are not looked up at all.
   * An id of -1: nothing kept.
   */
  private readonly readValue: Int32Array;
  private readonly readId: Int32Array;
  private readonly cachedValue: Int32Array;
  private readonly cachedId: Int32Array;
  /** Scratch of `grow`. */
  private slotOrder: SlotOrder | undefined;

  constructor(readonly words: number) {
    this.leaves = Array.from({ length: words }, () => new WordTable());
    this.widths = new Int32Array(words).fill(1);
    this.offsets = new Int32Array(words);
    this.layout();
    this.ids = new Int32Array(words);
    this.other = new Int32Array(words);
    this.readValue = new Int32Array(words);
    this.readId = new Int32Array(words).fill(-1);
    this.cachedValue = new Int32Array(words);
    this.cachedId = new Int32Array(words).fill(-1);
    this.table = this.swapTable(MIN_TABLE);
  }

  get count(): number {
    return this.size;
  }

  /** Bytes held by the leaves, the roots and the table (allocated, not just used). */
  get bytesAllocated(): number {
    let bytes = this.table.byteLength;
    for (const seg of this.segments) bytes += seg.byteLength;
    for (const leaf of this.leaves) bytes += leaf.bytesAllocated;
    return bytes;
  }

  /** Bits a state's root takes now. */
  get rootBits(): number {
    return this.stride;
  }

  insert(p: Int32Array): number {
    const ids = this.ids;
    let fresh = false;
    for (let k = 0; k < this.words; k++) {
      if (p[k] === this.readValue[k] && this.readId[k] >= 0) {
        ids[k] = this.readId[k];
        continue;
      }
      if (p[k] === this.cachedValue[k] && this.cachedId[k] >= 0) {
        ids[k] = this.cachedId[k];
        continue;
      }
      let id = this.leaves[k].insert(p[k]);
      if (id < 0) id = -id - 1;
      else fresh = true;
      ids[k] = id;
      this.cachedValue[k] = p[k];
      this.cachedId[k] = id;
      if (id >>> this.widths[k] !== 0) this.widen(k, id);
    }
    const h = hashInts(ids, 0, this.words);
    const fp = h << this.idBits;
    const table = this.table;
    const idMask = this.idMask;
    let slot = this.home(h);
    // A word never seen before makes the state new: no root can hold its id yet.
    if (!fresh) {
      for (;;) {
        const entry = table[slot];
        if (entry === 0) break;
        if ((entry & ~idMask) === fp && this.rootIs((entry & idMask) - 1, ids)) return -(entry & idMask);
        if (++slot === table.length) slot = 0;
      }
    } else {
      while (table[slot] !== 0) if (++slot === table.length) slot = 0;
    }
    const id = this.size;
    if (id >= MAX_STORED_STATES) throw new StoreFullError();
    this.writeRoot(id, ids);
    table[slot] = fp | (id + 1);
    this.size = id + 1;
    if (this.size * LOAD_DEN > table.length * LOAD_NUM) this.grow();
    return id;
  }

  find(p: Int32Array): number {
    const ids = this.ids;
    for (let k = 0; k < this.words; k++) {
      if (p[k] === this.cachedValue[k] && this.cachedId[k] >= 0) {
        ids[k] = this.cachedId[k];
        continue;
      }
      const id = this.leaves[k].find(p[k]);
      if (id < 0) return -1;
      ids[k] = id;
      this.cachedValue[k] = p[k];
      this.cachedId[k] = id;
    }
    const h = hashInts(ids, 0, this.words);
    const fp = h << this.idBits;
    const table = this.table;
    const idMask = this.idMask;
    for (let slot = this.home(h); ; ) {
      const entry = table[slot];
      if (entry === 0) return -1;
      if ((entry & ~idMask) === fp && this.rootIs((entry & idMask) - 1, ids)) return (entry & idMask) - 1;
      if (++slot === table.length) slot = 0;
    }
  }

  read(id: number, into: Int32Array, at = 0): void {
    const ids = this.other;
    this.readRoot(id, ids);
    for (let k = 0; k < this.words; k++) {
      const v = this.leaves[k].value(ids[k]);
      into[at + k] = v;
      this.readValue[k] = v;
      this.readId[k] = ids[k];
    }
  }

  /** The table slot a hash starts probing at: its top bits scaled to the table's size (any size, not only powers of two). */
  private home(h: number): number {
    return Math.floor((h >>> 0) * (this.table.length / TWO_32));
  }

  private rootIs(id: number, ids: Int32Array): boolean {
    const other = this.other;
    this.readRoot(id, other);
    for (let k = 0; k < this.words; k++) if (other[k] !== ids[k]) return false;
    return true;
  }

  private readRoot(id: number, into: Int32Array): void {
    const seg = this.segments[id >>> SEGMENT_BITS];
    const base = (id & (SEGMENT_STATES - 1)) * this.stride;
    for (let k = 0; k < this.words; k++) into[k] = readBits(seg, base + this.offsets[k], this.widths[k]);
  }

  private writeRoot(id: number, ids: Int32Array): void {
    const s = id >>> SEGMENT_BITS;
    if (s === this.segments.length) {
      this.segmentBuffers.push(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(0, { maxByteLength: segmentBytes(this.words * MAX_FIELD) }));
      this.segments.push(this.resizeSegment(s));
    }
    const seg = this.segments[s];
    const base = (id & (SEGMENT_STATES - 1)) * this.stride;
    for (let k = 0; k < this.words; k++) setBits(seg, base + this.offsets[k], this.widths[k], ids[k]);
  }

  /** Segment `s`'s buffer made the size roots of `stride` bits take (growing adds zeros), and a view of it. */
  private resizeSegment(s: number, stride = this.stride): Int32Array {
    const bytes = segmentBytes(stride);
    this.segmentBuffers[s].resize(bytes);
    return new Int32Array(this.segmentBuffers[s], 0, bytes >>> 2);
  }

  private layout(): void {
    let at = 0;
    for (let k = 0; k < this.words; k++) {
      this.offsets[k] = at;
      at += this.widths[k];
    }
    this.stride = at;
  }

  /**
   * Word `k`'s table gave id `id`, which its field cannot hold: rewrite every
   * root with a wider field, in place: each segment's buffer grows, then its
   * roots move up, last first (a root's new place starts at or after its
   * old one, and ends before the next root's new place). The field gets two
   * bits more than `id` needs, so it grows three bits at a time: a third as
   * many rewrites as bit by bit, for about a bit more a field.
   */
  private widen(k: number, id: number): void {
    const oldWidths = Int32Array.from(this.widths);
    const oldOffsets = Int32Array.from(this.offsets);
    const oldStride = this.stride;
    const width = Math.min(MAX_FIELD, bitsFor(id) + 2);
    // Every segment is made bigger before any root moves: if memory runs out, the store is left as it was.
    const stride = oldStride + width - oldWidths[k];
    for (let s = 0; s < this.segments.length; s++) this.segments[s] = this.resizeSegment(s, stride);
    this.widths[k] = width;
    this.layout();
    const ids = this.other;
    for (let s = 0; s < this.segments.length; s++) {
      const seg = this.segments[s];
      const n = Math.min(SEGMENT_STATES, this.size - s * SEGMENT_STATES);
      for (let i = n - 1; i >= 0; i--) {
        const oldBase = i * oldStride;
        const base = i * this.stride;
        for (let j = 0; j < this.words; j++) ids[j] = readBits(seg, oldBase + oldOffsets[j], oldWidths[j]);
        for (let j = 0; j < this.words; j++) setBits(seg, base + this.offsets[j], this.widths[j], ids[j]);
      }
    }
  }

  /**
   * Moves to a table half as big again and puts every root into it, a chunk
   * at a time in slot order (see slot-order.ts).
   */
  private grow(): void {
    const slots = Math.ceil(this.table.length * 1.5);
    if (slots > MAX_TABLE) throw new StoreFullError();
    this.swapTable(slots);
    const table = this.table;
    const scale = table.length / TWO_32;
    const ids = this.other;
    const slotOrder = (this.slotOrder ??= new SlotOrder());
    const hashes = slotOrder.hashes;
    for (let first = 0; first < this.size; first += REHASH_CHUNK) {
      const n = Math.min(REHASH_CHUNK, this.size - first);
      for (let i = 0; i < n; i++) {
        this.readRoot(first + i, ids);
        hashes[i] = hashInts(ids, 0, this.words);
      }
      const order = slotOrder.sort(n);
      for (let j = 0; j < n; j++) {
        const i = order[j];
        const h = hashes[i];
        let slot = Math.floor((h >>> 0) * scale);
        while (table[slot] !== 0) if (++slot === table.length) slot = 0;
        table[slot] = (h << this.idBits) | (first + i + 1);
      }
    }
  }

  /** Starts using an empty table of `slots` slots, in the same buffer (reserved up to the largest table, taken as it grows). */
  private swapTable(slots: number): Int32Array {
    const buf = (this.tableBuffer ??= new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(0, { maxByteLength: MAX_TABLE * 4 }));
    buf.resize(slots * 4);
    this.table = new Int32Array(buf, 0, slots);
    this.table.fill(0);
    // Every id + 1 this table will hold before growing, and 0 for empty, fit the id bits.
    this.idBits = bitsFor(Math.floor((slots * LOAD_NUM) / LOAD_DEN) + 2);
    this.idMask = (1 << this.idBits) - 1;
    return this.table;
  }
}

/** The `width`-bit unsigned field at bit `bit` of `a` (width <= 30). */
function readBits(a: Int32Array, bit: number, width: number): number {
  const w = bit >>> 5;
  const o = bit & 31;
  let v = a[w] >>> o;
  if (o + width > 32) v |= a[w + 1] << (32 - o);
  return v & ((1 << width) - 1);
}

/** Sets the `width`-bit field at bit `bit` of `a` to `v` (width <= 30, v < 2^width). */
function setBits(a: Int32Array, bit: number, width: number, v: number): void {
  const w = bit >>> 5;
  const o = bit & 31;
  const mask = (1 << width) - 1;
  a[w] = (a[w] & ~(mask << o)) | (v << o);
  if (o + width > 32) a[w + 1] = (a[w + 1] & ~(mask >>> (32 - o))) | (v >>> (32 - o));
}

/** Bytes of a segment of roots of `stride` bits: one int more than they fill, so a field ending in the last int can read the next. */
function segmentBytes(stride: number): number {
  return (Math.floor((SEGMENT_STATES * stride) / 32) + 1) * 4;
}

/**
 * The distinct values of one word, with dense ids: an open-addressing table
 * of (value, id + 1) pairs side by side, so a lookup reads one cache line
 * (a leaf holds up to tens of thousands of values, more than fits the
 * nearest caches), and the values in id order for reading back.
 */
class WordTable {
  private pairs = new Int32Array(2 << 6);
  private shift = 32 - 6;
  private values = new Int32Array(1 << 5);
  private size = 0;
  /** (value, id + 1) of recent inserts, direct-mapped by hash: the values met most often need no probe of `pairs`. */
  private readonly front = new Int32Array(2 * FRONT);

  get bytesAllocated(): number {
    return this.pairs.byteLength + this.values.byteLength + this.front.byteLength;
  }

  /** The new value's id (>= 0), or `-(id + 1)` if it was there. */
  insert(v: number): number {
    const h = mix(v);
    const f = 2 * (h & (FRONT - 1));
    if (this.front[f + 1] !== 0 && this.front[f] === v) return -this.front[f + 1];
    const r = this.insertSlow(v, h);
    this.front[f] = v;
    this.front[f + 1] = r < 0 ? -r : r + 1;
    return r;
  }

  private insertSlow(v: number, h: number): number {
    const pairs = this.pairs;
    const mask = (pairs.length >>> 1) - 1;
    for (let slot = h >>> this.shift; ; slot = (slot + 1) & mask) {
      const id1 = pairs[2 * slot + 1];
      if (id1 === 0) {
        const id = this.size;
        if (id === this.values.length) this.values = grown(this.values);
        this.values[id] = v;
        pairs[2 * slot] = v;
        pairs[2 * slot + 1] = id + 1;
        this.size = id + 1;
        if (this.size * 2 > mask + 1) this.grow();
        return id;
      }
      if (pairs[2 * slot] === v) return -id1;
    }
  }

  /** The id of `v`, or -1. */
  find(v: number): number {
    const pairs = this.pairs;
    const mask = (pairs.length >>> 1) - 1;
    for (let slot = mix(v) >>> this.shift; ; slot = (slot + 1) & mask) {
      const id1 = pairs[2 * slot + 1];
      if (id1 === 0) return -1;
      if (pairs[2 * slot] === v) return id1 - 1;
    }
  }

  value(id: number): number {
    return this.values[id];
  }

  private grow(): void {
    const pairs = new Int32Array(this.pairs.length * 2);
    this.shift--;
    const mask = (pairs.length >>> 1) - 1;
    for (let id = 0; id < this.size; id++) {
      const v = this.values[id];
      let slot = mix(v) >>> this.shift;
      while (pairs[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      pairs[2 * slot] = v;
      pairs[2 * slot + 1] = id + 1;
    }
    this.pairs = pairs;
  }
}

/** A 32-bit finaliser (murmur3's): every input bit moves the top bits the slot is taken from. */
function mix(v: number): number {
  let h = Math.imul(v ^ (v >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
