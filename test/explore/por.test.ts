import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { replayPath } from '../../src/explain/path.js';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { checkDetails } from '../../src/render/text.js';
import { ModelBuilder, type ProcessBuilder } from '../../src/model/builder.js';
import { instantiate } from '../../src/model/definition.js';
import { add, eq, inc, le, set, sub } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'x');

/** Tasks doing private work (locals only) around a shared mutex; optionally in opposite lock orders. */
function workers(abba: boolean) {
  const b = new ModelBuilder(abba ? 'test/local-abba' : 'test/local-work');
  const A = b.mutex('A');
  const B = b.mutex('B');
  const done = b.var('done', 0, { max: 3 });
  const body = (first: typeof A, second: typeof A) => (p: ProcessBuilder) => {
    const w = p.local('w', 0, { max: 4 });
    p.step('work1', { action: 'w++', source: at(1, 'f'), effects: [inc(w)] })
      .step('work2', { action: 'w++', source: at(2, 'f'), effects: [inc(w)] })
      .step('work3', { action: 'w++', source: at(3, 'f'), effects: [inc(w)] })
      .step('lock1', { action: 'lock', source: at(4, 'f'), op: first.lock() })
      .step('lock2', { action: 'lock', source: at(5, 'f'), op: second.lock() })
      .step('count', { action: 'done++', source: at(6, 'f'), effects: [inc(done)] })
      .step('unlock2', { action: 'unlock', source: at(7, 'f'), op: second.unlock() })
      .step('unlock1', { action: 'unlock', source: at(8, 'f'), op: first.unlock() })
      .step('more', { action: 'w = w + 1', source: at(9, 'f'), effects: [set(w, add(w, 1))] });
  };
  b.process('t1', {}, body(A, B));
  b.process('t2', {}, body(abba ? B : A, abba ? A : B));
  b.process('t3', {}, body(A, B));
  b.always('done <= 3', le(done, 3));
  return b.build();
}

describe('check().por()', () => {
  it('cuts the interleavings of private work and keeps the verdict', () => {
    const m = workers(false);
    const plain = check(m).run();
    const reduced = check(m).por().run();
    expect(reduced.verdict).toBe(plain.verdict);
    expect(reduced.verdict).toBe('ok');
    expect(reduced.stats.states).toBeLessThan(plain.stats.states / 3); // 888 -> 128 states
    expect(reduced.reductions).toEqual(['por']);
  });

  it('still finds the deadlock, with a trace that replays and ends stuck', () => {
    const m = workers(true);
    const plain = check(m).run();
    const reduced = check(m).por().run();
    expect(plain.verdict).toBe('deadlock');
    expect(reduced.verdict).toBe('deadlock');
    expect(reduced.stats.states).toBeLessThan(plain.stats.states);
    const end = replayPath(check(m).compiled, reduced.discovery!.path).at(-1)!;
    expect([...end]).toEqual([...reduced.discovery!.state]);
    // The trace need not be a shortest one, and the report does not call it one.
    const text = checkDetails(buildReport(check(m).compiled, reduced));
    expect(text).toContain('A schedule to the deadlock');
    expect(text).not.toContain('Shortest');
  });

  it('lets the dm-snapshot writers run alone where no writer may take _origins_lock (ctrs 0), at least 3x fewer states', () => {
    for (const name of ['dm-snapshot/semaphore', 'dm-snapshot/in-progress']) {
      const m = instantiate(registry.find((d) => d.name === name)!, { writers: 3, 'cow-threshold': 2, ctrs: 0 });
      const plain = check(m).run();
      const reduced = check(m).por().run();
      expect(reduced.verdict, name).toBe(plain.verdict);
      // semaphore 1,439 -> 331, in-progress 1,473 -> 323
      expect(reduced.stats.states, name).toBeLessThan(plain.stats.states / 3);
      expect(check(m).por().run().stats.states, `${name}: the same count every run`).toBe(reduced.stats.states);
    }
  });

  it('agrees with plain search on the dm-snapshot designs and mutants', () => {
    for (const [name, params] of [
      ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }],
      ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2, rwsem: 'reader-preferring' }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 2 }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }],
      ['dm-snapshot/unthrottled', { writers: 3, ctrs: 1, 'max-inflight': 2 }],
    ] as const) {
      const m = instantiate(registry.find((d) => d.name === name)!, params);
      const plain = check(m).run();
      expect(check(m).por().run().verdict, `${name} ${JSON.stringify(params)}`).toBe(plain.verdict);
      const both = check(m).por().symmetry().run();
      expect(both.verdict, `${name} ${JSON.stringify(params)} + symmetry`).toBe(plain.verdict);
      // e.g. in-progress w3 t0 c2: 14,726 states with symmetry, 10,617 with both.
      if (plain.verdict === 'ok') expect(both.stats.states, `${name} ${JSON.stringify(params)}: por on top of symmetry`).toBeLessThan(check(m).symmetry().run().stats.states);
    }
  });

  it('gives up where it leaves out too little to pay, says so, and keeps going under symmetry', () => {
    const m = instantiate(registry.find((d) => d.name === 'dm-snapshot/in-progress')!, { writers: 3, 'cow-threshold': 0, ctrs: 1 });
    const reduced = check(m).por().run();
    expect(reduced.verdict).toBe('ok');
    // Without symmetry it must leave out a quarter of the first 4,096 states' transitions (here about 24%).
    expect((reduced.notes ?? []).join('\n')).toMatch(/left out only [\d,]+ of the [\d,]+ transitions of the first 4,096 states \(it pays from 1 in 4\)/);
    // With symmetry a tenth is enough: 2,022 states -> 1,505.
    const both = check(m).symmetry().por().run();
    expect(both.notes ?? []).toEqual([]);
    expect(both.stats.states).toBeLessThan(check(m).symmetry().run().stats.states);
  });

  it('does not postpone a visible step forever behind a cycle of invisible ones (C3)', () => {
    // The spinner's private loop is independent of everything, so it alone would be
    // ample in every state; only the cycle proviso lets `bad` run and break the invariant.
    const b = new ModelBuilder('test/ignoring');
    const v = b.var('v', 0, { max: 1 });
    b.process('spinner', {}, (p) => {
      const x = p.local('x', 0, { max: 1 });
      p.step('flip', { action: 'x = 1 - x', source: at(1, 'spin'), effects: [set(x, sub(1, x))], goto: 'flip', validEnd: true });
    });
    b.process('bad', {}, (p) => p.step('set', { action: 'v = 1', source: at(2, 'bad'), effects: [set(v, 1)] }));
    b.always('v == 0', eq(v, 0));
    const m = b.build();
    expect(check(m).run().verdict).toBe('invariant');
    expect(check(m).por().run().verdict).toBe('invariant');
  });

  it('refuses workers and bitstate', async () => {
    await expect(check(workers(false)).por().workers(2).runAsync()).rejects.toThrow(/one thread only/);
  });
});
