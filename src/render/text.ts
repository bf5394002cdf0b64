/** Plain-text reports: what a terminal without a TTY, a log or a mail reply gets. */
import type { CheckReport } from '../explain/report.js';
import type { TraceRow } from '../explain/trace.js';
import type { Params } from '../model/types.js';
import { formatSourceShort } from '../model/source-ref.js';

export function formatParams(params: Params): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function verdictLine(report: CheckReport): string {
  const r = report.result;
  const what =
    r.verdict === 'ok' ? 'OK: no deadlock, every property holds'
    : r.verdict === 'deadlock' ? `DEADLOCK after ${report.counterexample?.trace.length ?? '?'} steps`
    : r.verdict === 'invariant' ? `VIOLATION of "${report.counterexample?.property}" after ${report.counterexample?.trace.length ?? '?'} steps`
    : `UNKNOWN: search ${r.completion}, no violation in the states explored`;
  return `${r.model} ${formatParams(r.params)}: ${what} (${formatCount(r.stats.states)} states, ${formatCount(r.stats.transitions)} transitions, depth ${r.stats.depth}, ${(r.stats.elapsedMs / 1000).toFixed(2)} s)`;
}

/** A fixed-width table; the last column is not padded. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const outcomeMark = (t: TraceRow) => (t.outcome === 'blocked' ? '  [sleeps]' : t.outcome === 'woke' ? '  [wakes]' : '');

export function traceTable(trace: readonly TraceRow[]): string {
  return table(
    ['#', 'process', 'action', 'kernel source'],
    trace.map((t) => [String(t.index), t.process, `${t.action}${outcomeMark(t)}${t.changes.length > 0 ? `  {${t.changes.join(', ')}}` : ''}`, formatSourceShort(t.source)]),
  );
}

export function checkToText(report: CheckReport): string {
  const r = report.result;
  const lines = [verdictLine(report), ''];
  lines.push(`checked: ${report.properties.join('; ')}`);
  const maxima = Object.entries(r.maxima).map(([k, v]) => `${k} <= ${v}`).join(', ');
  if (maxima) lines.push(`largest values reached: ${maxima}`);
  const cx = report.counterexample;
  if (cx) {
    lines.push('', `${cx.kind === 'deadlock' ? 'Shortest schedule to the deadlock' : `Shortest schedule violating "${cx.property}"`} (${cx.trace.length} steps):`, '');
    lines.push(traceTable(cx.trace));
    if (cx.failingStep) lines.push('', `then ${cx.failingStep.process}: ${cx.failingStep.action} fails: ${cx.message}`);
    if (cx.blocked.length > 0) {
      lines.push('', 'Blocked forever:');
      for (const b of cx.blocked) lines.push(`  ${b.process} at '${b.at}': ${b.wait?.summary ?? 'no step enabled'}`);
    }
    lines.push('', 'Final state:');
    for (const p of cx.processes) lines.push(`  ${p.process}: ${p.state}${p.state === 'done' ? '' : ` at '${p.at}'`}`);
    for (const p of cx.primitives) lines.push(`  ${p}`);
  }
  if (r.completion !== 'complete' && r.completion !== 'violation') {
    lines.push('', `PARTIAL: the search stopped (${r.completion}) after ${formatCount(r.stats.states)} states; this is not a proof.`);
  }
  const required = report.unreached.filter((u) => u.required);
  if (r.verdict === 'ok' && required.length > 0) {
    lines.push('', 'WARNING: required steps never ran, so the proof may be vacuous:');
    for (const u of required) lines.push(`  ${u.process} '${u.step}': ${u.action}`);
  }
  return lines.join('\n');
}
