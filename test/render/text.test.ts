/** Issue 17: a model without parameters is named without a stray space before its colon. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { configTitle, verdictLine } from '../../src/render/text.js';
import { abba } from '../explain/small-models.js';

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
