import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { ge, inc, le, lt } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'test');

/** Two tasks taking two mutexes in opposite orders: the classic ABBA deadlock. */
function abba(sameOrder = false) {
  const b = new ModelBuilder('test/abba');
  const A = b.mutex('A');
  const B = b.mutex('B');
  const order = (first: typeof A, second: typeof A) => (p: import('../../src/model/builder.js').ProcessBuilder) => p
    .step('first', { action: `lock ${first.name}`, source: at(1, 'f'), op: first.lock() })
    .step('second', { action: `lock ${second.name}`, source: at(2, 'f'), op: second.lock() })
    .step('unlock2', { action: `unlock ${second.name}`, source: at(3, 'f'), op: second.unlock() })
    .step('unlock1', { action: `unlock ${first.name}`, source: at(4, 'f'), op: first.unlock() });
  b.process('t1', {}, order(A, B));
  b.process('t2', {}, sameOrder ? order(A, B) : order(B, A));
  return b.build();
}

/** n tasks each incrementing a shared counter twice, non-atomically split. */
function counter(n: number, bound: number) {
  const b = new ModelBuilder('test/counter');
  const x = b.var('x', 0, { max: 2 * n });
  b.process('inc', { instances: n }, (p) => {
    const i = p.local('i', 0, { max: 2 });
    p.step('bump', { action: 'x++', source: at(1, 'f'), effects: [inc(x), inc(i)], goto: [{ when: lt(i, 2), to: 'bump' }, { to: 'end' }] });
  });
  b.always(`x <= ${bound}`, le(x, bound));
  b.atEnd('x counted every bump', ge(x, 2 * n));
  return b.build();
}

describe('check().run()', () => {
  it('finds the ABBA deadlock with a shortest trace', () => {
    const r = check(abba()).run();
    expect(r.verdict).toBe('deadlock');
    expect(r.completion).toBe('violation');
    // t1 takes A, t2 takes B, then each blocks on the other's: 4 steps.
    expect(r.discovery?.path).toHaveLength(4);
  });

  it('proves the same-order version deadlock-free', () => {
    const r = check(abba(true)).run();
    expect(r.verdict).toBe('ok');
    expect(r.completion).toBe('complete');
    expect(r.stats.states).toBeGreaterThan(4);
  });

  it('counts the interleavings of independent tasks exactly', () => {
    // 3 tasks, 2 bumps each: states are the 3^3 = 27 combinations of (i1, i2, i3).
    const r = check(counter(3, 6)).run();
    expect(r.verdict).toBe('ok');
    expect(r.stats.states).toBe(27);
    expect(r.stats.transitions).toBe(3 * 2 * 9); // each of 3 tasks takes each of its 2 steps in 9 contexts
    expect(r.stats.depth).toBe(6);
    expect(r.maxima.x).toBe(6);
  });

  it('reports an invariant violation at the first state that breaks it', () => {
    const r = check(counter(2, 2)).run();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery?.property).toBe('x <= 2');
    expect(r.discovery?.path).toHaveLength(3);
  });

  it('checks at-end properties in terminal states', () => {
    const b = new ModelBuilder('test/at-end');
    const x = b.var('x', 0, { max: 1 });
    b.process('p', {}, (p) => p.step('a', { action: 'noop', source: at(1, 'f') }));
    b.atEnd('x was set', ge(x, 1));
    const r = check(b.build()).run();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery?.property).toBe('x was set');
  });

  it('reports a run-time range error as an assertion with the failing step', () => {
    const b = new ModelBuilder('test/range');
    const x = b.var('x', 0, { max: 1 });
    b.process('p', {}, (p) => p.step('a', { action: 'x++', source: at(1, 'f'), effects: [inc(x)], goto: 'a' }));
    const cm = compileModel(b.build());
    const r = check(cm).run();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery?.property).toBe('assertion');
    expect(r.discovery?.message).toMatch(/x = x \+ 1 gives 2, outside the declared range 0..1/);
    expect(cm.steps[r.discovery!.failingStep!].step.name).toBe('a');
  });

  it('stops at a state limit with verdict unknown, never ok', () => {
    const r = check(counter(3, 6)).maxStates(5).run();
    expect(r.completion).toBe('state-limit');
    expect(r.verdict).toBe('unknown');
  });

  it('is deterministic: same counts and same trace on every run', () => {
    const a = check(abba()).run();
    const b = check(abba()).run();
    expect(b.stats.states).toBe(a.stats.states);
    expect(b.stats.transitions).toBe(a.stats.transitions);
    expect(b.discovery?.path).toEqual(a.discovery?.path);
  });
});

describe('check().runAsync()', () => {
  it('returns a partial, interrupted result when the signal is already set', async () => {
    const r = await check(counter(3, 6)).runAsync({ signal: { aborted: true } });
    expect(r.completion).toBe('interrupted');
    expect(r.verdict).toBe('unknown');
  });

  it('agrees with run() and reports progress', async () => {
    const events: number[] = [];
    const r = await check(counter(3, 6)).runAsync({ onProgress: (e) => events.push(e.states) });
    expect(r.stats.states).toBe(27);
    expect(events.at(-1)).toBe(27);
  });
});
