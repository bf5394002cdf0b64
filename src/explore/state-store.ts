/**
 * The seen-set, like TLC's FPSet but exact: packed states live back to back
 * in fixed-size segments (growing never copies a state), indexed by an
 * open-addressing table (linear probing, load <= 3/4). Ids are dense and in
 * insertion order, which is what lets BFS use id ranges as its frontier and
 * its levels.
 *
 * A table slot is one int: the state's id + 1 in its low k bits (the table
 * has 2^k slots, so every id fits), a bit saying whether the entry lies
 * outside its home line (below), and above them 31 - k bits of the state's
 * hash as a fingerprint. The table is cut into lines of 8 slots; the hash's
 * top k - 3 bits name a state's home line, where its probe starts, going on
 * slot by slot into the next lines while they are full. The fingerprint is
 * the hash bits just below the line's, independent of it: a probe that
 * meets another state is rejected on it almost always (one in 2^(31-k) reads
 * the state), at 4 bytes a slot.
 *
 * Doubling the table needs one more bit of each state's line, which is the
 * top bit of its fingerprint: so an entry in its home line (most of them:
 * few lines overflow at 3/4 load) moves to its new line without its state
 * being read or hashed, and the old table is read once in order while the
 * new one is written nearly in order (`double`); only the moved entries are
 * hashed again from their states. The old table's memory then becomes the
 * segments of the states to come (`newSegment`). Growing by more than one
 * doubling rebuilds the table from the segments instead (`rehashIds`).
 *
 * A shared store has no lines and no `moved` bit: plain linear probing from
 * the slot the hash's top k bits name, with a fingerprint of 32 - k bits.
 * Its threads rebuild its table from the segments when it grows, each a
 * part of it (`rehashIds`), so lines would not spare them work, and a probe
 * that starts at the state's own slot finds it in fewer steps: lines of 8
 * made two workers 1.05x slower on the reference run (8 pairs).
 *
 * A store made `shared` keeps its segments and table in SharedArrayBuffers,
 * so worker threads can attach to it and insert concurrently (see
 * `ConcurrentInserter` below and parallel.ts).
 */
import { hashInts } from './hash.js';
import type { SeenSet } from './seen-set.js';
import { BUCKET_BITS, BUCKETS, REHASH_CHUNK, SlotOrder } from './slot-order.js';

const SEGMENT_BITS = 16;
const SEGMENT_STATES = 1 << SEGMENT_BITS;
const MIN_LOG2 = 4;
/** log2 of the slots of a line (see the top of this file). */
const LINE_BITS = 3;
/**
 * Entries of the cache of recently met states in front of the table (see
 * `insert`): a few thousand catch most duplicates, since BFS reaches the two
 * ends of a diamond (a;b and b;a) from sibling states, whose ids are close.
 */
const RECENT_BITS = 14;
const RECENT_MASK = (1 << RECENT_BITS) - 1;

/** Most states one store can hold (ids + 1 fit the low bits of a slot; tables up to 2^30 slots). */
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

/** Slot of a state given up (a search that stopped mid-round): probes pass over it. It never equals a live slot, whose id + 1 stays below 2^k - 1. */
const GONE = -1;

/**
 * One of `parts` threads filling a grown table together: each puts the
 * states whose slot lies in its own `index`-th of the table (all threads
 * hash every state; the placing is what costs), with plain writes, since
 * no other thread writes there. A state whose probe runs past the part's
 * last slot is added to `deferred`, for `rehashDeferred` once all parts are
 * done. (Claiming every slot with a compare-and-swap made growth about 3x
 * slower: a locked instruction keeps the processor from overlapping the
 * next states' cache misses with this one's.)
 */
export interface RehashPart {
  readonly index: number;
  readonly parts: number;
  readonly deferred: number[];
}

/** Smallest table whose growth threads can share (its parts are runs of slot-order.ts's buckets). */
export const SHARED_REHASH_MIN_SLOTS = BUCKETS;

