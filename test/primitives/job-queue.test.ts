import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('createJobQueue', () => {
  it('gives jobs to the worker in FIFO order, one at a time', () => {
    const h = harness({ kind: 'jobqueue', name: 'kcopyd', capacity: 3, jobName: 'copy' }, 2);
    expect(h.enabled('take', 1)).toBe(false);
    h.apply('submit', 0, 7);
    h.apply('submit', 0, 3);
    expect(h.prim.describe(h.s, String)).toBe('[copy(7), copy(3)]');
    expect(h.apply('take', 1)).toBe(7);
    expect(h.apply('take', 1)).toBe(3);
    expect(h.enabled('take', 1)).toBe(false);
  });

  it('rejects a job beyond its capacity', () => {
    const h = harness({ kind: 'jobqueue', name: 'q', capacity: 1, jobName: 'job' }, 1);
    h.apply('submit', 0, 1);
    expect(() => h.apply('submit', 0, 2)).toThrow(/capacity/);
  });
});
