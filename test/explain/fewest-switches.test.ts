import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { countSwitches, fewestSwitches } from '../../src/explain/fewest-switches.js';
import { replayPath } from '../../src/explain/path.js';
import { buildReport } from '../../src/explain/report.js';
import type { ExploredLevels } from '../../src/explore/bfs.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { inc } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { stepIds } from './small-models.js';

const compile = (name: string, params: Record<string, string | number>) =>
  compileModel(instantiate(registry.find((d) => d.name === name)!, params));

describe('fewestSwitches', () => {
  it('reorders the semaphore deadlock as the commit message tells it: writers, then snapshot_ctr, then kcopyd', () => {
    const cm = compile('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    const r = check(cm).run();
    const better = fewestSwitches(cm, r.discovery!.path);
    expect(better.bfsSwitches).toBe(4);
    expect(better.switches).toBe(3);
    expect(better.path).toHaveLength(r.discovery!.path.length);
    // Same final state, so the same deadlock.
    expect([...replayPath(cm, better.path).at(-1)!]).toEqual([...r.discovery!.state]);
    expect(better.path.map((s) => cm.processName(cm.steps[s].pid))).toEqual([
      'writer#1', 'writer#1', 'writer#1', 'writer#1', 'writer#2', 'writer#2', 'snapshot_ctr', 'kcopyd', 'kcopyd',
    ]);
  });

  it('never returns more switches than BFS found, nor a longer schedule, across designs', () => {
    for (const [name, params] of [
      ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }],
      ['dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }],
      ['dm-snapshot/unthrottled', { writers: 3, ctrs: 1, 'max-inflight': 2 }],
    ] as const) {
      const cm = compile(name, params);
      const r = check(cm).run();
      const better = fewestSwitches(cm, r.discovery!.path);
      expect(better.path).toHaveLength(r.discovery!.path.length);
      expect(better.switches).toBe(countSwitches(cm, better.path));
      expect(better.switches).toBeLessThanOrEqual(better.bfsSwitches);
      expect([...replayPath(cm, better.path).at(-1)!]).toEqual([...r.discovery!.state]);
    }
  });

  it('gives the same schedule from the search\'s own levels as from layers it rebuilds (with workers too)', async () => {
    for (const [name, params] of [
      ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }],
      ['dm-snapshot/unthrottled', { writers: 3, ctrs: 1, 'max-inflight': 2 }],
    ] as const) {
      const cm = compile(name, params);
      for (const workers of name === 'dm-snapshot/semaphore' ? [1, 2] : [1]) {
        let levels: ExploredLevels | undefined;
        const r = await check(cm).workers(workers).runAsync({ onExplored: (l) => { levels = l; } });
        expect(levels).toBeDefined();
        expect(fewestSwitches(cm, r.discovery!.path, undefined, levels)).toEqual(fewestSwitches(cm, r.discovery!.path));
      }
    }
    // Reduced searches do not hand their levels out (their stores are not the plain layers).
    let levels: ExploredLevels | undefined;
    await check(compile('dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 })).symmetry().runAsync({ onExplored: (l) => { levels = l; } });
    expect(levels).toBeUndefined();
  });

  it('is what reports show, with both numbers', () => {
    const cm = compile('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    const report = buildReport(cm, check(cm).run());
    expect(report.counterexample).toMatchObject({ switches: 3, bfsSwitches: 4 });
    expect(report.result.discovery!.path).toEqual(report.counterexample!.trace.map((t) => cm.steps.find((s) => cm.processName(s.pid) === t.process && s.step.name === t.step)!.id));
  });
  it('leads no schedule through a state where a step fails at run time (the search stops there; --por reached this and crashed)', () => {
    // ABBA, plus a process u whose second n++ leaves n's range: the layers
    // before the deadlock hold states whose expansion throws.
    const b = new ModelBuilder('abba-and-overflow');
    const A = b.mutex('A');
    const B = b.mutex('B');
    const n = b.var('n', 0, { max: 1 });
    const at = sourceIn('demo.c', 'test');
    b.process('p', {}, (p) => p
      .step('lock_a', { action: 'mutex_lock(&A)', source: at(10, 'p'), op: A.lock() })
      .step('lock_b', { action: 'mutex_lock(&B)', source: at(11, 'p'), op: B.lock() }));
    b.process('q', {}, (p) => p
      .step('lock_b', { action: 'mutex_lock(&B)', source: at(20, 'q'), op: B.lock() })
      .step('lock_a', { action: 'mutex_lock(&A)', source: at(21, 'q'), op: A.lock() }));
    b.process('u', {}, (p) => p
      .step('one', { action: 'n++', source: at(30, 'u'), effects: [inc(n)] })
      .step('two', { action: 'n++', source: at(31, 'u'), effects: [inc(n)] }));
    const cm = compileModel(b.build());
    const path = stepIds(cm, ['p:lock_a', 'q:lock_b', 'p:lock_b', 'q:lock_a']);
    const better = fewestSwitches(cm, path);
    expect(better).toMatchObject({ bfsSwitches: 3, switches: 2 });
    expect([...replayPath(cm, better.path).at(-1)!]).toEqual([...replayPath(cm, path).at(-1)!]);
  });
});
