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

export interface ToyConfig {
  readonly title: string;
  readonly build: () => InterleaveSide;
}

export const toyConfigs: readonly ToyConfig[] = [
  { title: 'toy/locks (mutex, spinlock, semaphore, if effects, branches)', build: () => checkCompiled(compileModel(locksModel())) },
  { title: 'toy/at-end (terminal property fails)', build: () => checkCompiled(compileModel(atEndModel())) },
  { title: 'toy/range (variable leaves its range)', build: () => checkCompiled(compileModel(rangeModel())) },
  { title: 'toy/invariant (invariant fails)', build: () => checkCompiled(compileModel(invariantModel())) },
];
