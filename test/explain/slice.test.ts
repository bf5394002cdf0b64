import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';
import type { Model } from '../../src/model/types.js';
import { completeOnce, forgottenUnlock } from './small-models.js';

const report = (name: string, params: Record<string, string | number>): CheckReport => {
  const cm = compileModel(instantiate(registry.find((d) => d.name === name)!, params));
  return buildReport(cm, check(cm).run());
};
const sliced = (r: CheckReport) => r.counterexample!.slice.indices.map((i) => {
  const t = r.counterexample!.trace[i - 1];
  return `${t.process} ${t.step}${t.outcome === 'blocked' ? ' (sleeps)' : ''}`;
});

/** The fix's commit message, steps 1 to 4, as model steps. */
const COMMIT_MESSAGE = [
  // 1. a write to the origin causes a COW, performed by kcopyd, holding a cow_count unit
  'writer#1 down_cow', 'writer#1 copy',
  // 2. another writer blocks in down(&s->cow_count) holding _origins_lock for read
  'writer#2 down_read', 'writer#2 down_cow (sleeps)',
  // 3. snapshot_ctr's down_write(&_origins_lock) blocks behind that reader
  'snapshot_ctr down_write (sleeps)',
  // 4. the COW completes; kcopyd's callback retries the origin bio and needs _origins_lock for read
  'kcopyd copy_callback', 'kcopyd retry_down_read (sleeps)',
];

describe('sliceTrace', () => {
  it('keeps exactly the steps of the commit message for the semaphore deadlock', () => {
    const r = report('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    expect(sliced(r)).toEqual(COMMIT_MESSAGE);
    // writer#1's down_read/up_read pair is gone: it took the lock and gave it back.
    expect(r.counterexample!.trace.length).toBe(9);
  });

  it('leaves out processes outside the cycle (a third writer, snapshot_dtr)', () => {
    const r = report('dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 });
    const processes = new Set(sliced(r).map((s) => s.split(' ')[0]));
    expect(processes).toEqual(new Set(['writer#1', 'writer#2', 'snapshot_ctr', 'kcopyd']));
    expect(sliced(r)).toEqual(COMMIT_MESSAGE);
  });

  it('shows the lost wake-up: the unlocked check, the completion that saw no waiter, the sleep', () => {
    const r = report('dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' });
    expect(sliced(r)).toEqual(['writer#2 check/over', 'kcopyd end_copy/quiet', 'writer#2 prepare', 'writer#2 sleep (sleeps)']);
  });

  it('goes through the wait queue for the sleep-holding-lock mutant', () => {
    const r = report('dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' });
    expect(sliced(r)).toEqual([
      'writer#1 start_copy', 'writer#2 down_read', 'writer#2 check/over', 'writer#2 sleep (sleeps)',
      'snapshot_ctr down_write (sleeps)', 'kcopyd copy_callback', 'kcopyd retry_down_read (sleeps)',
    ]);
  });
});

const reportOf = (m: Model): CheckReport => {
  const cm = compileModel(m);
  return buildReport(cm, check(cm).run());
};

describe('sliceTrace without a cycle', () => {
  it('keeps the acquire of a lock whose holder finished without giving it back', () => {
    expect(sliced(reportOf(forgottenUnlock()))).toEqual(['t lock', 'u lock (sleeps)']);
  });

  it('keeps the complete() whose done another waiter took, with that wait', () => {
    const r = reportOf(completeOnce());
    expect(sliced(r)).toEqual(['cb complete', 'w#1 wait', 'w#2 wait (sleeps)']);
  });
});

describe('buildScenario', () => {
  it('lays out the semaphore deadlock in lockdep columns, lock operations only, and says lockdep cannot see it', () => {
    const s = report('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 }).counterexample!.scenario!;
    expect(s.columns).toEqual(['writer#1', 'writer#2', 'snapshot_ctr', 'kcopyd']);
    expect(s.rows.map((r) => `${s.columns[r.column]}: ${r.text}${r.blocks ? ' <- sleeps' : ''}`)).toEqual([
      'writer#1: down(&cow_count);',
      'writer#1: queue copy(chunk 0) on kcopyd;',
      'writer#2: down_read(&_origins_lock);',
      'writer#2: down(&cow_count); <- sleeps',
      'snapshot_ctr: down_write(&_origins_lock); <- sleeps',
      'kcopyd: run copy(chunk 0) callback;',
      'kcopyd: down_read(&_origins_lock); <- sleeps',
    ]);
    expect(s.lockdepVisible).toBe(false);
    expect(s.lockdepNote).toMatch(/cow_count is a counting semaphore.*up\(\) comes from another task \(kcopyd\)/);
  });

  it('says lockdep could flag a cycle of owned locks (ABBA)', async () => {
    const { ModelBuilder } = await import('../../src/model/builder.js');
    const { sourceIn } = await import('../../src/model/source-ref.js');
    const at = sourceIn('t.c', 'x');
    const b = new ModelBuilder('test/abba');
    const A = b.mutex('A');
    const B = b.mutex('B');
    b.process('t1', {}, (p) => p.step('a', { action: 'lock A', source: at(1, 'f'), op: A.lock() }).step('b', { action: 'lock B', source: at(2, 'f'), op: B.lock() })
      .step('c', { action: 'unlock B', source: at(3, 'f'), op: B.unlock() }).step('d', { action: 'unlock A', source: at(4, 'f'), op: A.unlock() }));
    b.process('t2', {}, (p) => p.step('a', { action: 'lock B', source: at(5, 'g'), op: B.lock() }).step('b', { action: 'lock A', source: at(6, 'g'), op: A.lock() })
      .step('c', { action: 'unlock A', source: at(7, 'g'), op: A.unlock() }).step('d', { action: 'unlock B', source: at(8, 'g'), op: B.unlock() }));
    const cm = compileModel(b.build());
    const s = buildReport(cm, check(cm).run()).counterexample!.scenario!;
    expect(s.lockdepVisible).toBe(true);
    // Fewest switches: t1 takes A, t2 takes B and blocks on A, then t1 blocks on B.
    expect(s.rows.map((r) => `${s.columns[r.column]}: ${r.text}${r.blocks ? ' <- sleeps' : ''}`)).toEqual([
      't1: mutex_lock(&A);', 't2: mutex_lock(&B);', 't2: mutex_lock(&A); <- sleeps', 't1: mutex_lock(&B); <- sleeps',
    ]);
  });
});
