import { describe, expect, it } from 'vitest';
import inProgress from '../../models/dm-snapshot/in-progress.js';
import { compileModel } from '../../src/explore/compile.js';
import { jobSeed, runSwarmJob, strategyOf } from '../../src/explore/swarm.js';
import { instantiate } from '../../src/model/definition.js';

const compiled = (params: Record<string, string | number>) => compileModel(instantiate(inProgress, params));
const LOST_WAKEUP = { mutant: 'lost-wakeup', writers: 3, 'cow-threshold': 0, ctrs: 1 };
const MIB = 2 ** 20;

describe('runSwarmJob', () => {
  it('finds the lost wake-up as a deadlock whose path replays to a state where nothing is enabled', async () => {
    const cm = compiled(LOST_WAKEUP);
    const r = await runSwarmJob(cm, { job: 0, jobs: 4, seed: 1, maxMemoryBytes: 2 * MIB });
    expect(r.stop).toBe('violation');
    expect(r.discovery?.kind).toBe('deadlock');
    let s = cm.initialState();
    for (const step of r.discovery!.path) {
      const next = new Int32Array(cm.slotCount);
      expect(cm.runStep(step, s, next)).toBe(true);
      s = next;
    }
    expect(cm.successors(s, new Int32Array(cm.slotCount), () => {})).toBe(0);
    expect(cm.allAtValidEnd(s)).toBe(false);
    expect(s).toEqual(r.discovery!.state);
  });

  it('is deterministic for a seed and job, and diversified across jobs', async () => {
    const cm = compiled(LOST_WAKEUP);
    const run = (job: number) => runSwarmJob(cm, { job, jobs: 4, seed: 7, maxMemoryBytes: 2 * MIB });
    const [a, again, b, c] = await Promise.all([run(0), run(0), run(1), run(2)]);
    const { elapsedMs: _e1, ...sameA } = a;
    const { elapsedMs: _e2, ...sameAgain } = again;
    expect(sameAgain).toEqual(sameA);
    expect(new Set([a.seed, b.seed, c.seed]).size).toBe(3);
    expect([strategyOf(0), strategyOf(1)]).toEqual(['dfs', 'random-dfs']);
    expect(a.processOrder).not.toEqual(c.processOrder);
    expect(jobSeed(7, 0)).toBe(7);
  });

  it('reports exhaustion, never a proof, where there is no violation', async () => {
    const r = await runSwarmJob(compiled({ writers: 2, 'cow-threshold': 0, ctrs: 1 }), { job: 0, jobs: 1, seed: 1, maxMemoryBytes: 2 * MIB });
    expect(r.stop).toBe('exhausted');
    expect(r.discovery).toBeUndefined();
    // Every state of this small space (796 with the exact search) and no more.
    expect(r.states).toBeLessThanOrEqual(796);
    expect(r.states).toBeGreaterThan(700);
  });

  it('bounds its depth by the memory the bit table leaves, and stops at the time limit', async () => {
    const cm = compiled({ writers: 4, bios: 2, 'cow-threshold': 1, ctrs: 1 });
    let t = 0;
    const timed = await runSwarmJob(cm, { job: 0, jobs: 1, seed: 1, maxMemoryBytes: 2 * MIB, timeLimitMs: 10 }, { now: () => (t += 1) });
    expect(timed.stop).toBe('time-limit');
    expect(timed.memoryBytes).toBeLessThanOrEqual(2 * MIB);
    expect(timed.bits).toBeLessThanOrEqual(2 * MIB * 8);
  });
});
