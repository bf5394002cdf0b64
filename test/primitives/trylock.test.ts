import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('trylocks', () => {
  it('mutex_trylock takes a free mutex (1) and fails on a held one (0) without queueing', () => {
    const h = harness({ kind: 'mutex', name: 'M' }, 2);
    expect(h.apply('trylock', 0)).toBe(1);
    expect(h.apply('trylock', 1)).toBe(0);
    expect(h.prim.queue(h.s)).toEqual([]);
    expect(h.wait(1)).toBe(0);
    expect(h.prim.holders(h.s)).toEqual([{ pid: 0, mode: 'held' }]);
  });

  it('spin_trylock fails without spinning while another task holds the lock', () => {
    const h = harness({ kind: 'spinlock', name: 'S' }, 2);
    expect(h.apply('trylock', 1)).toBe(1);
    expect(h.apply('trylock', 0)).toBe(0);
    h.apply('unlock', 1);
    expect(h.apply('trylock', 0)).toBe(1);
  });

  it('down_read_trylock fails behind a queued writer on a writer-fair rwsem, as the kernel fast path does', () => {
    const h = harness({ kind: 'rwsem', name: 'R', policy: 'writer-fair' }, 3);
    expect(h.apply('downReadTrylock', 0)).toBe(1);
    expect(h.acquire('downWrite', 1)).toBe('blocked');
    expect(h.apply('downReadTrylock', 2)).toBe(0);
    expect(h.prim.holders(h.s)).toEqual([{ pid: 0, mode: 'read' }]);
  });

  it('down_write_trylock takes only a free rwsem with nobody queued', () => {
    const h = harness({ kind: 'rwsem', name: 'R', policy: 'writer-fair' }, 2);
    h.acquire('downRead', 0);
    expect(h.apply('downWriteTrylock', 1)).toBe(0);
    h.apply('upRead', 0);
    expect(h.apply('downWriteTrylock', 1)).toBe(1);
    expect(h.prim.holders(h.s)).toEqual([{ pid: 1, mode: 'write' }]);
  });

  it('down_trylock returns 0 when it took a unit and 1 when none was free (the kernel convention)', () => {
    const h = harness({ kind: 'semaphore', name: 'S', initial: 1 }, 2);
    expect(h.apply('downTrylock', 0)).toBe(0);
    expect(h.apply('downTrylock', 1)).toBe(1);
    expect(h.prim.queries.count(h.s)).toBe(0);
  });
});
