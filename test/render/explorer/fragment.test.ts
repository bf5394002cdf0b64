import { describe, expect, it } from 'vitest';
import { decodeFragment, encodeFragment } from '../../../src/render/explorer/fragment.js';

describe('encodeFragment / decodeFragment', () => {
  it('round-trips the recorded schedule and a branch of it', () => {
    for (const p of [
      { hash: '0badf00d', recordedPrefix: 9, chosen: [], step: 4 },
      { hash: '0badf00d', recordedPrefix: 6, chosen: [12, 3], step: 8 },
      { hash: '0badf00d', recordedPrefix: 0, chosen: [1], step: 0 },
    ]) {
      const text = encodeFragment(p, 9);
      expect(decodeFragment(text, 9)).toEqual(p);
    }
    expect(encodeFragment({ hash: 'ab', recordedPrefix: 9, chosen: [], step: 2 }, 9)).toBe('#m=ab&p=r&s=2');
  });

  it('says why a fragment names no point', () => {
    expect(decodeFragment('#hello', 9)).toEqual({ error: expect.stringContaining('does not name a point') });
    expect(decodeFragment('#m=ab&p=x1&s=2', 9)).toEqual({ error: expect.stringContaining('malformed') });
    expect(decodeFragment('#m=ab&p=r12&s=2', 9)).toEqual({ error: expect.stringContaining('this schedule has 9') });
  });
});
