/**
 * Issue 18's swarm acceptance, on a configuration small enough to measure
 * here: the lost wake-up mutant with 3 writers of 2 bios each. Its shortest
 * deadlock is 25 steps deep (exhaustive search, no bound); under
 * --max-memory 2M the exhaustive search stops before that depth; a swarm of
 * 4 jobs with 2M each finds it, and the merged trace replays. The README's
 * larger figures (4 writers) use the same commands.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './shard-support.js';

const CONFIG = ['dm-snapshot/in-progress', '--mutant', 'lost-wakeup', '--writers', '3', '--bios', '2', '--cow-threshold', '0', '--ctrs', '1'];

interface CheckJson { verdict: string; completion: string; depth: number; states: number; trace?: unknown[] }

describe('interleave swarm', () => {
  it.each(['swarm', 'merge'])('%s describes itself with --help and is listed in the top-level usage', async (command) => {
    const help = await cli(process.cwd(), command, '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^usage: interleave ${command} `));
    expect((await cli(process.cwd(), '--help')).out).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, 'm'));
  });

  it('finds, with 4 jobs of 2M each, the deep deadlock the exhaustive search runs out of 2M before reaching; the merged trace replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-swarm-'));
    const full = await cli(dir, 'check', ...CONFIG, '--json');
    const exhaustive = JSON.parse(full.out) as CheckJson;
    expect(exhaustive).toMatchObject({ verdict: 'deadlock', completion: 'violation' });
    const depth = exhaustive.trace!.length;
    expect(depth).toBe(25);

    const bounded = await cli(dir, 'check', ...CONFIG, '--max-memory', '2M', '--json');
    expect(bounded.code).toBe(3);
    const stopped = JSON.parse(bounded.out) as CheckJson;
    expect(stopped).toMatchObject({ verdict: 'unknown', completion: 'memory-limit' });
    expect(stopped.depth).toBeLessThan(depth);

    for (let job = 1; job <= 4; job++) {
      const r = await cli(dir, 'swarm', ...CONFIG, '--jobs', '4', '--job', String(job), '--max-memory', '2M', '--time', '60', '--out', join('jobs', `job-${job}`));
      expect([1, 3], r.err).toContain(r.code);
      expect(r.out).toMatch(new RegExp(`^job ${job}/4: `));
    }
    const merged = await cli(dir, 'merge', 'jobs', '--out', 'swarm', '--quiet');
    expect(merged.code).toBe(1);
    expect(merged.out).toMatch(/swarm of 4 jobs \(2 MiB each\): DEADLOCK found by job \d, \d+ steps/);
    const json = JSON.parse(readFileSync(join(dir, 'swarm', 'swarm.json'), 'utf8')) as { verdict: string; steps: number; results: Array<{ memoryBytes: number }> };
    expect(json.verdict).toBe('deadlock');
    expect(json.steps).toBeGreaterThanOrEqual(depth);
    for (const r of json.results) expect(r.memoryBytes).toBeLessThanOrEqual(2 * 2 ** 20);

    const replayed = await cli(dir, 'replay', join('swarm', 'swarm.json'));
    expect(replayed.err).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.out).toMatch(/replays/i);
  });

  it('says "no violation found by N jobs covering about X states (estimated)", verdict unknown, where none is found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-swarm-ok-'));
    for (const job of ['1', '2']) {
      expect((await cli(dir, 'swarm', 'dm-snapshot/in-progress', '--writers', '2', '--ctrs', '1', '--jobs', '2', '--job', job, '--max-memory', '1M', '--out', join('jobs', job))).code).toBe(3);
    }
    const merged = await cli(dir, 'merge', 'jobs', '--out', 'swarm', '--json');
    expect(merged.code).toBe(3);
    const json = JSON.parse(merged.out) as { verdict: string; summary: string; statesEstimate: number };
    expect(json.verdict).toBe('unknown');
    expect(json.summary).toMatch(/no violation found by 2 jobs covering about [\d,]+ states \(estimated\); verdict unknown/);
    expect(json.statesEstimate).toBeGreaterThan(0);
  });

  it('refuses a job count and job index that do not fit, and merges only jobs of one swarm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-swarm-bad-'));
    expect((await cli(dir, 'swarm', 'dm-snapshot/semaphore', '--jobs', '2', '--job', '3')).err).toMatch(/--job 3 is beyond --jobs 2/);
    expect((await cli(dir, 'swarm', 'dm-snapshot/semaphore', '--jobs', '2')).err).toMatch(/needs --jobs N and --job I/);
    await cli(dir, 'swarm', 'dm-snapshot/semaphore', '--jobs', '2', '--job', '1', '--max-memory', '1M', '--out', 'a');
    await cli(dir, 'swarm', 'dm-snapshot/semaphore', '--jobs', '2', '--job', '2', '--max-memory', '1M', '--seed', '9', '--out', 'b');
    const r = await cli(dir, 'merge', 'a', 'b');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ran a different swarm configuration/);
  });
});
