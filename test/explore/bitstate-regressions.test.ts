/**
 * Issue 7 regressions in bitstate search, both found by the differential
 * test (test/explore/differential.test.ts, configuration `bitstate`):
 * - it threw a TypeError when an invariant broke in the level being built
 *   (the trace rebuild looked for that level's parent indexes before they
 *   were stored);
 * - a search that ran to its end reported a depth one more than the deepest
 *   level.
 */
import { describe, expect, it } from 'vitest';
import { replayPath } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { inc, le } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'test');

function twoSteps(invariant: boolean) {
  const b = new ModelBuilder('test/bitstate');
  const x = b.var('x', 0, { max: 2 });
  b.process('p', {}, (p) => p
    .step('a', { action: 'x++', source: at(1, 'f'), effects: [inc(x)] })
    .step('b', { action: 'x++', source: at(2, 'f'), effects: [inc(x)] }));
  if (invariant) b.always('x <= 1', le(x, 1));
  return compileModel(b.build());
}

describe('check().bitstate()', () => {
  it('reports an invariant broken after the initial state with a replayable shortest trace', async () => {
    const cm = twoSteps(true);
    const r = await check(cm).bitstate({ log2Bits: 16 }).runAsync();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery?.property).toBe('x <= 1');
    expect(r.discovery?.path.map((id) => cm.steps[id].step.name)).toEqual(['a', 'b']);
    const states = replayPath(cm, r.discovery!.path);
    expect([...states[states.length - 1]]).toEqual([...r.discovery!.state]);
  });

  it('reports the depth of the deepest level, as plain search does', async () => {
    const cm = twoSteps(false);
    const r = await check(cm).bitstate({ log2Bits: 16 }).runAsync();
    expect(r.verdict).toBe('unknown');
    expect(r.stats.states).toBe(3);
    expect(r.stats.depth).toBe(2);
    expect(r.stats.depth).toBe(check(cm).run().stats.depth);
  });
});
