import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

const sem = (initial: number) => harness({ kind: 'semaphore', name: 'S', initial }, 3);

describe('createSemaphore', () => {
  it('takes units while the count is positive, then queues FIFO', () => {
    const h = sem(1);
    expect(h.acquire('down', 0)).toBe('acquired');
    expect(h.acquire('down', 1)).toBe('blocked');
    expect(h.acquire('down', 2)).toBe('blocked');
    expect(h.prim.queue(h.s).map((q) => q.pid)).toEqual([1, 2]);
    expect(h.prim.queries.count(h.s)).toBe(0);
  });

  it('hands an up() straight to the first waiter without raising the count (__up)', () => {
    const h = sem(1);
    h.acquire('down', 0);
    h.acquire('down', 1);
    h.apply('up', 2); // any task may up(): no owner
    expect(h.wait(1)).toBe(-1);
    expect(h.prim.queries.count(h.s)).toBe(0);
    expect(h.acquire('down', 2)).toBe('blocked'); // cannot overtake the woken waiter
  });

  it('raises the count when nobody waits', () => {
    const h = sem(0);
    h.apply('up', 0);
    expect(h.prim.queries.count(h.s)).toBe(1);
    expect(h.prim.waitInfo(h.s, 1, 'down').needsRelease).toBe(true);
  });
});
