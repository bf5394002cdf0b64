/**
 * The gate's machine-readable result (`out/gate/gate.json`, schema
 * `interleave/gate@1`): per check, per configuration, the expectation, the
 * verdict and whether it held, plus the bounded claims. Field names are a
 * contract: extend, never rename.
 */
import { buildClaims, casesOf, gatePassed, gateTotals, type GateReport } from '../explain/gate.js';
import { claimText } from './gate-summary.js';

export const GATE_SCHEMA = 'interleave/gate@1';

export function gateToJson(gate: GateReport): Record<string, unknown> {
  return {
    schema: GATE_SCHEMA,
    source: gate.source,
    passed: gatePassed(gate),
    complete: gate.complete,
    elapsedMs: gate.elapsedMs,
    totals: gateTotals(gate),
    claims: buildClaims(gate).map((c) => ({
      model: c.model,
      expect: c.expect,
      ...(c.property !== undefined ? { property: c.property } : {}),
      ...(c.fairness !== undefined ? { fairness: c.fairness } : {}),
      holds: c.holds,
      configurations: c.configurations,
      failed: c.failed,
      notRun: c.notRun,
      grids: c.grids.map((g) => ({ values: Object.fromEntries(g.values), configurations: g.configurations, reductions: g.reductions, checks: g.checks })),
      beyond: Object.fromEntries(c.beyond),
      text: claimText(c),
    })),
    checks: gate.checks.map((check, i) => ({
      name: check.name,
      ...(check.description ? { description: check.description } : {}),
      model: check.model,
      expect: check.expect,
      ...(check.property !== undefined ? { property: check.property } : {}),
      ...(check.fairness !== undefined ? { fairness: check.fairness } : {}),
      requireSteps: check.requireSteps,
      symmetry: check.symmetry,
      workers: check.workers,
      axes: check.axes,
      configurations: check.configurations.length,
      cases: casesOf(gate, i).map((c) => {
        const r = c.report.result;
        return {
          params: c.params,
          passed: c.judgement.passed,
          reason: c.judgement.reason,
          verdict: r.verdict,
          completion: r.completion,
          states: r.stats.states,
          transitions: r.stats.transitions,
          depth: r.stats.depth,
          elapsedMs: r.stats.elapsedMs,
          ...(c.report.counterexample ? { steps: c.report.counterexample.trace.length, property: c.report.counterexample.property } : {}),
          unreachedRequired: c.report.unreached.filter((u) => u.required).map((u) => `${u.process} '${u.step}'`),
          reductions: r.reductions,
          reused: c.reused,
          ...(c.files ? { files: c.files } : {}),
        };
      }),
    })),
  };
}
