import { describe, expect, it } from 'vitest';
import { replayPath } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { createSearch } from '../../src/explore/bfs.js';
import { compileModel } from '../../src/explore/compile.js';
import { checkLiveness, parseFairness, type FairnessKind } from '../../src/explore/liveness.js';
import type { CheckResult } from '../../src/explore/result.js';
import type { Model } from '../../src/model/types.js';
import { abba } from '../explain/small-models.js';
import { announcedWrite, mutexHandoff, readerPreferringStarvation, spinLoop, spinUntilSet, tryLockPair } from './liveness-models.js';

const run = (m: Model, all: FairnessKind) => check(m).fairness({ all }).run();

/** The lasso replays and its cycle ends in the state where it began. */
function replays(m: Model, r: CheckResult): void {
  const d = r.discovery!;
  const states = replayPath(check(m).compiled, d.path);
  expect([...states[d.loopStart!]]).toEqual([...states[states.length - 1]]);
  expect([...states[states.length - 1]]).toEqual([...d.state]);
}

describe('checkLiveness', () => {
  it('finds a spin loop as a non-progress cycle under any fairness', () => {
    for (const f of ['none', 'weak', 'strong'] as const) {
      const m = spinLoop();
      const r = run(m, f);
      expect(r.verdict).toBe('liveness');
      expect(r.discovery!.property).toBe('no non-progress cycle');
      expect(r.discovery!.loopStart).toBe(0);
      expect(r.discovery!.path).toHaveLength(1);
      replays(m, r);
    }
  });

  it('needs weak fairness for a spinner whose flag another process sets', () => {
    expect(run(spinUntilSet(), 'none').verdict).toBe('liveness');
    expect(run(spinUntilSet(), 'weak').verdict).toBe('ok');
    expect(run(spinUntilSet(), 'strong').verdict).toBe('ok');
  });

  it('lets a try-lock writer starve under weak fairness but not under strong', () => {
    const m = tryLockPair();
    const weak = run(m, 'weak');
    expect(weak.verdict).toBe('liveness');
    expect(weak.discovery!.property).toBe('writer makes progress');
    replays(m, weak);
    expect(run(m, 'strong').verdict).toBe('ok');
    // Fairness per process: strong for the writer alone is enough.
    expect(check(m).fairness(parseFairness('weak,writer=strong')).run().verdict).toBe('ok');
  });

  it('starves a sleeping writer behind overlapping readers on a reader-preferring rwsem, whatever the fairness', () => {
    const m = readerPreferringStarvation();
    const r = run(m, 'strong');
    expect(r.verdict).toBe('liveness');
    replays(m, r);
    // The cycle is the two readers' overlapping holds; the writer never steps in it.
    const cm = check(m).compiled;
    const loopProcs = new Set(r.discovery!.path.slice(r.discovery!.loopStart).map((s) => cm.processName(cm.steps[s].pid)));
    expect([...loopProcs].sort()).toEqual(['reader#1', 'reader#2']);
    expect(run(readerPreferringStarvation('writer-fair'), 'weak').verdict).toBe('ok');
  });

  it('holds for a FIFO mutex hand-off under weak fairness, and not without fairness', () => {
    expect(run(mutexHandoff(), 'weak').verdict).toBe('ok');
    expect(run(mutexHandoff(), 'none').verdict).toBe('liveness');
  });

  it('checks must-complete steps, leads-to and eventually', () => {
    const m = announcedWrite();
    const weak = run(m, 'weak');
    expect(weak.verdict).toBe('liveness');
    expect(weak.discovery!.property).toBe('pending ~> done');
    replays(m, weak);
    expect(run(m, 'strong').verdict).toBe('ok');
  });

  it('checks no process starves when fairness is asked for and the model declares nothing', () => {
    const r = check(readerPreferringStarvation('writer-fair')).fairness({ all: 'weak' }).run();
    expect(r.liveness?.properties).toEqual(['writer makes progress']);
  });

  it('takes the prefix from the search\'s parent log where it can, and it is the one its own breadth-first search finds', () => {
    const cases: Array<[Model, FairnessKind]> = [
      [tryLockPair(), 'weak'], [readerPreferringStarvation(), 'strong'], [mutexHandoff(), 'none'], [spinUntilSet(), 'none'], [announcedWrite(), 'weak'],
    ];
    for (const [m, all] of cases) {
      const cm = compileModel(m);
      const search = createSearch(cm);
      while (!search.advance(1000)) { /* to the end */ }
      const outcome = search.finish();
      const options = { fairness: { all }, starvation: (m.liveness?.length ?? 0) === 0 };
      const own = checkLiveness(cm, outcome.store!, options);
      const logged = checkLiveness(cm, outcome.store!, { ...options, parentOf: outcome.parentOf });
      expect(own.violation, m.name).toBeDefined();
      expect(logged.violation, m.name).toEqual(own.violation);
    }
  });

  it('refuses reductions that do not keep cycles, saying why', () => {
    expect(() => check(tryLockPair()).symmetry().run()).toThrow(/--symmetry cannot be used with it/);
    expect(() => check(tryLockPair()).por().run()).toThrow(/--por cannot be used/);
  });

  it('says a model\'s own liveness properties turned the check on, and --safety-only leaves them out so reductions run', () => {
    expect(() => check(announcedWrite()).por().run())
      .toThrow(/^the model declares liveness properties \("pending ~> done", "written", "the announced write is done"\), which turn the liveness check on; .*--por cannot be used with it .*give --safety-only to check deadlocks and invariants only, or drop --por$/);
    const exact = check(announcedWrite()).safetyOnly().run();
    expect(exact.liveness).toBeUndefined();
    expect(exact.safetyOnly).toBe(true);
    const reduced = check(announcedWrite()).safetyOnly().por().run();
    expect(reduced.liveness).toBeUndefined();
    expect(reduced.verdict).toBe(exact.verdict);
    expect(() => check(announcedWrite()).safetyOnly().fairness({ all: 'weak' }).run()).toThrow(/--safety-only leaves liveness out, and --fairness asks for it/);
  });

  it('refuses a fairness naming a process the model lacks before searching, even where the search would end in a deadlock', () => {
    expect(() => check(abba()).fairness({ all: 'weak', processes: { nobody: 'strong' } }).run())
      .toThrow('fairness names process "nobody", which the model does not have (known: p, q)');
  });
});

describe('parseFairness', () => {
  it('reads a default and per-process overrides', () => {
    expect(parseFairness('strong,writer=weak')).toEqual({ all: 'strong', processes: { writer: 'weak' } });
    expect(() => parseFairness('fair')).toThrow(/expected none\|weak\|strong/);
  });
});
