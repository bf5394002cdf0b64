import { describe, expect, it } from 'vitest';
import { CHECK_USAGE } from '../../src/cli/commands/check.js';
import { DIAGRAM_FILES } from '../../src/cli/diagrams.js';
import { main } from '../../src/cli/main.js';
import { EXPLORER_FILE } from '../../src/cli/run-check.js';
import { fakeIO } from './fake-io.js';

describe('--help', () => {
  it.each(['check', 'run', 'sweep', 'list'])('describes %s and exits 0', async (command) => {
    const io = fakeIO();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(new RegExp(`^usage: interleave ${command}\\b`));
    expect(io.err).toEqual([]);
  });

  it('check --help names every file --out writes', () => {
    // `DIR/trace.{dot,svg}` names two files.
    const named = [...CHECK_USAGE.matchAll(/DIR\/([\w-]+)\.(?:\{([\w,]+)\}|(\w+))/g)]
      .flatMap(([, base, braced, ext]) => (braced ? braced.split(',') : [ext]).map((e) => `${base}.${e}`));
    expect(new Set(named)).toEqual(new Set(['result.json', 'report.txt', EXPLORER_FILE, ...Object.values(DIAGRAM_FILES)]));
  });

  it('takes `help COMMAND` as `COMMAND --help`', async () => {
    const io = fakeIO();
    expect(await main(['help', 'check'], io)).toBe(0);
    expect(io.out.join('\n')).toBe(CHECK_USAGE);
  });

  it.each([['--help'], ['-h'], ['help']])('takes `help %s` as help (exit 0)', async (arg) => {
    const io = fakeIO();
    expect(await main(['help', arg], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^usage: interleave <command>/);
  });

  it('refuses help for a command that does not exist, as a mistyped command is (exit 2)', async () => {
    const io = fakeIO();
    expect(await main(['help', 'chek'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/^interleave: help: unknown command "chek"\nhint: commands: .*check/);
    expect(io.out).toEqual([]);
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
    expect(run.err).toEqual(['interleave: run takes no option --frob\nhint: see interleave run --help']);
  });

  it('say an unknown flag at the end is unknown, and a known one there needs a value', async () => {
    const said = async (...argv: string[]) => {
      const io = fakeIO();
      expect(await main(argv, io)).toBe(2);
      return io.err[0].split('\n')[0];
    };
    expect(await said('gate', '--bogus')).toBe('interleave: gate takes no option --bogus');
    expect(await said('check', 'dm-snapshot/semaphore', '--bogus')).toMatch(/^interleave: dm-snapshot\/semaphore: unknown parameter --bogus \(known: --writers/);
    expect(await said('check', 'dm-snapshot/semaphore', '--max-states')).toBe('interleave: --max-states needs a value');
    expect(await said('check', 'dm-snapshot/semaphore', '--writers')).toBe('interleave: --writers needs a value');
    expect(await said('check', 'dm-snapshot/semaphore', '--writers=', '--ctrs', '1')).toBe('interleave: --writers needs a value');
  });

  it('name only the flags that were given', async () => {
    const io = fakeIO();
    expect(await main(['check', 'example/abba', '--por', '--symmetry', '--bitstate'], io)).toBe(2);
    expect(io.err).toEqual(['interleave: --por works with the exhaustive search on one thread, not with --bitstate\nhint: drop --bitstate, or --por']);
  });

  it.each(['nonexist.ts', './models/nope', 'sub/dir/model.js'])('say a model path %s that names no file is a file not found', async (path) => {
    const io = fakeIO();
    expect(await main(['check', path], io)).toBe(2);
    expect(io.err[0]).toMatch(new RegExp(`^interleave: model file not found: ${path.replace(/\./g, '\\.')} \\(no file at /`));
    expect(io.err[0]).not.toMatch(/known models/);
  });

  it('still answers a misspelt registered name with the known models', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/nope'], io)).toBe(2);
    expect(io.err[0]).toMatch(/^interleave: unknown model "dm-snapshot\/nope"\nhint: known models: /);
  });
});
