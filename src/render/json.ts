/**
 * The `--json` document of a check. Field names are a contract other tools
 * rely on: extend, never rename. `schema` says which version of it this is.
 */
import { scenarioToText } from '../explain/scenario.js';
import type { CheckReport } from '../explain/report.js';
import type { TraceRow } from '../explain/trace.js';

export const CHECK_SCHEMA = 'interleave/check@1';

/** One trace row as JSON; `trace` and both halves of a `lasso` use it. */
const traceRow = (t: TraceRow) => ({
  process: t.process,
  action: t.action,
  source: t.source,
  step: t.step,
  outcome: t.outcome,
  changes: t.changes,
  ...(t.wokeNobody ? { wokeNobody: true } : {}),
  ...(t.woke ? { woke: t.woke } : {}),
});

export function checkToJson(report: CheckReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const r = report.result;
  const cx = report.counterexample;
  return {
    schema: CHECK_SCHEMA,
    model: r.model,
    params: r.params,
    verdict: r.verdict,
    complete: r.completion === 'complete' || r.completion === 'violation',
    completion: r.completion,
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    elapsedMs: r.stats.elapsedMs,
    statesPerSecond: report.statesPerSecond,
    bytesPerState: r.stats.bytesPerState,
    ...(r.compressed ? { compressed: true } : {}),
    reductions: r.reductions,
    workers: r.workers,
    ...(r.notes ? { notes: r.notes } : {}),
    ...(report.warnings ? { warnings: report.warnings } : {}),
    ...(r.bitstate ? { bitstate: r.bitstate } : {}),
    ...(r.liveness ? { fairness: r.liveness.fairness, liveness: r.liveness } : {}),
    properties: report.properties,
    /** Declared properties this run did not check, with why. */
    notChecked: report.notChecked ?? [],
    maxima: r.maxima,
    /** Names along the wait-for cycle of the final state (a resource may repeat); empty when there is none. */
    cycle: cx?.analysis.cycle?.names ?? [],
    ...(cx
      ? {
          property: cx.property,
          message: cx.message,
          switches: cx.switches ?? null,
          slice: { steps: cx.slice.indices, processes: cx.slice.processes, resources: cx.slice.resources },
          ...(cx.scenario ? { scenario: { ...cx.scenario, text: scenarioToText(cx.scenario) } } : {}),
          trace: cx.trace.map(traceRow),
          ...(r.discovery?.loopStart !== undefined
            ? { lasso: { prefix: cx.trace.slice(0, r.discovery.loopStart).map(traceRow), loop: cx.trace.slice(r.discovery.loopStart).map(traceRow) } }
            : {}),
          blocked: cx.blocked.map((b) => ({
            process: b.process,
            waitsFor: b.wait?.summary ?? '',
            primitive: b.wait?.primitive ?? null,
            mode: b.wait?.mode ?? null,
            holders: b.wait?.holders ?? [],
            queuedBehind: b.wait?.queuedBehind ?? [],
            releasers: b.wait?.releasers ?? [],
          })),
          cycleText: cx.analysis.cycle?.text ?? null,
          findings: cx.analysis.findings.map((f) => ({ kind: f.kind, process: f.process, resource: f.resource ?? null, text: f.text })),
          finalState: { processes: cx.processes.map((p) => ({ process: p.process, state: p.state, at: p.at })), vars: cx.vars, primitives: cx.primitives },
          ...(cx.failingStep ? { failingStep: cx.failingStep } : {}),
        }
      : {}),
    unreached: report.unreached,
    ...extra,
  };
}
