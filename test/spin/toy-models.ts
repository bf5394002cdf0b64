/**
 * Small models for what the dm-snapshot gate never exercises, so the SPIN
 * suite also covers them: mutex and spinlock, semaphore counts, `if`
 * effects, several conditional branches, `cond`/`not`/`self`, negative and
 * wide variables, and each kind of violation (invariant, terminal property,
 * a model's run-time error).
 */
import { ModelBuilder } from '../../src/model/builder.js';
import { add, and, cond, dec, eq, ge, gt, inc, le, lt, ne, not, or, self, set, sub, when } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model } from '../../src/model/types.js';
import { checkCompiled, type InterleaveSide } from './interleave-side.js';
import { compileModel } from '../../src/explore/compile.js';
import { exclusiveConsumers } from '../support/exclusive-consumers.js';

const at = sourceIn('toy.c', 'test');

/** Two workers serialised by a mutex and a spinlock, then a counting semaphore of 2 shared with a third. */
export function locksModel(): Model {
  const b = new ModelBuilder('toy/locks');
  const total = b.var('total', 0, { min: -4, max: 300 });
  const turns = b.var('turns', 0, { max: 8 });
  const big = b.mutex('big-lock');
  const spin = b.spinlock('len');
  const sem = b.semaphore('slots', { initial: 1, max: 2 });
  b.process('worker', { instances: 2 }, (p) => {
    const round = p.local('skip', 0, { max: 2 });  // a Promela keyword: the export must rename it
    p.step('lock', { action: 'mutex_lock(&big)', source: at(10, 'worker'), op: big.lock() })
      .step('spin', {
        action: 'spin_lock(&len); total += ...',
        source: at(11, 'worker'),
        op: spin.lock(),
        effects: [when(eq(self, 0), [set(total, add(total, 100))], [set(total, cond(gt(total, 0), sub(total, 1), -4))])],
      })
      .step('spin_unlock', { action: 'spin_unlock(&len)', source: at(12, 'worker'), op: spin.unlock() })
      .step('unlock', {
        action: 'mutex_unlock(&big)',
        source: at(13, 'worker'),
        op: big.unlock(),
        effects: [inc(round), inc(turns)],
        goto: [{ when: lt(round, 2), to: 'lock' }, { when: eq(self, 1), to: 'down' }, { to: 'down_other' }],
      })
      .step('down_other', { action: 'down(&slots) (first worker)', source: at(14, 'worker'), op: sem.down(), goto: 'up' })
      .step('down', { action: 'down(&slots)', source: at(15, 'worker'), op: sem.down() })
      .choice('up', [
        { name: 'plenty', action: 'count > 0: up', source: at(16, 'worker'), guard: gt(sem.count(), 0), op: sem.up() },
        { name: 'last', action: 'count == 0: up, total -= 1', source: at(17, 'worker'), guard: not(gt(sem.count(), 0)), op: sem.up(), effects: [set(total, cond(gt(total, -4), sub(total, 1), total))] },
      ]);
  });
  b.process('other', {}, (p) => p
    .step('down', { action: 'down(&slots)', source: at(20, 'other'), op: sem.down() })
    .step('work', { action: 'turns -= turns % 2', source: at(21, 'other'), effects: [set(turns, sub(turns, cond(eq(turns, 0), 0, 0)))], guard: or(ge(turns, 0), ne(total, 0)) })
    .step('up', { action: 'up(&slots)', source: at(22, 'other'), op: sem.up() })
    .step('idle', { action: 'wait for turns to reach 4', source: at(23, 'other'), guard: and(eq(turns, 4), le(total, 300)), validEnd: true }));
  b.always('turns <= 8', le(turns, 8));
  b.atEnd('every worker took its turns', eq(turns, 4));
  return b.build();
}

/** A terminal property that fails: SPIN's at_end monitor must catch it one step later. */
export function atEndModel(): Model {
  const b = new ModelBuilder('toy/at-end');
  const x = b.var('x', 0, { max: 3 });
  b.process('p', { instances: 2 }, (p) => p
    .step('bump', { action: 'x++', source: at(30, 'p'), effects: [inc(x)] }));
  b.atEnd('x reaches 3', eq(x, 3));
  return b.build();
}

/** A variable leaving its declared range: interleave's run-time error, SPIN's assertion. */
export function rangeModel(): Model {
  const b = new ModelBuilder('toy/range');
  const x = b.var('x', 1, { min: 0, max: 2 });
  b.process('p', { instances: 2 }, (p) => p
    .step('drop', { action: 'x -= 1', source: at(40, 'p'), effects: [dec(x)] })
    .step('drop_again', { action: 'x -= 1', source: at(41, 'p'), effects: [dec(x)] }));
  return b.build();
}

