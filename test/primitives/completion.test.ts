import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('createCompletion', () => {
  it('banks a complete() nobody waits for, and a later wait_for_completion consumes it without sleeping', () => {
    const h = harness({ kind: 'completion', name: 'C' }, 2);
    h.apply('complete', 0);
    expect(h.prim.queries.done(h.s)).toBe(1);
    expect(h.acquire('wait', 1)).toBe('acquired');
    expect(h.prim.queries.done(h.s)).toBe(0);
    expect(h.acquire('wait', 1)).toBe('blocked');
  });

  it('wakes only the first waiter per complete(), in FIFO order', () => {
    const h = harness({ kind: 'completion', name: 'C' }, 3);
    expect(h.acquire('wait', 1)).toBe('blocked');
    expect(h.acquire('wait', 2)).toBe('blocked');
    h.apply('complete', 0);
    expect([h.wait(1), h.wait(2)]).toEqual([-1, 1]);
    expect(h.prim.queries.done(h.s)).toBe(0);
    h.apply('complete', 0);
    expect(h.wait(2)).toBe(-1);
  });

  it('complete_all wakes every waiter and lets every later wait through until reinit_completion', () => {
    const h = harness({ kind: 'completion', name: 'C' }, 3);
    h.acquire('wait', 1);
    h.acquire('wait', 2);
    h.apply('completeAll', 0);
    expect([h.wait(1), h.wait(2)]).toEqual([-1, -1]);
    h.wake(1);
    expect(h.acquire('wait', 1)).toBe('acquired');
    expect(h.acquire('wait', 1)).toBe('acquired');
    h.apply('reinit', 0);
    expect(h.acquire('wait', 1)).toBe('blocked');
  });

  it('try_wait_for_completion returns 1 and consumes a done, 0 without sleeping when there is none', () => {
    const h = harness({ kind: 'completion', name: 'C' }, 2);
    expect(h.apply('tryWait', 1)).toBe(0);
    expect(h.wait(1)).toBe(0);
    h.apply('complete', 0);
    expect(h.apply('tryWait', 1)).toBe(1);
    expect(h.apply('tryWait', 1)).toBe(0);
  });

  it('says a sleeper can only be released by a complete()', () => {
    const h = harness({ kind: 'completion', name: 'C' }, 2);
    h.acquire('wait', 1);
    expect(h.prim.waitInfo(h.s, 1, 'wait')).toMatchObject({ mode: 'completion', needsRelease: true, holders: [] });
    expect(h.prim.releaseOps).toEqual(['complete', 'completeAll']);
  });

  it('refuses to bank more dones than declared', () => {
    const h = harness({ kind: 'completion', name: 'C', max: 1 }, 2);
    h.apply('complete', 0);
    expect(() => h.apply('complete', 0)).toThrow(/more than its declared maximum/);
  });
});
