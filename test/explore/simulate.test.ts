import { describe, expect, it } from 'vitest';
import inProgress from '../../models/dm-snapshot/in-progress.js';
import semaphore from '../../models/dm-snapshot/semaphore.js';
import { mainJob, registry } from '../../models/index.js';
import { replayPath } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { createRandom, createSimulation, runSeed, simulate, simulateRun } from '../../src/explore/simulate.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { instantiate } from '../../src/model/definition.js';
import { inc, le, lt } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'test');
const semaphoreDeadlock = compileModel(instantiate(semaphore, { writers: 2, 'cow-threshold': 1, ctrs: 1 }));
const fix = compileModel(instantiate(inProgress, { writers: 2, 'cow-threshold': 1, ctrs: 1 }));

describe('createRandom', () => {
  it('gives the same stream for the same seed and different ones for neighbouring seeds', () => {
    const take = (seed: number) => { const r = createRandom(seed); return Array.from({ length: 8 }, r); };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    expect(take(1).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('spreads its values over [0, 1)', () => {
    const r = createRandom(12345);
    const buckets = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) buckets[Math.floor(r() * 4)]++;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });
});

describe('simulate', () => {
  it('hits the semaphore deadlock in some runs and reports the first', () => {
    const r = simulate(semaphoreDeadlock, { seed: 1, runs: 200 });
    expect(r.runs).toBe(200);
    expect(r.violations).toBeGreaterThan(0);
    expect(r.violations).toBeLessThan(200);
    expect(r.byProperty).toEqual({ deadlock: r.violations });
    expect(r.violations + r.finished + r.stepLimited).toBe(200);
    expect(r.first?.outcome).toBe('violation');
    expect(r.first?.discovery?.kind).toBe('deadlock');
  });

  it('is reproducible: the same seed gives the same result, and a run replays from its own seed', () => {
    const a = simulate(semaphoreDeadlock, { seed: 99, runs: 100 });
    const b = simulate(semaphoreDeadlock, { seed: 99, runs: 100 });
    expect(b.violations).toBe(a.violations);
    expect(b.totalSteps).toBe(a.totalSteps);
    expect(b.first?.discovery?.path).toEqual(a.first?.discovery?.path);
    const first = a.first!;
    expect(first.seed).toBe(runSeed(99, first.index));
    const alone = simulate(semaphoreDeadlock, { seed: first.seed, runs: 1 });
    expect(alone.first?.index).toBe(0);
    expect(alone.first?.discovery?.path).toEqual(first.discovery?.path);
  });

  it('reports violating paths that replay to the reported state, where no step is enabled', () => {
    const r = simulate(semaphoreDeadlock, { seed: 7, runs: 50 });
    const d = r.first!.discovery!;
    const states = replayPath(semaphoreDeadlock, d.path);
    expect([...states[states.length - 1]]).toEqual([...d.state]);
    const scratch = new Int32Array(semaphoreDeadlock.slotCount);
    expect(semaphoreDeadlock.steps.some((cs) => semaphoreDeadlock.runStep(cs.id, d.state, scratch))).toBe(false);
    expect(semaphoreDeadlock.allAtValidEnd(d.state)).toBe(false);
  });

  it('finds nothing in the fix', () => {
    const r = simulate(fix, { seed: 3, runs: 300 });
    expect(r.violations).toBe(0);
    expect(r.finished).toBe(300);
    expect(r.first).toBeUndefined();
  });

  it('stops a run at the step budget, and checks invariants in every state it visits', () => {
    const b = new ModelBuilder('test/loop');
    const x = b.var('x', 0, { max: 3 });
    b.process('p', {}, (p) => p.step('spin', { action: 'x = x < 3 ? x + 1 : x', source: at(1, 'f'), effects: [{ kind: 'if', test: lt(x, 3), then: [inc(x)], else: [] }], goto: 'spin' }));
    const loop = compileModel(b.build());
    const run = simulateRun(loop, 5, 20);
    expect(run).toMatchObject({ outcome: 'step-limit', steps: 20 });
    b.always('x <= 2', le(x, 2));
    const bounded = compileModel(b.build());
    const v = simulateRun(bounded, 5, 20);
    expect(v.outcome).toBe('violation');
    expect(v.discovery).toMatchObject({ kind: 'invariant', property: 'x <= 2' });
    expect(v.discovery!.path).toHaveLength(3);
  });

  it('resumes in budgets and can stop early', () => {
    const sim = createSimulation(semaphoreDeadlock, { seed: 1, runs: 10 });
    expect(sim.advance(4)).toBe(false);
    expect(sim.result()).toMatchObject({ runs: 4, interrupted: true });
    expect(sim.advance(100)).toBe(true);
    expect(sim.result().runs).toBe(10);
    expect(sim.result().violations).toBe(simulate(semaphoreDeadlock, { seed: 1, runs: 10 }).violations);
  });

  it.each(mainJob.map((r) => [r.title, r] as const))('agrees with the breadth-first search on the main job: %s', (_title, run) => {
    const cm = compileModel(instantiate(registry.find((d) => d.name === run.model)!, run.params));
    const searched = check(cm).run();
    const simulated = simulate(cm, { seed: 2024, runs: 300 });
    if (searched.verdict === 'ok') expect(simulated.violations).toBe(0);
    else expect(simulated.byProperty[searched.discovery!.property]).toBeGreaterThan(0);
  });
});