/** An invariant broken deep inside a choice with several branches. */
export function invariantModel(): Model {
  const b = new ModelBuilder('toy/invariant');
  const x = b.var('x', 0, { max: 5 });
  b.process('p', { instances: 2 }, (p) => {
    const n = p.local('n', 0, { max: 3 });
    p.choice('step', [
      { name: 'small', action: 'x += 1', source: at(50, 'p'), guard: lt(x, 5), effects: [inc(x), inc(n)], goto: [{ when: lt(n, 3), to: 'step' }, { to: 'end' }] },
      { name: 'done', action: 'stop', source: at(51, 'p'), guard: ge(x, 5), goto: 'end' },
    ]);
  });
  b.always('x <= 4', le(x, 4));
  return b.build();
}

/**
 * rw_semaphore's recursive down_read and downgrade_write: a writer that
 * downgrades lets a queued reader in; a reader taking it again deadlocks
 * when a writer queued in between.
 */
export function rwsemNestingModel(): Model {
  const b = new ModelBuilder('toy/rwsem-nesting');
  const x = b.var('x', 0, { max: 2 });
  const l = b.rwsem('l', { policy: 'writer-fair' });
  b.process('downgrader', {}, (p) => p
    .step('write', { action: 'down_write(&l)', source: at(60, 'downgrader'), op: l.downWrite(), effects: [inc(x)] })
    .step('downgrade', { action: 'downgrade_write(&l)', source: at(61, 'downgrader'), op: l.downgradeWrite() })
    .step('up', { action: 'up_read(&l)', source: at(62, 'downgrader'), op: l.upRead() }));
  b.process('nester', {}, (p) => p
    .step('read', { action: 'down_read(&l)', source: at(70, 'nester'), op: l.downRead() })
    .step('again', { action: 'down_read(&l) again', source: at(71, 'nester'), op: l.downRead({ recursive: true }) })
    .step('up2', { action: 'up_read(&l)', source: at(72, 'nester'), op: l.upRead() })
    .step('up1', { action: 'up_read(&l)', source: at(73, 'nester'), op: l.upRead() }));
  b.process('writer', {}, (p) => p
    .step('write', { action: 'down_write(&l)', source: at(80, 'writer'), op: l.downWrite(), effects: [when(lt(x, 2), [inc(x)])] })
    .step('up', { action: 'up_write(&l)', source: at(81, 'writer'), op: l.upWrite() }));
  return b.build();
}

/**
 * Exclusive waiters woken one per wake_up, and workqueues: an ordered one
 * whose work is flushed, and a two-worker pool whose work is cancelled.
 */
export function wakeAndWorkModel(): Model {
  const b = new ModelBuilder('toy/wake-and-work');
  const items = b.var('items', 0, { max: 2 });
  const ran = b.var('ran', 0, { max: 3 });
  const wq = b.waitQueue('wq');
  const events = b.workqueue('events', { workers: 1 });
  const pool = b.workqueue('pool', { workers: 2 });
  const produce = events.work('produce', (p) => p
    .step('add', { action: 'items++; wake_up(&wq)', source: at(90, 'produce'), guard: lt(items, 2), op: wq.wakeUp(), effects: [inc(items)] }));
  const count = pool.work('count', (p) => p
    .step('bump', { action: 'ran++', source: at(91, 'count'), effects: [when(lt(ran, 3), [inc(ran)])] }));
  exclusiveConsumers(b, wq, items, at);
  b.process('driver', {}, (p) => p
    .step('queue1', { action: 'queue_work(events, &produce)', source: at(110, 'driver'), op: produce.queue() })
    .step('count1', { action: 'queue_work(pool, &count)', source: at(111, 'driver'), op: count.queue() })
    .step('flush', { action: 'flush_work(&produce)', source: at(112, 'driver'), op: produce.flush() })
    .step('queue2', { action: 'queue_work(events, &produce)', source: at(113, 'driver'), op: produce.queue() })
    .step('count2', { action: 'queue_work(pool, &count)', source: at(114, 'driver'), op: count.queue() })
    .step('cancel', { action: 'cancel_work_sync(&count)', source: at(115, 'driver'), op: count.cancelSync() }));
  return b.build();
}

export interface ToyConfig {
  readonly title: string;
  readonly build: () => InterleaveSide;
}

export const toyConfigs: readonly ToyConfig[] = [
  { title: 'toy/locks (mutex, spinlock, semaphore, if effects, branches)', build: () => checkCompiled(compileModel(locksModel())) },
  { title: 'toy/at-end (terminal property fails)', build: () => checkCompiled(compileModel(atEndModel())) },
  { title: 'toy/range (variable leaves its range)', build: () => checkCompiled(compileModel(rangeModel())) },
  { title: 'toy/invariant (invariant fails)', build: () => checkCompiled(compileModel(invariantModel())) },
  { title: 'toy/rwsem-nesting (recursive down_read, downgrade_write)', build: () => checkCompiled(compileModel(rwsemNestingModel())) },
  { title: 'toy/wake-and-work (exclusive waiters, wake_up; ordered and 2-worker workqueues: queue_work, flush_work, cancel_work_sync)', build: () => checkCompiled(compileModel(wakeAndWorkModel())) },
];
