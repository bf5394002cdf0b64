/**
 * diff and minimize split into shards and merged: the same differences, and
 * the same smallest failing configurations, as one run. In this process,
 * reusing one run's explorations (see memo-run-check.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli, withoutTimings } from './shard-support.js';

vi.mock('../../src/cli/run-check.js', async (importOriginal) => {
  const { memoizeRunCheck } = await import('./memo-run-check.js');
  return memoizeRunCheck(await importOriginal());
});

const readJson = (path: string) => JSON.parse(withoutTimings(readFileSync(path, 'utf8'))) as Record<string, unknown>;

describe('interleave merge of sharded diff and minimize', () => {
  it('merges diff shards into the diff one run writes', async () => {
    const grid = ['dm-snapshot/semaphore', 'dm-snapshot/in-progress', '--writers', '1..3', '--cow-threshold', '0..1', '--ctrs', '0..1'];
    const dir = mkdtempSync(join(tmpdir(), 'interleave-diff-shards-'));
    expect((await cli(dir, 'diff', ...grid, '--out', 'one', '--json')).code).toBe(0);
    for (let i = 1; i <= 3; i++) expect((await cli(dir, 'diff', ...grid, '--shard', `${i}/3`, '--out', join('parts', `s${i}`))).code).toBe(0);
    const merged = await cli(dir, 'merge', 'parts', '--out', 'merged');
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/^dm-snapshot\/semaphore vs dm-snapshot\/in-progress: verdicts differ in \d+ of 12 configurations/);
    const file = 'dm-snapshot-semaphore-vs-dm-snapshot-in-progress.json';
    const one = readJson(join(dir, 'one', file));
    expect((one.differences as unknown[]).length).toBeGreaterThan(0);
    expect(readJson(join(dir, 'merged', file))).toEqual(one);
  });

  it('merges minimize shards into the same smallest failing configurations', async () => {
    const grid = ['dm-snapshot/semaphore', '--writers', '1..4', '--cow-threshold', '0..2', '--ctrs', '0..2'];
    const dir = mkdtempSync(join(tmpdir(), 'interleave-minimize-shards-'));
    expect((await cli(dir, 'minimize', ...grid, '--out', 'one', '--json')).code).toBe(0);
    for (let i = 1; i <= 3; i++) expect((await cli(dir, 'minimize', ...grid, '--shard', `${i}/3`, '--out', join('parts', `s${i}`))).code).toBe(0);
    expect((await cli(dir, 'merge', 'parts', '--out', 'merged')).code).toBe(0);
    const one = readJson(join(dir, 'one', 'minimize.json'));
    const merged = readJson(join(dir, 'merged', 'minimize.json'));
    expect((one.minimal as unknown[]).length).toBeGreaterThan(0);
    expect(merged.minimal).toEqual(one.minimal);
    expect({ ...merged, minimal: 0, checked: 0, skipped: 0 }).toEqual({ ...one, minimal: 0, checked: 0, skipped: 0 });
    // Shards cannot skip what another shard's failure dominates: at least as many checked.
    expect(merged.checked as number).toBeGreaterThanOrEqual(one.checked as number);
    expect((merged.checked as number) + (merged.skipped as number)).toBe(36);
  });
});
