/** Issue 17: states.svg's title must not seem to contradict the check's counts. */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/explore/compile.js';
import { renderDiagrams } from '../../src/render/diagrams.js';
import { verdictLine } from '../../src/render/text.js';
import { checkModel } from '../models/helpers.js';
import { instantiate } from '../../src/model/definition.js';
import { registry } from '../../models/index.js';

describe('the state graph title', () => {
  it('gives the check\'s own counts beside the whole space it draws', async () => {
    const params = { writers: 2, 'cow-threshold': 1, ctrs: 1 };
    const report = checkModel('dm-snapshot/semaphore', params);
    const cm = compileModel(instantiate(registry.find((d) => d.name === 'dm-snapshot/semaphore')!, params));
    const d = (await renderDiagrams(report, cm))!;
    expect(verdictLine(report)).toMatch(/\(279 states, 544 transitions/);
    expect(d.stateGraph).toMatchObject({ drawn: true, states: 467, steps: 999 });
    expect(d.statesDot).toContain('467 states, 999 transitions;');
    expect(d.statesDot).toContain('every reachable state is drawn; the check stopped at its first counterexample, after 279 states and 544 transitions');
  });
});
