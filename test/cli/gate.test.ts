import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { main } from '../../src/cli/main.js';
import { EXPECTATIONS } from '../../src/explain/gate.js';
import { findAll, parseXml } from '../render/parse-xml.js';
import { fakeIO } from './fake-io.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_GATE = JSON.parse(readFileSync(join(ROOT, 'gate.json'), 'utf8')) as GateJson;
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'gate.schema.json'), 'utf8')) as {
  $schema: string;
  required: string[];
  properties: Record<string, unknown>;
  $defs: { check: { required: string[]; properties: Record<string, { enum?: string[] }> } };
};

interface GateCheckJson {
  name: string;
  model: string;
  params?: Record<string, string | number | Array<string | number>>;
  expect: string;
  property?: string;
  requireSteps?: boolean;
  symmetry?: boolean;
  compress?: boolean;
}
interface GateJson {
  $schema?: string;
  checks: GateCheckJson[];
}

/** A temporary directory holding `gate.json` (and, with `extra`, more files). */
function gateDir(gate: unknown, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-gate-'));
  writeFileSync(join(dir, 'gate.json'), typeof gate === 'string' ? gate : JSON.stringify(gate, null, 2));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

async function runGate(dir: string, ...args: string[]) {
  const io = fakeIO(dir);
  const code = await main(['gate', ...args], io);
  return { code, io, out: io.out.join('\n'), err: io.err.join('\n') };
}

const read = (dir: string, ...path: string[]) => readFileSync(join(dir, ...path), 'utf8');

describe('interleave gate', () => {
  it('describes itself with --help and is listed in the top-level usage', async () => {
    const help = fakeIO();
    expect(await main(['gate', '--help'], help)).toBe(0);
    expect(help.out.join('\n')).toMatch(/^usage: interleave gate \[--config FILE\]/);
    expect(help.out.join('\n')).toContain('exit codes: 0 every expectation holds, 1 some expectation does not hold,');
    const top = fakeIO();
    await main(['--help'], top);
    expect(top.out.join('\n')).toMatch(/^\s+gate\s+the CI proof gate/m);
  });

  it('exits 1 when an expectation is wrong, and its JUnit file names the failing check', async () => {
    const dir = gateDir({
      checks: [
        { name: 'the bug stays found', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 }, expect: 'deadlock', compress: true },
        { name: 'semaphore wrongly expected ok', model: 'dm-snapshot/semaphore', params: { writers: '1..2', 'cow-threshold': 1, ctrs: 1 }, expect: 'ok' },
      ],
    });
    const { code, out, err } = await runGate(dir);
    expect(code).toBe(1);

    const junit = parseXml(read(dir, 'out', 'gate', 'junit.xml'));
    expect(junit.attrs).toMatchObject({ tests: '3', failures: '1' });
    const failing = findAll(junit, 'testcase').filter((c) => findAll(c, 'failure').length > 0);
    expect(failing.map((c) => [c.attrs.classname, c.attrs.name])).toEqual([
      ['semaphore wrongly expected ok', 'dm-snapshot/semaphore writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission'],
    ]);
    const failure = findAll(failing[0], 'failure')[0];
    expect(failure.attrs.message).toMatch(/^expected ok, found a deadlock after 9 steps \(cycle: writer#\d -> cow_count/);
    // The trace and the diagrams of the failure, which exist.
    expect(failure.text).toContain('register_snapshot: down_write(&_origins_lock)');
    const svg = /out\/gate\/cases\/[^\s]+\/waitfor\.svg/.exec(failure.text)?.[0];
    expect(svg).toBeDefined();
    expect(read(dir, svg!)).toMatch(/<svg/);

    const summary = read(dir, 'out', 'gate', 'summary.md');
    expect(summary).toMatch(/^# interleave proof gate: ❌ FAILED/);
    expect(summary).toContain('### ❌ semaphore wrongly expected ok: dm-snapshot/semaphore writers=2');
    // Each failure links its explorer, relative to summary.md's own folder; so does the deadlock the first check expected.
    const failureSection = summary.slice(summary.indexOf('## Failures'));
    const link = /\[explorer\.html\]\((cases\/[^)\s]+\/explorer\.html)\)/.exec(failureSection)?.[1];
    expect(link).toBeDefined();
    expect(read(dir, 'out', 'gate', decodeURI(link!))).toMatch(/^<!doctype html>[^]*<script id="explorer-data" type="application\/json">/);
    expect(summary).toMatch(/## Counterexamples found as expected\n\n- the bug stays found: dm-snapshot\/semaphore writers=2 [^\n]*\[explorer\.html\]\(cases\//);
    // That check asked for the compressed store, and its case says it was used.
    const expected = /- the bug stays found: [^\n]*\[explorer\.html\]\((cases\/[^)\s]+)\/explorer\.html\)/.exec(summary)?.[1];
    expect(JSON.parse(read(dir, 'out', 'gate', decodeURI(expected!), 'result.json'))).toMatchObject({ verdict: 'deadlock', compressed: true });
    expect(JSON.parse(read(dir, 'out', 'gate', 'gate.json'))).toMatchObject({ schema: 'interleave/gate@1', passed: false, totals: { planned: 3, failed: 1 } });

    // Plain output: a line per configuration on stderr, the report on stdout.
    expect(err).toContain('[3/3] FAIL semaphore wrongly expected ok: dm-snapshot/semaphore writers=2');
    expect(out).toContain('NOT established: dm-snapshot/semaphore: expected no deadlock and no violation');
    expect(out.trimEnd().split('\n').pop()).toMatch(/^interleave gate gate\.json: FAILED: 1 of 3 configurations did not meet their expectation/);
  });

  it('fails an ok whose required steps never ran when the check asks for them', async () => {
    const dir = gateDir({ checks: [{ name: 'vacuous', model: 'dm-snapshot/in-progress', params: { writers: 2, 'cow-threshold': 1 }, expect: 'ok', requireSteps: true }] });
    const { code } = await runGate(dir);
    expect(code).toBe(1);
    const failure = findAll(parseXml(read(dir, 'out', 'gate', 'junit.xml')), 'failure')[0];
    expect(failure.attrs.type).toBe('vacuous');
    expect(failure.attrs.message).toContain("writer 'sleep' (wait_for_in_progress: io_schedule())");
  });

  it('explores a configuration shared by two checks once and judges it for both', async () => {
    const dir = gateDir({
      checks: [
        { name: 'grid', model: 'dm-snapshot/in-progress', params: { writers: '2..3', 'cow-threshold': 1 }, expect: 'ok' },
        { name: 'bites', model: 'dm-snapshot/in-progress', params: { writers: 3, 'cow-threshold': 1 }, expect: 'ok', requireSteps: true },
      ],
    });
    const { code, io } = await runGate(dir, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(io.out.join('\n')) as { totals: Record<string, number>; checks: Array<{ cases: Array<{ reused: boolean; states: number }> }> };
    expect(json.totals).toMatchObject({ planned: 3, ran: 3, explored: 2, passed: 3 });
    expect(json.checks[1].cases[0]).toMatchObject({ reused: true, states: json.checks[0].cases[1].states });
  });

  it('reads --config relative to the working directory and writes under --out', async () => {
    const dir = gateDir('{}', {
      'my-gate.json': JSON.stringify({ checks: [{ name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 }, expect: 'deadlock' }] }),
    });
    const { code, out } = await runGate(dir, '--config', 'my-gate.json', '--out', 'ci', '--quiet');
    expect(code).toBe(0);
    expect(out).toMatch(/^interleave gate my-gate\.json: PASSED: every expectation holds \(1 configuration in 1 check, /);
    expect(existsSync(join(dir, 'ci', 'junit.xml'))).toBe(true);
    expect(existsSync(join(dir, 'ci', 'summary.md'))).toBe(true);
    // The found deadlock's evidence is kept too.
    expect(existsSync(join(dir, 'ci', 'cases', 'dm-snapshot-semaphore--writers-2_bios-1_ctrs-1_rwsem-writer-fair_cow-threshold-1_completion-order-submission', 'trace.svg'))).toBe(true);
  });

  it('removes case folders an earlier run left, and nothing else', async () => {
    const dir = gateDir({ checks: [{ name: 'fine', model: 'dm-snapshot/semaphore', params: { writers: 1 }, expect: 'ok' }] });
    const stale = join(dir, 'out', 'gate', 'cases', 'old-run');
    const mine = join(dir, 'out', 'gate', 'cases', 'notes');
    mkdirSync(stale, { recursive: true });
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(stale, 'result.json'), '{}');
    writeFileSync(join(mine, 'keep.txt'), 'mine');
    expect((await runGate(dir, '--quiet')).code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(join(mine, 'keep.txt'))).toBe(true);
  });

  it('exits 130 when interrupted, with the configurations not run skipped in the JUnit file', async () => {
    const dir = gateDir({ checks: [{ name: 'c', model: 'dm-snapshot/semaphore', params: { writers: '1..3' }, expect: 'ok' }] });
    const io = fakeIO(dir);
    (io.signal as { aborted: boolean }).aborted = true;
    expect(await main(['gate', '--quiet'], io)).toBe(130);
    const junit = parseXml(read(dir, 'out', 'gate', 'junit.xml'));
    expect(junit.attrs).toMatchObject({ tests: '3', skipped: '3', failures: '0' });
    expect(io.out.join('\n')).toMatch(/INTERRUPTED after 0 of 3 configurations/);
  });

  it('does not say every expectation holds in a shard interrupted before it ran anything', async () => {
    const dir = gateDir({ checks: [{ name: 'c', model: 'dm-snapshot/semaphore', params: { writers: '1..3' }, expect: 'ok' }] });
    const io = fakeIO(dir);
    (io.signal as { aborted: boolean }).aborted = true;
    expect(await main(['gate', '--shard', '1/2', '--quiet'], io)).toBe(130);
    const line = io.out.join('\n');
    expect(line).toMatch(/shard 1\/2: INTERRUPTED after 0 of \d+ configurations \(/);
    expect(line).not.toContain('every expectation holds');
  });
});

describe('interleave gate with a malformed gate file', () => {
  const ok = { name: 'a', model: 'dm-snapshot/semaphore', expect: 'ok' };
  it.each([
    ['a wrong expectation', { checks: [ok, ok, ok, { ...ok, name: 'd', expect: 'fine' }] }, 'checks[3].expect: must be one of ok, deadlock, invariant, liveness, got string "fine"'],
    ['a missing field', { checks: [{ name: 'a', expect: 'ok' }] }, 'checks[0].model: is required'],
    ['an unknown model', { checks: [{ ...ok, model: 'dm-snapshot/semaphor' }] }, 'checks[0].model: unknown model "dm-snapshot/semaphor" (known models: dm-snapshot/unthrottled'],
    ['an unknown parameter', { checks: [{ ...ok, params: { writer: 2 } }] }, 'checks[0].params.writer: dm-snapshot/semaphore has no parameter "writer" (known: writers 1..8, bios 1..8'],
    ['a parameter named like an Object.prototype property', { checks: [{ ...ok, params: { constructor: 1 } }] }, 'checks[0].params.constructor: dm-snapshot/semaphore has no parameter "constructor" (known: writers 1..8'],
    ['a parameter named __proto__', '{ "checks": [{ "name": "a", "model": "dm-snapshot/semaphore", "expect": "ok", "params": { "__proto__": "1" } }] }', 'checks[0].params.__proto__: dm-snapshot/semaphore has no parameter "__proto__" (known: writers 1..8'],
    ['a value out of range', { checks: [{ ...ok, params: { writers: '1..9' } }] }, 'checks[0].params.writers: range 1..9 is outside 1..8 (dm-snapshot/semaphore accepts 1..8)'],
    ['an unknown enum value', { checks: [{ ...ok, params: { rwsem: ['writer-fair', 'fair'] } }] }, 'checks[0].params.rwsem: has no value "fair" (dm-snapshot/semaphore accepts writer-fair|reader-preferring)'],
    ['a fractional value', { checks: [{ ...ok, params: { ctrs: 1.5 } }] }, 'checks[0].params.ctrs: must be one value (3, "writer-fair"), an inclusive integer range ("1..4"), a list ("a,b", "0,2..4"), or an array of values and ranges; got number 1.5'],
    ['an unknown field', { checks: [{ ...ok, expected: 'ok' }] }, 'checks[0].expected: unknown field (known: name, description, model, params, expect, property, requireSteps, fairness, symmetry, compress, workers)'],
    ['a duplicate name', { checks: [ok, ok] }, 'checks[1].name: "a" is already the name of checks[0]; names must be unique'],
    ['requireSteps on a deadlock check', { checks: [{ ...ok, expect: 'deadlock', requireSteps: true }] }, 'checks[0].requireSteps: only applies to expect "ok"'],
    ['property on an ok check', { checks: [{ ...ok, property: 'x' }] }, 'checks[0].property: only applies to expect "invariant" or "liveness"'],
    ['bad workers', { checks: [{ ...ok, workers: 0 }] }, 'checks[0].workers: must be an integer in 1..64, got number 0'],
    ['compress with workers', { checks: [{ ...ok, compress: true, workers: 2 }] }, 'checks[0].compress: cannot be used with workers 2'],
    ['no checks', { checks: [] }, 'checks: must hold at least 1 item'],
    ['checks not an array', { checks: { a: ok } }, 'checks: must be an array, got an object'],
    ['not an object', [ok], 'gate.json: must be an object, got an array'],
    ['a blank name', { checks: [{ ...ok, name: ' ' }] }, 'gate.json: checks[0].name: must not be blank'],
    ['a fairness typo', { checks: [{ ...ok, fairness: 'wek' }] }, 'checks[0].fairness: '],
    ['broken JSON', '{\n  "checks": [\n    { "name": "a", }\n  ]\n}', 'not valid JSON at line 3, column'],
  ])('exits 2 for %s, naming the field', async (_what, gate, message) => {
    const dir = gateDir(gate);
    const { code, err, out } = await runGate(dir);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toMatch(/^interleave: gate\.json/);
    expect(err).toContain('hint: the gate file\'s format is described by gate.schema.json');
    expect(out).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('lists every problem at once', async () => {
    const dir = gateDir({ checks: [{ name: 'a', model: 'dm-snapshot/semaphore', params: { writers: 0 }, expect: 'maybe' }], extra: 1 });
    const { code, err } = await runGate(dir);
    expect(code).toBe(2);
    expect(err.split('\n').slice(0, 4)).toEqual([
      'interleave: gate.json has 3 problems:',
      '  extra: unknown field (known: $schema, description, checks)',
      '  checks[0].expect: must be one of ok, deadlock, invariant, liveness, got string "maybe"',
      '  checks[0].params.writers: 0 is outside 1..8 (dm-snapshot/semaphore accepts 1..8)',
    ]);
  });

  it('exits 2 when the gate file is missing', async () => {
    const dir = gateDir({ checks: [] });
    const { code, err } = await runGate(dir, '--config', 'nope.json');
    expect(code).toBe(2);
    expect(err).toMatch(/^interleave: nope\.json: no such file/);
  });
});

describe('the default gate file', () => {
  it('validates against the published schema\'s fields and expectations', () => {
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(DEFAULT_GATE.$schema).toBe('./gate.schema.json');
    expect(SCHEMA.$defs.check.properties.expect.enum).toEqual([...EXPECTATIONS]);
    expect(SCHEMA.$defs.check.required.sort()).toEqual(['expect', 'model', 'name']);
  });

  it('holds the dm-snapshot expectations of issue 5', () => {
    const checks = DEFAULT_GATE.checks;
    const find = (model: string, expect: string, params: Record<string, unknown>) =>
      checks.filter((c) => c.model === model && c.expect === expect && Object.entries(params).every(([k, v]) => JSON.stringify(c.params?.[k]) === JSON.stringify(v)));
    // The fix: exactly the acceptance grid, explored without reductions.
    const fix = find('dm-snapshot/in-progress', 'ok', { writers: '1..4', 'cow-threshold': '0..2', ctrs: '0..2', rwsem: ['writer-fair', 'reader-preferring'] });
    expect(fix.length).toBe(1);
    expect(fix[0].symmetry ?? false).toBe(false);
    // Where the throttle bites, the wait-queue path must run.
    expect(find('dm-snapshot/in-progress', 'ok', { writers: '3..4', 'cow-threshold': '0..1' })[0]?.requireSteps).toBe(true);
    // The bug at its smallest failing configuration, and the contrast.
    expect(find('dm-snapshot/semaphore', 'deadlock', { writers: 2, 'cow-threshold': 1, ctrs: 1 })).toHaveLength(1);
    expect(find('dm-snapshot/semaphore', 'ok', { rwsem: 'reader-preferring' })).toHaveLength(1);
    // Every mutant of the fix is caught.
    const def = registry.find((d) => d.name === 'dm-snapshot/in-progress')!;
    const mutants = (def.params.mutant as unknown as { values: string[] }).values.filter((m) => m !== 'none');
    expect(mutants.length).toBeGreaterThan(0);
    for (const m of mutants) expect(find('dm-snapshot/in-progress', 'deadlock', { mutant: m }), m).toHaveLength(1);
    // Unthrottled breaks a fixed in-flight bound.
    const bound = find('dm-snapshot/unthrottled', 'invariant', { 'max-inflight': 2 });
    expect(bound.length).toBeGreaterThan(0);
    expect(new Set(bound.map((c) => c.property))).toEqual(new Set(['in-flight copies <= 2']));
  });

  it('passes in a reduced copy (writers capped at 3; .ci/run runs the full gate)', async () => {
    const cap = (v: string | number | Array<string | number> | undefined) => {
      if (typeof v === 'number') return Math.min(v, 3);
      const range = typeof v === 'string' ? /^(\d+)\.\.(\d+)$/.exec(v) : null;
      if (!range) return v;
      const hi = Math.min(Number(range[2]), 3);
      return `${Math.min(Number(range[1]), hi)}..${hi}`;
    };
    const reduced = { ...DEFAULT_GATE, checks: DEFAULT_GATE.checks.map((c) => ({ ...c, params: { ...c.params, ...(c.params?.writers !== undefined ? { writers: cap(c.params.writers) } : {}) } })) };
    const dir = gateDir(reduced);
    const { code, out, err } = await runGate(dir);
    expect(code, `${out}\n${err}`).toBe(0);
    expect(out).toMatch(/dm-snapshot\/in-progress: no deadlock, and every property holds .* for writers 1\.\.3, cow-threshold 0\.\.2, ctrs 0\.\.2, rwsem writer-fair\|reader-preferring, with bios=1, mutant=none, completion-order=submission \(54 configurations\)/);
    expect(out).toMatch(/Bounded: says nothing about writers > 3, bios > 1, cow-threshold > 2\./);
    expect(out).toContain('dm-snapshot/semaphore: a deadlock is reachable at writers=2, cow-threshold=1, ctrs=1');
    expect(read(dir, 'out', 'gate', 'summary.md')).toMatch(/^# interleave proof gate: ✅ PASSED/);
    const junit = parseXml(read(dir, 'out', 'gate', 'junit.xml'));
    expect(junit.attrs.failures).toBe('0');
    expect(findAll(junit, 'testsuite').map((s) => s.attrs.name)).toEqual(DEFAULT_GATE.checks.map((c) => c.name));
    // The whole default gate (every subject) in one process: minutes when many test runs share 2 cores.
  }, 600_000);
});
