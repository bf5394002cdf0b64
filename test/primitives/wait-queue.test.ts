import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { inc, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { harness } from './harness.js';
import { exclusiveConsumers } from '../support/exclusive-consumers.js';

const wq = () => harness({ kind: 'waitqueue', name: 'wq' }, 3);
const exclusiveWq = (n = 4) => harness({ kind: 'waitqueue', name: 'wq', exclusive: true }, n);

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

  it('says how many it woke: 0 for a wake-up that found nobody asleep', () => {
    const h = wq();
    expect(h.apply('wakeUp', 1)).toBe(0);
    h.apply('prepareToWait', 0);
    expect(h.apply('wakeUp', 1)).toBe(1);
    expect(h.apply('wakeAll', 1)).toBe(0); // woken, still queued, but not asleep
  });
});

describe('exclusive waiters (prepare_to_wait_exclusive) and wake_up', () => {
  const sleep = (h: ReturnType<typeof exclusiveWq>, pid: number, op = 'prepareToWaitExclusive') => {
    h.apply(op, pid);
    expect(h.acquire('schedule', pid)).toBe('blocked');
  };

  it('wake_up wakes every non-exclusive sleeper and only the first exclusive one, in queue order', () => {
    const h = exclusiveWq();
    sleep(h, 1);
    sleep(h, 0, 'prepareToWait');
    sleep(h, 2);
    expect(h.prim.queue(h.s).map((w) => w.pid)).toEqual([0, 1, 2]); // non-exclusive at the head, exclusive FIFO at the tail
    expect(h.apply('wakeUp', 3)).toBe(2);
    expect([h.wait(0), h.wait(1), h.wait(2)]).toEqual([-1, -1, 1]);
    expect(h.apply('wakeUp', 3)).toBe(1);
    expect(h.wait(2)).toBe(-1);
  });

  it('removes a woken exclusive entry (autoremove_wake_function), so waiting again queues at the tail', () => {
    const h = exclusiveWq();
    sleep(h, 0);
    sleep(h, 1);
    h.apply('wakeUp', 3);
    h.wake(0);
    expect(h.prim.queue(h.s).map((w) => w.pid)).toEqual([1]);
    sleep(h, 0);
    h.apply('wakeUp', 3);
    expect([h.wait(0), h.wait(1)]).toEqual([1, -1]);
  });

  it('wake_up_all wakes every exclusive sleeper', () => {
    const h = exclusiveWq();
    sleep(h, 0);
    sleep(h, 1);
    expect(h.apply('wakeAll', 3)).toBe(2);
    expect([h.wait(0), h.wait(1)]).toEqual([-1, -1]);
    expect(h.prim.queries.active(h.s)).toBe(0);
  });

  it('a wake_up between prepare_to_wait_exclusive and schedule() is not lost and wakes no other exclusive waiter', () => {
    const h = exclusiveWq();
    h.apply('prepareToWaitExclusive', 0);
    sleep(h, 1);
    h.apply('wakeUp', 3);
    expect(h.acquire('schedule', 0)).toBe('acquired');
    expect(h.wait(1)).toBe(1);
  });

  it('finish_wait takes an exclusive entry off the queue; the next wake_up goes to the one behind it', () => {
    const h = exclusiveWq();
    h.apply('prepareToWaitExclusive', 0);
    sleep(h, 1);
    h.apply('finishWait', 0); // its condition came true before it slept
    h.apply('wakeUp', 3);
    expect(h.wait(1)).toBe(-1);
  });

  it('refuses switching a queued entry between exclusive and non-exclusive', () => {
    const h = exclusiveWq();
    h.apply('prepareToWait', 0);
    expect(() => h.apply('prepareToWaitExclusive', 0)).toThrow(/not modelled/);
  });
});

describe('exclusive waiters in a model: one wake_up per item', () => {
  const at = sourceIn('drivers/example/items.c', 'v6.12');
  /** Two consumers in wait_event_exclusive(wq, items > 0); the producer adds two items with one or two wake-ups. */
  const model = (wakes: 'one' | 'per-item' | 'all') => {
    const b = new ModelBuilder(`toy/exclusive-${wakes}`);
    const items = b.var('items', 0, { max: 2 });
    const wq = b.waitQueue('wq');
    exclusiveConsumers(b, wq, items, at);
    b.process('producer', {}, (p) => {
      if (wakes === 'per-item') {
        p.step('add1', { action: 'items++', source: at(20, 'produce'), effects: [inc(items)] })
          .step('wake1', { action: 'wake_up(&wq)', source: at(21, 'produce'), op: wq.wakeUp() })
          .step('add2', { action: 'items++', source: at(22, 'produce'), effects: [inc(items)] })
          .step('wake2', { action: 'wake_up(&wq)', source: at(23, 'produce'), op: wq.wakeUp() });
      } else {
        p.step('add', { action: 'items += 2', source: at(20, 'produce'), effects: [set(items, 2)] })
          .step('wake', { action: wakes === 'all' ? 'wake_up_all(&wq)' : 'wake_up(&wq)', source: at(21, 'produce'), op: wakes === 'all' ? wq.wakeAll() : wq.wakeUp() });
      }
    });
    return b.build();
  };

  it('two items and one wake_up strand the second consumer asleep', () => {
    const r = check(compileModel(model('one'))).run();
    expect(r.verdict).toBe('deadlock');
  });

  it('one wake_up per item, or wake_up_all, wakes both', () => {
    expect(check(compileModel(model('per-item'))).run().verdict).toBe('ok');
    expect(check(compileModel(model('all'))).run().verdict).toBe('ok');
  });
});
