/**
 * The executable twin against the models (issue 7): fast-check's scheduler
 * drives the hand-written async port of the dm-snapshot paths
 * (test/twin/dm-snapshot.ts) through random schedules, and must find the
 * semaphore deadlock and both mutants of the fix, and nothing in the fix;
 * and the explorer's shortest counterexample, turned into a schedule, must
 * deadlock the twin with the same tasks stuck where the model says. This is
 * the independent check that the state machines say what the code does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { explainDiscovery } from '../../src/explain/counterexample.js';
import { buildTrace, type TraceRow } from '../../src/explain/trace.js';
import { compileModel, type CompiledModel } from '../../src/explore/compile.js';
import { createRandom, simulateRun } from '../../src/explore/simulate.js';
import { instantiate } from '../../src/model/definition.js';
import { checkModel } from '../models/helpers.js';
import { schedulerCpu, ScriptedCpu } from './cpu.js';
import { DmSnapshotTwin, type DmSnapshotConfig, type StuckTask } from './dm-snapshot.js';

interface Outcome {
  readonly stuck: readonly StuckTask[];
  readonly maxInProgress: number;
  readonly biosDone: number;
}

/** One schedule chosen by fast-check: run until no task waits for the CPU. */
async function runScheduled(s: fc.Scheduler, config: DmSnapshotConfig): Promise<Outcome> {
  const twin = new DmSnapshotTwin(config, schedulerCpu(s));
  twin.start();
  await s.waitIdle();
  return { stuck: twin.stuck(), maxInProgress: twin.maxInProgress, biosDone: twin.biosDone };
}

const completes = (config: DmSnapshotConfig, o: Outcome) =>
  o.stuck.length === 0 && o.biosDone === config.writers * (config.bios ?? 1) &&
  (config.design !== 'in-progress' || o.maxInProgress <= config.cowThreshold + config.writers);

