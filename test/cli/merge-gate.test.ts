/**
 * Issue 18's acceptance for gates: the repository's gate, split into N = 1,
 * 3 and 7 shards and merged, writes the junit.xml, gate.json and summary.md
 * an unsharded run writes (timings aside), with the same exit code; and
 * merge refuses missing, duplicated and foreign parts, naming them.
 *
 * Budget: one unsharded run in this process; N = 3 as three real
 * `node bin/interleave.js gate --shard I/3` processes, which explore
 * everything again (started first, so they run beside the unsharded run);
 * N = 1 and 7 in this process, reusing the unsharded run's explorations
 * (runCheck memoised below: each shard still partitions, judges, writes
 * its cases and its part, and merge still renders from the parts).
 */
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

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('interleave merge of a sharded gate', () => {
  let unsharded: { dir: string; code: number };
  let realShards: { dir: string; codes: number[] };

  beforeAll(async () => {
    const real = dirWithGate();
    const running = [1, 2, 3].map((i) => spawnCli(real, ['gate', '--shard', `${i}/3`, '--out', join('parts', `shard-${i}`), '--quiet']));
    const dir = dirWithGate();
    const { code } = await cli(dir, 'gate', '--out', 'out', '--quiet');
    unsharded = { dir, code };
    const ran = await Promise.all(running);
    for (const r of ran) expect(r.stderr).toBe('');
    realShards = { dir: real, codes: ran.map((r) => r.code) };
  }, 900_000);

  async function mergeInto(partsDir: string) {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-merged-'));
    const r = await cli(dir, 'merge', partsDir, '--out', 'out', '--quiet');
    return { dir, ...r };
  }

  function expectSameAsUnsharded(merged: { dir: string; code: number }) {
    expect(merged.code).toBe(unsharded.code);
    for (const f of FILES) expect(withoutTimings(read(join(merged.dir, 'out'), f)), f).toBe(withoutTimings(read(join(unsharded.dir, 'out'), f)));
    // The same evidence: one directory per failure and per check's first counterexample.
    expect(readdirSync(join(merged.dir, 'out', 'cases')).sort()).toEqual(readdirSync(join(unsharded.dir, 'out', 'cases')).sort());
  }

  it('with N = 3 shards run as separate processes, writes what the unsharded gate writes', async () => {
    expect(unsharded.code).toBe(0);
    expect(realShards.codes).toEqual([0, 0, 0]);
    const sizes = [1, 2, 3].map((i) => (JSON.parse(read(join(realShards.dir, 'parts', `shard-${i}`), 'part.json')) as { body: { cases: unknown[] } }).body.cases.length);
    // Every shard got a share (balanced by the size heuristic), and together every configuration.
    expect(sizes.every((n) => n > 0)).toBe(true);
    const total = (JSON.parse(read(join(unsharded.dir, 'out'), 'gate.json')) as { totals: { planned: number } }).totals.planned;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expectSameAsUnsharded(await mergeInto(join(realShards.dir, 'parts')));
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
