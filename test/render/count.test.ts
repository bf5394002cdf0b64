import { describe, expect, it } from 'vitest';
import { afterSteps, formatCount, plural } from '../../src/render/count.js';

describe('counts in prose', () => {
  it('uses the singular for exactly one, and the given plural form', () => {
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(1024, 'state')).toBe('1,024 states');
    expect(plural(2, 'context switch', 'context switches')).toBe('2 context switches');
    expect(formatCount(488692)).toBe('488,692');
  });

  it('says where a schedule of no steps ends: in the initial state', () => {
    expect(afterSteps(1)).toBe('after 1 step');
    expect(afterSteps(9)).toBe('after 9 steps');
    expect(afterSteps(0)).toBe('in the initial state');
    expect(afterSteps(undefined)).toBe('after ? steps');
  });
});
