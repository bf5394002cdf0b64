import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

const wq = () => harness({ kind: 'waitqueue', name: 'wq' }, 3);

describe('createWaitQueue', () => {
  it('sleeps in schedule() and is woken by wake_up_locked', () => {
    const h = wq();
    h.apply('prepareToWait', 0);
    expect(h.prim.queries.active(h.s)).toBe(1);
    expect(h.acquire('schedule', 0)).toBe('blocked');
    h.apply('wakeAll', 1);
    expect(h.wait(0)).toBe(-1);
    h.wake(0);
    h.apply('finishWait', 0);
    expect(h.prim.queries.active(h.s)).toBe(0);
  });

  it('does not lose a wake-up that comes between joining the queue and schedule()', () => {
    const h = wq();
    h.apply('prepareToWait', 0);
    h.apply('wakeAll', 1); // the waker runs before the sleeper reaches schedule()
    expect(h.acquire('schedule', 0)).toBe('acquired'); // TASK_RUNNING again: returns at once
  });

  it('wakes every waiter, not just one (non-exclusive entries)', () => {
    const h = wq();
    h.apply('prepareToWait', 0);
    h.apply('prepareToWait', 1);
    h.acquire('schedule', 0);
    h.acquire('schedule', 1);
    h.apply('wakeAll', 2);
    expect([h.wait(0), h.wait(1)]).toEqual([-1, -1]);
  });

  it('a wake-up before joining the queue is lost: the sleeper stays asleep', () => {
    const h = wq();
    h.apply('wakeAll', 1);
    h.apply('prepareToWait', 0);
    expect(h.acquire('schedule', 0)).toBe('blocked');
  });
});
