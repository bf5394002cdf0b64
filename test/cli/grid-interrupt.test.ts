import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { countParamValues, MAX_GRID_CONFIGURATIONS } from '../../src/cli/param-grid.js';
import { formatCount } from '../../src/render/count.js';
import { fakeIO, type FakeIO } from './fake-io.js';

/**
 * One process, one step: each configuration is explored in well under a
 * millisecond, so its search never yields to the event loop. Building it
 * calls a hook the tests set, to press Ctrl-C while a gate file is loaded.
 */
const TINY = `
  import { ModelBuilder, defineModel, intParam, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('x.c', 'v1');
  export default defineModel({ name: 'user/tiny', description: 'one step', params: { n: intParam(0, 2000000000, 1, 'n'), m: intParam(-5, 5, 0, 'm') },
    build: () => {
      (globalThis as { onTinyBuilt?: () => void }).onTinyBuilt?.();
      const b = new ModelBuilder('user/tiny');
      b.process('p', {}, (p) => p.step('a', { action: 'x', source: at(1, 'f') }));
      return b.build();
    } });
`;

const hooks = globalThis as { onTinyBuilt?: () => void };
afterEach(() => {
  delete hooks.onTinyBuilt;
});

function tinyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-grid-interrupt-'));
  writeFileSync(join(dir, 'tiny.ts'), TINY);
  return dir;
}

/**
 * Ctrl-C as bin/interleave.js delivers it: the SIGINT handler that sets
 * `signal.aborted` is a macrotask, so it runs only when the grid lets the
 * event loop turn. Pressed once `after` runs have finished (their lines on stderr).
 */
function ctrlCAfter(dir: string, after: number): FakeIO & { signal: { aborted: boolean } } {
  const base = fakeIO(dir);
  const signal = { aborted: false };
  let finished = 0;
  return {
    ...base,
    signal,
    stderr: (t) => {
      base.err.push(t);
      if (/^\[\d+\/\d+\]/.test(t) && ++finished === after) setImmediate(() => { signal.aborted = true; });
    },
  };
}

describe('Ctrl-C between the tiny configurations of a grid', () => {
  it('stops a sweep with exit 130, the runs not made marked not run', async () => {
    const dir = tinyDir();
    const io = ctrlCAfter(dir, 5);
    expect(await main(['sweep', './tiny.ts', '--n', '0..3000', '--out', 'o'], io)).toBe(130);
    expect(io.out.join('\n')).toMatch(/INTERRUPTED \(partial\): \d+ of 3,?001 configurations/);
    const json = JSON.parse(readFileSync(join(dir, 'o', 'sweep.json'), 'utf8')) as { complete: boolean; runs: Array<{ completion: string }> };
    expect(json.complete).toBe(false);
    expect(json.runs.slice(0, 5).every((r) => r.completion === 'complete')).toBe(true);
    expect(json.runs.at(-1)!.completion).toBe('not-run');
    expect(readFileSync(join(dir, 'o', 'sweep.md'), 'utf8')).toMatch(/\| - \|/);
  });

  it('stops a gate with exit 130 and an incomplete gate.json', async () => {
    const dir = tinyDir();
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'a', model: './tiny.ts', expect: 'ok', params: { n: '0..3000' } }] }));
    const io = ctrlCAfter(dir, 5);
    expect(await main(['gate'], io)).toBe(130);
    expect(io.out.join('\n')).toMatch(/INTERRUPTED/);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'gate', 'gate.json'), 'utf8')).complete).toBe(false);
  });

  it('stops minimize and diff with exit 130', async () => {
    const dir = tinyDir();
    expect(await main(['minimize', './tiny.ts', '--n', '0..3000', '--out', 'm'], ctrlCAfter(dir, 5))).toBe(130);
    expect(await main(['diff', './tiny.ts', './tiny.ts:m=1', '--n', '0..3000', '--out', 'd'], ctrlCAfter(dir, 5))).toBe(130);
  });
});

describe('Ctrl-C before the first configuration of a grid', () => {
  it('stops a gate pressed while its file was loaded, before anything ran', async () => {
    const dir = tinyDir();
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'a', model: './tiny.ts', expect: 'ok', params: { n: '0..3000' } }] }));
    const io = { ...fakeIO(dir), signal: { aborted: false } };
    // Loading the gate file builds every configuration, synchronously: the handler waits for the grid's first turn of the event loop.
    hooks.onTinyBuilt = () => {
      delete hooks.onTinyBuilt;
      setImmediate(() => { io.signal.aborted = true; });
    };
    expect(await main(['gate', '--quiet'], io)).toBe(130);
    expect(io.out.join('\n')).toMatch(/INTERRUPTED after 0 of 3,?001 configurations/);
  });
});

describe('a grid of too many configurations', () => {
  const limit = formatCount(MAX_GRID_CONFIGURATIONS);

  it.each([
    ['sweep', ['sweep', './tiny.ts', '--n', '0..2000000000'], '2,000,000,001 configurations (n 2,000,000,001)'],
    ['sweep over two axes', ['sweep', './tiny.ts', '--n', '0..200000', '--m', '-5..5'], '2,200,011 configurations (n 200,001 x m 11)'],
    ['minimize', ['minimize', './tiny.ts', '--n', '0..2000000000'], '2,000,000,001 configurations (n 2,000,000,001)'],
    ['diff', ['diff', './tiny.ts', './tiny.ts:m=1', '--n', '0..2000000000'], '2,000,000,001 configurations (n 2,000,000,001)'],
  ])('is refused by %s with exit 2, naming the count and the limit', async (_, argv, count) => {
    const io = fakeIO(tinyDir());
    const started = Date.now();
    expect(await main(argv, io)).toBe(2);
    expect(io.err[0].split('\n')[0]).toBe(`interleave: user/tiny: the grid has ${count}, more than the limit of ${limit}`);
    // Refused before the values are listed, not after allocating them.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('is a problem of the gate file', async () => {
    const dir = tinyDir();
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'a', model: './tiny.ts', expect: 'ok', params: { n: '0..200000', m: '-5..5' } }] }));
    const io = fakeIO(dir);
    expect(await main(['gate'], io)).toBe(2);
    expect(io.err.join('\n')).toContain(`checks[0].params: user/tiny: the grid has 2,200,011 configurations (n 200,001 x m 11), more than the limit of ${limit}`);
  });

  it('is stated in each grid command\'s --help', async () => {
    for (const command of ['sweep', 'gate', 'minimize', 'diff']) {
      const io = fakeIO();
      expect(await main([command, '--help'], io)).toBe(0);
      expect(io.out.join('\n').replace(/\s+/g, ' ')).toContain(`${limit} configurations`);
    }
  });

  it('counts overlapping ranges once, without listing them', () => {
    const spec = { kind: 'int', min: 0, max: 2000000000, default: 0, description: 'n' } as const;
    expect(countParamValues('n', '0..5,3..8,7,20', spec, 'm')).toBe(10);
    expect(countParamValues('n', '0..2000000000,5', spec, 'm')).toBe(2000000001);
  });
});