/** Runs schedules until one does not complete; returns it, with how many schedules it took. */
async function findStuckSchedule(config: DmSnapshotConfig, numRuns: number, seed: number) {
  let last: Outcome | undefined;
  const details = await fc.check(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      last = await runScheduled(s, config);
      return completes(config, last);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return { found: details.failed, schedules: details.numRuns, outcome: last! };
}

const SEMAPHORE: DmSnapshotConfig = { design: 'semaphore', writers: 2, cowThreshold: 1, ctrs: 1 };
const SLEEP_HOLDING: DmSnapshotConfig = { design: 'in-progress', writers: 2, cowThreshold: 0, ctrs: 1, mutant: 'sleep-holding-lock' };
const LOST_WAKEUP: DmSnapshotConfig = { design: 'in-progress', writers: 2, cowThreshold: 0, ctrs: 0, mutant: 'lost-wakeup' };

const names = (stuck: readonly StuckTask[]) => stuck.map((t) => t.task.replace(/#\d/, '#n')).sort();

describe('the dm-snapshot twin under fast-check\'s scheduler', () => {
  it('deadlocks in the semaphore design: a writer in down(), snapshot_ctr queued for write, kcopyd queued behind it', async () => {
    const r = await findStuckSchedule(SEMAPHORE, 500, 1);
    expect(r.found).toBe(true);
    expect(names(r.outcome.stuck)).toEqual(['kcopyd', 'snapshot_ctr', 'writer#n']);
    expect(Object.fromEntries(r.outcome.stuck.map((t) => [t.task.replace(/#\d/, '#n'), t.in]))).toEqual({
      'writer#n': 'down(&s->cow_count)',
      snapshot_ctr: 'down_write(&_origins_lock)',
      kcopyd: 'down_read(&_origins_lock)',
    });
  });

  it('deadlocks when the fix sleeps without dropping _origins_lock', async () => {
    const r = await findStuckSchedule(SLEEP_HOLDING, 500, 1);
    expect(r.found).toBe(true);
    expect(Object.fromEntries(r.outcome.stuck.map((t) => [t.task.replace(/#\d/, '#n'), t.in]))).toEqual({
      'writer#n': 'io_schedule()',
      snapshot_ctr: 'down_write(&_origins_lock)',
      kcopyd: 'down_read(&_origins_lock)',
    });
  });

  it('loses a wake-up when the fix checks and joins the queue outside the spinlock', async () => {
    const r = await findStuckSchedule(LOST_WAKEUP, 2000, 1);
    expect(r.found).toBe(true);
    // One writer sleeps forever; everybody else, kcopyd included, is done.
    expect(r.outcome.stuck).toEqual([{ task: expect.stringMatching(/^writer#/), in: 'io_schedule()' }]);
    expect(r.outcome.biosDone).toBe(1);
  });

  it.each([
    ['the fix, 3 writers, threshold 1, snapshot_ctr and snapshot_dtr', { design: 'in-progress', writers: 3, cowThreshold: 1, ctrs: 2 }],
    ['the fix, threshold 0 (wait while any copy is in flight)', { design: 'in-progress', writers: 3, cowThreshold: 0, ctrs: 1 }],
    ['the fix, 2 writers with 2 bios each', { design: 'in-progress', writers: 2, bios: 2, cowThreshold: 1, ctrs: 1 }],
    ['the semaphore design without snapshot_ctr', { design: 'semaphore', writers: 2, cowThreshold: 1, ctrs: 0 }],
    ['the semaphore design with a reader-preferring rw_semaphore', { design: 'semaphore', writers: 2, cowThreshold: 1, ctrs: 1, rwsem: 'reader-preferring' }],
    ['no throttle', { design: 'unthrottled', writers: 3, cowThreshold: 0, ctrs: 2 }],
  ] as const)('finds nothing in %s over 1000 schedules', async (_title, config: DmSnapshotConfig) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const o = await runScheduled(s, config);
        expect(o.stuck).toEqual([]);
        expect(o.biosDone).toBe(config.writers * (config.bios ?? 1));
        // The fix's soft bound: in_progress <= cow_threshold + writers.
        expect(o.maxInProgress).toBeLessThanOrEqual(config.cowThreshold + config.writers);
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Where each model step is in the twin: the preemption points a task passes
 * through to do what the step does. A row of the explorer's trace releases
 * exactly these, in order, for its process; a row the model marks as woken
 * releases the point the task fell asleep at, `(woken)`.
 */
const POINTS: Readonly<Record<string, readonly string[]>> = {
  down_read: ['down_read(&_origins_lock)'],
  up_read: ['up_read(&_origins_lock)'],
  down_write: ['down_write(&_origins_lock)'],
  up_write: ['up_write(&_origins_lock)'],
  down_cow: ['down(&s->cow_count)'],
  copy: ['dm_kcopyd_copy'],
  up_cow: ['up(&s->cow_count)'],
  copy_callback: ['kcopyd: do_work'],
  retry_down_read: ['down_read(&_origins_lock)'],
  retry_up_read: ['up_read(&_origins_lock)'],
  // The model's check is atomic under in_progress_wait.lock; the code reads
  // in_progress without the lock first, and takes the lock only if it is over.
  'check/over': ['wait_for_in_progress', 'wait_for_in_progress: spin_lock(&in_progress_wait.lock)'],
  'check/under': ['wait_for_in_progress'],
  drop: ['up_read(&_origins_lock)'],
  sleep: ['io_schedule()'],
  dequeue: ['remove_wait_queue: spin_lock(&in_progress_wait.lock)'],
  late_up_read: ['up_read(&_origins_lock)'],
  start_copy: ['account_start_copy: spin_lock(&in_progress_wait.lock)', 'dm_kcopyd_copy'],
  'end_copy/wake': ['account_end_copy: spin_lock(&in_progress_wait.lock)'],
  'end_copy/quiet': ['account_end_copy: spin_lock(&in_progress_wait.lock)'],
};
/** In the lost-wake-up mutant the unlocked check and the locked enqueue are separate steps. */
const LOST_WAKEUP_POINTS: Readonly<Record<string, readonly string[]>> = { ...POINTS, 'check/over': ['wait_for_in_progress'], prepare: ['wait_for_in_progress: spin_lock(&in_progress_wait.lock)'] };

/** Plays the explorer's trace on the twin, checking at each row that the twin is where the model is. */
async function playTrace(config: DmSnapshotConfig, trace: readonly TraceRow[], points: Readonly<Record<string, readonly string[]>>) {
  const cpu = new ScriptedCpu();
  const twin = new DmSnapshotTwin(config, cpu);
  twin.start();
  for (const row of trace) {
    const at = points[row.step];
    if (!at) throw new Error(`no twin point for step '${row.step}'`);
    const release = row.outcome === 'woke' ? [`${at[at.length - 1]} (woken)`] : at;
    for (const point of release) await cpu.release(row.process, point);
    const task = [...twin.tasks, twin.kcopyd.worker].find((t) => t.name === row.process)!;
    const asleep = task.sleepingIn !== undefined && cpu.pointOf(row.process) === undefined;
    expect(asleep, `row ${row.index} (${row.process} '${row.step}' ${row.outcome}): the twin task ${asleep ? 'slept' : 'did not sleep'}`).toBe(row.outcome === 'blocked');
  }
  const waitingAfterTrace = cpu.pending.map((p) => `${p.task}: ${p.point}`);
  await cpu.drain();
  return { twin, waitingAfterTrace };
}

describe('the explorer\'s shortest counterexample as a schedule for the twin', () => {
  it.each([
    ['the semaphore design', 'dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 }, SEMAPHORE, POINTS],
    ['the fix sleeping with _origins_lock held', 'dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }, SLEEP_HOLDING, POINTS],
    ['the fix losing a wake-up', 'dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }, LOST_WAKEUP, LOST_WAKEUP_POINTS],
  ] as const)('deadlocks the twin of %s, with the same tasks stuck in the same calls', async (_title, model, params, config, points) => {
    const report = checkModel(model, params);
    expect(report.result.verdict).toBe('deadlock');
    const cx = report.counterexample!;
    const { twin, waitingAfterTrace } = await playTrace(config, cx.trace, points);
    // After the last row nobody the model calls blocked could still run; only an idle kcopyd may look for work.
    expect(waitingAfterTrace.every((w) => w.startsWith('kcopyd: kcopyd: do_work'))).toBe(true);
    const stuck = Object.fromEntries(twin.stuck().map((t) => [t.task, t.in]));
    const blocked = Object.fromEntries(cx.blocked.map((b) => [b.process, b.at]));
    expect(Object.keys(stuck).sort()).toEqual(Object.keys(blocked).sort());
    // Each stuck task sleeps in the call the model's blocked step makes.
    for (const [task, step] of Object.entries(blocked)) {
      const at = points[step];
      expect(stuck[task], `${task} blocked at '${step}'`).toBe(at[at.length - 1]);
    }
  });

  it.each([
    ['the semaphore design', 'dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 }, SEMAPHORE, POINTS],
    ['the semaphore design, 3 writers, threshold 2, snapshot_dtr', 'dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 2, ctrs: 2 }, { design: 'semaphore', writers: 3, cowThreshold: 2, ctrs: 2 }, POINTS],
    ['the fix', 'dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 1, ctrs: 2 }, { design: 'in-progress', writers: 3, cowThreshold: 1, ctrs: 2 }, POINTS],
    ['the fix, threshold 0, 2 bios each', 'dm-snapshot/in-progress', { writers: 2, bios: 2, 'cow-threshold': 0, ctrs: 1 }, { design: 'in-progress', writers: 2, bios: 2, cowThreshold: 0, ctrs: 1 }, POINTS],
    ['the fix sleeping with _origins_lock held', 'dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }, SLEEP_HOLDING, POINTS],
    ['the fix losing a wake-up', 'dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }, LOST_WAKEUP, LOST_WAKEUP_POINTS],
    ['no throttle', 'dm-snapshot/unthrottled', { writers: 3, ctrs: 2 }, { design: 'unthrottled', writers: 3, cowThreshold: 0, ctrs: 2 }, POINTS],
  ] as const)('random schedules of the model of %s replay on the twin and end the same way', async (_title, model, params, config, points) => {
    const cm = compileModel(instantiate(registry.find((d) => d.name === model)!, params));
    for (let seed = 1; seed <= 25; seed++) {
      const run = simulateRun(cm, seed, 500);
      expect(run.outcome).not.toBe('step-limit');
      const path = run.discovery?.path ?? pathOf(cm, seed);
      const { twin } = await playTrace(config, buildTrace(cm, path), points);
      const modelBlocked = run.discovery ? explainDiscovery(cm, run.discovery).blocked.map((b) => b.process).sort() : [];
      expect(twin.stuck().map((t) => t.task).sort(), `seed ${seed}`).toEqual(modelBlocked);
    }
  });
});

/** The steps a finished simulation run took (simulateRun reports paths only for violations). */
function pathOf(cm: CompiledModel, seed: number): number[] {
  const covered: number[] = [];
  const random = createRandom(seed);
  let cur = cm.initialState();
  const scratch = new Int32Array(cm.slotCount);
  for (;;) {
    const enabled: number[] = [];
    cm.successors(cur, scratch, (id) => { enabled.push(id); });
    if (enabled.length === 0) return covered;
    const id = enabled[Math.floor(random() * enabled.length)];
    const next = new Int32Array(cm.slotCount);
    cm.runStep(id, cur, next);
    covered.push(id);
    cur = next;
  }
}
