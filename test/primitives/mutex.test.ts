import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('createMutex', () => {
  it('hands ownership to the first waiter on unlock', () => {
    const h = harness({ kind: 'mutex', name: 'M' }, 3);
    expect(h.acquire('lock', 0)).toBe('acquired');
    expect(h.acquire('lock', 1)).toBe('blocked');
    expect(h.acquire('lock', 2)).toBe('blocked');
    h.apply('unlock', 0);
    expect(h.prim.holders(h.s)).toEqual([{ pid: 1, mode: 'held' }]);
    expect(h.wait(1)).toBe(-1);
    expect(h.wait(2)).toBe(1);
  });

  it('rejects unlock by a non-owner and relocking by the owner', () => {
    const h = harness({ kind: 'mutex', name: 'M' }, 2);
    h.acquire('lock', 0);
    expect(() => h.apply('unlock', 1)).toThrow(/does not own/);
    expect(() => h.acquire('lock', 0)).toThrow(/self-deadlock/);
  });
});
