/**
 * Simulation results as text and as JSON (schema `interleave/simulate@1`).
 * The JSON carries the first violating run as a counterexample in the same
 * shape as `interleave/check@1` (`model`, `params`, `verdict`, `property`,
 * `trace` rows with `process` and `step`, `finalState`), so
 * `interleave replay` accepts either file.
 */
import type { Counterexample } from '../explain/counterexample.js';
import type { SimulationResult } from '../explore/simulate.js';
import type { Params } from '../model/types.js';
import { configTitle, formatCount, traceTable } from './text.js';
import { afterSteps } from './count.js';

export const SIMULATE_SCHEMA = 'interleave/simulate@1';

export interface SimulationReport {
  readonly model: string;
  readonly params: Params;
  readonly result: SimulationResult;
  /** The first violating run, explained. */
  readonly counterexample?: Counterexample;
  readonly elapsedMs: number;
}

/** `reproduce with --seed S --runs 1`: the flags that re-run one run on its own. */
export function reproduceFlags(report: SimulationReport): string | undefined {
  const first = report.result.first;
  if (!first) return undefined;
  return `--seed ${first.seed} --runs 1${report.result.maxSteps !== 1000 ? ` --max-steps ${report.result.maxSteps}` : ''}`;
}

export function simulationSummary(report: SimulationReport): string {
  const r = report.result;
  const found = r.violations === 0
    ? 'no violation hit'
    : `${formatCount(r.violations)} run${r.violations > 1 ? 's' : ''} hit a violation (${Object.entries(r.byProperty).map(([p, n]) => `${p} ${formatCount(n)}`).join(', ')})`;
  const rest = [`${formatCount(r.finished)} finished`, `${formatCount(r.stepLimited)} stopped at ${formatCount(r.maxSteps)} steps`].join(', ');
  return `${configTitle(report.model, report.params)}: ${formatCount(r.runs)} random runs from seed ${r.seed}${r.interrupted ? ' (INTERRUPTED)' : ''}: ${found}; ${rest} (${formatCount(r.totalSteps)} steps, ${(report.elapsedMs / 1000).toFixed(2)} s)`;
}

export function simulationToText(report: SimulationReport): string {
  const lines = [simulationSummary(report)];
  const first = report.result.first;
  const cx = report.counterexample;
  if (first && cx) {
    const what = cx.kind === 'deadlock' ? 'a deadlock' : cx.property === 'assertion' ? 'a failed assertion' : cx.property === 'atomic-sleep' ? 'a sleep in atomic context' : `a violation of "${cx.property}"`;
    lines.push('', `First violation: run ${first.index} (seed ${first.seed}) reached ${what} ${afterSteps(first.steps)}; reproduce it with ${reproduceFlags(report)}.`);
    lines.push('This path is random, not a shortest one: `interleave check` finds the shortest.', '', traceTable(cx.trace));
    if (cx.blocked.length > 0) {
      lines.push('', 'Blocked at the end:', ...cx.blocked.map((b) => `  ${b.process} at '${b.at}': ${b.wait?.summary ?? b.action ?? ''}`));
    }
    if (cx.failingStep) lines.push('', `Failing step: ${cx.failingStep.process}: ${cx.failingStep.action}: ${cx.message}`);
  }
  return lines.join('\n');
}

export function simulationToJson(report: SimulationReport): Record<string, unknown> {
  const r = report.result;
  const cx = report.counterexample;
  return {
    schema: SIMULATE_SCHEMA,
    model: report.model,
    params: report.params,
    seed: r.seed,
    runs: r.runs,
    maxSteps: r.maxSteps,
    violations: r.violations,
    finished: r.finished,
    stepLimited: r.stepLimited,
    totalSteps: r.totalSteps,
    byProperty: r.byProperty,
    interrupted: r.interrupted,
    elapsedMs: report.elapsedMs,
    verdict: cx ? cx.kind : 'none',
    ...(r.first && cx
      ? {
          firstRun: { index: r.first.index, seed: r.first.seed, steps: r.first.steps },
          property: cx.property,
          message: cx.message,
          trace: cx.trace.map((t) => ({ process: t.process, step: t.step, action: t.action, source: t.source, outcome: t.outcome, changes: t.changes })),
          blocked: cx.blocked.map((b) => ({ process: b.process, waitsFor: b.wait?.summary ?? '' })),
          finalState: { processes: cx.processes.map((p) => ({ process: p.process, state: p.state, at: p.at })), vars: cx.vars, primitives: cx.primitives },
          ...(cx.failingStep ? { failingStep: cx.failingStep } : {}),
        }
      : {}),
  };
}
