/**
 * Issue 18's acceptance for gates: the repository's gate, split into N = 1,
 * 3 and 7 shards and merged, writes the junit.xml, gate.json and summary.md
 * an unsharded run writes (timings aside), with the same exit code; and
 * merge refuses missing, duplicated and foreign parts, naming them.
 *
 * Budget: one unsharded run of the whole gate in this process; N = 1 and 7
 * and the --costs split in this process on the whole gate, reusing the
 * unsharded run's explorations (runCheck memoised below: each shard still
 * partitions, judges, writes its cases and its part, and merge still
 * renders from the parts). N = 3 as three real `node bin/interleave.js gate
 * --shard I/3` processes, on the gate cut down to a few cheap
 * configurations of the same checks (shown in `reducedGate`: a
 * configuration two checks share, symmetry, a deadlock and a liveness
 * lasso), compared with an unsharded run of that cut-down gate: real
 * processes explore everything again, and the whole gate would cost them
 * as much CPU as the rest of this file.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, REPO_GATE, spawnCli, withoutTimings } from './shard-support.js';

vi.mock('../../src/cli/run-check.js', async (importOriginal) => {
  const { memoizeRunCheck } = await import('./memo-run-check.js');
  return memoizeRunCheck(await importOriginal());
});

const FILES = ['junit.xml', 'gate.json', 'summary.md'] as const;

function dirWithGate(gate = REPO_GATE): string {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-shard-'));
  copyFileSync(gate, join(dir, 'gate.json'));
  return dir;
}

/** The repository's gate, a few of its checks on small configurations (23 in all, about 3 s of CPU). */
function reducedGate(): string {
  const gate = JSON.parse(readFileSync(REPO_GATE, 'utf8')) as { $schema?: string; checks: Array<{ name: string; params?: Record<string, unknown> }> };
  const check = (name: string, params: Record<string, unknown> = {}) => {
    const c = gate.checks.find((k) => k.name.startsWith(name));
    if (!c) throw new Error(`the repository's gate has no check ${JSON.stringify(name)}`);
    return { ...c, params: { ...c.params, ...params } };
  };
  const checks = [
    // These two share their writers=2, cow-threshold=0 configurations: explored once, by one shard.
    check('in-progress: the fix never deadlocks', { writers: '1..2', 'cow-threshold': '0..1', ctrs: '0..1' }),
    check('in-progress: the throttle bites', { writers: 2, 'cow-threshold': 0, ctrs: '0..1' }),
    check('in-progress: the fix never deadlocks with 5 and 6 writers', { writers: 3, 'cow-threshold': 0, ctrs: 1 }),
    check('semaphore: the dm-snapshot deadlock'),
    check('semaphore, reader-preferring: snapshot_ctr starves'),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'interleave-reduced-gate-'));
  const file = join(dir, 'gate.json');
  writeFileSync(file, JSON.stringify({ ...gate, $schema: undefined, checks }, null, 2));
  return file;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('interleave merge of a sharded gate', () => {
  let unsharded: { dir: string; code: number };
  let reducedUnsharded: { dir: string; code: number };
  let realShards: { dir: string; codes: number[] };

  beforeAll(async () => {
    const reduced = reducedGate();
    const real = dirWithGate(reduced);
    const running = [1, 2, 3].map((i) => spawnCli(real, ['gate', '--shard', `${i}/3`, '--out', join('parts', `shard-${i}`), '--quiet']));
    const dir = dirWithGate();
    unsharded = { dir, code: (await cli(dir, 'gate', '--out', 'out', '--quiet')).code };
    const small = dirWithGate(reduced);
    reducedUnsharded = { dir: small, code: (await cli(small, 'gate', '--out', 'out', '--quiet')).code };
    const ran = await Promise.all(running);
    for (const r of ran) expect(r.stderr).toBe('');
    realShards = { dir: real, codes: ran.map((r) => r.code) };
  }, 900_000);

  async function mergeInto(partsDir: string) {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-merged-'));
    const r = await cli(dir, 'merge', partsDir, '--out', 'out', '--quiet');
    return { dir, ...r };
  }

  function expectSameAsUnsharded(merged: { dir: string; code: number }, whole = unsharded) {
    expect(merged.code).toBe(whole.code);
    for (const f of FILES) expect(withoutTimings(read(join(merged.dir, 'out'), f)), f).toBe(withoutTimings(read(join(whole.dir, 'out'), f)));
    // The same evidence: one directory per failure and per check's first counterexample.
    expect(readdirSync(join(merged.dir, 'out', 'cases')).sort()).toEqual(readdirSync(join(whole.dir, 'out', 'cases')).sort());
  }

  it('with N = 3 shards run as separate processes, writes what the unsharded gate writes', async () => {
    expect(unsharded.code).toBe(0);
    expect(reducedUnsharded.code).toBe(0);
    expect(realShards.codes).toEqual([0, 0, 0]);
    const sizes = [1, 2, 3].map((i) => (JSON.parse(read(join(realShards.dir, 'parts', `shard-${i}`), 'part.json')) as { body: { cases: unknown[] } }).body.cases.length);
    // Every shard got a share (balanced by the size heuristic), and together every configuration.
    expect(sizes.every((n) => n > 0)).toBe(true);
    const total = (JSON.parse(read(join(reducedUnsharded.dir, 'out'), 'gate.json')) as { totals: { planned: number } }).totals.planned;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expectSameAsUnsharded(await mergeInto(join(realShards.dir, 'parts')), reducedUnsharded);
  }, 600_000);

  it.each([1, 7])('with N = %i shards, writes what the unsharded gate writes', async (n) => {
    const dir = dirWithGate();
    for (let i = 1; i <= n; i++) {
      const r = await cli(dir, 'gate', '--shard', `${i}/${n}`, '--out', join('parts', `shard-${i}`), '--quiet');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`shard ${i}/${n}`);
    }
    expectSameAsUnsharded(await mergeInto(join(dir, 'parts')));
  }, 600_000);

  it('balances by the state counts of an earlier gate.json with --costs, and still merges to the same result', async () => {
    const dir = dirWithGate();
    copyFileSync(join(unsharded.dir, 'out', 'gate.json'), join(dir, 'costs.json'));
    for (let i = 1; i <= 3; i++) expect((await cli(dir, 'gate', '--shard', `${i}/3`, '--costs', 'costs.json', '--out', join('parts', `s${i}`), '--quiet')).code).toBe(0);
    const explored = [1, 2, 3].map((i) => (JSON.parse(read(join(dir, 'parts', `s${i}`), 'part.json')) as { body: { cases: Array<{ reused: boolean; report: { result: { stats: { states: number } } } }> } })
      .body.cases.filter((c) => !c.reused).map((c) => c.report.result.stats.states));
    const loads = explored.map((s) => s.reduce((a, b) => a + b, 0));
    const total = loads.reduce((a, b) => a + b, 0);
    // Longest first to the least loaded shard: no shard carries more than an even share plus one exploration.
    expect(Math.max(...loads)).toBeLessThanOrEqual(total / 3 + Math.max(...explored.flat()));
    expectSameAsUnsharded(await mergeInto(join(dir, 'parts')));
  }, 600_000);
});

