import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { buildRandomModel, randomModelSpec } from '../support/random-model.js';

/**
 * On random models (every primitive, guards, jobs, hand-offs): whenever the
 * checker finds a deadlock, the wait-for analysis explains it (a cycle, or a
 * dead end it names), and a cycle it reports is real: its edges close, and
 * every process on it is blocked.
 */
describe('analyzeWaitFor on random deadlocks', () => {
  it('always explains a deadlock, and only with cycles through blocked processes', () => {
    let deadlocks = 0;
    fc.assert(
      fc.property(randomModelSpec, (spec) => {
        const cm = compileModel(buildRandomModel(spec));
        const result = check(cm).maxStates(20_000).run();
        if (result.verdict !== 'deadlock') return;
        deadlocks++;
        const { waitFor, analysis } = buildReport(cm, result).counterexample!;
        expect(analysis.cycle !== undefined || analysis.findings.length > 0).toBe(true);
        if (!analysis.cycle) return;
        const edges = analysis.cycle.edges.map((i) => waitFor.edges[i]);
        edges.forEach((e, i) => expect(e.from).toBe(edges[(i + edges.length - 1) % edges.length].to));
        for (const step of analysis.cycle.steps) {
          const node = waitFor.nodes.find((n) => n.id === step.node)!;
          if (node.kind === 'process') expect(node.state).toBe('blocked');
        }
      }),
      { numRuns: 150, seed: 3 },
    );
    expect(deadlocks).toBeGreaterThan(10);
  });
});
