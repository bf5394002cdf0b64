/**
 * dm-snapshot writers that go round (`--rounds`): the liveness verdicts the
 * gate pins, found by exploring, and the default leaving a configuration as
 * it was.
 */
import { describe, expect, it } from 'vitest';
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

describe('--rounds 1', () => {
  it('leaves a configuration as it was', () => {
    const cfg = { writers: 2, 'cow-threshold': 1, ctrs: 1 };
    const without = checkModel(SEM, cfg);
    const one = checkModel(SEM, { ...cfg, rounds: '1' });
    expect(one.result.stats.states).toBe(without.result.stats.states);
    expect(one.result.verdict).toBe(without.result.verdict);
    expect(one.result.stats.transitions).toBe(without.result.stats.transitions);
    expect(one.properties).toEqual(without.properties);
  });
});
