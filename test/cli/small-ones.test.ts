/** Issue 17, point 7: the small things a newcomer trips over. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { abbaModelFile } from '../support/abba-file.js';
import { fakeIO } from './fake-io.js';

describe('a search stopped at a limit', () => {
  it('names the memory limit and what to try', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/in-progress', '--writers', '4', '--max-memory', '1M'], io)).toBe(3);
    const out = io.out.join('\n');
    expect(out).toMatch(/UNKNOWN: search stopped at the memory limit of 1\.0 MiB \(--max-memory; the default is 60% of this machine's memory\)/);
    expect(out).toMatch(/To go further: --symmetry .*, --compress .*, --bitstate .*, or a larger --max-memory\./);
  });

  it('does not offer --compress to a search that already used it', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/in-progress', '--writers', '4', '--max-memory', '1M', '--compress'], io)).toBe(3);
    const out = io.out.join('\n');
    expect(out).toMatch(/To go further: --symmetry .*, --bitstate .*, or a larger --max-memory\./);
    expect(out).not.toContain('--compress (');
  });

  it('names the state limit', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/in-progress', '--writers', '4', '--max-states', '100', '--quiet'], io)).toBe(3);
    expect(io.out.join('\n')).toMatch(/UNKNOWN: search stopped at the state limit of 100 \(--max-states\)/);
  });
});

describe('minimize --help', () => {
  it('promises only what minimize prints, and says where the counterexamples are', async () => {
    const help = fakeIO();
    await main(['minimize', '--help'], help);
    const text = help.out.join('\n');
    expect(text).not.toMatch(/Reports each minimal failure with its counterexample/);
    expect(text).toMatch(/counterexamples themselves \(traces\) are in DIR\/minimize\.json/);
    const io = fakeIO();
    expect(await main(['minimize', 'dm-snapshot/semaphore', '--writers', '1..2', '--cow-threshold', '1', '--ctrs', '1', '--json', '--out', `${process.env.TMPDIR ?? '/tmp'}/interleave-min-${process.pid}`], io)).toBe(0);
    const doc = JSON.parse(io.out.join('\n'));
    expect(doc.minimal).toHaveLength(1);
    expect(doc.minimal[0].trace).toHaveLength(9);
  });
});

describe('paths in the report', () => {
  it('are relative to the working directory, not absolute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-paths-'));
    const io = fakeIO(dir);
    expect(await main(['check', 'dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1', '--out', 'o', '--max-nodes', '1'], io)).toBe(1);
    const out = io.out.join('\n');
    expect(out).toMatch(/o\/waitfor\.svg/);
    expect(out).toMatch(/wrote o\/result\.json/);
    expect(out).not.toContain(dir);
    // The JSON keeps absolute paths: scripts read it from anywhere.
    expect(JSON.parse(readFileSync(join(dir, 'o', 'result.json'), 'utf8')).files.waitforSvg).toBe(join(dir, 'o', 'waitfor.svg'));
  });
});

describe('replay of a model file\'s result', () => {
  it('needs no --model: result.json and simulate\'s JSON record the model file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-replay-file-'));
    writeFileSync(join(dir, 'abba.ts'), abbaModelFile('user/abba'));
    expect(await main(['check', 'abba.ts', '--out', 'o', '--max-nodes', '1'], fakeIO(dir))).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'o', 'result.json'), 'utf8')).modelFile).toBe(join(dir, 'abba.ts'));
    const io = fakeIO(dir);
    expect(await main(['replay', 'o/result.json', '--quiet'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/user\/abba/);
    expect(await main(['simulate', 'abba.ts', '--seed', '1', '--runs', '20', '--out', 's.json'], fakeIO(dir))).toBe(1);
    expect(await main(['replay', 's.json', '--quiet'], fakeIO(dir))).toBe(0);
  });
});
