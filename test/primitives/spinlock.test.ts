import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('createSpinlock', () => {
  it('is not enabled for others while held, and never queues', () => {
    const h = harness({ kind: 'spinlock', name: 'lock' }, 2);
    expect(h.enabled('lock', 0)).toBe(true);
    h.apply('lock', 0);
    expect(h.enabled('lock', 1)).toBe(false);
    expect(h.prim.queue(h.s)).toEqual([]);
    expect(h.prim.waitInfo(h.s, 1, 'lock').holders).toEqual([{ pid: 0, mode: 'held' }]);
    h.apply('unlock', 0);
    expect(h.enabled('lock', 1)).toBe(true);
  });

  it('rejects unlock by a task that does not hold it', () => {
    const h = harness({ kind: 'spinlock', name: 'lock' }, 2);
    expect(() => h.apply('unlock', 1)).toThrow(/does not hold/);
  });
});
