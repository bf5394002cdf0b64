/**
 * Small hand-made models whose liveness answers are known, for the liveness
 * pass and the reference explorer's naive check to agree on.
 */
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Expr, Model } from '../../src/model/types.js';

const at = sourceIn('demo.c', 'test');

/** A process spinning until `flag` is 1, then doing its work (a progress step). */
function spinner(b: ModelBuilder, flag: Expr): void {
  b.process('spinner', {}, (p) => p
    .choice('poll', [
      { name: 'spin', action: 'while (!READ_ONCE(flag)) cpu_relax();', source: at(10, 'spinner'), guard: eq(flag, 0), goto: 'poll' },
      { name: 'go', action: 'flag seen: do the work', source: at(11, 'spinner'), guard: eq(flag, 1), progress: true },
    ]));
}

/** spinner polls a flag nobody sets: a non-progress cycle (SPIN -l) under any fairness. */
export function spinLoop(): Model {
  const b = new ModelBuilder('spin-loop');
  spinner(b, b.var('flag', 0));
  return b.nonProgressCycles().build();
}

/** The same spinner with a setter: weak fairness makes the setter run, so the spinner gets through. */
export function spinUntilSet(): Model {
  const b = new ModelBuilder('spin-until-set');
  const flag = b.var('flag', 0);
  spinner(b, flag);
  b.process('setter', {}, (p) => p
    .step('set', { action: 'WRITE_ONCE(flag, 1)', source: at(25, 'setter'), effects: [set(flag, 1)] }));
  return b.nonProgressCycles().build();
}

/**
 * A reader looping over a try-lock word and a writer retrying the same
 * word: the writer is enabled only between the reader's unlock and its next
 * lock, so weak fairness lets it starve and strong fairness does not.
 */
export function tryLockPair(): Model {
  const b = new ModelBuilder('trylock-pair');
  const held = b.var('held', 0, { max: 2 });
  b.process('reader', {}, (p) => p
    .step('lock', { action: 'read_trylock succeeds', source: at(30, 'reader'), guard: eq(held, 0), effects: [set(held, 1)] })
    .step('unlock', { action: 'read_unlock', source: at(31, 'reader'), effects: [set(held, 0)], goto: 'lock' }));
  b.process('writer', { progress: true }, (p) => p
    .step('lock', { action: 'write_trylock succeeds', source: at(35, 'writer'), guard: eq(held, 0), effects: [set(held, 2)], progress: true })
    .step('unlock', { action: 'write_unlock', source: at(36, 'writer'), effects: [set(held, 0)] }));
  return b.build();
}

/**
 * Two readers overlapping forever on a reader-preferring rw_semaphore, and a
 * writer asleep in down_write: asleep is not enabled, so no fairness helps.
 */
export function readerPreferringStarvation(policy: 'reader-preferring' | 'writer-fair' = 'reader-preferring'): Model {
  const b = new ModelBuilder(`rwsem-${policy}`);
  const lock = b.rwsem('lock', { policy });
  b.process('reader', { instances: 2 }, (p) => p
    .step('down_read', { action: 'down_read(&lock)', source: at(40, 'reader'), op: lock.downRead() })
    .step('up_read', { action: 'up_read(&lock)', source: at(41, 'reader'), op: lock.upRead(), goto: 'down_read' }));
  b.process('writer', { progress: true }, (p) => p
    .step('down_write', { action: 'down_write(&lock)', source: at(45, 'writer'), op: lock.downWrite(), progress: true })
    .step('up_write', { action: 'up_write(&lock)', source: at(46, 'writer'), op: lock.upWrite() }));
  return b.build();
}

/** Two tasks taking a FIFO hand-off mutex in a loop: each gets it, every time, under weak fairness. */
export function mutexHandoff(): Model {
  const b = new ModelBuilder('mutex-handoff');
  const m = b.mutex('m');
  b.process('task', { instances: 2, progress: true }, (p) => p
    .step('lock', { action: 'mutex_lock(&m)', source: at(50, 'task'), op: m.lock(), progress: true })
    .step('unlock', { action: 'mutex_unlock(&m)', source: at(51, 'task'), op: m.unlock(), goto: 'lock' }));
  return b.build();
}

/**
 * A task announces a write, then retries a try-lock that a looping reader
 * keeps taking; `done` must follow every announcement. The flag `pending`
 * also states it as `leadsTo(pending == 1, pending == 0)` and
 * `eventually(pending == 0 && written == 1)`.
 */
export function announcedWrite(): Model {
  const b = new ModelBuilder('announced-write');
  const held = b.var('held', 0, { max: 2 });
  const pending = b.var('pending', 0);
  const written = b.var('written', 0);
  b.process('reader', {}, (p) => p
    .step('lock', { action: 'read_trylock succeeds', source: at(60, 'reader'), guard: eq(held, 0), effects: [set(held, 1)] })
    .step('unlock', { action: 'read_unlock', source: at(61, 'reader'), effects: [set(held, 0)], goto: 'lock' }));
  b.process('writer', {}, (p) => p
    .step('announce', { action: 'pending = 1', source: at(65, 'writer'), effects: [set(pending, 1)] })
    .step('lock', { action: 'write_trylock succeeds', source: at(66, 'writer'), guard: eq(held, 0), effects: [set(held, 2)] })
    .step('done', { action: 'write; pending = 0; write_unlock', source: at(67, 'writer'), effects: [set(held, 0), set(pending, 0), set(written, 1)], mustComplete: 'the announced write is done' }));
  b.leadsTo('pending ~> done', eq(pending, 1), eq(pending, 0));
  b.eventually('written', eq(written, 1));
  return b.build();
}
