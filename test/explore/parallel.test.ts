import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { check } from '../../src/explore/check.js';
import { createSearch, type ExploredLevels, type SearchLimits } from '../../src/explore/bfs.js';
import { compileModel } from '../../src/explore/compile.js';
import { runParallel, type ParallelOptions } from '../../src/explore/parallel.js';
import { instantiate } from '../../src/model/definition.js';

const configs: Array<[string, Record<string, string | number>]> = [
  ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }],
  ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2, rwsem: 'reader-preferring' }],
  ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 2 }],
  ['dm-snapshot/in-progress', { writers: 4, 'cow-threshold': 1, ctrs: 1 }],
  ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }],
  ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }],
  ['dm-snapshot/unthrottled', { writers: 4, ctrs: 1, 'max-inflight': 3 }],
];

describe('check().workers(n)', () => {
  it('gives the same states, transitions, coverage and counterexample for 1 and 2 workers, with and without symmetry', async () => {
    for (const [name, params] of configs) {
      const cm = compileModel(instantiate(registry.find((d) => d.name === name)!, params));
      for (const symmetry of [false, true]) {
        const one = await check(cm).symmetry(symmetry).runAsync();
        const two = await check(cm).symmetry(symmetry).workers(2).runAsync();
        const summary = (r: typeof one) => ({
          verdict: r.verdict, states: r.stats.states, transitions: r.stats.transitions, depth: r.stats.depth,
          path: r.discovery?.path, state: r.discovery ? [...r.discovery.state] : undefined, covered: [...r.covered], maxima: r.maxima,
        });
        expect({ name, params, symmetry, ...summary(two) }).toEqual({ name, params, symmetry, ...summary(one) });
        expect(two.workers).toBe(2);
      }
    }
  });

  it('gives every state the same id as one thread, whether the workers take over from the start or mid-level, in rounds cut short or not, and stops where it does', async () => {
    // The workers take over once started, so small searches above may end before they do; here the switch is fixed.
    const digest = (levels: ExploredLevels) => {
      const into = new Int32Array(levels.words);
      let h = 0;
      for (let id = 0; id < levels.levelStarts[levels.levelStarts.length - 1]; id++) {
        levels.read(id, into);
        for (const w of into) h = (Math.imul(h, 31) + w) | 0;
      }
      return { levelStarts: levels.levelStarts, h };
    };
    // Rounds of at most 1,000 new states (and the room two threads' last sources need) end before their level does;
    // three threads cut the table into parts that are not halves.
    const cases: Array<[Record<string, string | number>, SearchLimits, ParallelOptions[]]> = [
      [{ writers: 3, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }, {}, [{ workers: 2, soloSources: 0, roundStates: 1000 }, { workers: 2, soloSources: 777 }, { workers: 3, soloSources: 0, roundStates: 1000 }, { workers: 3, soloSources: 0 }]],
      [{ writers: 3, 'cow-threshold': 0, ctrs: 1 }, { maxStates: 5000 }, [{ workers: 2, soloSources: 0 }]],
    ];
    for (const [params, limits, runs] of cases) {
      const cm = compileModel(instantiate(registry.find((d) => d.name === 'dm-snapshot/in-progress')!, params));
      const search = createSearch(cm, limits);
      while (!search.advance(1 << 12));
      const one = search.finish();
      const counts = (o: typeof one) => ({ completion: o.completion, states: o.stats.states, transitions: o.stats.transitions, depth: o.stats.depth, path: o.discovery?.path });
      const expected = { params, ...counts(one), levels: digest(search.explored()!) };
      for (const options of runs) {
        let levels: ExploredLevels | undefined;
        const two = await runParallel(cm, limits, { ...options, onExplored: (l) => { levels = l; } });
        expect({ params, ...counts(two), levels: digest(levels!) }).toEqual(expected);
      }
    }
  });

  it('stops at a state limit with the same partial counts', async () => {
    const cm = compileModel(instantiate(registry.find((d) => d.name === 'dm-snapshot/in-progress')!, { writers: 4 }));
    const one = await check(cm).maxStates(10_000).runAsync();
    const two = await check(cm).maxStates(10_000).workers(2).runAsync();
    expect(two.completion).toBe('state-limit');
    expect(two.stats.states).toBe(one.stats.states);
  });
});
