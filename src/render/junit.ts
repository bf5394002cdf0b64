/**
 * Gate verdicts as JUnit XML, the format every CI understands: one
 * <testsuite> per gate check (its name), one <testcase> per configuration
 * (classname = the check's name, name = model and parameters). A case whose
 * expectation did not hold is a <failure> carrying the reason, the trace and
 * the diagram paths; a case never run (interrupted) is <skipped>. Verdict and
 * counts go in each case's <properties> and <system-out>. Pure: returns a string.
 */
import { buildClaims, casesOf, gateTotals, notRunOf, type GateCase, type GateReport } from '../explain/gate.js';
import { claimText } from './gate-summary.js';
import { blockedHeading, configTitle, diagramPaths, traceTable, verdictLine } from './text.js';
import { plural } from './count.js';

/** Characters XML 1.0 cannot carry at all: C0 controls other than tab, newline and return, lone surrogates, U+FFFE and U+FFFF. */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML attribute value or element content; drops characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

const attrs = (a: Record<string, string | number>) => Object.entries(a).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** `dm-snapshot/semaphore writers=2 bios=1 ...`: a test case's name. */
export function caseName(gate: GateReport, c: GateCase): string {
  return configTitle(gate.checks[c.check].model, c.params);
}

/** The failure body: reason, verdict line, trace, who is stuck, and where the pictures are. */
function failureText(c: GateCase): string {
  const lines = [c.judgement.reason, '', verdictLine(c.report)];
  const cx = c.report.counterexample;
  if (cx) {
    lines.push('', `Shortest schedule (${plural(cx.trace.length, 'step')}):`, traceTable(cx.trace));
    if (cx.blocked.length > 0) lines.push('', blockedHeading(cx), ...cx.blocked.map((b) => `  ${b.process}: ${b.wait?.summary ?? 'no step enabled'}`));
    lines.push('', cx.analysis.summary);
  }
  const diagrams = diagramPaths(c.files);
  if (diagrams.length > 0) lines.push('', 'diagrams:', ...diagrams.map((d) => `  ${d}`));
  if (c.files?.report) lines.push(`report: ${c.files.report}`);
  return lines.join('\n');
}

/** The failure's type: what was found instead (`deadlock`), `vacuous` (ok, but required steps never ran), `other-property` or `interrupted`. */
function failureType(expect: string, verdict: string, completion: string): string {
  if (completion === 'interrupted') return 'interrupted';
  if (expect === verdict) return expect === 'ok' ? 'vacuous' : 'other-property';
  return verdict;
}

function testCase(gate: GateReport, c: GateCase, indent: string): string {
  const check = gate.checks[c.check];
  const r = c.report.result;
  const props: Record<string, string | number> = {
    expected: check.expect + (check.property ? `: ${check.property}` : ''),
    verdict: r.verdict,
    completion: r.completion,
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    ...(c.report.counterexample ? { steps: c.report.counterexample.trace.length } : {}),
    reductions: r.reductions.join(',') || 'none',
    ...(c.reused ? { reused: 'explored for an earlier check' } : {}),
  };
  const inner = [
    `${indent}  <properties>`,
    ...Object.entries(props).map(([name, value]) => `${indent}    <property${attrs({ name, value })}/>`),
    `${indent}  </properties>`,
    ...(c.judgement.passed ? [] : [`${indent}  <failure${attrs({ message: c.judgement.reason, type: failureType(check.expect, r.verdict, r.completion) })}>${escapeXml(failureText(c))}</failure>`]),
    `${indent}  <system-out>${escapeXml(`${c.judgement.reason}\n${verdictLine(c.report)}`)}</system-out>`,
  ];
  const time = c.reused ? 0 : r.stats.elapsedMs;
  return [`${indent}<testcase${attrs({ classname: check.name, name: caseName(gate, c), time: seconds(time) })}>`, ...inner, `${indent}</testcase>`].join('\n');
}

export function gateToJunit(gate: GateReport, options: { readonly timestamp?: Date } = {}): string {
  const totals = gateTotals(gate);
  const claims = buildClaims(gate);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const skippedTotal = totals.planned - totals.ran;
  out.push(`<testsuites${attrs({ name: `interleave gate ${gate.source}`, tests: totals.planned, failures: totals.failed, errors: 0, skipped: skippedTotal, time: seconds(gate.elapsedMs) })}>`);
  gate.checks.forEach((check, i) => {
    const cases = casesOf(gate, i);
    const failures = cases.filter((c) => !c.judgement.passed).length;
    const skipped = check.configurations.length - cases.length;
    const time = cases.reduce((t, c) => t + (c.reused ? 0 : c.report.result.stats.elapsedMs), 0);
    out.push(`  <testsuite${attrs({
      name: check.name,
      tests: check.configurations.length,
      failures,
      errors: 0,
      skipped,
      time: seconds(time),
      ...(options.timestamp ? { timestamp: options.timestamp.toISOString().replace(/\.\d+Z$/, '') } : {}),
    })}>`);
    // By index: two checks of one model and expectation may make different claims (one held, one failed; other fairness).
    const claim = claims.find((cl) => cl.checks.includes(i));
    out.push('    <properties>');
    out.push(`      <property${attrs({ name: 'model', value: check.model })}/>`);
    out.push(`      <property${attrs({ name: 'expect', value: check.expect })}/>`);
    if (check.description) out.push(`      <property${attrs({ name: 'description', value: check.description })}/>`);
    if (claim) out.push(`      <property${attrs({ name: 'bounded-claim', value: claimText(claim) })}/>`);
    out.push('    </properties>');
    for (const c of cases) out.push(testCase(gate, c, '    '));
    for (const params of notRunOf(gate, i)) {
      out.push(`    <testcase${attrs({ classname: check.name, name: configTitle(check.model, params), time: '0.000' })}>`);
      out.push(`      <skipped${attrs({ message: 'not run: the gate was interrupted' })}/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