/** What a thread needs to attach to a shared store (all SharedArrayBuffers). */
export interface StoreShare {
  readonly words: number;
  readonly table: SharedArrayBuffer;
  /** Segments from index `firstSegment` on (a thread keeps the ones it had): a buffer and the byte offset of the segment in it. */
  readonly segments: ReadonlyArray<readonly [SharedArrayBuffer, number]>;
  readonly firstSegment: number;
  /** log2 of the slots of a line of the table (see the top of this file). */
  readonly lineBits: number;
}

export class StateStore implements SeenSet {
  readonly exact = true;
  /** @internal (ConcurrentInserter) */
  readonly segments: Int32Array[] = [];
  /** @internal One int a slot: fingerprint, `moved` bit, and id + 1 in the low `32 - shift` bits; 0 = empty. */
  table: Int32Array;
  /** @internal 32 - log2(slots). */
  shift = 32;
  /** @internal slots - 1, also the mask of the id bits. */
  mask = 0;
  /** @internal The bit of an entry that lies outside its home line: `mask + 1` (0 in a shared store). */
  moved = 0;
  /** @internal The fingerprint bits of an entry: `~(mask | moved)`. */
  printMask = 0;
  /**
   * @internal `start` and `print` as shifts, `(h >>> lineShift) << lineBits`
   * and `(h >>> printFrom) << printTo`, derived once per table by `sized`.
   */
  lineShift = 32;
  printFrom = 1;
  printTo = 1;
  /** @internal log2 of the slots of a line of the table: 3, or 0 in a shared store (see the top of this file). */
  lineBits: number;
  private size = 0;
  /** Segments and table already handed to attached threads. */
  private sharedSegments = 0;
  private sharedTable: Int32Array | undefined;
  /** The table growth last dropped, for `newSegment` to cut segments from (from `spareAt` on). */
  private spare: Int32Array | undefined;
  private spareAt = 0;
  /** Scratch of `rehashIds`. */
  private slotOrder: SlotOrder | undefined;
  /** By the low bits of a hash: id + 1 of a state `insert` met recently (0: none), and its whole hash. */
  private readonly recentIds = new Int32Array(RECENT_MASK + 1);
  private readonly recentHashes = new Int32Array(RECENT_MASK + 1);
  /** Hash of the last state passed to `insert` or `find`. */
  lastHash = 0;

  /**
   * `initialTable`: slots to start with (rounded up to a power of two);
   * `shared`: keep everything in SharedArrayBuffers so threads can attach.
   */
  constructor(readonly words: number, initialTable = 1 << 12, private readonly shared = false) {
    this.lineBits = shared ? 0 : LINE_BITS;
    this.table = this.swapTable(Math.max(MIN_LOG2, Math.ceil(Math.log2(Math.max(1, initialTable)))));
  }

  /** A view of a shared store in another thread (its count is not kept there). */
  static attach(share: StoreShare): StateStore {
    const store = new StateStore(share.words, 1 << MIN_LOG2);
    store.adopt(share);
    return store;
  }

  /** Takes the shared table and new segments the owning thread handed out. */
  adopt(share: StoreShare): void {
    this.table = new Int32Array(share.table);
    this.lineBits = share.lineBits;
    this.sized(Math.log2(this.table.length));
    const ints = SEGMENT_STATES * share.words;
    share.segments.forEach(([buf, at], i) => { this.segments[share.firstSegment + i] = new Int32Array(buf, at, ints); });
  }

  /** What attached threads still lack: the table if it changed and segments made since the last call. */
  share(): StoreShare {
    if (!this.shared) throw new Error('internal: sharing a store that was not made shared');
    const share: StoreShare = {
      words: this.words,
      table: this.table.buffer as SharedArrayBuffer,
      segments: this.segments.slice(this.sharedSegments).map((s) => [s.buffer as SharedArrayBuffer, s.byteOffset] as const),
      firstSegment: this.sharedSegments,
      lineBits: this.lineBits,
    };
    this.sharedSegments = this.segments.length;
    this.sharedTable = this.table;
    return share;
  }