describe('interleave merge refuses parts that do not make one gate', () => {
  const small = {
    checks: [
      { name: 'the bug stays found', model: 'dm-snapshot/semaphore', params: { writers: '2..3', 'cow-threshold': 1, ctrs: 1 }, expect: 'deadlock' },
      { name: 'the fix holds', model: 'dm-snapshot/in-progress', params: { writers: '1..2', ctrs: '0..1' }, expect: 'ok' },
    ],
  };

  async function shards(gate: unknown, n: number, under: string) {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-refuse-'));
    writeFileSync(join(dir, 'gate.json'), JSON.stringify(gate, null, 2));
    for (let i = 1; i <= n; i++) expect((await cli(dir, 'gate', '--shard', `${i}/${n}`, '--out', join(under, `s${i}`), '--quiet')).code).toBe(0);
    return dir;
  }

  it('names a missing shard', async () => {
    const dir = await shards(small, 3, 'parts');
    const r = await cli(dir, 'merge', join('parts', 's1'), join('parts', 's3'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^interleave: merge: missing shard 2\/3 \(have 1\/3, 3\/3\)/);
    expect(existsSync(join(dir, 'out', 'gate', 'junit.xml'))).toBe(false);
  });

  it('keeps every configuration the shards ran when one was interrupted, and marks only the rest not run', async () => {
    const dir = await shards(small, 2, 'parts');
    const file = join(dir, 'parts', 's1', 'part.json');
    const part = JSON.parse(read(join(dir, 'parts', 's1'), 'part.json')) as { complete: boolean; body: { cases: unknown[] } };
    expect(part.body.cases.length).toBeGreaterThan(0);
    // As if Ctrl-C came before this shard's first configuration ran.
    const dropped = part.body.cases.length;
    const body = { ...part.body, cases: [] };
    writeFileSync(file, JSON.stringify({ ...part, complete: false, body, bodySha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') }));
    const merged = await cli(dir, 'merge', join('parts', 's1'), join('parts', 's2'), '--out', 'merged', '--quiet');
    expect(merged.code).toBe(130);
    const gate = JSON.parse(read(join(dir, 'merged'), 'gate.json')) as { totals: { planned: number; ran: number } };
    expect(gate.totals.ran).toBe(gate.totals.planned - dropped);
    expect(read(join(dir, 'merged'), 'junit.xml').match(/<skipped /g)).toHaveLength(dropped);
  });

  it('refuses a part whose results were changed after its shard wrote them', async () => {
    const dir = await shards(small, 2, 'parts');
    const file = join(dir, 'parts', 's2', 'part.json');
    writeFileSync(file, read(join(dir, 'parts', 's2'), 'part.json').replace(/"verdict":"(ok|deadlock)"/, '"verdict":"liveness"'));
    const r = await cli(dir, 'merge', join('parts', 's1'), join('parts', 's2'), '--out', 'merged');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^interleave: merge: parts\/s2: part\.json's results are not the ones its shard wrote \(their checksum does not match\)/);
    expect(existsSync(join(dir, 'merged', 'junit.xml'))).toBe(false);
  });

  it('names a duplicated shard', async () => {
    const dir = await shards(small, 2, 'parts');
    mkdirSync(join(dir, 'again'));
    copyFileSync(join(dir, 'parts', 's2', 'part.json'), join(dir, 'again', 'part.json'));
    const r = await cli(dir, 'merge', join('parts', 's1'), join('parts', 's2'), 'again');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^interleave: merge: shard 2\/2 is given 2 times: .*s2, .*again/);
  });

  it('refuses a shard from a different gate file', async () => {
    const dir = await shards(small, 2, 'parts');
    const other = await shards({ ...small, description: 'edited' }, 2, 'parts');
    const r = await cli(dir, 'merge', join('parts', 's1'), join(other, 'parts', 's2'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ran a different gate file \(gate\.json, sha256 [0-9a-f]{12}\) than .*shard 1\/2/);
  });

  it('refuses parts written by another interleave version or with another model', async () => {
    const dir = await shards(small, 2, 'parts');
    const file = join(dir, 'parts', 's2', 'part.json');
    const part = JSON.parse(readFileSync(file, 'utf8')) as { interleave: string; models: Record<string, string> };
    writeFileSync(file, JSON.stringify({ ...part, interleave: '0.0.1' }));
    expect((await cli(dir, 'merge', 'parts')).err).toMatch(/was written by interleave 0\.0\.1, .* by interleave \d/);
    writeFileSync(file, JSON.stringify({ ...part, models: { ...part.models, 'dm-snapshot/semaphore': 'f'.repeat(64) } }));
    expect((await cli(dir, 'merge', 'parts')).err).toMatch(/model dm-snapshot\/semaphore differs between/);
  });
});
