/**
 * Tiny hand-written models that exercise the wait-for graph outside
 * dm-snapshot: an ABBA mutex deadlock, a semaphore only a lock-blocked
 * process can up, a guard nobody makes true, and a lock handed over to a
 * sleeper (for trace hand-offs). Verdicts come from exploring them.
 */
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, inc, lt } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model } from '../../src/model/types.js';

const at = sourceIn('demo.c', 'test');

/** p takes A then B, q takes B then A. */
export function abba(): Model {
  const b = new ModelBuilder('abba');
  const A = b.mutex('A');
  const B = b.mutex('B');
  b.process('p', {}, (p) => p
    .step('lock_a', { action: 'mutex_lock(&A)', source: at(10, 'p'), op: A.lock() })
    .step('lock_b', { action: 'mutex_lock(&B)', source: at(11, 'p'), op: B.lock() })
    .step('unlock_b', { action: 'mutex_unlock(&B)', source: at(12, 'p'), op: B.unlock() })
    .step('unlock_a', { action: 'mutex_unlock(&A)', source: at(13, 'p'), op: A.unlock() }));
  b.process('q', {}, (p) => p
    .step('lock_b', { action: 'mutex_lock(&B)', source: at(20, 'q'), op: B.lock() })
    .step('lock_a', { action: 'mutex_lock(&A)', source: at(21, 'q'), op: A.lock() })
    .step('unlock_a', { action: 'mutex_unlock(&A)', source: at(22, 'q'), op: A.unlock() })
    .step('unlock_b', { action: 'mutex_unlock(&B)', source: at(23, 'q'), op: B.unlock() }));
  return b.build();
}

/** waiter holds M and downs S (initially 0); only poster ups S, after taking M. */
export function semaphoreBehindLock(): Model {
  const b = new ModelBuilder('sem-behind-lock');
  const M = b.mutex('M');
  const S = b.semaphore('S', { initial: 0 });
  b.process('waiter', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&M)', source: at(30, 'waiter'), op: M.lock() })
    .step('down', { action: 'down(&S)', source: at(31, 'waiter'), op: S.down() })
    .step('unlock', { action: 'mutex_unlock(&M)', source: at(32, 'waiter'), op: M.unlock() }));
  b.process('poster', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&M)', source: at(40, 'poster'), op: M.lock() })
    .step('up', { action: 'up(&S)', source: at(41, 'poster'), op: S.up() })
    .step('unlock', { action: 'mutex_unlock(&M)', source: at(42, 'poster'), op: M.unlock() }));
  return b.build();
}

/** waiter's mutex_lock is guarded by flag == 1, nobody sets it, and the mutex stays free. */
export function guardedLock(): Model {
  const b = new ModelBuilder('guarded-lock');
  const flag = b.var('flag', 0);
  const M = b.mutex('M');
  b.process('waiter', {}, (p) => p
    .step('lock', { action: 'if (flag) mutex_lock(&M)', source: at(90, 'waiter'), guard: eq(flag, 1), op: M.lock() })
    .step('unlock', { action: 'mutex_unlock(&M)', source: at(91, 'waiter'), op: M.unlock() }));
  return b.build();
}

/** waiter spins until flag == 1; nobody sets it. */
export function deadGuard(): Model {
  const b = new ModelBuilder('dead-guard');
  const flag = b.var('flag', 0);
  b.process('waiter', {}, (p) => p
    .step('wait', { action: 'while (!flag) cpu_relax()', source: at(50, 'waiter'), guard: eq(flag, 1) }));
  b.process('other', {}, (p) => p
    .step('work', { action: 'do other work', source: at(60, 'other') }));
  return b.build();
}

/**
 * a and b each take and drop L; b bumps `after` once it has L. Used with a
 * hand-picked schedule where b sleeps on L until a's unlock hands it over.
 */
