import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

describe('--help', () => {
  it.each(['check', 'run', 'sweep', 'list'])('describes %s and exits 0', async (command) => {
    const io = fakeIO();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(new RegExp(`^usage: interleave ${command}\\b`));
    expect(io.err).toEqual([]);
  });

  it('lists the sweep command in the top-level usage', async () => {
    const io = fakeIO();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^\s+sweep\s+check every combination of parameter ranges/m);
  });
});

describe('usage errors', () => {
  it('point to the command help when they have no more specific hint', async () => {
    const io = fakeIO();
    expect(await main(['list', '--verbose', 'yes'], io)).toBe(2);
    expect(io.err).toEqual(['interleave: list takes no option --verbose\nhint: see interleave list --help']);
    const run = fakeIO();
    expect(await main(['run', '--frob'], run)).toBe(2);
    expect(run.err).toEqual(['interleave: --frob needs a value\nhint: see interleave run --help']);
  });
});
