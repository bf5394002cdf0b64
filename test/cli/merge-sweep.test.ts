/**
 * Issue 18's acceptance for sweeps: a sweep split into N = 1, 3 and 7
 * shards and merged writes the sweep.md and sweep.json an unsharded sweep
 * writes (timings aside), with the same exit code. N = 3 runs as separate
 * processes; N = 1 and 7 in this process, reusing the unsharded sweep's
 * explorations (see memo-run-check.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, spawnCli, withoutTimings } from './shard-support.js';

vi.mock('../../src/cli/run-check.js', async (importOriginal) => {
  const { memoizeRunCheck } = await import('./memo-run-check.js');
  return memoizeRunCheck(await importOriginal());
});

const GRID = ['dm-snapshot/semaphore', '--writers', '1..3', '--cow-threshold', '0..2', '--ctrs', '0..2'];
const FILES = ['sweep.md', 'sweep.json'] as const;
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('interleave merge of a sharded sweep', () => {
  let unsharded: { dir: string; code: number };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-sweep-'));
    const { code } = await cli(dir, 'sweep', ...GRID, '--out', 'out', '--quiet');
    unsharded = { dir, code };
  }, 600_000);

  async function mergeAndCompare(partsDir: string) {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-sweep-merged-'));
    const r = await cli(dir, 'merge', partsDir, '--out', 'out', '--quiet');
    expect(r.code, r.err).toBe(unsharded.code);
    // Explorer paths are absolute: the same below each output directory.
    const relative = (d: string, f: string) => withoutTimings(read(join(d, 'out'), f).split(d).join('<dir>'));
    for (const f of FILES) expect(relative(dir, f), f).toBe(relative(unsharded.dir, f));
    return r;
  }

  it('with N = 3 shards run as separate processes, writes what the unsharded sweep writes', async () => {
    expect(unsharded.code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'interleave-sweep-real-'));
    const ran = await Promise.all([1, 2, 3].map((i) => spawnCli(dir, ['sweep', ...GRID, '--shard', `${i}/3`, '--out', join('parts', `shard-${i}`), '--quiet'])));
    expect(ran.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    const r = await mergeAndCompare(join(dir, 'parts'));
    expect(r.out).toMatch(/^dm-snapshot\/semaphore: 27 configurations in .*: \d+ deadlock, \d+ ok$/);
  }, 600_000);

  it.each([1, 7])('with N = %i shards, writes what the unsharded sweep writes', async (n) => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-sweep-shards-'));
    for (let i = 1; i <= n; i++) expect((await cli(dir, 'sweep', ...GRID, '--shard', `${i}/${n}`, '--out', join('parts', `s${i}`), '--quiet')).code).toBe(0);
    await mergeAndCompare(join(dir, 'parts'));
  }, 600_000);

  it('refuses a shard of a different grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-sweep-other-'));
    expect((await cli(dir, 'sweep', ...GRID, '--shard', '1/2', '--out', 's1', '--quiet')).code).toBe(0);
    expect((await cli(dir, 'sweep', 'dm-snapshot/semaphore', '--writers', '1..2', '--shard', '2/2', '--out', 's2', '--quiet')).code).toBe(0);
    const r = await cli(dir, 'merge', 's1', 's2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ran a different grid \(sweep dm-snapshot\/semaphore --writers 1,2, sha256 [0-9a-f]{12}\) than .*shard 1\/2/);
  });
});
