import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { checkModel } from '../models/helpers.js';
import { fakeIO } from './fake-io.js';

const MODEL = 'dm-snapshot/semaphore';
const GRID = ['--writers', '1..3', '--cow-threshold', '0..1', '--ctrs', '0..1'];

interface SweepJson {
  schema: string;
  model: string;
  complete: boolean;
  axes: Array<{ name: string; values: Array<string | number> }>;
  fixed: Record<string, string | number>;
  counts: Record<string, number>;
  runs: Array<{ params: Record<string, string | number>; verdict: string | null; completion: string; states?: number; steps?: number; stuck?: string }>;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'interleave-sweep-'));
}

/** What `check` says about one configuration, explored on its own. */
function expectedCell(params: Record<string, number>): string {
  const r = checkModel(MODEL, params);
  if (r.result.verdict === 'ok') return 'ok';
  if (r.result.verdict === 'deadlock') return `DEADLOCK (${r.counterexample!.trace.length})`;
  return `invariant (${r.counterexample!.trace.length})`;
}

describe('interleave sweep', () => {
  it('explores every combination; each verdict agrees with checking that configuration alone', async () => {
    const dir = tempDir();
    const io = fakeIO(dir);
    expect(await main(['sweep', MODEL, ...GRID, '--out', 'o'], io)).toBe(0);

    const json = JSON.parse(readFileSync(join(dir, 'o', 'sweep.json'), 'utf8')) as SweepJson;
    expect(json).toMatchObject({ schema: 'interleave/sweep@1', model: MODEL, complete: true, fixed: { bios: 1, rwsem: 'writer-fair' } });
    expect(json.axes).toEqual([
      { name: 'writers', values: [1, 2, 3] },
      { name: 'cow-threshold', values: [0, 1] },
      { name: 'ctrs', values: [0, 1] },
    ]);
    expect(json.runs).toHaveLength(12);
    for (const run of json.runs) {
      const alone = checkModel(MODEL, run.params);
      expect(run.verdict, JSON.stringify(run.params)).toBe(alone.result.verdict);
      expect(run.states).toBe(alone.result.stats.states);
      if (alone.counterexample) {
        expect(run.steps).toBe(alone.counterexample.trace.length);
        expect(run.stuck).toMatch(/^cycle: /);
      }
    }
    const verdicts = new Set(json.runs.map((r) => r.verdict));
    expect(verdicts.size, 'this grid should separate failing from passing configurations').toBeGreaterThan(1);
    const total = Object.values(json.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(12);

    // The Markdown matrix: rows writers x cow-threshold, columns ctrs=0, ctrs=1.
    const md = readFileSync(join(dir, 'o', 'sweep.md'), 'utf8');
    // Each counterexample's explorer, linked from sweep.md relative to its folder.
    const links = [...md.matchAll(/\]\(([^)]+\/explorer\.html)\)/g)].map((m) => decodeURI(m[1]));
    expect(links).toHaveLength(json.runs.filter((r) => r.verdict === 'deadlock' || r.verdict === 'invariant').length);
    for (const l of links) expect(readFileSync(join(dir, 'o', l), 'utf8')).toMatch(/^<!doctype html>/);
    expect(md).toContain('| writers | cow-threshold | ctrs=0 | ctrs=1 |');
    const rows = md.split('\n').filter((l) => /^\| \d+ \| \d+ \|/.test(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const [w, t, c0, c1] = row.split('|').slice(1, -1).map((c) => c.trim());
      expect(c0).toBe(expectedCell({ writers: Number(w), 'cow-threshold': Number(t), ctrs: 0 }));
      expect(c1).toBe(expectedCell({ writers: Number(w), 'cow-threshold': Number(t), ctrs: 1 }));
    }
    expect(readdirSync(join(dir, 'o')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Plain output: the summary line with the same counts, the matrix, one stderr line per run.
    const out = io.out.join('\n');
    expect(out).toContain(`${MODEL}: 12 configurations in `);
    for (const [verdict, n] of Object.entries(json.counts)) expect(out).toContain(`${n} ${verdict}`);
    expect(out).toMatch(/^writers\s+cow-threshold\s+ctrs=0\s+ctrs=1$/m);
    // Relative to the working directory (issue 17: absolute paths filled the screen).
    expect(out).toContain(`wrote ${join('o', 'sweep.md')}, ${join('o', 'sweep.json')}`);
    expect(io.err.filter((l) => /^\[\d+\/12\] dm-snapshot\/semaphore /.test(l))).toHaveLength(12);
  });

  it('shows the smallest counterexample as a trace table with its cycle', async () => {
    const io = fakeIO(tempDir());
    await main(['sweep', MODEL, ...GRID], io);
    const out = io.out.join('\n');
    const json = JSON.parse(readFileSync(join(io.cwd, 'out', 'sweep', 'dm-snapshot-semaphore', 'sweep.json'), 'utf8')) as SweepJson;
    const failing = json.runs.filter((r) => r.steps !== undefined).sort((a, b) => a.steps! - b.steps! || a.states! - b.states!);
    expect(failing.length).toBeGreaterThan(0);
    const smallest = failing[0];
    expect(out).toContain(`Smallest counterexample (writers=${smallest.params.writers} bios=1 ctrs=${smallest.params.ctrs}`);
    expect(out).toContain(`DEADLOCK in ${smallest.steps} steps`);
    expect(out).toMatch(/^#\s+process\s+action\s+kernel source$/m);
    expect(out).toContain(smallest.stuck!);
  });

  it('leaves no explorer of an earlier sweep into the same --out beside its own', async () => {
    const dir = tempDir();
    const sweep = (writers: string) => main(['sweep', MODEL, '--writers', writers, '--cow-threshold', '1', '--ctrs', '1', '--out', 'sw', '--quiet'], fakeIO(dir));
    await sweep('2..3');
    const folders = () => readdirSync(join(dir, 'sw'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders()).toHaveLength(2);
    await sweep('2');
    expect(folders()).toHaveLength(1);
  });

  it('prints only JSON with --json and only the summary line with --quiet', async () => {
    const io = fakeIO(tempDir());
    expect(await main(['sweep', MODEL, '--writers', '1..2', '--ctrs', '1', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out.join('\n')) as SweepJson;
    expect(json.runs.map((r) => r.params.writers)).toEqual([1, 2]);
    expect(io.err).toEqual([]);

    const quiet = fakeIO(tempDir());
    expect(await main(['sweep', MODEL, '--writers', '1..2', '--ctrs', '1', '--quiet'], quiet)).toBe(0);
    expect(quiet.out).toHaveLength(1);
    expect(quiet.out[0]).toMatch(/^dm-snapshot\/semaphore: 2 configurations in .*: /);
    expect(quiet.err).toEqual([]);
  });

  it('stops on Ctrl-C, prints the partial matrix and exits 130', async () => {
    const base = fakeIO(tempDir());
    const signal = { aborted: false };
    // Ctrl-C arrives while the third configuration runs: after the second finished.
    const io: CliIO & { out: string[] } = {
      ...base,
      signal,
      stderr: (t) => {
        base.err.push(t);
        if (t.startsWith('[2/12]')) signal.aborted = true;
      },
    };
    expect(await main(['sweep', MODEL, ...GRID, '--out', 'o'], io)).toBe(130);
    const out = io.out.join('\n');
    expect(out).toContain('INTERRUPTED (partial): 3 of 12 configurations');
    expect(out).toMatch(/interrupted/);
    const json = JSON.parse(readFileSync(join(io.cwd, 'o', 'sweep.json'), 'utf8')) as SweepJson;
    expect(json.complete).toBe(false);
    expect(json.runs.slice(0, 2).every((r) => r.completion === 'complete' || r.completion === 'violation')).toBe(true);
    expect(json.runs[2]).toMatchObject({ verdict: 'unknown', completion: 'interrupted' });
    expect(json.runs.slice(3).every((r) => r.completion === 'not-run')).toBe(true);
  });

  it.each([
    [['sweep', MODEL, '--colour', '1..2'], /unknown parameter --colour/, /--writers \(1\.\.8\)/],
    [['sweep', MODEL, '--constructor', '1..2'], /unknown parameter --constructor/, /--writers \(1\.\.8\)/],
    [['sweep', MODEL, '--writers', '0..4'], /--writers range 0\.\.4 is outside 1\.\.8/, /--writers accepts 1\.\.8/],
    [['sweep', MODEL, '--rwsem', 'fair'], /--rwsem has no value "fair"/, /writer-fair\|reader-preferring/],
    [['sweep', 'dm-snapshot/nope', '--writers', '1..2'], /unknown model "dm-snapshot\/nope"/, /known models: /],
    [['sweep'], /sweep needs a model/, /e\.g\. interleave sweep/],
    [['sweep', MODEL, '--max-states', 'many'], /--max-states must be an integer/, undefined],
  ])('rejects %j with one line, a hint and exit code 2', async (argv, message, hint) => {
    const io = fakeIO(tempDir());
    expect(await main(argv, io)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0].split('\n')[0]).toMatch(message);
    if (hint) expect(io.err[0]).toMatch(new RegExp(`\\nhint: .*${hint.source}`));
    expect(io.out).toEqual([]);
    expect(existsSync(join(io.cwd, 'out'))).toBe(false);
  });

  it('describes itself and the model parameters with --help', async () => {
    const io = fakeIO(tempDir());
    expect(await main(['sweep', MODEL, '--help'], io)).toBe(0);
    const out = io.out.join('\n');
    expect(out).toMatch(/^usage: interleave sweep <model>/);
    expect(out).toContain('a range (1..4) or a list');
    expect(out).toMatch(/--cow-threshold\s+0\.\.16/);
  });
});
