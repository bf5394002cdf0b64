/**
 * A swarm's findings as text and JSON (schema `interleave/swarm@1`): the
 * violation one of its jobs found, as a trace in the shape of
 * `interleave/check@1` (`model`, `params`, `verdict`, `property`, `trace`,
 * `finalState`) so `interleave replay` re-runs it; or that none was found,
 * with how much the jobs covered. Verdict `unknown` then, never `ok`: a
 * bounded, bitstate search proves nothing.
 */
import type { Counterexample } from '../explain/counterexample.js';
import type { SwarmJobResult } from '../explore/swarm.js';
import type { Params } from '../model/types.js';
import { configTitle, formatCount, traceTable } from './text.js';
import { plural } from './count.js';

export const SWARM_SCHEMA = 'interleave/swarm@1';

/** A job's result as reported: everything but its discovery's packed state. */
export type SwarmJobSummary = Omit<SwarmJobResult, 'discovery'> & { readonly found?: { readonly property: string; readonly steps: number } };

/** What every job of one swarm shares. */
export interface SwarmSetup {
  /** The built model's name (may name a mutant). */
  readonly model: string;
  readonly params: Params;
  readonly jobs: number;
  readonly seed: number;
  /** Per job: bit table and stack together. */
  readonly maxMemoryBytes: number;
  readonly timeLimitMs?: number;
}

export interface SwarmReport extends SwarmSetup {
  /** Per job, in job order: the jobs that reported. */
  readonly results: readonly SwarmJobSummary[];
  /** The violation shown: the shortest trace any job found (ties: the lowest job). */
  readonly found?: { readonly job: number; readonly counterexample: Counterexample };
  /** False when a job was interrupted. */
  readonly complete: boolean;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** States visited, summed over the jobs: their searches overlap, so the distinct states are fewer (an estimate, as bitstate counts are). */
export const swarmStates = (s: SwarmReport) => s.results.reduce((n, r) => n + r.states, 0);

export function swarmSummaryLine(s: SwarmReport): string {
  const head = `${configTitle(s.model, s.params)}: swarm of ${s.jobs} jobs (${mib(s.maxMemoryBytes)} each)`;
  if (s.found) {
    const cx = s.found.counterexample;
    const what = cx.kind === 'deadlock' ? 'DEADLOCK' : `VIOLATION of "${cx.property}"`;
    return `${head}: ${what} found by job ${s.found.job + 1}, ${plural(cx.trace.length, 'step')} (not a shortest trace)`;
  }
  return `${head}: no violation found by ${s.results.length} jobs covering about ${formatCount(swarmStates(s))} states (estimated); verdict unknown: a bounded search proves nothing${s.complete ? '' : ' (INTERRUPTED)'}`;
}

export function swarmToText(s: SwarmReport): string {
  const lines = [swarmSummaryLine(s), ''];
  for (const r of s.results) {
    lines.push(`  job ${r.job + 1}/${r.jobs} ${r.strategy} seed ${r.seed}: ${r.stop}${r.found ? ` (${r.found.property}, ${plural(r.found.steps, 'step')})` : ''}, ${formatCount(r.states)} states, depth ${r.maxDepth}${r.depthLimit > 0 ? ` (bound ${r.depthLimit})` : ''}, ${(r.elapsedMs / 1000).toFixed(2)} s`);
  }
  const cx = s.found?.counterexample;
  if (cx) {
    lines.push('', `Trace (job ${s.found!.job + 1}; a depth-first path, not a shortest one; \`interleave replay swarm.json\` re-runs it):`, '', traceTable(cx.trace));
    if (cx.blocked.length > 0) lines.push('', 'Blocked at the end:', ...cx.blocked.map((b) => `  ${b.process} at '${b.at}': ${b.wait?.summary ?? b.action ?? ''}`));
    lines.push('', cx.analysis.summary);
  }
  return lines.join('\n');
}

export function swarmToJson(s: SwarmReport): Record<string, unknown> {
  const cx = s.found?.counterexample;
  return {
    schema: SWARM_SCHEMA,
    model: s.model,
    params: s.params,
    jobs: s.jobs,
    seed: s.seed,
    maxMemoryBytes: s.maxMemoryBytes,
    ...(s.timeLimitMs !== undefined ? { timeLimitMs: s.timeLimitMs } : {}),
    complete: s.complete,
    verdict: cx ? cx.kind : 'unknown',
    statesEstimate: swarmStates(s),
    summary: swarmSummaryLine(s),
    results: s.results,
    ...(cx
      ? {
          foundBy: s.found!.job + 1,
          property: cx.property,
          message: cx.message,
          steps: cx.trace.length,
          trace: cx.trace.map((t) => ({ process: t.process, step: t.step, action: t.action, source: t.source, outcome: t.outcome, changes: t.changes })),
          blocked: cx.blocked.map((b) => ({ process: b.process, waitsFor: b.wait?.summary ?? '' })),
          cycleText: cx.analysis.cycle?.text ?? null,
          finalState: { processes: cx.processes.map((p) => ({ process: p.process, state: p.state, at: p.at })), vars: cx.vars, primitives: cx.primitives },
          ...(cx.failingStep ? { failingStep: cx.failingStep } : {}),
        }
      : {}),
  };
}