  /** Whether `share()` has something attached threads lack. */
  get shareChanged(): boolean {
    return this.sharedTable !== this.table || this.sharedSegments !== this.segments.length;
  }

  private ints(n: number): Int32Array {
    return this.shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  }

  /**
   * A segment for the next states: cut from the buffer of a table that
   * growth dropped, while one is left, else new. Memory the process has
   * already touched is mapped; fresh memory costs a page fault per 4 KiB
   * page the first time it is written, about 10-15 us each on a virtual
   * machine (measured on the bench machine), and the dropped tables add up
   * to about a third of the segments.
   */
  private newSegment(): Int32Array {
    const ints = SEGMENT_STATES * this.words;
    if (this.spare && this.spare.length - this.spareAt >= ints) {
      this.spareAt += ints;
      return this.spare.subarray(this.spareAt - ints, this.spareAt);
    }
    this.spare = undefined;
    return this.ints(ints);
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
    // Most duplicates were met a moment ago: a small cache that stays in the processor's cache
    // answers them without the table's cache miss (the state's words are confirmed either way).
    const r = h & RECENT_MASK;
    const recent = this.recentIds[r];
    if (recent !== 0 && this.recentHashes[r] === h && this.equals(recent - 1, p)) return -recent;
    this.recentHashes[r] = h;
    const table = this.table;
    const mask = this.mask;
    const fp = this.print(h);
    const printMask = this.printMask;
    const start = this.start(h);
    let slot = start;
    for (;;) {
      const entry = table[slot];
      if (entry === 0) break;
      if ((entry & printMask) === fp && entry !== GONE) {
        const id = (entry & mask) - 1;
        const seg = this.segments[id >>> SEGMENT_BITS];
        const base = (id & (SEGMENT_STATES - 1)) * words;
        let k = 0;
        while (k < words && seg[base + k] === p[k]) k++;
        if (k === words) {
          this.recentIds[r] = id + 1;
          return -(id + 1);
        }
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    if (id >= MAX_STORED_STATES) throw new StoreFullError();
    const segIndex = id >>> SEGMENT_BITS;
    if (segIndex === this.segments.length) this.segments.push(this.newSegment());
    const seg = this.segments[segIndex];
    const base = (id & (SEGMENT_STATES - 1)) * words;
    for (let k = 0; k < words; k++) seg[base + k] = p[k];
    table[slot] = this.entry(fp, start, slot, id + 1);
    this.recentIds[r] = id + 1;
    this.size = id + 1;
    if (this.size * 4 > (mask + 1) * 3) this.grow();
    return id;
  }

  /** The id of packed state `p`, or -1 if it is not stored. */
  find(p: Int32Array): number {
    const h = hashInts(p, 0, this.words);
    this.lastHash = h;
    const table = this.table;
    const mask = this.mask;
    const fp = this.print(h);
    const printMask = this.printMask;
    for (let slot = this.start(h); ; slot = (slot + 1) & mask) {
      const entry = table[slot];
      if (entry === 0) return -1;
      if ((entry & printMask) === fp && entry !== GONE && this.equals((entry & mask) - 1, p)) return (entry & mask) - 1;
    }
  }

  /** Copies packed state `id` into `into` at `at`. */
  read(id: number, into: Int32Array, at = 0): void {
    const words = this.words;
    const seg = this.segments[id >>> SEGMENT_BITS];
    const base = (id & (SEGMENT_STATES - 1)) * words;
    for (let k = 0; k < words; k++) into[at + k] = seg[base + k];
  }

  /** The hash `insert` gave stored state `id`. */
  private hashOf(id: number): number {
    return hashInts(this.segments[id >>> SEGMENT_BITS], (id & (SEGMENT_STATES - 1)) * this.words, this.words);
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

  /**
   * Before a round of concurrent inserts: room for `states` in all (segments
   * to write them in, a table under 3/4 load with them), since attached
   * threads can neither grow the table nor add segments.
   */
  ensureCapacity(states: number): void {
    if (this.startGrowth(states)) this.rehashIds(0, this.size);
  }

  /**
   * `ensureCapacity` in two halves, so that other threads can share the
   * work: makes the segments and, if the table lacks room, a bigger empty
   * table that the store uses from now on, and returns true. Every stored
   * id must then be put into it with `rehashIds` (alone, or in parts on several threads)
   * before the store is used again.
   */
  startGrowth(states: number): boolean {
    if (states > MAX_STORED_STATES) throw new StoreFullError();
    while (this.segments.length * SEGMENT_STATES < states) this.segments.push(this.newSegment());
    const log2 = tableLog2For(states);
    if (log2 <= 32 - this.shift) return false;
    if (log2 > 30) throw new StoreFullError();
    this.swapTable(log2);
    return true;
  }

  /**
   * Puts stored states `from .. to - 1` into the table. Alone, a plain
   * write does. With `part`, other threads fill the same table at the same
   * time, each its own part of the slots (see `RehashPart`).
   *
   * States are hashed a chunk at a time and placed in slot order (see
   * slot-order.ts).
   */
  rehashIds(from: number, to: number, part?: RehashPart): void {
    const { table, shift, mask } = this;
    const slots = (this.slotOrder ??= new SlotOrder());
    const hashes = slots.hashes;
    const log2 = 32 - shift;
    if (part && log2 < BUCKET_BITS + this.lineBits) throw new Error('internal: a table too small to share its growth');
    const firstBucket = part ? Math.floor((part.index * BUCKETS) / part.parts) : 0;
    const endBucket = part ? Math.floor(((part.index + 1) * BUCKETS) / part.parts) : BUCKETS;
    // Past the part's last slot (a probe that gets there is left to `rehashDeferred`); alone, never reached.
    const endSlot = part ? endBucket * 2 ** (log2 - BUCKET_BITS) : -1;
    for (let first = from; first < to; first += REHASH_CHUNK) {
      const n = Math.min(REHASH_CHUNK, to - first);
      for (let i = 0; i < n; i++) hashes[i] = this.hashOf(first + i);
      const order = slots.sort(n);
      for (let j = slots.begin(firstBucket), hi = slots.begin(endBucket); j < hi; j++) {
        const i = order[j];
        const h = hashes[i];
        const start = this.start(h);
        let slot = start;
        while (slot !== endSlot && table[slot] !== 0) slot = part ? slot + 1 : (slot + 1) & mask;
        if (slot === endSlot) part!.deferred.push(first + i);
        else table[slot] = this.entry(this.print(h), start, slot, first + i + 1);
      }
    }
  }

  /** After every thread's `rehashIds` part: puts the states they deferred, claiming each slot with a compare-and-swap. */
  rehashDeferred(ids: readonly number[]): void {
    const { table, mask } = this;
    for (const id of ids) {
      const h = this.hashOf(id);
      const start = this.start(h);
      const print = this.print(h);
      let slot = start;
      while (table[slot] !== 0 || Atomics.compareExchange(table, slot, 0, this.entry(print, start, slot, id + 1)) !== 0) slot = (slot + 1) & mask;
    }
  }

  /**
   * After a round of concurrent inserts: the next `n` ids, whose states
   * other threads already wrote and indexed (`ConcurrentInserter.place`),
   * now count as stored.
   */
  claim(n: number): void {
    this.size += n;
  }

  /** Takes out of the table state `id`, placed by a round but not claimed (the search stopped before reaching it): probes pass over its slot. */
  forget(id: number): void {
    const { table, mask } = this;
    const h = this.hashOf(id);
    let slot = this.start(h);
    while ((table[slot] & mask) !== id + 1 || table[slot] === GONE) slot = (slot + 1) & mask;
    table[slot] = GONE;
    if (this.recentIds[h & RECENT_MASK] === id + 1) this.recentIds[h & RECENT_MASK] = 0;
  }

  private grow(): void {
    if (32 - this.shift >= 30) throw new StoreFullError();
    if (this.lineBits > 0) this.double();
    else this.rehash(33 - this.shift);
  }

  private rehash(log2: number): void {
    this.swapTable(log2);
    this.rehashIds(0, this.size);
  }

  /** Starts using an empty table of 2^log2 slots (the old one is kept for segments, see `newSegment`). */
  private swapTable(log2: number): Int32Array {
    // Still in use by the segments cut from it, if any; the rest is let go.
    // (Unset when the constructor makes the first table.)
    const old = this.table as Int32Array | undefined;
    if (old !== undefined && old.length >= SEGMENT_STATES * this.words) {
      this.spare = old;
      this.spareAt = 0;
    }
    this.table = new Int32Array(0);
    this.table = this.ints(1 << log2);
    this.sized(log2);
    return this.table;
  }

  /** Sets the table's layout for 2^log2 slots: a store with lines keeps a `moved` bit below the fingerprint, a shared store none. */
  private sized(log2: number): void {
    const flag = this.lineBits > 0 ? 1 : 0;
    this.shift = 32 - log2;
    this.mask = (1 << log2) - 1;
    this.moved = flag << log2;
    this.printMask = ~(this.mask | this.moved);
    this.lineShift = this.shift + this.lineBits;
    this.printFrom = this.lineBits + flag;
    this.printTo = log2 + flag;
  }

  /** @internal The slot where the probe for a state of hash `h` starts: the first of its home line. */
  start(h: number): number {
    return (h >>> this.lineShift) << this.lineBits;
  }

  /** @internal The fingerprint bits of the entry of a state of hash `h` (the hash bits just below its line's). */
  print(h: number): number {
    return (h >>> this.printFrom) << this.printTo;
  }

  /** @internal The entry of the state with id + 1 `id1` and fingerprint bits `print`, put in `slot` by a probe that started at `start`. */
  entry(print: number, start: number, slot: number, id1: number): number {
    return (slot ^ start) >>> this.lineBits === 0 ? print | id1 : print | this.moved | id1;
  }

  /**
   * Grows the table to twice its slots from the old table alone (see the
   * top of this file): the old lines are read in order, and each entry goes
   * to the line its fingerprint's top bit picks out of the two its old line
   * becomes, with that bit dropped from the fingerprint. An entry that lay
   * outside its home line (its home is not known) is hashed again.
   */
  private double(): void {
    const old = this.table;
    const oldMask = this.mask;
    const oldMoved = this.moved;
    const oldPrint = this.printMask;
    const table = this.swapTable(33 - this.shift);
    const { mask, lineBits } = this;
    for (let at = 0; at < old.length; at++) {
      const e = old[at];
      if (e === 0 || e === GONE) continue;
      const id1 = e & oldMask;
      let start: number;
      let print: number;
      if ((e & oldMoved) === 0) {
        start = (((at >>> lineBits) << 1) | (e >>> 31)) << lineBits;
        print = (e & oldPrint) << 1;
      } else {
        const h = this.hashOf(id1 - 1);
        start = this.start(h);
        print = this.print(h);
      }
      let slot = start;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = this.entry(print, start, slot, id1);
    }
  }
}

/** Shared records of one round of concurrent inserts (see `ConcurrentInserter`). */
export interface RoundShare {
  /** [0]: provisional states handed out so far this round. */
  readonly counter: SharedArrayBuffer;
  /** Per provisional state: the least key offered for it. */
  readonly keys: SharedArrayBuffer;
  /** Per provisional state: its table slot (meaningful for the states that own a key). */
  readonly slots: SharedArrayBuffer;
  /** Per provisional state: its fingerprint (the slot's bits above the id), so that writing its id need not read the slot first. */
  readonly prints: SharedArrayBuffer;
  /** Per provisional state: the packed state, until it is placed at its final id. */
  readonly states: SharedArrayBuffer;
  /**
   * Per key: 1 + the provisional state that was last given it, or 0. Stale
   * when that state was offered a lower key since, which its `keys` entry
   * tells; cleared by `place`.
   */
  readonly owners: SharedArrayBuffer;
}

/**
 * Provisional indices a thread takes at a time: its new states then lie
 * together (in the round records), not interleaved with another thread's on
 * the same cache lines, and the shared counter is touched once per block. A
 * round may leave up to this many unused per thread.
 */
export const INSERT_BLOCK = 64;

/** `ConcurrentInserter.insertBatch`'s `made` for a state whose probe left the thread's part of the table (see `insertOwned`). */
export const LEFT_PART = -2;

/** `ConcurrentInserter.compare`'s answers besides a provisional index. */
const STORED = -1;
const DIFFERENT = -3;

/** Fresh round records for up to `provisional` states of `words` ints per round, with keys below `keys`. */
export function createRoundShare(provisional: number, keys: number, words: number): RoundShare {
  return {
    counter: new SharedArrayBuffer(4),
    keys: new SharedArrayBuffer(provisional * 4),
    slots: new SharedArrayBuffer(provisional * 4),
    prints: new SharedArrayBuffer(provisional * 4),
    states: new SharedArrayBuffer(provisional * words * 4),
    owners: new SharedArrayBuffer(keys * 4),
  };
}

/**
 * One thread's inserts into a shared store during a round, lock-free in the
 * manner of Laarman, van de Pol and Weber (FMCAD 2010): an empty slot is
 * claimed with one compare-and-swap of the whole slot (fingerprint and
 * provisional id). The state itself is written before the claim, into the
 * round's records, so it is complete when published, and no thread ever
 * waits for another. (The caller made room in the table: `ensureCapacity`.)
 *
 * Which thread stores a state first is a race; what is not is the least key
 * offered for it (atomic minimum). After the round, the threads give the new
 * states their final ids in key order, a range of keys each: `owned` counts
 * a range's states, and `place`, given the ids before the range, moves them
 * into the store and rewrites their slots; the owning thread then `claim`s
 * them source by source.
 */
export class ConcurrentInserter {
  private readonly counter: Int32Array;
  private readonly keys: Int32Array;
  private readonly slots: Int32Array;
  private readonly prints: Int32Array;
  private readonly states: Int32Array;
  private readonly owners: Int32Array;
  private base = 0;
  /** Scratch of `insertBatch`, and what its early reads read (kept, so that they are not left out as unused). */
  private hashes = new Int32Array(64);
  touched = 0;
  /** Provisional indices `next .. limit - 1` are this thread's to use (a claim that loses a race keeps `next`). */
  private next = 0;
  private limit = 0;
  /** This thread's part of the table this round (slots `partStart .. partEnd - 1`), and how many parts there are. */
  private partStart = 0;
  private partEnd = 0;
  private parts = 1;

  constructor(private readonly store: StateStore, round: RoundShare) {
    this.counter = new Int32Array(round.counter);
    this.keys = new Int32Array(round.keys);
    this.slots = new Int32Array(round.slots);
    this.prints = new Int32Array(round.prints);
    this.states = new Int32Array(round.states);
    this.owners = new Int32Array(round.owners);
  }

  /** Provisional indices handed out so far this round, to all threads. */
  handedOut(): number {
    return Atomics.load(this.counter, 0);
  }

  /**
   * Starts a round: provisional ids start at `base`, the store's count. The
   * table is cut into `parts` runs of slots, one per thread; this thread's is
   * `part` (see `insertBatch`'s `owned`).
   */
  begin(base: number, part = 0, parts = 1): void {
    this.base = base;
    this.next = this.limit = 0;
    const slots = this.store.table.length;
    this.parts = parts;
    this.partStart = Math.ceil((part * slots) / parts);
    this.partEnd = Math.ceil(((part + 1) * slots) / parts);
  }

  /** The part of the table (see `begin`) holding the slot where the probe for a state of hash `h` starts. */
  homePart(h: number): number {
    return Math.floor((this.store.start(h) * this.parts) / this.store.table.length);
  }

  /**
   * Stores each of the `n` packed states in `batch` (one after another)
   * unless present, offering `keys[i]` for state i if it is new this round;
   * `made[i]` becomes the provisional index (id - base) of a state this call
   * stored, or -1. The states' table slots are read first, all of them, and
   * then the stored states their fingerprints point to, before any is
   * inserted: the reads do not depend on one another, so the processor
   * overlaps their cache misses instead of taking them one at a time.
   *
   * `known`: the states' hashes, if the caller has them. `owned`: every
   * state's probe starts in this thread's part of the table (`homePart`),
   * and no other thread reads or writes that part meanwhile, so slots are
   * claimed with plain writes (a locked compare-and-swap keeps the processor
   * from overlapping the cache misses around it); a probe that reaches the
   * part's end gives up, `made[i]` = `LEFT_PART`, for a later call without
   * `owned` (all threads then claim with compare-and-swap).
   */
  insertBatch(batch: Int32Array, keys: Int32Array, n: number, made: Int32Array, known?: Int32Array, owned = false): void {
    const store = this.store;
    // `start` and `print` spelled out with the shifts held in locals: calling them in these two
    // loops measured 1.02x slower on two workers (reference run, 8 and 10 pairs).
    const { words, table, mask, printMask, segments, lineShift, lineBits, printFrom, printTo } = store;
    const hashes = known ?? (this.hashes.length >= n ? this.hashes : (this.hashes = new Int32Array(n * 2)));
    let touched = 0;
    for (let i = 0; i < n; i++) {
      if (!known) hashes[i] = hashInts(batch, i * words, words);
      touched ^= table[(hashes[i] >>> lineShift) << lineBits];
    }
    for (let i = 0; i < n; i++) {
      const h = hashes[i];
      const entry = table[(h >>> lineShift) << lineBits];
      if (entry !== 0 && (entry & printMask) === (h >>> printFrom) << printTo) {
        const id = (entry & mask) - 1;
        if (id < this.base) touched ^= segments[id >>> SEGMENT_BITS][(id & (SEGMENT_STATES - 1)) * words];
      }
    }
    this.touched = touched;
    if (owned) for (let i = 0; i < n; i++) made[i] = this.insertOwned(batch, i * words, hashes[i], keys[i]);
    else for (let i = 0; i < n; i++) made[i] = this.insertHashed(batch, i * words, hashes[i], keys[i]);
  }

  /** Provisional index for a new state: the next of this thread's block, taking a new block when it is used up. */
  private take(): number {
    if (this.next === this.limit) {
      this.next = Atomics.add(this.counter, 0, INSERT_BLOCK);
      this.limit = this.next + INSERT_BLOCK;
    }
    return this.next;
  }

  /** `insertHashed` within this thread's own part of the table: see `insertBatch`'s `owned`. */
  private insertOwned(p: Int32Array, at: number, h: number, key: number): number {
    const store = this.store;
    const table = store.table;
    const printMask = store.printMask;
    const fp = store.print(h);
    const start = store.start(h);
    for (let slot = start; slot < this.partEnd; slot++) {
      const entry = table[slot];
      if (entry === 0) {
        const t = this.record(p, at, key);
        const made = store.entry(fp, start, slot, this.base + t + 1);
        table[slot] = made;
        return this.claimed(t, slot, made & ~store.mask, key);
      }
      if ((entry & printMask) !== fp || entry === GONE) continue;
      const t = this.compare(entry, p, at);
      if (t === DIFFERENT) continue;
      if (t >= 0 && key < this.keys[t]) {
        this.keys[t] = key;
        this.owners[key] = t + 1;
      }
      return -1;
    }
    return LEFT_PART;
  }

  /** Writes a new state and its key into the next provisional record, and returns its index (not yet claimed: `claimed`). */
  private record(p: Int32Array, at: number, key: number): number {
    const t = this.take();
    const words = this.store.words;
    const states = this.states;
    for (let k = 0, to = t * words; k < words; k++) states[to + k] = p[at + k];
    this.keys[t] = key;
    return t;
  }

  /** After provisional state `t` took `slot` (fingerprint `fp`) with `key`: books it as this thread's. */
  private claimed(t: number, slot: number, fp: number, key: number): number {
    this.slots[t] = slot;
    this.prints[t] = fp;
    this.owners[key] = t + 1;
    this.next++;
    return t;
  }

  /**
   * Whether the state of table entry `entry` (whose fingerprint matched) is
   * `p[at..]`: `STORED` if it was stored before this round, its provisional
   * index if it is new this round, `DIFFERENT` if it is another state.
   */
  private compare(entry: number, p: Int32Array, at: number): number {
    const words = this.store.words;
    const t = (entry & this.store.mask) - 1 - this.base;
    let k = 0;
    if (t < 0) {
      const id = t + this.base;
      const seg = this.store.segments[id >>> SEGMENT_BITS];
      for (const from = (id & (SEGMENT_STATES - 1)) * words; k < words && seg[from + k] === p[at + k];) k++;
      return k === words ? STORED : DIFFERENT;
    }
    const states = this.states;
    for (const from = t * words; k < words && states[from + k] === p[at + k];) k++;
    return k === words ? t : DIFFERENT;
  }

  /** Stores the state at `p[at..]`, whose hash is `h`, unless present: see `insertBatch`. */
  private insertHashed(p: Int32Array, at: number, h: number, key: number): number {
    const store = this.store;
    const table = store.table;
    const mask = store.mask;
    const printMask = store.printMask;
    const fp = store.print(h);
    const start = store.start(h);
    for (let slot = start; ; slot = (slot + 1) & mask) {
      // A plain read to probe (an atomic one costs a call): a slot once filled only changes between
      // rounds, so a stale 0 is caught by the compare-and-swap below, and a fingerprint that
      // matches is read again atomically, which orders the state's words after its publication.
      let entry = table[slot];
      if (entry !== 0 && (entry & printMask) === fp) entry = Atomics.load(table, slot);
      if (entry === 0) {
        const t = this.record(p, at, key);
        // The slot holds all a reader needs (fingerprint and id), so one compare-and-swap publishes the state.
        const made = store.entry(fp, start, slot, this.base + t + 1);
        entry = Atomics.compareExchange(table, slot, 0, made);
        if (entry === 0) return this.claimed(t, slot, made & ~mask, key);
      }
      if ((entry & printMask) !== fp || entry === GONE) continue;
      const t = this.compare(entry, p, at);
      if (t === DIFFERENT) continue;
      if (t === STORED) return -1;
      let old = Atomics.load(this.keys, t);
      while (key < old) {
        const seen = Atomics.compareExchange(this.keys, t, old, key);
        if (seen === old) {
          this.owners[key] = t + 1;
          break;
        }
        old = seen;
      }
      return -1;
    }
  }

  /** After the round: how many of its new states have their least key in `from .. to - 1`. */
  owned(from: number, to: number): number {
    const { owners, keys } = this;
    let n = 0;
    for (let key = from; key < to; key++) {
      const o = owners[key];
      if (o !== 0 && keys[o - 1] === key) n++;
    }
    return n;
  }

  /**
   * After the round (and `owned` over all keys): gives the new states with
   * their least key in `from .. to - 1`, in key order, the ids from `first`
   * on, writing them into the store and their ids into their slots (so no
   * other thread may use the table meanwhile); `placed(t, id)` is told each.
   */
  place(from: number, to: number, first: number, placed: (t: number, id: number) => void): void {
    const { owners, keys, slots, prints, states, store } = this;
    const { words, table, segments } = store;
    let id = first;
    for (let key = from; key < to; key++) {
      const o = owners[key];
      if (o === 0) continue;
      owners[key] = 0;
      const t = o - 1;
      if (keys[t] !== key) continue;
      const seg = segments[id >>> SEGMENT_BITS];
      const base = (id & (SEGMENT_STATES - 1)) * words;
      for (let k = 0, at = t * words; k < words; k++) seg[base + k] = states[at + k];
      table[slots[t]] = prints[t] | (id + 1);
      placed(t, id);
      id++;
    }
  }
}
