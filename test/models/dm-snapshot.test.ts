/**
 * The acceptance of the dm-snapshot models: every verdict here comes from
 * exploring the model; the state counts and trace lengths pin the models so
 * an unintended change shows up.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from './helpers.js';

const SEM = 'dm-snapshot/semaphore';
const FIX = 'dm-snapshot/in-progress';
const NONE = 'dm-snapshot/unthrottled';
const WQ = 'dm-snapshot/workqueue-retry';

describe('dm-snapshot/semaphore', () => {
  const report = checkModel(SEM, { writers: 2, 'cow-threshold': 1, ctrs: 1 });
  const cx = report.counterexample!;

  it('deadlocks with 2 writers, threshold 1, one snapshot_ctr, writer-fair', () => {
    expect(report.result.verdict).toBe('deadlock');
    expect(report.result.stats.states).toBe(279);
    expect(cx.trace).toHaveLength(9);
  });

  it('shows the commit message steps in the shortest trace', () => {
    const rows = cx.trace.map((t) => `${t.process} ${t.step} ${t.outcome}`);
    // 1. a writer causes a COW and holds a semaphore unit
    expect(rows).toContain('writer#1 down_cow ran');
    // 2. another writer blocks in down(&s->cow_count) while holding _origins_lock for read
    const w2Down = rows.indexOf('writer#2 down_cow blocked');
    expect(w2Down).toBeGreaterThan(rows.indexOf('writer#2 down_read ran'));
    expect(rows.slice(w2Down).some((r) => r.startsWith('writer#2 up_read'))).toBe(false);
    // 3. snapshot_ctr queues for the write lock
    expect(rows).toContain('snapshot_ctr down_write blocked');
    // 4. kcopyd's completion needs the read lock and queues behind it
    expect(rows.at(-1)).toBe('kcopyd retry_down_read blocked');
    expect(cx.trace.find((t) => t.step === 'down_cow' && t.outcome === 'blocked')?.source).toMatchObject({ file: 'drivers/md/dm-snap.c', line: 1759, func: 'start_copy' });
  });

  it('says who waits for what at the end', () => {
    const blocked = Object.fromEntries(cx.blocked.map((b) => [b.process, b.wait]));
    expect(Object.keys(blocked).sort()).toEqual(['kcopyd', 'snapshot_ctr', 'writer#2']);
    expect(blocked['writer#2']).toMatchObject({ primitive: 'cow_count', mode: 'down', releasers: ['kcopyd'] });
    expect(blocked.snapshot_ctr).toMatchObject({ primitive: '_origins_lock', mode: 'write', holders: [{ process: 'writer#2', mode: 'read' }] });
    expect(blocked.kcopyd).toMatchObject({ primitive: '_origins_lock', mode: 'read', queuedBehind: [{ process: 'snapshot_ctr', mode: 'write' }] });
  });

  it('does not deadlock without a snapshot_ctr', () => {
    const r = checkModel(SEM, { writers: 2, 'cow-threshold': 1, ctrs: 0 });
    expect(r.result.verdict).toBe('ok');
    expect(r.result.completion).toBe('complete');
  });

  it('does not deadlock with a reader-preferring rw_semaphore', () => {
    for (const ctrs of [1, 2]) {
      const r = checkModel(SEM, { writers: 2, 'cow-threshold': 1, ctrs, rwsem: 'reader-preferring' });
      expect(r.result.verdict).toBe('ok');
    }
  });

  it('keeps in-flight copies within the semaphore count where it does not deadlock', () => {
    const r = checkModel(SEM, { writers: 3, 'cow-threshold': 2, ctrs: 0 });
    expect(r.result.verdict).toBe('ok');
    expect(r.result.maxima.inflight).toBe(2);
  });

  it('does not deadlock with threshold 0 (unlimited)', () => {
    expect(checkModel(SEM, { writers: 2, 'cow-threshold': 0, ctrs: 1 }).result.verdict).toBe('ok');
  });
});

describe('dm-snapshot/in-progress', () => {
  const grid: Array<[number, number, number, string]> = [];
  for (const writers of [1, 2, 3, 4]) {
    for (const threshold of [0, 1, 2]) {
      for (const ctrs of [0, 1, 2]) {
        for (const rwsem of ['writer-fair', 'reader-preferring']) grid.push([writers, threshold, ctrs, rwsem]);
      }
    }
  }

  it('never deadlocks and keeps its soft bound for writers 1..4, threshold 0..2, ctrs 0..2, both policies', () => {
    const failures: string[] = [];
    let largest = 0;
    for (const [writers, threshold, ctrs, rwsem] of grid) {
      const r = checkModel(FIX, { writers, 'cow-threshold': threshold, ctrs, rwsem });
      largest = Math.max(largest, r.result.stats.states);
      if (r.result.verdict !== 'ok' || r.result.completion !== 'complete') failures.push(`${writers}/${threshold}/${ctrs}/${rwsem}: ${r.result.verdict}`);
      // Where the throttle can bite (one writer finds the others' copies over
      // the threshold), the proof must have run the sleep and the wake-up.
      const required = r.unreached.filter((u) => u.required).map((u) => u.step);
      if (writers > threshold + 1 && required.length > 0) failures.push(`${writers}/${threshold}/${ctrs}/${rwsem}: never ran ${required}`);
    }
    expect(failures).toEqual([]);
    expect(grid).toHaveLength(72);
    expect(largest).toBeGreaterThan(100_000);
    // 72 explorations: about 50 s alone, several minutes on a 2-core machine shared by many test runs.
  }, 600_000);

  it('reaches its soft bound: in_progress exceeds the threshold, but never threshold + writers', () => {
    const r = checkModel(FIX, { writers: 3, bios: 2, 'cow-threshold': 1, ctrs: 0 });
    expect(r.result.verdict).toBe('ok');
    expect(r.result.maxima.in_progress).toBeGreaterThan(1);
    expect(r.result.maxima.in_progress).toBeLessThanOrEqual(1 + 3);
  });

  it('catches the sleep-holding-lock mutant as a deadlock through the wait queue', () => {
    const r = checkModel(FIX, { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' });
    expect(r.result.verdict).toBe('deadlock');
    const waits = Object.fromEntries(r.counterexample!.blocked.map((b) => [b.process, b.wait?.primitive]));
    expect(waits).toEqual({ 'writer#2': 'in_progress_wait', kcopyd: '_origins_lock', snapshot_ctr: '_origins_lock' });
  });

  it('catches the lost-wakeup mutant: a writer asleep forever with nobody to wake it', () => {
    const r = checkModel(FIX, { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.blocked.map((b) => b.process)).toEqual(['writer#2']);
    expect(cx.blocked[0].wait).toMatchObject({ primitive: 'in_progress_wait', mode: 'wake-up' });
    expect(cx.processes.find((p) => p.process === 'kcopyd')?.state).toBe('idle');
    // The wake-up fell between the unlocked check and joining the queue.
    const steps = cx.trace.map((t) => `${t.process} ${t.step}`);
    expect(steps.indexOf('kcopyd end_copy/quiet')).toBeGreaterThan(steps.indexOf('writer#2 check/over'));
    expect(steps.indexOf('kcopyd end_copy/quiet')).toBeLessThan(steps.indexOf('writer#2 prepare'));
  });

  it('catches the retry-limit mutant: kcopyd asleep on the wait queue only it can wake', () => {
    const r = checkModel(FIX, { writers: 1, 'cow-threshold': 0, ctrs: 0, mutant: 'retry-limit' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.blocked.map((b) => b.process)).toEqual(['kcopyd']);
    expect(cx.blocked[0].wait).toMatchObject({ primitive: 'in_progress_wait', mode: 'wake-up' });
    expect(cx.trace.at(-1)).toMatchObject({ process: 'kcopyd', step: 'retry_sleep', outcome: 'blocked' });
    expect(cx.scenario!.detectors.map((d) => d.note).join('\n')).toMatch(/kcopyd sleeps in schedule\(&in_progress_wait\) for a wake-up that only its own code gives/);
    // With a threshold of 1 it takes two copies in flight.
    expect(checkModel(FIX, { writers: 1, 'cow-threshold': 1, ctrs: 0, mutant: 'retry-limit' }).result.verdict).toBe('ok');
    expect(checkModel(FIX, { writers: 2, 'cow-threshold': 1, ctrs: 0, mutant: 'retry-limit' }).result.verdict).toBe('deadlock');
  });

  it('catches the uninit-in-progress mutant: the first writer sleeps with no copy in flight', () => {
    const r = checkModel(FIX, { writers: 1, 'cow-threshold': 0, ctrs: 0, mutant: 'uninit-in-progress' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.blocked.map((b) => b.process)).toEqual(['writer']);
    expect(cx.trace.map((t) => t.step)).toEqual(['down_read', 'check/over', 'drop', 'sleep']);
  });

  it('the correct fix survives the configurations that kill its mutants', () => {
    expect(checkModel(FIX, { writers: 2, 'cow-threshold': 0, ctrs: 1 }).result.verdict).toBe('ok');
    expect(checkModel(FIX, { writers: 2, 'cow-threshold': 0, ctrs: 0 }).result.verdict).toBe('ok');
    expect(checkModel(FIX, { writers: 1, 'cow-threshold': 0, ctrs: 0 }).result.verdict).toBe('ok');
  });
});

describe('dm-snapshot/unthrottled', () => {
  it('does not deadlock', () => {
    for (const ctrs of [0, 1, 2]) expect(checkModel(NONE, { writers: 3, ctrs }).result.verdict).toBe('ok');
  });

  it('breaks every in-flight bound below the number of writers', () => {
    for (const writers of [2, 3, 4]) {
      for (let bound = 1; bound < writers; bound++) {
        const r = checkModel(NONE, { writers, ctrs: 1, 'max-inflight': bound });
        expect(r.result.verdict).toBe('invariant');
        expect(r.counterexample?.property).toBe(`in-flight copies <= ${bound}`);
        expect(r.counterexample?.trace.filter((t) => t.step === 'copy')).toHaveLength(bound + 1);
      }
      expect(checkModel(NONE, { writers, ctrs: 1, 'max-inflight': writers }).result.verdict).toBe('ok');
    }
  });
});

describe('dm-snapshot/workqueue-retry', () => {
  it('does not deadlock where the semaphore design does, and keeps the hard bound', () => {
    for (const [writers, ctrs] of [[2, 1], [3, 2]]) {
      const r = checkModel(WQ, { writers, 'cow-threshold': 1, ctrs });
      expect(r.result.verdict).toBe('ok');
      expect(r.result.completion).toBe('complete');
      expect(r.result.maxima.inflight).toBe(1);
      expect(r.unreached.filter((u) => u.required)).toEqual([]);
      expect(checkModel(SEM, { writers, 'cow-threshold': 1, ctrs }).result.verdict).toBe('deadlock');
    }
  });

  it('never lets kcopyd take _origins_lock: the retry runs on the workqueue worker', () => {
    const r = checkModel(WQ, { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    const kcopyd = r.model!.processes.find((p) => p.name === 'kcopyd')!;
    const ops = kcopyd.locations.flatMap((l) => l.steps.map((s) => s.op?.primitive)).filter(Boolean);
    expect(ops).not.toContain('_origins_lock');
    const worker = r.model!.processes.find((p) => p.name === 'kworker')!;
    expect(worker.locations.flatMap((l) => l.steps.map((s) => s.op?.primitive))).toContain('_origins_lock');
  });
});

describe('--completion-order any', () => {
  const designs: Array<[string, Record<string, number>[]]> = [
    [NONE, [{ writers: 2, ctrs: 1 }, { writers: 3, ctrs: 1, 'max-inflight': 2 }]],
    [SEM, [{ writers: 2, 'cow-threshold': 1, ctrs: 1 }, { writers: 2, 'cow-threshold': 1, ctrs: 0 }, { writers: 3, 'cow-threshold': 2, ctrs: 2 }]],
    [FIX, [{ writers: 2, 'cow-threshold': 0, ctrs: 1 }, { writers: 3, 'cow-threshold': 1, ctrs: 1 }]],
    [WQ, [{ writers: 2, 'cow-threshold': 1, ctrs: 2 }]],
  ];

  it('leaves every verdict unchanged, explores more states, and really parks copies', () => {
    for (const [model, configs] of designs) {
      for (const params of configs) {
        const sub = checkModel(model, params);
        const any = checkModel(model, { ...params, 'completion-order': 'any' });
        expect(`${model} ${JSON.stringify(params)} ${any.result.verdict}`).toBe(`${model} ${JSON.stringify(params)} ${sub.result.verdict}`);
        if (sub.result.verdict === 'ok') {
          expect(any.result.stats.states).toBeGreaterThan(sub.result.stats.states);
          const parked = any.unreached.filter((u) => u.process === 'kcopyd' && u.step.startsWith('copy_callback/parked-'));
          const all = any.model!.processes.find((p) => p.name === 'kcopyd')!.locations.flatMap((l) => l.steps).filter((s) => s.name.startsWith('copy_callback/parked-'));
          expect(parked.length).toBeLessThan(all.length);
        }
      }
    }
  });

  it('refuses more copies than its bit sets hold', () => {
    expect(() => checkModel(SEM, { writers: 8, bios: 3, 'completion-order': 'any' })).toThrow(/at most 16 copies/);
  });
});

describe('determinism', () => {
  it('gives the same counts and the same trace on every run', () => {
    const a = checkModel(SEM, { writers: 3, 'cow-threshold': 1, ctrs: 2 });
    const b = checkModel(SEM, { writers: 3, 'cow-threshold': 1, ctrs: 2 });
    expect(b.result.stats).toMatchObject({ states: a.result.stats.states, transitions: a.result.stats.transitions, depth: a.result.stats.depth });
    expect(b.counterexample?.trace).toEqual(a.counterexample?.trace);
  });
});
