/**
 * Per state id, the id of the state that first discovered it (-1 for the
 * initial state) and, where the states themselves are not kept (bitstate),
 * the step that did.
 *
 * BFS gives ids in the order the parents are expanded, so the parents of
 * ids 1, 2, 3, ... never decrease. Without steps the log keeps just that
 * sequence, in unary: per state, as many 0 bits as its parent is past the
 * previous state's parent, then a 1; the parent of the j-th 1 is the number
 * of 0s before it. About 2 bits a state, plus the position of every 256th 1
 * (so finding a parent scans at most a few words). With steps, plain arrays
 * (8 bytes a state). Both grow in fixed-size segments: appending never copies
 * what is stored.
 */

const SEGMENT_BITS = 16;
const SEGMENT = 1 << SEGMENT_BITS;
/** Every SAMPLE-th 1 has its bit position kept. */
const SAMPLE_BITS = 8;

export interface ParentLog {
  /** Appends the next state's parent (-1 for the initial state) and, with steps, its step. */
  push(parent: number, step: number): void;
  parentOf(id: number): number;
  /** The step from the parent (only in a log made with steps). */
  stepOf(id: number): number;
  readonly bytes: number;
}

export function createParentLog(withSteps: boolean): ParentLog {
  return withSteps ? new ParentStepLog() : new MonotoneParentLog();
}

class ParentStepLog implements ParentLog {
  private readonly parents: Int32Array[] = [];
  private readonly steps: Int32Array[] = [];
  private size = 0;

  push(parent: number, step: number): void {
    const seg = this.size >>> SEGMENT_BITS;
    if (seg === this.parents.length) {
      this.parents.push(new Int32Array(SEGMENT));
      this.steps.push(new Int32Array(SEGMENT));
    }
    const at = this.size & (SEGMENT - 1);
    this.parents[seg][at] = parent;
    this.steps[seg][at] = step;
    this.size++;
  }

  parentOf(id: number): number {
    return this.parents[id >>> SEGMENT_BITS][id & (SEGMENT - 1)];
  }

  stepOf(id: number): number {
    return this.steps[id >>> SEGMENT_BITS][id & (SEGMENT - 1)];
  }

  get bytes(): number {
    return (this.parents.length + this.steps.length) * SEGMENT * 4;
  }
}

function popcount(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

class MonotoneParentLog implements ParentLog {
  /** Bit b of the sequence is bit b % 32 of word b / 32. */
  private readonly words: Int32Array[] = [];
  private samples = new Int32Array(64);
  private bitLength = 0;
  /** 1 bits written: states after the initial one. */
  private ones = 0;
  private last = 0;
  private size = 0;

  push(parent: number, _step: number): void {
    if (this.size++ === 0) return;
    if (parent < this.last) throw new Error(`internal: parent ${parent} after parent ${this.last}: the log needs BFS order`);
    const at = this.bitLength + parent - this.last;
    this.last = parent;
    const word = at >>> 5;
    const seg = word >>> SEGMENT_BITS;
    while (seg >= this.words.length) this.words.push(new Int32Array(SEGMENT));
    this.words[seg][word & (SEGMENT - 1)] |= 1 << (at & 31);
    if ((this.ones & ((1 << SAMPLE_BITS) - 1)) === 0) {
      const s = this.ones >>> SAMPLE_BITS;
      if (s === this.samples.length) {
        const more = new Int32Array(this.samples.length * 2);
        more.set(this.samples);
        this.samples = more;
      }
      this.samples[s] = at;
    }
    this.ones++;
    this.bitLength = at + 1;
  }

  parentOf(id: number): number {
    if (id === 0) return -1;
    const j = id - 1;
    let at = this.samples[j >>> SAMPLE_BITS];
    // Skip to the j-th 1: `left` more 1s after the sampled one.
    let left = j & ((1 << SAMPLE_BITS) - 1);
    let word = at >>> 5;
    let w = this.words[word >>> SEGMENT_BITS][word & (SEGMENT - 1)] & (-1 << (at & 31));
    for (;;) {
      const n = popcount(w);
      if (left < n) break;
      left -= n;
      word++;
      w = this.words[word >>> SEGMENT_BITS][word & (SEGMENT - 1)];
    }
    for (; left > 0; left--) w &= w - 1;
    at = (word << 5) + 31 - Math.clz32(w & -w);
    return at - j;
  }

  stepOf(): number {
    throw new Error('internal: this parent log keeps no steps');
  }

  get bytes(): number {
    return this.words.length * SEGMENT * 4 + this.samples.byteLength;
  }
}
