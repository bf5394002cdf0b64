import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParentLog } from '../../src/explore/parent-log.js';

describe('createParentLog', () => {
  it('gives back every parent of a BFS order (parents never decreasing), without steps', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 3 }), { maxLength: 3000 }), (gaps) => {
        const log = createParentLog(false);
        const parents = [-1];
        log.push(-1, -1);
        let parent = 0;
        for (const gap of gaps) {
          parent += gap;
          parents.push(parent);
          log.push(parent, 0);
        }
        return parents.every((p, id) => log.parentOf(id) === p);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps parents across segments in about 2 bits a state', () => {
    const log = createParentLog(false);
    const n = 3_000_000;
    log.push(-1, -1);
    for (let id = 1; id < n; id++) log.push(id >> 1, 0);
    for (const id of [1, 2, 3, 255, 256, 257, 65_537, 2_097_153, n - 1]) expect(log.parentOf(id)).toBe(id >> 1);
    expect(log.bytes).toBeLessThan(n / 2);
  });

  it('keeps parents and steps with steps', () => {
    const log = createParentLog(true);
    log.push(-1, -1);
    log.push(0, 7);
    log.push(0, 3);
    expect([log.parentOf(0), log.parentOf(2), log.stepOf(1), log.stepOf(2)]).toEqual([-1, 0, 7, 3]);
  });
});
