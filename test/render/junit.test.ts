import { describe, expect, it } from 'vitest';
import { escapeXml, gateToJunit } from '../../src/render/junit.js';
import { gateReport } from '../explain/gate-fixtures.js';
import { findAll, parseXml } from './parse-xml.js';

const NASTY = `semaphore <expected> "ok" & 'fine'`;

describe('escapeXml', () => {
  it('escapes the five XML specials and keeps everything else', () => {
    expect(escapeXml(`a<b & "c" > 'd'`)).toBe('a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;');
    expect(escapeXml('writer#2 -> cow_count ✓ 𝄞')).toBe('writer#2 -&gt; cow_count ✓ 𝄞');
  });

  it('drops characters XML 1.0 cannot carry, such as terminal escapes', () => {
    expect(escapeXml('red\u001b[31m\u0000 text\ttab\nline')).toBe('red[31m text\ttab\nline');
    expect(escapeXml('lone \uD800 surrogate')).toBe('lone  surrogate');
  });
});

describe('gateToJunit', () => {
  const gate = gateReport([
    { name: NASTY, model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' },
    { name: 'the bug stays found', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'deadlock' },
    { name: 'bound', model: 'dm-snapshot/unthrottled', params: { writers: [3], 'max-inflight': [2] }, expect: 'invariant', property: 'in-flight copies <= 9' },
  ]);
  const xml = gateToJunit(gate, { timestamp: new Date('2025-01-02T03:04:05.678Z') });
  const root = parseXml(xml);

  it('is well-formed, with totals on <testsuites>', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '4', failures: '2', errors: '0', skipped: '0', time: '1.234' });
  });

  it('has one testsuite per check and one testcase per configuration, named by model and parameters', () => {
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual([NASTY, 'the bug stays found', 'bound']);
    expect(suites[0].attrs).toMatchObject({ tests: '2', failures: '1', timestamp: '2025-01-02T03:04:05' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.classname)).toEqual([NASTY, NASTY, 'the bug stays found', 'bound']);
    expect(cases[1].attrs.name).toBe('dm-snapshot/semaphore writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission');
    for (const c of cases) expect(Number(c.attrs.time)).toBeGreaterThanOrEqual(0);
  });

  it('puts the verdict and counts in each case, and the reason, trace and cycle in a failure', () => {
    const [passing, failing, found] = findAll(root, 'testcase');
    const props = (c: typeof passing) => Object.fromEntries(findAll(c, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(findAll(passing, 'failure')).toEqual([]);
    expect(props(passing)).toMatchObject({ expected: 'ok', verdict: 'ok', completion: 'complete', states: String(gate.cases[0].report.result.stats.states) });
    const [failure] = findAll(failing, 'failure');
    expect(failure.attrs.type).toBe('deadlock');
    expect(failure.attrs.message).toMatch(/^expected ok, found a deadlock after \d+ steps/);
    expect(failure.text).toContain('start_copy: down(&s->cow_count)');
    expect(failure.text).toContain('Blocked forever:');
    expect(failure.text).toMatch(/cycle: writer#\d -> cow_count/);
    expect(props(failing)).toMatchObject({ verdict: 'deadlock', steps: String(gate.cases[1].report.counterexample!.trace.length) });
    expect(findAll(found, 'failure')).toEqual([]);
    expect(findAll(found, 'system-out')[0].text).toMatch(/^deadlock found, as expected/);
  });

  it('names the wrong property when an invariant fails that was not the one expected', () => {
    const [, , , bound] = findAll(root, 'testcase');
    const [failure] = findAll(bound, 'failure');
    expect(failure.attrs.type).toBe('other-property');
    expect(failure.attrs.message).toBe('expected a violation of "in-flight copies <= 9", found "in-flight copies <= 2" violated after 6 steps');
  });

  it('carries the bounded claim of each check as a suite property', () => {
    const suite = findAll(root, 'testsuite')[0];
    const claim = findAll(suite, 'property').find((p) => p.attrs.name === 'bounded-claim');
    expect(claim?.attrs.value).toMatch(/^NOT established: dm-snapshot\/semaphore/);
  });

  it('gives each check its own claim when two checks of one model and expectation claim differently', () => {
    const two = gateReport([
      { name: 'fix holds', model: 'dm-snapshot/in-progress', params: { writers: [1, 2], mutant: ['none'] }, expect: 'ok' },
      { name: 'mutant wrongly expected ok', model: 'dm-snapshot/in-progress', params: { writers: [2], mutant: ['lost-wakeup'], ctrs: [0], 'cow-threshold': [0] }, expect: 'ok' },
    ]);
    const claimOf = (suite: ReturnType<typeof findAll>[number]) => findAll(suite, 'property').find((p) => p.attrs.name === 'bounded-claim')?.attrs.value;
    const [holds, fails] = findAll(parseXml(gateToJunit(two)), 'testsuite');
    expect(claimOf(holds)).toMatch(/^dm-snapshot\/in-progress: no deadlock/);
    expect(claimOf(fails)).toMatch(/^NOT established: dm-snapshot\/in-progress/);
  });

  it('lists the diagram paths of a failure that has them', () => {
    const withFiles = { ...gate, cases: gate.cases.map((c, i) => (i === 1 ? { ...c, files: { report: 'out/gate/cases/x/report.txt', waitforSvg: 'out/gate/cases/x/waitfor.svg', traceDot: 'out/gate/cases/x/trace.dot' } } : c)) };
    const failure = findAll(parseXml(gateToJunit(withFiles)), 'failure')[0];
    expect(failure.text).toContain('diagrams:\n  out/gate/cases/x/waitfor.svg\n  out/gate/cases/x/trace.dot');
    expect(failure.text).toContain('report: out/gate/cases/x/report.txt');
  });

  it('marks the configurations an interrupted gate never ran as skipped', () => {
    const partial = gateReport([{ name: 'c', model: 'dm-snapshot/semaphore', params: { writers: [1, 2, 3] }, expect: 'ok' }], { runOnly: 1 });
    const r = parseXml(gateToJunit(partial));
    expect(r.attrs).toMatchObject({ tests: '3', skipped: '2', failures: '0' });
    const cases = findAll(r, 'testcase');
    expect(cases).toHaveLength(3);
    expect(cases.map((c) => findAll(c, 'skipped').length)).toEqual([0, 1, 1]);
  });
});

describe('parseXml (the test parser itself)', () => {
  it.each([
    ['<a b="<"/>', /bare '<'/],
    ['<a>x & y</a>', /bare '&'/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a><b></a>', /expected <\/b>/],
    ['<a b=c/>', /must be/],
    ['<a b="1" b="2"/>', /duplicate/],
    ['<a>\u0001</a>', /cannot carry/],
    ['<a/><b/>', /after the root/],
  ])('rejects %j', (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
  });
});
