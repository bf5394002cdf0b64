/** Small wake-up races the tests share. */
import { ModelBuilder } from '../../src/model/builder.js';
import { dec, eq, gt, inc, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model } from '../../src/model/types.js';

/** The classic lost wake-up: the consumer tests the flag before prepare_to_wait, so the producer's wake_up can find the queue empty. */
export function flagBeforePrepare(name = 'toy/flag-before-prepare'): Model {
  const at = sourceIn('drivers/x/flag.c', 'v1');
  const b = new ModelBuilder(name);
  const ready = b.var('ready', 0);
  const wq = b.waitQueue('wq');
  b.process('consumer', {}, (p) => p
    .step('test', { action: 'if (!READ_ONCE(ready))', source: at(10, 'consume'), goto: [{ when: eq(ready, 0), to: 'prepare' }, { to: 'end' }] })
    .step('prepare', { action: 'prepare_to_wait(&wq, &wait, TASK_UNINTERRUPTIBLE)', source: at(11, 'consume'), op: wq.prepareToWait() })
    .step('sleep', { action: 'schedule()', source: at(12, 'consume'), op: wq.schedule() })
    .step('finish', { action: 'finish_wait(&wq, &wait)', source: at(13, 'consume'), op: wq.finishWait() }));
  b.process('producer', {}, (p) => p
    .step('write', { action: 'WRITE_ONCE(ready, 1)', source: at(20, 'produce'), effects: [set(ready, 1)] })
    .step('wake', { action: 'wake_up(&wq)', source: at(21, 'produce'), op: wq.wakeUp() }));
  return b.build();
}

/**
 * The new user's pc.ts: the consumers take q_lock between prepare_to_wait_exclusive
 * and the test, so one can be queued but still running when the single
 * wake_up comes; it goes to that one, which takes an item and leaves.
 */
export function wokenBeforeItSlept(): Model {
  const at = sourceIn('drivers/x/pc.c', 'v1');
  const b = new ModelBuilder('toy/woken-before-it-slept');
  const items = b.var('items', 0, { max: 2 });
  const lock = b.spinlock('q_lock');
  const wq = b.waitQueue('wq');
  b.process('consumer', { instances: 2 }, (p) => p
    .step('prepare', { action: 'prepare_to_wait_exclusive(&wq, &wait, TASK_UNINTERRUPTIBLE)', source: at(30, 'consume'), op: wq.prepareToWaitExclusive() })
    .step('lock', { action: 'spin_lock(&q_lock)', source: at(31, 'consume'), op: lock.lock() })
    .choice('test', [
      { name: 'have', action: 'q->items--', source: at(32, 'consume'), guard: gt(items, 0), effects: [dec(items)], goto: 'unlock_got' },
      { name: 'empty', action: 'if (!q->items)', source: at(32, 'consume'), guard: eq(items, 0) },
    ])
    .step('unlock_wait', { action: 'spin_unlock(&q_lock)', source: at(33, 'consume'), op: lock.unlock() })
    .step('sleep', { action: 'schedule()', source: at(34, 'consume'), op: wq.schedule() })
    .step('finish', { action: 'finish_wait(&wq, &wait)', source: at(35, 'consume'), op: wq.finishWait(), goto: 'prepare' })
    .step('unlock_got', { action: 'spin_unlock(&q_lock)', source: at(36, 'consume'), op: lock.unlock() })
    .step('done', { action: 'finish_wait(&wq, &wait)', source: at(37, 'consume'), op: wq.finishWait() }));
  b.process('producer', {}, (p) => p
    .step('lock', { action: 'spin_lock(&q_lock)', source: at(50, 'produce'), op: lock.lock() })
    .step('add2', { action: 'q->items += 2', source: at(51, 'produce'), effects: [inc(items, 2)] })
    .step('unlock', { action: 'spin_unlock(&q_lock)', source: at(52, 'produce'), op: lock.unlock() })
    .step('wake', { action: 'wake_up(&wq)', source: at(53, 'produce'), op: wq.wakeUp() }));
  return b.build();
}
