/**
 * A gate's human summaries: the bounded claims ("no deadlock for writers
 * 1..4 ..., says nothing about writers > 4"), the Markdown for a CI job
 * summary, and the sections of the terminal report. Pure: returns strings
 * and plain data.
 */
import { buildClaims, casesOf, gatePassed, gateTotals, type Claim, type ClaimGrid, type GateCase, type GateParamValue, type GateReport } from '../explain/gate.js';
import { underFairness } from '../explain/report.js';
import type { ReportSection } from './final-report.js';
import { markdownTable } from './markdown.js';
import { plural } from './count.js';
import { configTitle, diagramPaths, diagramsLine, formatCount, formatDuration, traceTable, traceTableData, type Tone } from './text.js';

/** Failures shown in full (trace and all); the rest are listed in the table and the JUnit file. */
const MAX_DETAILED_FAILURES = 10;

/** `1..4`, `0,2..4`, `writer-fair|reader-preferring`: a parameter's covered values, compactly. */
export function formatValues(values: readonly GateParamValue[]): string {
  if (!values.every((v) => typeof v === 'number')) return values.join('|');
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** `writers 1..4, ctrs 0..2, with bios=1, rwsem=writer-fair (36 configurations)`. */
export function gridText(grid: ClaimGrid): string {
  const varying = grid.values.filter(([, v]) => v.length > 1).map(([n, v]) => `${n} ${formatValues(v)}`);
  const fixed = grid.values.filter(([, v]) => v.length === 1).map(([n, v]) => `${n}=${v[0]}`);
  const body = varying.length > 0 ? `${varying.join(', ')}${fixed.length > 0 ? `, with ${fixed.join(', ')}` : ''}` : fixed.join(', ');
  const reductions = grid.reductions.length > 0 ? `, explored with ${grid.reductions.join(' and ')} reduction` : '';
  return `${body} (${plural(grid.configurations, 'configuration')}${reductions})`;
}

/** One grid of an existential claim: `at writers=2, ...` or `in every configuration of writers 3..4, ...`. */
function whereFound(grid: ClaimGrid): string {
  return `${grid.configurations === 1 ? 'at' : 'in every configuration of'} ${gridText(grid)}`;
}

/** ` (liveness checked under weak fairness)`: a check's fairness is part of its claim; nothing without one. */
const fairnessNote = (claim: Claim) => (claim.fairness !== undefined ? ` (liveness checked ${underFairness(claim.fairness)})` : '');

/** One sentence: what a group of checks establishes and within which bounds, or that it does not. */
export function claimText(claim: Claim): string {
  const where = claim.grids.map(gridText).join('; and for ');
  const fair = fairnessNote(claim);
  if (claim.interrupted) {
    return `NOT established (interrupted): ${claim.model}: for ${where}, ${plural(claim.notRun, 'configuration')} never ran; those explored before Ctrl-C met the expectation.`;
  }
  if (!claim.holds) {
    const parts = [claim.failed > 0 ? `${claim.failed} failed` : '', claim.notRun > 0 ? `${claim.notRun} not run` : ''].filter(Boolean).join(', ');
    const expected = claim.expect === 'ok' ? 'no deadlock and no violation' : claim.expect === 'deadlock' ? 'a deadlock' : claim.expect === 'liveness' ? `a liveness violation${claim.property ? ` of "${claim.property}"` : ''}` : `a violation${claim.property ? ` of "${claim.property}"` : ''}`;
    return `NOT established: ${claim.model}: expected ${expected}${fair} for ${where}; of ${plural(claim.configurations, 'configuration')}, ${parts}.`;
  }
  switch (claim.expect) {
    case 'ok': {
      const props = claim.properties.length > 0 ? ` (${claim.properties.join('; ')})` : '';
      const beyond = claim.beyond.length > 0
        ? `says nothing about ${claim.beyond.map(([n, v]) => `${n} > ${v}`).join(', ')}`
        : 'says nothing beyond the model\'s own parameter ranges';
      const ran = claim.requiredStepsRan.length > 0
        ? ` Not vacuous: every step the model marks required ran for ${claim.requiredStepsRan.map(gridText).join('; and for ')}.`
        : '';
      return `${claim.model}: no deadlock, and every property holds${props}, in every schedule${fair}, for ${where}.${ran} Bounded: ${beyond}.`;
    }
    case 'deadlock':
      return `${claim.model}: a deadlock is reachable${fair} ${claim.grids.map(whereFound).join('; and ')}.`;
    case 'invariant':
      return `${claim.model}: ${claim.property ? `"${claim.property}"` : 'a property'} is violated${fair} ${claim.grids.map(whereFound).join('; and ')}.`;
    case 'liveness':
      return `${claim.model}: ${claim.property ? `"${claim.property}"` : 'a liveness property'} fails on an infinite fair run (a lasso${claim.fairness !== undefined ? `, ${underFairness(claim.fairness)}` : ''}) ${claim.grids.map(whereFound).join('; and ')}.`;
  }
}

/** `interleave gate gate.json: PASSED: every expectation holds (104 configurations in 9 checks, 45.20 s)`. */
export function gateSummaryLine(gate: GateReport): string {
  const t = gateTotals(gate);
  const what = gatePassed(gate)
    ? 'PASSED: every expectation holds'
    : !gate.complete ? `INTERRUPTED after ${t.ran} of ${t.planned} configurations${t.failed > 0 ? `, ${t.failed} failed` : ''}`
    : `FAILED: ${t.failed} of ${t.planned} configurations did not meet their expectation`;
  return `interleave gate ${gate.source}: ${what} (${plural(t.planned, 'configuration')} in ${plural(gate.checks.length, 'check')}, ${formatDuration(gate.elapsedMs)})`;
}

export interface CheckRow {
  readonly name: string;
  readonly model: string;
  readonly expect: string;
  readonly configurations: number;
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
  /** States of every configuration, including those explored for an earlier check. */
  readonly states: number;
  /** Time of the configurations explored for this check. */
  readonly elapsedMs: number;
  /** Configurations explored for an earlier check and not again. */
  readonly reused: number;
  readonly reductions: string;
}

export function checkRows(gate: GateReport): CheckRow[] {
  return gate.checks.map((check, i) => {
    const cases = casesOf(gate, i);
    const fresh = cases.filter((c) => !c.reused);
    const passed = cases.filter((c) => c.judgement.passed).length;
    return {
      name: check.name,
      model: check.model,
      expect: check.expect + (check.property ? ` "${check.property}"` : '') + (check.requireSteps ? ' + required steps' : ''),
      configurations: check.configurations.length,
      passed,
      failed: cases.length - passed,
      notRun: check.configurations.length - cases.length,
      states: cases.reduce((n, c) => n + c.report.result.stats.states, 0),
      elapsedMs: fresh.reduce((n, c) => n + c.report.result.stats.elapsedMs, 0),
      reused: cases.length - fresh.length,
      reductions: check.symmetry ? 'symmetry' : 'none (exact)',
    };
  });
}

const resultCell = (r: CheckRow) =>
  r.failed > 0 ? `FAIL (${r.failed} of ${r.configurations})` : r.notRun > 0 ? `not run (${r.notRun} of ${r.configurations})` : 'pass';
const rowTone = (r: CheckRow): Tone => (r.failed > 0 ? 'bad' : r.notRun > 0 ? 'warn' : 'ok');

const CHECK_HEADER = ['check', 'model', 'expect', 'configurations', 'result', 'states', 'time', 'reductions'];
const checkCells = (r: CheckRow) => [r.name, r.model, r.expect, String(r.configurations), resultCell(r), formatCount(r.states),
  r.reused === 0 ? formatDuration(r.elapsedMs) : r.reused === r.configurations ? 'reused' : `${formatDuration(r.elapsedMs)} (+${r.reused} reused)`, r.reductions];

function failures(gate: GateReport): GateCase[] {
  return gate.cases.filter((c) => !c.judgement.passed);
}

/**
 * The failures shown in full: every failing check's first (the first with a
 * counterexample, if any has one: the trace is what a reader needs), then
 * the others in gate order up to MAX_DETAILED_FAILURES. Only the first ten in
 * order hid a check whose failures came after another check's many (a
 * deadlock that went missing behind ten bugs no longer found).
 */
function detailedFailures(failed: readonly GateCase[]): GateCase[] {
  const shown = new Set<GateCase>();
  for (const check of new Set(failed.map((c) => c.check))) {
    const own = failed.filter((c) => c.check === check);
    shown.add(own.find((c) => c.report.counterexample !== undefined) ?? own[0]);
  }
  for (const c of failed) if (shown.size < MAX_DETAILED_FAILURES) shown.add(c);
  return failed.filter((c) => shown.has(c));
}

function failureHeading(gate: GateReport, c: GateCase): string {
  const check = gate.checks[c.check];
  return `${check.name}: ${configTitle(check.model, c.params)}`;
}

const BOUNDED_NOTE =
  'Each claim is a bounded model-checking result: every schedule of every configuration listed was explored. Nothing is claimed for parameter values outside the listed ranges.';

/** The Markdown for `$GITHUB_STEP_SUMMARY` (or any CI's job summary). `relative` shortens file paths. */
export function gateToMarkdown(
  gate: GateReport,
  options: { readonly relative?: (path: string) => string; readonly link?: (path: string) => string } = {},
): string {
  const rel = options.relative ?? ((p: string) => p);
  const link = options.link ?? rel;
  const t = gateTotals(gate);
  const passed = gatePassed(gate);
  const out: string[] = [];
  out.push(`# interleave proof gate: ${passed ? '✅ PASSED' : gate.complete ? '❌ FAILED' : '⚠️ INTERRUPTED'}`, '');
  out.push(`\`${gate.source}\`: ${plural(gate.checks.length, 'check')}, ${plural(t.planned, 'configuration')} (${formatCount(t.explored)} explored${t.ran - t.explored > 0 ? `, ${t.ran - t.explored} shared between checks` : ''}), ${formatCount(t.states)} states, ${formatDuration(gate.elapsedMs)}. ${passed ? 'Every expectation holds.' : `${plural(t.failed, 'configuration')} did not meet ${t.failed === 1 ? 'its' : 'their'} expectation${t.planned > t.ran ? `; ${t.planned - t.ran} not run` : ''}.`}`, '');
  out.push('## What this proves, within which bounds', '', BOUNDED_NOTE, '');
  for (const claim of buildClaims(gate)) out.push(`- ${claim.holds ? '✅' : claim.interrupted ? '⚠️' : '❌'} ${claimText(claim)}`);
  out.push('', '## Checks', '');
  const rows = checkRows(gate);
  out.push(markdownTable(['', ...CHECK_HEADER], rows.map((r) => [r.failed > 0 ? '❌' : r.notRun > 0 ? '⚠️' : '✅', ...checkCells(r)]), new Set([4, 6, 7])));
  if (rows.some((r) => r.reused > 0)) out.push('', '_reused_: configurations already explored for an earlier check (same model, parameters and reductions) are judged again, not explored again.');
  const failed = failures(gate);
  if (failed.length > 0) {
    out.push('', '## Failures', '');
    const detailed = detailedFailures(failed);
    for (const c of detailed) {
      out.push(`### ❌ ${failureHeading(gate, c)}`, '', c.judgement.reason, '');
      const cx = c.report.counterexample;
      if (cx) {
        out.push(`<details><summary>shortest schedule (${plural(cx.trace.length, 'step')})</summary>`, '', '```text', traceTable(cx.trace), '```', '', '</details>', '');
        out.push(`${cx.analysis.summary}`, '');
      }
      const diagrams = diagramPaths(c.files).filter((p) => p.endsWith('.svg'));
      if (c.files?.explorer) out.push(`Step through it: [explorer.html](${encodeURI(link(c.files.explorer))}) (\`${rel(c.files.explorer)}\`, opens offline in a browser)`, '');
      if (diagrams.length > 0) out.push(`Diagrams (in the \`out\` artifact): ${diagrams.map((d) => `\`${rel(d)}\``).join(', ')}`, '');
    }
    if (failed.length > detailed.length) out.push(`… and ${plural(failed.length - detailed.length, 'more failing configuration')} of the same checks: see junit.xml.`, '');
  }
  // The counterexamples a check expected (the bug still found, the mutants still caught), to step through.
  const expected = gate.cases.filter((c) => c.judgement.passed && c.files?.explorer);
  if (expected.length > 0) {
    out.push('', '## Counterexamples found as expected', '');
    for (const c of expected) out.push(`- ${failureHeading(gate, c)}: [explorer.html](${encodeURI(link(c.files!.explorer))})`);
  }
  if (rows.some((r) => r.reductions !== 'none (exact)')) {
    out.push('', 'Reductions: checks marked `symmetry` stored one state per permutation of interchangeable writers; their verdicts equal a plain search\'s (tested), their state counts are smaller.');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** The gate's final report for the terminal (ink or plain), as sections. */
export function gateSections(gate: GateReport, written: readonly string[] = []): ReportSection[] {
  const passed = gatePassed(gate);
  const rows = checkRows(gate);
  const sections: ReportSection[] = [
    { kind: 'table', header: CHECK_HEADER, rows: rows.map(checkCells), tones: rows.map((r) => CHECK_HEADER.map((h) => (h === 'result' ? rowTone(r) : undefined))) },
  ];
  const failed = failures(gate);
  const detailed = detailedFailures(failed);
  for (const c of detailed) {
    sections.push({ kind: 'text', text: `FAIL ${failureHeading(gate, c)}\n${c.judgement.reason}`, tone: 'bad', bold: true });
    const cx = c.report.counterexample;
    if (cx) {
      const { header, rows: traceRows } = traceTableData(cx.trace);
      sections.push({ kind: 'table', header, rows: traceRows });
    }
    const lines = [
      cx?.analysis.summary ?? '',
      ...(diagramsLine(c.files) ? [diagramsLine(c.files)!] : []),
      ...(c.files?.explorer ? [`explorer: ${c.files.explorer}`] : []),
    ].filter(Boolean);
    if (lines.length > 0) sections.push({ kind: 'text', text: lines.join('\n') });
  }
  if (failed.length > detailed.length) sections.push({ kind: 'text', text: `... and ${plural(failed.length - detailed.length, 'more failing configuration')} of the same checks (see junit.xml)` });
  const claims = buildClaims(gate);
  sections.push({ kind: 'text', text: 'What this gate proves, within which bounds:', bold: true });
  for (const claim of claims) {
    const [mark, tone] = claim.holds ? ['  proved ', 'ok' as const] : claim.interrupted ? ['  INTERRUPTED ', 'warn' as const] : ['  FAILED ', 'bad' as const];
    sections.push({ kind: 'text', text: `${mark} ${claimText(claim)}`, tone });
  }
  sections.push({ kind: 'text', text: BOUNDED_NOTE, dim: true });
  if (written.length > 0) sections.push({ kind: 'text', text: `wrote ${written.join(', ')}`, dim: true });
  sections.push({ kind: 'text', text: gateSummaryLine(gate), tone: passed ? 'ok' : gate.complete ? 'bad' : 'warn', bold: true });
  return sections;
}
