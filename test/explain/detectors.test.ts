/**
 * Which kernel detector could report a deadlock (issue 13): the classic
 * "flush_work() under a mutex the work function takes" is a lockdep report
 * (the work item's lockdep map); the same bug through a completion is not,
 * but DEPT tracks completions. The hung-task detector goes by the sleep
 * state: an ABBA between mutex_lock_killable()s stays silent, the same with
 * one plain mutex_lock() is reported; an open-coded schedule() loop is seen
 * by neither lockdep nor DEPT.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model, SleepState } from '../../src/model/types.js';
import { flushBehind, selfFlush } from './small-models.js';

const at = sourceIn('drivers/x/y.c', 'test');

/** remove() takes dev_lock, then waits for reset_work, which takes dev_lock: flush_work, or cancel_work_sync. */
function flushUnderMutex(wait: 'flush' | 'cancel' = 'flush'): CheckReport {
  const b = new ModelBuilder(wait === 'flush' ? 'test/flush-under-mutex' : 'test/cancel-under-mutex');
  const m = b.mutex('dev_lock');
  const wq = b.workqueue('events', { workers: 1 });
  const w = wq.work('reset_work', (p) => p
    .step('lock', { action: 'mutex_lock(&dev->lock)', source: at(10, 'reset_fn'), op: m.lock() })
    .step('unlock', { action: 'mutex_unlock(&dev->lock)', source: at(12, 'reset_fn'), op: m.unlock() }));
  b.process('remove', {}, (p) => p
    .step('queue', { action: 'queue_work(events, &dev->reset_work)', source: at(20, 'dev_remove'), op: w.queue() })
    .step(wait === 'flush' ? 'lock' : 'take', { action: 'mutex_lock(&dev->lock)', source: at(21, 'dev_remove'), op: m.lock() })
    .step(wait, wait === 'flush'
      ? { action: 'flush_work(&dev->reset_work)', source: at(22, 'dev_remove'), op: w.flush() }
      : { action: 'cancel_work_sync(&dev->reset_work)', source: at(22, 'dev_remove'), op: w.cancelSync() })
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

/** ABBA: a takes A then B, b takes B then A; `sleepB` is how b waits for A, `kernelWait` how a waits for B. */
function abba(name: string, sleepA: SleepState | undefined, sleepB: SleepState | undefined, kernelWait?: 'schedule'): CheckReport {
  const b = new ModelBuilder(name);
  const A = b.mutex('A');
  const B = b.mutex('B');
  b.process('a', {}, (p) => p
    .step('A', { action: 'mutex_lock(&A)', source: at(1, 'fa'), op: A.lock(), sleep: sleepA })
    .step('B', { action: 'mutex_lock(&B)', source: at(2, 'fa'), op: B.lock(), sleep: sleepA, kernelWait })
    .step('uB', { action: 'mutex_unlock(&B)', source: at(3, 'fa'), op: B.unlock() })
    .step('uA', { action: 'mutex_unlock(&A)', source: at(4, 'fa'), op: A.unlock() }));
  b.process('b', {}, (p) => p
    .step('B', { action: 'mutex_lock(&B)', source: at(11, 'fb'), op: B.lock(), sleep: sleepB })
    .step('A', { action: 'mutex_lock(&A)', source: at(12, 'fb'), op: A.lock(), sleep: sleepB })
    .step('uA', { action: 'mutex_unlock(&A)', source: at(13, 'fb'), op: A.unlock() })
    .step('uB', { action: 'mutex_unlock(&B)', source: at(14, 'fb'), op: B.unlock() }));
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

  it('names flush_work after the work item, not its workqueue, and cites a real line of process_one_work', () => {
    const cx = flush.counterexample!;
    for (const d of ['lockdep', 'DEPT', 'hung-task']) expect(detector(flush, d).note).toContain('flush_work(&reset_work)');
    expect(cx.blocked.find((b) => b.process === 'remove')?.wait?.summary).toMatch(/^flush_work\(&reset_work\)/);
    const remove = cx.waitFor.nodes.find((n) => n.kind === 'process' && n.call?.startsWith('flush_work'));
    expect(remove).toMatchObject({ call: 'flush_work(&reset_work)' });
    const worker = cx.trace.find((t) => t.process === 'events_worker')!;
    expect(worker.source).toMatchObject({ file: 'kernel/workqueue.c', func: 'process_one_work', line: 2275 });
  });

  it('says the same bug through a completion is invisible to lockdep but reported by DEPT', () => {
    expect(completion.result.verdict).toBe('deadlock');
    const s = completion.counterexample!.scenario!;
    expect(s.lockdepVisible).toBe(false);
    expect(s.lockdepNote).toMatch(/reset_done is a completion, which lockdep does not track/);
    expect(detector(completion, 'DEPT')).toMatchObject({ reports: true });
    expect(detector(completion, 'DEPT').note).toMatch(/DEPT could report this cycle once it has seen these waits and their wake-ups: it stages every wait in it \(/);
  });

  it('keeps the hung-task detector silent when every task in the cycle sleeps killable, and names the state', () => {
    const r = abba('test/abba-killable', 'killable', 'killable');
    expect(r.result.verdict).toBe('deadlock');
    const hung = detector(r, 'hung-task');
    expect(hung.reports).toBe(false);
    expect(hung.note).toMatch(/mutex_lock_killable\(&B\) in TASK_KILLABLE/);
    expect(hung.note).toMatch(/t->state == TASK_UNINTERRUPTIBLE/);
    expect(r.counterexample!.scenario!.rows.map((x) => x.text)).toContain('mutex_lock_killable(&A);');
    expect(detector(r, 'lockdep').reports).toBe(true);
  });

  it('has the hung-task detector report the cycle when one task sleeps uninterruptible, naming only that one', () => {
    const r = abba('test/abba-mixed', undefined, 'interruptible');
    const hung = detector(r, 'hung-task');
    expect(hung.reports).toBe(true);
    expect(hung.note).toMatch(/would report a \(mutex_lock\(&B\), TASK_UNINTERRUPTIBLE\) after/);
    expect(hung.note).not.toMatch(/\bb \(/);
  });

  it('says neither lockdep nor DEPT sees a wait the kernel writes as an open-coded schedule() loop', () => {
    const r = abba('test/abba-schedule', undefined, undefined, 'schedule');
    expect(r.result.verdict).toBe('deadlock');
    expect(detector(r, 'lockdep')).toMatchObject({ reports: false });
    expect(detector(r, 'lockdep').note).toMatch(/a sleeps in schedule\(&B\).*open-coded set_current_state\(\)\/schedule\(\) loop has no lockdep map/);
    expect(detector(r, 'DEPT')).toMatchObject({ reports: false });
  });

  it('refuses a sleep state on a step that never sleeps', () => {
    const b = new ModelBuilder('test/bad-sleep');
    const m = b.mutex('m');
    b.process('p', {}, (p) => p.step('u', { action: 'mutex_unlock', source: at(1, 'f'), op: m.unlock(), sleep: 'killable' }));
    expect(() => b.build()).toThrow(/sleep is given, but unlock on m never sleeps/);
  });

  it('names both sleep and kernelWait when a step that never sleeps gives both', () => {
    const b = new ModelBuilder('test/bad-sleep-wait');
    const m = b.mutex('m');
    b.process('p', {}, (p) => p.step('u', { action: 'mutex_unlock', source: at(1, 'f'), op: m.unlock(), sleep: 'killable', kernelWait: 'schedule' }));
    expect(() => b.build()).toThrow(/sleep and kernelWait are given, but unlock on m never sleeps/);
  });

  it('calls a task waiting for a wake-up only its own later code gives a self-wait, not a lost wake-up', () => {
    const b = new ModelBuilder('test/self-wait');
    const wq = b.waitQueue('done_wait');
    b.process('worker', {}, (p) => p
      .step('prepare', { action: 'prepare_to_wait(&done_wait)', source: at(1, 'work'), op: wq.prepareToWait() })
      .step('sleep', { action: 'io_schedule()', source: at(2, 'work'), op: wq.schedule() })
      .step('finish', { action: 'finish_wait(&done_wait)', source: at(3, 'work'), op: wq.finishWait() })
      .step('wake', { action: 'wake_up(&done_wait)', source: at(4, 'work'), op: wq.wakeUp() }));
    const cm = compileModel(b.build());
    const r = buildReport(cm, check(cm).run());
    expect(r.result.verdict).toBe('deadlock');
    expect(detector(r, 'lockdep').note).toMatch(/worker sleeps in schedule\(&done_wait\) for a wake-up that only its own code gives/);
    expect(detector(r, 'lockdep').note).not.toMatch(/lost wake-up/);
    expect(detector(r, 'DEPT').note).toMatch(/open-coded prepare_to_wait\(\)\/schedule\(\) loop is not staged/);
    expect(detector(r, 'hung-task').reports).toBe(true);
  });

  it('says lockdep reports a work function flushing its own work as recursive locking on the work\'s lockdep map', () => {
    const report = (m: Model) => {
      const cm = compileModel(m);
      return buildReport(cm, check(cm).run());
    };
    // Ordered: the workqueue's own map is acquired recursively too (start_flush_work, max_active 1).
    const ordered = report(selfFlush(1));
    expect(ordered.result.verdict).toBe('deadlock');
    expect(detector(ordered, 'lockdep')).toMatchObject({ reports: true });
    expect(detector(ordered, 'lockdep').note).toMatch(/^lockdep reports this as recursive locking \("possible recursive locking detected"\): mywq_worker runs the work function inside process_one_work, which holds lock_map_acquire\(&lockdep_map\), a copy of work->lockdep_map/);
    expect(detector(ordered, 'lockdep').note).toMatch(/flush_work\(&reset_work\) acquires work->lockdep_map again in __flush_work/);
    expect(detector(ordered, 'lockdep').note).toMatch(/besides, mywq is ordered \(max_active 1\), so start_flush_work acquires mywq's own lockdep_map/);
    expect(detector(ordered, 'lockdep').note).not.toMatch(/no lock is involved/);
    // A pool: another worker could end some flush, never this one; the work's own map is still taken twice.
    const pool = report(selfFlush(2));
    expect(detector(pool, 'lockdep')).toMatchObject({ reports: true });
    expect(detector(pool, 'lockdep').note).toMatch(/mywq_worker#1 runs the work function/);
    expect(detector(pool, 'lockdep').note).not.toMatch(/start_flush_work/);
    // Another work behind the running one on an ordered workqueue: its map, taken by start_flush_work.
    const behind = report(flushBehind(1));
    expect(behind.result.verdict).toBe('deadlock');
    expect(detector(behind, 'lockdep')).toMatchObject({ reports: true });
    expect(detector(behind, 'lockdep').note).toMatch(/mywq_worker runs a work function of mywq, and flush_work\(&work_b\) waits for a work queued behind it: mywq is ordered \(max_active 1\), so start_flush_work acquires mywq's own lockdep_map/);
    expect(report(flushBehind(2)).result.verdict).toBe('ok');
  });

  it('says lockdep cannot see cancel_work_sync, which skips the work item\'s lockdep map', () => {
    const r = flushUnderMutex('cancel');
    expect(r.result.verdict).toBe('deadlock');
    expect(detector(r, 'lockdep')).toMatchObject({ reports: false });
    expect(detector(r, 'lockdep').note).toMatch(/__flush_work\(work, true\).*skips lock_map_acquire\(&work->lockdep_map\)/);
    expect(detector(r, 'DEPT').reports).toBe(true);
  });
});
