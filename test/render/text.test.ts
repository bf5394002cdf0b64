/** Issue 17: a model without parameters is named without a stray space before its colon. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { checkToText, configTitle, verdictLine } from '../../src/render/text.js';
import { abba, guardedLock } from '../explain/small-models.js';
import { announcedWrite, spinLoop } from '../explore/liveness-models.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { eq } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { checkToJson } from '../../src/render/json.js';

describe('configTitle', () => {
  it('is the bare model name when there are no parameters, name and parameters otherwise', () => {
    expect(configTitle('example/abba', {})).toBe('example/abba');
    expect(configTitle('dm-snapshot/semaphore', { writers: 2, ctrs: 1 })).toBe('dm-snapshot/semaphore writers=2 ctrs=1');
  });
});

describe('verdictLine', () => {
  it('puts the colon right after the name of a model without parameters', () => {
    const cm = compileModel(abba());
    const line = verdictLine(buildReport(cm, check(cm).run()));
    expect(line).toMatch(/^abba: DEADLOCK after \d+ steps/);
  });
});

describe('the last state of a counterexample', () => {
  const textOf = (model: ReturnType<typeof abba>) => {
    const cm = compileModel(model);
    return checkToText(buildReport(cm, check(cm).run()));
  };

  it('lists the variables with the processes and primitives under "Final state:"', () => {
    const text = textOf(guardedLock());
    expect(text.slice(text.indexOf('Final state:'))).toMatch(/^Final state:\n {2}waiter: blocked at 'lock'\n {2}flag = 0\n {2}M: free/);
  });

  it('lists them under "State where the cycle begins:" of a liveness violation', () => {
    const text = textOf(spinLoop());
    expect(text.slice(text.indexOf('State where the cycle begins:'))).toMatch(/^State where the cycle begins:\n {2}flag = 0$/m);
  });
});

describe('the properties line', () => {
  /** A waiter whose guard nobody makes true (a deadlock), with a liveness property about that guard. */
  const stuckEventually = () => {
    const b = new ModelBuilder('stuck-eventually');
    const flag = b.var('flag', 0);
    const M = b.mutex('M');
    b.process('waiter', {}, (p) => p
      .step('lock', { action: 'if (flag) mutex_lock(&M)', source: sourceIn('demo.c', 'test')(1, 'waiter'), guard: eq(flag, 1), op: M.lock() }));
    b.eventually('flag set', eq(flag, 1));
    return b.build();
  };

  it('says which properties were checked, and which declared ones were not and why', () => {
    const cm = compileModel(stuckEventually());
    const report = buildReport(cm, check(cm).run());
    const text = checkToText(report);
    expect(text).toContain('\nproperties checked: no deadlock\n');
    expect(text).toContain('\nnot checked: liveness: flag set (the search found a deadlock first;');
    expect(checkToJson(report).notChecked).toEqual([{ property: 'liveness: flag set', reason: expect.stringContaining('deadlock first') }]);
  });

  it('names the properties --safety-only left out, and an OK verdict claims only the properties checked', () => {
    const cm = compileModel(announcedWrite());
    const report = buildReport(cm, check(cm).safetyOnly().run());
    expect(report.result.verdict).toBe('ok');
    expect(verdictLine(report)).toContain(': OK: no deadlock, every property checked holds (');
    expect(checkToText(report)).toContain('\nnot checked: liveness: written (left out by --safety-only)\n');
  });
});

describe('the fairness a liveness violation was found under', () => {
  it('reads "without fairness" for none, not "under none fairness"', () => {
    const cm = compileModel(spinLoop());
    const report = buildReport(cm, check(cm).fairness({ all: 'none' }).run());
    expect(verdictLine(report)).toContain('LIVENESS VIOLATION of "no non-progress cycle" without fairness:');
    expect(checkToText(report)).toContain('properties checked: no deadlock; liveness (no fairness): ');
  });
});
