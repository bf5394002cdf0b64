/**
 * Which kernel detector could report a deadlock (issue 13): the classic
 * "flush_work() under a mutex the work function takes" is a lockdep report
 * (the work item's lockdep map); the same bug through a completion is not,
 * but DEPT tracks completions.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('drivers/x/y.c', 'test');

function flushUnderMutex(): CheckReport {
  const b = new ModelBuilder('test/flush-under-mutex');
  const m = b.mutex('dev_lock');
  const wq = b.workqueue('events', { workers: 1 });
  const w = wq.work('reset_work', (p) => p
    .step('lock', { action: 'mutex_lock(&dev->lock)', source: at(10, 'reset_fn'), op: m.lock() })
    .step('unlock', { action: 'mutex_unlock(&dev->lock)', source: at(12, 'reset_fn'), op: m.unlock() }));
  b.process('remove', {}, (p) => p
    .step('queue', { action: 'queue_work(events, &dev->reset_work)', source: at(20, 'dev_remove'), op: w.queue() })
    .step('lock', { action: 'mutex_lock(&dev->lock)', source: at(21, 'dev_remove'), op: m.lock() })
    .step('flush', { action: 'flush_work(&dev->reset_work)', source: at(22, 'dev_remove'), op: w.flush() })
    .step('unlock', { action: 'mutex_unlock(&dev->lock)', source: at(23, 'dev_remove'), op: m.unlock() }));
  const cm = compileModel(b.build());
  return buildReport(cm, check(cm).run());
}

function completionUnderMutex(): CheckReport {
  const b = new ModelBuilder('test/completion-under-mutex');
  const m = b.mutex('dev_lock');
  const done = b.completion('reset_done');
  const wq = b.workqueue('events', { workers: 1 });
  const w = wq.work('reset_work', (p) => p
    .step('lock', { action: 'mutex_lock(&dev->lock)', source: at(10, 'reset_fn'), op: m.lock() })
    .step('unlock', { action: 'mutex_unlock(&dev->lock)', source: at(12, 'reset_fn'), op: m.unlock() })
    .step('complete', { action: 'complete(&dev->reset_done)', source: at(13, 'reset_fn'), op: done.complete() }));
  b.process('remove', {}, (p) => p
    .step('queue', { action: 'queue_work(events, &dev->reset_work)', source: at(20, 'dev_remove'), op: w.queue() })
    .step('lock', { action: 'mutex_lock(&dev->lock)', source: at(21, 'dev_remove'), op: m.lock() })
    .step('wait', { action: 'wait_for_completion(&dev->reset_done)', source: at(22, 'dev_remove'), op: done.wait() })
    .step('unlock', { action: 'mutex_unlock(&dev->lock)', source: at(23, 'dev_remove'), op: m.unlock() }));
  const cm = compileModel(b.build());
  return buildReport(cm, check(cm).run());
}

const detector = (r: CheckReport, d: string) => r.counterexample!.scenario!.detectors.find((x) => x.detector === d)!;

describe('detectors of a deadlock', () => {
  const flush = flushUnderMutex();
  const completion = completionUnderMutex();

  it('finds flush_work under a mutex the work function takes as a deadlock whose cycle runs through the work item', () => {
    expect(flush.result.verdict).toBe('deadlock');
    const cycle = flush.counterexample!.analysis.cycle!;
    const names = cycle.steps.map((s) => s.node);
    expect(names).toContain('resource:dev_lock');
    expect(names).toContain('resource:events');
    expect(names.some((n) => n.startsWith('job:events:'))).toBe(true);
    const job = flush.counterexample!.waitFor.nodes.find((n) => n.kind === 'job');
    expect(job).toMatchObject({ name: 'reset_work', status: 'running' });
  });

  it('says lockdep can report the flush_work cycle, through the work item\'s lockdep map', () => {
    const s = flush.counterexample!.scenario!;
    expect(s.lockdepVisible).toBe(true);
    expect(s.lockdepNote).toMatch(/lockdep could flag this cycle/);
    expect(s.lockdepNote).toMatch(/work->lockdep_map/);
    expect(s.rows.map((r) => r.text)).toContain('flush_work(&reset_work);');
    expect(detector(flush, 'DEPT').reports).toBe(true);
    expect(detector(flush, 'hung-task').reports).toBe(true);
  });

  it('says the same bug through a completion is invisible to lockdep but reported by DEPT', () => {
    expect(completion.result.verdict).toBe('deadlock');
    const s = completion.counterexample!.scenario!;
    expect(s.lockdepVisible).toBe(false);
    expect(s.lockdepNote).toMatch(/reset_done is a completion, which lockdep does not track/);
    expect(detector(completion, 'DEPT')).toMatchObject({ reports: true });
    expect(detector(completion, 'DEPT').note).toMatch(/DEPT could report this cycle/);
  });
});
