import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RwSemaphorePolicy } from '../../src/model/types.js';
import { harness } from './harness.js';

const rwsem = (policy: RwSemaphorePolicy, processes = 4) => harness({ kind: 'rwsem', name: 'L', policy }, processes);
const names = (xs: Array<{ pid: number; mode: string }>) => xs.map((x) => `${x.pid}:${x.mode}`);

describe('createRwSemaphore (writer-fair)', () => {
  it('lets readers share the lock', () => {
    const h = rwsem('writer-fair');
    expect(h.acquire('downRead', 0)).toBe('acquired');
    expect(h.acquire('downRead', 1)).toBe('acquired');
    expect(names(h.prim.holders(h.s))).toEqual(['0:read', '1:read']);
  });

  it('makes a reader arriving after a queued writer wait behind it, although only readers hold the lock', () => {
    const h = rwsem('writer-fair');
    h.acquire('downRead', 0);
    expect(h.acquire('downWrite', 1)).toBe('blocked');
    expect(h.acquire('downRead', 2)).toBe('blocked');
    expect(names(h.prim.queue(h.s))).toEqual(['1:write', '2:read']);
    const info = h.prim.waitInfo(h.s, 2, 'downRead');
    expect(names([...info.queuedAhead])).toEqual(['1:write']);
    expect(names([...info.holders])).toEqual(['0:read']);
  });

  it('hands the lock to the queued writer alone when the last reader leaves', () => {
    const h = rwsem('writer-fair');
    h.acquire('downRead', 0);
    h.acquire('downWrite', 1);
    h.acquire('downRead', 2);
    h.apply('upRead', 0);
    expect(h.wait(1)).toBe(-1);
    expect(h.wait(2)).toBe(1);
    expect(names(h.prim.holders(h.s))).toEqual(['1:write']);
    h.wake(1);
    h.apply('upWrite', 1);
    expect(h.wait(2)).toBe(-1);
    expect(names(h.prim.holders(h.s))).toEqual(['2:read']);
  });

  it('wakes every queued reader, also those behind a queued writer, when a reader heads the queue (rwsem_mark_wake in 5.3)', () => {
    const h = rwsem('writer-fair');
    h.acquire('downWrite', 0);
    h.acquire('downRead', 1);
    h.acquire('downWrite', 2);
    h.acquire('downRead', 3);
    h.apply('upWrite', 0);
    expect(names(h.prim.holders(h.s))).toEqual(['1:read', '3:read']);
    expect(names(h.prim.queue(h.s))).toEqual(['2:write']);
  });

  it('rejects up_read by a task that does not hold the lock', () => {
    const h = rwsem('writer-fair');
    expect(() => h.apply('upRead', 0)).toThrow(/does not hold/);
  });
});

describe('createRwSemaphore (reader-preferring)', () => {
  it('lets a reader pass a queued writer while readers hold the lock', () => {
    const h = rwsem('reader-preferring');
    h.acquire('downRead', 0);
    expect(h.acquire('downWrite', 1)).toBe('blocked');
    expect(h.acquire('downRead', 2)).toBe('acquired');
  });

  it('serves queued readers before writers when a writer releases', () => {
    const h = rwsem('reader-preferring');
    h.acquire('downWrite', 0);
    h.acquire('downWrite', 1);
    h.acquire('downRead', 2);
    h.apply('upWrite', 0);
    expect(names(h.prim.holders(h.s))).toEqual(['2:read']);
    expect(h.wait(1)).toBe(1);
  });
});

describe('rw_semaphore safety (property)', () => {
  // Random schedules of 4 tasks that each loop: take (read or write), release.
  const schedule = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 60 });
  for (const policy of ['writer-fair', 'reader-preferring'] as const) {
    it(`never has a reader and a writer, or two writers, at once (${policy})`, () => {
      fc.assert(
        fc.property(schedule, (moves) => {
          const h = rwsem(policy);
          const holding: Array<'read' | 'write' | undefined> = [undefined, undefined, undefined, undefined];
          const wanted: Array<'read' | 'write' | undefined> = [undefined, undefined, undefined, undefined];
          for (const [pid, write] of moves) {
            if (h.wait(pid) > 0) continue; // asleep: cannot act
            if (h.wait(pid) === -1) {
              h.wake(pid);
              holding[pid] = wanted[pid];
            } else if (holding[pid]) {
              h.apply(holding[pid] === 'read' ? 'upRead' : 'upWrite', pid);
              holding[pid] = undefined;
            } else {
              wanted[pid] = write ? 'write' : 'read';
              if (h.acquire(write ? 'downWrite' : 'downRead', pid) === 'acquired') holding[pid] = wanted[pid];
            }
            const held = h.prim.holders(h.s);
            const writers = held.filter((x) => x.mode === 'write').length;
            if (writers > 1 || (writers === 1 && held.length > 1)) return false;
            // Everyone queued is asleep, and nobody asleep is a holder.
            for (const q of h.prim.queue(h.s)) if (h.wait(q.pid) !== 1) return false;
            for (const x of held) if (h.wait(x.pid) > 0) return false;
          }
          return true;
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('recursive down_read and downgrade_write (writer-fair)', () => {
  it('lets a reader take it again when nobody is queued; each up_read gives back one level', () => {
    const h = rwsem('writer-fair');
    h.acquire('downRead', 0);
    expect(h.acquire('downReadRecursive', 0)).toBe('acquired');
    h.apply('upRead', 0);
    expect(names(h.prim.holders(h.s))).toEqual(['0:read']);
    expect(h.acquire('downWrite', 1)).toBe('blocked');
    h.apply('upRead', 0);
    expect(h.wait(1)).toBe(-1);
  });

  it('queues a recursive reader behind a waiting writer, which waits for that same reader', () => {
    const h = rwsem('writer-fair');
    h.acquire('downRead', 0);
    h.acquire('downWrite', 1);
    expect(h.acquire('downReadRecursive', 0)).toBe('blocked');
    expect(names([...h.prim.waitInfo(h.s, 0, 'downReadRecursive').queuedAhead])).toEqual(['1:write']);
    expect(names([...h.prim.waitInfo(h.s, 1, 'downWrite').holders])).toEqual(['0:read']);
  });

  it('downgrade_write keeps the caller as a reader and lets in the readers queued at the head', () => {
    const h = rwsem('writer-fair');
    h.acquire('downWrite', 0);
    h.acquire('downRead', 1);
    h.acquire('downWrite', 2);
    h.acquire('downRead', 3);
    h.apply('downgradeWrite', 0);
    // 5.3's __rwsem_mark_wake grants every queued reader; the writer keeps its place.
    expect(h.wait(1)).toBe(-1);
    expect(h.wait(3)).toBe(-1);
    expect(h.wait(2)).toBe(1);
    expect(names(h.prim.holders(h.s))).toEqual(['0:read', '1:read', '3:read']);
  });

  it('downgrade_write wakes nobody when a writer heads the queue', () => {
    const h = rwsem('writer-fair');
    h.acquire('downWrite', 0);
    h.acquire('downWrite', 1);
    h.acquire('downRead', 2);
    h.apply('downgradeWrite', 0);
    expect(h.wait(1)).toBe(1);
    expect(h.wait(2)).toBe(1);
    expect(names(h.prim.holders(h.s))).toEqual(['0:read']);
    expect(() => h.apply('downgradeWrite', 0)).toThrow(/does not hold it for write/);
  });
});
