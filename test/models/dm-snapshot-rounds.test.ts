/**
 * dm-snapshot writers that go round (`--rounds`): the liveness verdicts the
 * gate pins, found by exploring, and the default leaving a configuration as
 * it was.
 */
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { check } from '../../src/explore/check.js';
import { instantiate } from '../../src/model/definition.js';
import { checkModel } from './helpers.js';

const SEM = 'dm-snapshot/semaphore';
const forever = { writers: 2, 'cow-threshold': 0, ctrs: 1, rounds: 'forever' };

describe('dm-snapshot/semaphore --rounds forever (weak fairness)', () => {
  it('starves snapshot_ctr behind overlapping readers with a reader-preferring rwsem', () => {
    const { result } = checkModel(SEM, { ...forever, rwsem: 'reader-preferring' });
    expect(result.verdict).toBe('liveness');
    expect(result.discovery?.property).toBe('snapshot_ctr makes progress');
    // A lasso: a prefix and a cycle that repeats forever.
    expect(result.discovery?.loopStart).toBeGreaterThan(0);
    expect(result.discovery!.path.length).toBeGreaterThan(result.discovery!.loopStart!);
  });

  it('lets snapshot_ctr through with the writer-fair rwsem', () => {
    const { result } = checkModel(SEM, { ...forever, rwsem: 'writer-fair' });
    expect(result.verdict).toBe('ok');
    expect(result.completion).toBe('complete');
  });
});

describe('--rounds 1 and --ctr-rounds 1', () => {
  it.each<Record<string, string>>([{ rounds: '1' }, { 'ctr-rounds': '1' }])('leave a configuration as it was: %o', (given) => {
    const cfg = { writers: 2, 'cow-threshold': 1, ctrs: 2 };
    const without = checkModel(SEM, cfg);
    const one = checkModel(SEM, { ...cfg, ...given });
    expect(one.result.model).toBe(without.result.model);
    expect(one.result.stats.states).toBe(without.result.stats.states);
    expect(one.result.verdict).toBe(without.result.verdict);
    expect(one.result.stats.transitions).toBe(without.result.stats.transitions);
    expect(one.properties).toEqual(without.properties);
  });
});

describe('--ctr-rounds (snapshot_ctr and snapshot_dtr go round)', () => {
  const IN_PROGRESS = 'dm-snapshot/in-progress';
  const cfg = { writers: 2, 'cow-threshold': 0, ctrs: 2 };

  it('goes round the given number of times: more states, the same verdict and at-end property', () => {
    const once = checkModel(IN_PROGRESS, cfg);
    const twice = checkModel(IN_PROGRESS, { ...cfg, 'ctr-rounds': '2' });
    expect(twice.result.verdict).toBe('ok');
    expect(twice.result.stats.states).toBeGreaterThan(once.result.stats.states);
    expect(twice.properties).toContain('at end: every origin bio completes');
  });

  it('forever: every origin bio completes becomes a liveness property, which needs fairness', () => {
    const weak = checkModel(IN_PROGRESS, { ...cfg, 'ctr-rounds': 'forever' });
    expect(weak.result.verdict).toBe('ok');
    expect(weak.properties).toContain('liveness (weak fairness): every origin bio completes');
    const def = registry.find((d) => d.name === IN_PROGRESS)!;
    // Unfair to kcopyd alone: the ctrs take the lock for ever while kcopyd never runs.
    const unfair = check(instantiate(def, { ...cfg, 'ctr-rounds': 'forever' })).fairness({ all: 'weak', processes: { kcopyd: 'none' } }).run();
    expect(unfair.verdict).toBe('liveness');
    expect(unfair.discovery!.property).toBe('every origin bio completes');
  });
});
