import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { replayPath } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';

const compile = (name: string, params: Record<string, string | number>) =>
  compileModel(instantiate(registry.find((d) => d.name === name)!, params));

describe('check().bitstate()', () => {
  it('finds the semaphore deadlock with a trace as short as the exact search, which replays', async () => {
    const cm = compile('dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 });
    const exact = check(cm).run();
    for (const symmetry of [false, true]) {
      const r = await check(cm).symmetry(symmetry).bitstate({ log2Bits: 20 }).runAsync();
      expect(r.verdict).toBe('deadlock');
      expect(r.discovery!.path).toHaveLength(exact.discovery!.path.length);
      expect([...replayPath(cm, r.discovery!.path).at(-1)!]).toEqual([...r.discovery!.state]);
    }
  });

  it('never claims a proof: no violation gives verdict unknown, completion bitstate', async () => {
    const cm = compile('dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 1, ctrs: 1 });
    const exact = check(cm).run();
    const r = await check(cm).bitstate({ log2Bits: 24 }).runAsync();
    expect(r.verdict).toBe('unknown');
    expect(r.completion).toBe('bitstate');
    // A roomy table misses (almost) nothing, and never finds more than exist.
    expect(r.stats.states).toBeLessThanOrEqual(exact.stats.states);
    expect(r.stats.states).toBeGreaterThan(exact.stats.states * 0.999);
    expect(r.bitstate!.expectedMissedStates).toBeLessThan(1);
  });

  it('reports the risk of a table that is too small, and misses states', async () => {
    const cm = compile('dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 1, ctrs: 2 });
    const exact = check(cm).run();
    const r = await check(cm).bitstate({ log2Bits: 12 }).runAsync();
    expect(r.stats.states).toBeLessThan(exact.stats.states);
    expect(r.bitstate!.omissionProbability).toBeGreaterThan(0.01);
    expect(r.bitstate!.expectedMissedStates).toBeGreaterThan(1);
  });
});
