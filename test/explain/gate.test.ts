import { describe, expect, it } from 'vitest';
import { buildClaims, gatePassed, gateTotals, judgeCase } from '../../src/explain/gate.js';
import { checkModel } from '../models/helpers.js';
import { gateReport } from './gate-fixtures.js';

const SEMAPHORE_DEADLOCK = { writers: 2, 'cow-threshold': 1, ctrs: 1 };
const SEMAPHORE_DEADLOCK_AXES = { writers: [2], 'cow-threshold': [1], ctrs: [1] };

describe('judgeCase', () => {
  const deadlock = checkModel('dm-snapshot/semaphore', SEMAPHORE_DEADLOCK);
  const ok = checkModel('dm-snapshot/semaphore', { ...SEMAPHORE_DEADLOCK, rwsem: 'reader-preferring' });
  const bound = checkModel('dm-snapshot/unthrottled', { writers: 3, 'max-inflight': 2 });
  const noProp = { requireSteps: false } as const;

  it('passes a found deadlock expected as one, and fails it expected ok', () => {
    expect(judgeCase(deadlock, { expect: 'deadlock', ...noProp })).toMatchObject({ passed: true, reason: expect.stringMatching(/^deadlock found, as expected: a deadlock after 9 steps \(cycle: /) });
    expect(judgeCase(deadlock, { expect: 'ok', ...noProp })).toMatchObject({ passed: false, reason: expect.stringMatching(/^expected ok, found a deadlock after 9 steps/) });
  });

  it('says the model no longer finds the bug when an expected deadlock is gone', () => {
    expect(judgeCase(ok, { expect: 'deadlock', ...noProp })).toEqual({ passed: false, reason: 'expected a deadlock, found no deadlock and every property holds: the model no longer finds the bug' });
  });

  it('checks the violated property by name when one is given', () => {
    expect(judgeCase(bound, { expect: 'invariant', property: 'in-flight copies <= 2', requireSteps: false }).passed).toBe(true);
    expect(judgeCase(bound, { expect: 'invariant', requireSteps: false }).passed).toBe(true);
    expect(judgeCase(bound, { expect: 'invariant', property: 'other', requireSteps: false })).toMatchObject({ passed: false, reason: expect.stringContaining('expected a violation of "other", found "in-flight copies <= 2" violated') });
    expect(judgeCase(deadlock, { expect: 'invariant', requireSteps: false }).passed).toBe(false);
  });

  it('fails an ok whose required steps never ran only when requireSteps is set, naming the steps', () => {
    // Two writers and a threshold of 1: the throttle never bites, so nobody sleeps.
    const idle = checkModel('dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    expect(idle.result.verdict).toBe('ok');
    expect(judgeCase(idle, { expect: 'ok', requireSteps: false }).passed).toBe(true);
    const j = judgeCase(idle, { expect: 'ok', requireSteps: true });
    expect(j.passed).toBe(false);
    expect(j.reason).toMatch(/^ok, but required steps never ran, so the proof is vacuous: /);
    expect(j.reason).toContain("writer 'sleep' (wait_for_in_progress: io_schedule())");
    expect(j.reason).toContain("kcopyd 'end_copy/wake'");
    // Three writers: they do sleep and are woken.
    const biting = checkModel('dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 1, ctrs: 1 });
    expect(judgeCase(biting, { expect: 'ok', requireSteps: true }).passed).toBe(true);
  });

  it('never passes a search cut short', () => {
    const cut = { ...ok, result: { ...ok.result, verdict: 'unknown' as const, completion: 'state-limit' as const } };
    expect(judgeCase(cut, { expect: 'ok', ...noProp })).toMatchObject({ passed: false, reason: expect.stringMatching(/^expected ok, found no verdict: the search stopped \(state-limit\)/) });
    const stopped = { ...ok, result: { ...ok.result, verdict: 'unknown' as const, completion: 'interrupted' as const } };
    expect(judgeCase(stopped, { expect: 'ok', ...noProp }).passed).toBe(false);
  });
});

describe('buildClaims', () => {
  it('groups checks by model and expectation, leaves out grids inside others, and names the bounds', () => {
    const gate = gateReport([
      { name: 'grid', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [0, 1], ctrs: [0] }, expect: 'ok' },
      { name: 'inside', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [0] }, expect: 'ok' },
      { name: 'elsewhere', model: 'dm-snapshot/semaphore', params: { writers: [3], ctrs: [1], rwsem: ['reader-preferring'] }, expect: 'ok', symmetry: true },
      { name: 'bug', model: 'dm-snapshot/semaphore', params: SEMAPHORE_DEADLOCK_AXES, expect: 'deadlock' },
    ]);
    const claims = buildClaims(gate);
    expect(claims.map((c) => [c.model, c.expect, c.holds])).toEqual([
      ['dm-snapshot/semaphore', 'ok', true],
      ['dm-snapshot/semaphore', 'deadlock', true],
    ]);
    const [ok] = claims;
    expect(ok.configurations).toBe(5);
    expect(ok.grids.map((g) => g.checks)).toEqual([['grid'], ['elsewhere']]);
    expect(ok.grids[0].values).toEqual([
      ['writers', [1, 2]], ['cow-threshold', [0, 1]], ['ctrs', [0]], ['bios', [1]], ['rwsem', ['writer-fair']], ['completion-order', ['submission']],
    ]);
    expect(ok.grids.map((g) => g.reductions)).toEqual([[], ['symmetry']]);
    expect(ok.beyond).toEqual([['writers', 3], ['bios', 1], ['ctrs', 1], ['cow-threshold', 1]]);
    expect(ok.properties[ok.properties.length - 1]).toBe('at end: every origin bio completes');
  });

  it('does not establish a group with a failed or unrun configuration', () => {
    const failed = buildClaims(gateReport([{ name: 'wrong', model: 'dm-snapshot/semaphore', params: { writers: [1, 2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' }]));
    expect(failed[0]).toMatchObject({ holds: false, failed: 1, notRun: 0, configurations: 2 });
    const partial = buildClaims(gateReport([{ name: 'cut', model: 'dm-snapshot/semaphore', params: { writers: [1, 2] }, expect: 'ok' }], { runOnly: 1 }));
    expect(partial[0]).toMatchObject({ holds: false, failed: 0, notRun: 1 });
  });

  it('keeps a check that held out of a claim a failing check of the same model and expectation makes', () => {
    // A trial's gate: the bug expected ok (wrong) and the fix expected ok; the fix's proof must stand on its own.
    const claims = buildClaims(gateReport([
      { name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1] }, expect: 'ok' },
      { name: 'fix', model: 'dm-snapshot/semaphore', params: { writers: [2], 'cow-threshold': [1], ctrs: [1], rwsem: ['reader-preferring'] }, expect: 'ok' },
    ]));
    expect(claims.map((c) => [c.grids.flatMap((g) => g.checks), c.holds, c.failed])).toEqual([[['bug'], false, 1], [['fix'], true, 0]]);
  });

  it('groups only checks with the same fairness, and carries it into the claim', () => {
    const claims = buildClaims(gateReport([
      { name: 'plain', model: 'dm-snapshot/semaphore', params: { writers: [1] }, expect: 'ok' },
      { name: 'weak', model: 'dm-snapshot/semaphore', params: { writers: [1] }, expect: 'ok', fairness: 'weak' },
    ]));
    expect(claims.map((c) => [c.grids.flatMap((g) => g.checks), c.fairness])).toEqual([[['plain'], undefined], [['weak'], 'weak']]);
  });
});

describe('gatePassed and gateTotals', () => {
  it('pass only a complete gate whose every case held', () => {
    const good = gateReport([{ name: 'bug', model: 'dm-snapshot/semaphore', params: SEMAPHORE_DEADLOCK_AXES, expect: 'deadlock' }]);
    expect(gatePassed(good)).toBe(true);
    expect(gateTotals(good)).toMatchObject({ planned: 1, ran: 1, passed: 1, failed: 0, explored: 1 });
    const bad = gateReport([{ name: 'bug', model: 'dm-snapshot/semaphore', params: SEMAPHORE_DEADLOCK_AXES, expect: 'ok' }]);
    expect(gatePassed(bad)).toBe(false);
    const cut = gateReport([{ name: 'c', model: 'dm-snapshot/semaphore', params: { writers: [1, 2] }, expect: 'ok' }], { runOnly: 1 });
    expect(gatePassed(cut)).toBe(false);
  });
});
