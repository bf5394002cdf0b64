import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPacker } from '../../src/explore/packing.js';

describe('buildPacker', () => {
  it('round-trips every state within the declared ranges', () => {
    const rangesArb = fc.array(
      fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 2 ** 20 })).map(([min, span]) => [min, min + span] as const),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(rangesArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }), (ranges, picks) => {
        const p = buildPacker(ranges);
        const s = Int32Array.from(ranges, ([min, max], i) => min + Math.floor(picks[i] * (max - min + 1)) - (picks[i] === 1 ? 1 : 0));
        const words = new Int32Array(p.words);
        p.pack(s, words, 0);
        const back = new Int32Array(ranges.length);
        p.unpack(words, 0, back);
        return back.every((v, i) => v === s[i]);
      }),
      { numRuns: 300 },
    );
  });

  it('packs small fields densely and handles full-width ones', () => {
    const p = buildPacker([[0, 1], [0, 7], [-1, 2], [0, 2147483647], [3, 3]]);
    expect(p.bits).toBe(1 + 3 + 2 + 31);
    expect(p.words).toBe(2);
    const words = new Int32Array(p.words);
    p.pack(Int32Array.of(1, 5, -1, 2147483647, 3), words, 0);
    const back = new Int32Array(5);
    p.unpack(words, 0, back);
    expect([...back]).toEqual([1, 5, -1, 2147483647, 3]);
  });
});
