import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/explain/report.js';
import { check } from '../../../src/explore/check.js';
import { explorerDataOfReport } from '../../../src/render/explorer/explorer-data.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../../explain/acceptance-cases.js';
import { tryLockPair } from '../../explore/liveness-models.js';

describe('explorerDataOfReport', () => {
  it('carries a lasso\'s loop start and says in the headline that the cycle repeats forever', () => {
    const m = tryLockPair();
    const c = check(m).fairness({ all: 'weak' });
    const r = c.run();
    const data = explorerDataOfReport(buildReport(c.compiled, r), m);
    const d = r.discovery!;
    expect(data.path).toEqual(d.path);
    expect(data.loopStart).toBe(d.loopStart);
    expect(data.headline).toBe(`VIOLATES "writer makes progress": ${d.loopStart} steps, then a cycle of ${d.path.length - d.loopStart!} that repeats forever (${r.stats.states} states explored)`);
  });

  it('has no loop for a safety counterexample', () => {
    const { report, cm } = exploreCase(SEMAPHORE_DEADLOCK);
    const data = explorerDataOfReport(report, cm.model);
    expect(data.loopStart).toBeUndefined();
    expect(data.headline).toMatch(/^DEADLOCK after \d+ steps/);
  });
});