export function handOver(): Model {
  const b = new ModelBuilder('hand-over');
  const L = b.mutex('L');
  const after = b.var('after', 0);
  b.process('a', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&L)', source: at(70, 'a'), op: L.lock() })
    .step('unlock', { action: 'mutex_unlock(&L)', source: at(71, 'a'), op: L.unlock() }));
  b.process('b', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&L)', source: at(80, 'b'), op: L.lock(), effects: [inc(after)] })
    .step('unlock', { action: 'mutex_unlock(&L)', source: at(81, 'b'), op: L.unlock() }));
  b.always('after < 1', lt(after, 1));
  return b.build();
}

/** Step ids for `process:step` names, in order (a hand-picked schedule). */
export function stepIds(cm: { steps: ReadonlyArray<{ id: number; pid: number; step: { name: string } }>; processName(pid: number): string }, names: readonly string[]): number[] {
  return names.map((n) => {
    const [proc, step] = n.split(':');
    const cs = cm.steps.find((s) => cm.processName(s.pid) === proc && s.step.name === step);
    if (!cs) throw new Error(`no step ${n}`);
    return cs.id;
  });
}

/** t takes M and finishes without giving it back; u then waits for M forever. */
export function forgottenUnlock(): Model {
  const b = new ModelBuilder('forgotten-unlock');
  const M = b.mutex('M');
  b.process('t', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&M)', source: at(50, 't'), op: M.lock() })
    .step('work', { action: 'do_work()', source: at(51, 't') }));
  b.process('u', {}, (p) => p
    .step('lock', { action: 'mutex_lock(&M)', source: at(60, 'u'), op: M.lock() })
    .step('unlock', { action: 'mutex_unlock(&M)', source: at(61, 'u'), op: M.unlock() }));
  return b.build();
}

/** One complete() for two waiters: whoever waits second sleeps forever. */
export function completeOnce(): Model {
  const b = new ModelBuilder('complete-once');
  const done = b.completion('done');
  b.process('cb', {}, (p) => p.step('complete', { action: 'complete(&done)', source: at(70, 'cb'), op: done.complete() }));
  b.process('w', { instances: 2 }, (p) => p.step('wait', { action: 'wait_for_completion(&done)', source: at(80, 'w'), op: done.wait() }));
  return b.build();
}

/** reset_work's function flushes reset_work itself, on a workqueue of `workers` workers: it waits for its own run to end. */
export function selfFlush(workers = 1): Model {
  const b = new ModelBuilder(`self-flush-${workers}`);
  const wq = b.workqueue('mywq', { workers });
  const handle: { flush?: () => ReturnType<ReturnType<typeof wq.work>['flush']> } = {};
  const w = wq.work('reset_work', (p) => p
    .step('flush', { action: 'flush_work(&reset_work)', source: at(10, 'reset_fn'), op: handle.flush!() }));
  handle.flush = () => w.flush();
  b.process('submit', {}, (p) => p
    .step('queue', { action: 'queue_work(mywq, &reset_work)', source: at(30, 'submit'), op: w.queue() }));
  return b.build();
}

/** work_a's function flushes work_b, queued after it on the same workqueue of `workers` workers (ordered with one: work_b waits behind work_a). */
export function flushBehind(workers = 1): Model {
  const b = new ModelBuilder(`flush-behind-${workers}`);
  const wq = b.workqueue('mywq', { workers });
  const handle: { flush?: () => ReturnType<ReturnType<typeof wq.work>['flush']> } = {};
  const wb = wq.work('work_b', (p) => p.step('nop', { action: 'dev->x = 1', source: at(20, 'b_fn'), effects: [] }));
  const wa = wq.work('work_a', (p) => p
    .step('flush', { action: 'flush_work(&work_b)', source: at(10, 'a_fn'), op: handle.flush!() }));
  handle.flush = () => wb.flush();
  b.process('submit', {}, (p) => p
    .step('qa', { action: 'queue_work(mywq, &work_a)', source: at(30, 'submit'), op: wa.queue() })
    .step('qb', { action: 'queue_work(mywq, &work_b)', source: at(31, 'submit'), op: wb.queue() }));
  return b.build();
}
