import { describe, expect, it } from 'vitest';
import { buildClaims } from '../../src/explain/gate.js';
import { finalReportToText } from '../../src/render/final-report.js';
import { claimText, formatValues, gateSummaryLine, gateToMarkdown } from '../../src/render/gate-summary.js';
import { gateReport } from '../explain/gate-fixtures.js';

describe('formatValues', () => {
  it('writes consecutive integers as ranges and enum values joined by |', () => {
    expect(formatValues([1, 2, 3, 4])).toBe('1..4');
    expect(formatValues([4, 0, 2, 3])).toBe('0,2..4');
    expect(formatValues([5])).toBe('5');
    expect(formatValues(['writer-fair', 'reader-preferring'])).toBe('writer-fair|reader-preferring');
  });
});

describe('claimText', () => {
  const gate = gateReport([
    { name: 'fix', model: 'dm-snapshot/in-progress', params: { writers: [1, 2, 3], 'cow-threshold': [0, 1], ctrs: [1] }, expect: 'ok' },
    { name: 'bites', model: 'dm-snapshot/in-progress', params: { writers: [3], 'cow-threshold': [0, 1], ctrs: [1] }, expect: 'ok', requireSteps: true },
    { name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' },
    { name: 'bound', model: 'dm-snapshot/unthrottled', params: { writers: [3, 4], 'max-inflight': [2] }, expect: 'invariant', property: 'in-flight copies <= 2' },
  ]);
  const [fix, bug, bound] = buildClaims(gate).map(claimText);

  it('states a proof with its ranges, the fixed values and what it says nothing about', () => {
    expect(fix).toBe(
      'dm-snapshot/in-progress: no deadlock, and every property holds (always: in_progress <= cow_threshold + writers (soft bound); at end: every origin bio completes), ' +
        'in every schedule, for writers 1..3, cow-threshold 0..1, with ctrs=1, bios=1, rwsem=writer-fair, mutant=none, completion-order=submission (6 configurations). ' +
        'Not vacuous: every step the model marks required ran for cow-threshold 0..1, with writers=3, ctrs=1, bios=1, rwsem=writer-fair, mutant=none, completion-order=submission (2 configurations). ' +
        'Bounded: says nothing about writers > 3, bios > 1, ctrs > 1, cow-threshold > 1.',
    );
  });

  it('states found bugs as reachable at the configurations where they were found', () => {
    expect(bug).toBe('dm-snapshot/semaphore: a deadlock is reachable at writers=2, cow-threshold=1, ctrs=1, bios=1, rwsem=writer-fair, completion-order=submission (1 configuration).');
    expect(bound).toBe('dm-snapshot/unthrottled: "in-flight copies <= 2" is violated in every configuration of writers 3..4, with max-inflight=2, bios=1, ctrs=1, rwsem=writer-fair, completion-order=submission (2 configurations).');
  });

  it('says NOT established when an expectation failed', () => {
    const failed = gateReport([{ name: 'x', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' }]);
    expect(claimText(buildClaims(failed)[0])).toBe(
      'NOT established: dm-snapshot/semaphore: expected no deadlock and no violation for writers 1..2, with cow-threshold=1, ctrs=1, bios=1, rwsem=writer-fair, completion-order=submission (2 configurations); of 2 configurations, 1 failed.',
    );
  });

  it('states the fairness a check set, in a proof and in a failure', () => {
    const gate = gateReport([
      { name: 'fix', model: 'dm-snapshot/semaphore', params: { writers: [1] }, expect: 'ok', fairness: 'weak' },
      { name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok', fairness: 'strong' },
    ]);
    const [fix, bug] = buildClaims(gate).map(claimText);
    expect(fix).toMatch(/^dm-snapshot\/semaphore: no deadlock, and every property holds .*, in every schedule \(liveness checked under weak fairness\), for writers=1, /);
    expect(bug).toMatch(/^NOT established: dm-snapshot\/semaphore: expected no deadlock and no violation \(liveness checked under strong fairness\) for writers=2, /);
  });

  it('marks grids explored with symmetry reduction', () => {
    const sym = gateReport([{ name: 's', model: 'dm-snapshot/in-progress', params: { writers: [2, 3] }, expect: 'ok', symmetry: true }]);
    expect(claimText(buildClaims(sym)[0])).toContain('(2 configurations, explored with symmetry reduction)');
  });
});

describe('gateToMarkdown', () => {
  it('leads with the verdict, states the claims, tabulates the checks and details each failure', () => {
    const gate = gateReport([
      { name: 'semaphore | expected ok', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' },
      { name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' },
    ]);
    const md = gateToMarkdown({ ...gate, cases: gate.cases.map((c, i) => (i === 1 ? { ...c, files: { waitforSvg: '/abs/out/gate/cases/x/waitfor.svg' } } : c)) }, { relative: (p) => p.replace('/abs/', '') });
    expect(md).toMatch(/^# interleave proof gate: ❌ FAILED\n/);
    expect(md).toContain('`test-gate.json`: 2 checks, 3 configurations (3 explored), ');
    expect(md).toContain('## What this proves, within which bounds');
    expect(md).toContain('- ❌ NOT established: dm-snapshot/semaphore: expected no deadlock');
    expect(md).toContain('- ✅ dm-snapshot/semaphore: a deadlock is reachable at writers=2');
    expect(md).toContain('| ❌ | semaphore \\| expected ok | dm-snapshot/semaphore | ok | 2 | FAIL (1 of 2) |');
    expect(md).toContain('### ❌ semaphore | expected ok: dm-snapshot/semaphore writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission');
    expect(md).toContain('```text\n#  process');
    expect(md).toContain('Diagrams (in the `out` artifact): `out/gate/cases/x/waitfor.svg`');
  });

  it('says "did not meet its expectation" of one failed configuration and "their" of more', () => {
    const one = gateReport([{ name: 'x', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' }]);
    expect(gateToMarkdown(one)).toContain('1 configuration did not meet its expectation.');
    const two = gateReport([{ name: 'x', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' }, { name: 'y', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' }]);
    expect(gateToMarkdown(two)).toContain('2 configurations did not meet their expectation.');
  });

  it('details every failing check, with its counterexample, however many failures come before it', () => {
    const gate = gateReport([
      { name: 'bug gone', model: 'dm-snapshot/semaphore', params: { writers: [1, 2, 3], 'cow-threshold': [0, 1, 2], ctrs: [0], rwsem: ['writer-fair', 'reader-preferring'] }, expect: 'deadlock' },
      { name: 'fix broken', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' },
    ]);
    const md = gateToMarkdown(gate);
    expect(md).toContain('### ❌ fix broken: dm-snapshot/semaphore writers=2');
    expect(md).toContain('<summary>shortest schedule');
    expect(md.match(/^### ❌/gm)).toHaveLength(10);
    expect(md).toContain('… and 9 more failing configurations of the same checks: see junit.xml.');
    const text = finalReportToText({ kind: 'gate', gate, written: [] });
    expect(text).toContain('FAIL fix broken: dm-snapshot/semaphore writers=2');
  });

  it('says PASSED when every expectation holds', () => {
    const gate = gateReport([{ name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' }]);
    expect(gateToMarkdown(gate)).toMatch(/^# interleave proof gate: ✅ PASSED\n/);
    expect(gateSummaryLine(gate)).toBe('interleave gate test-gate.json: PASSED: every expectation holds (1 configuration in 1 check, 1.23 s)');
  });
});

describe('the gate final report', () => {
  it('ends with the bounded claims and the summary line', () => {
    const gate = gateReport([{ name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' }]);
    const text = finalReportToText({ kind: 'gate', gate, written: ['out/gate/junit.xml'] });
    expect(text).toMatch(/^check\s+model\s+expect\s+configurations\s+result/);
    expect(text).toContain('What this gate proves, within which bounds:\n\n  proved  dm-snapshot/semaphore: a deadlock is reachable at writers=2');
    expect(text).toContain('wrote out/gate/junit.xml');
    expect(text.trimEnd().split('\n').pop()).toBe(gateSummaryLine(gate));
  });
});
