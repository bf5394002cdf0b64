/** Issue 17: output locations are checked before any search; a late write failure keeps the verdict. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkOutputDir, checkOutputFile, ensureDir, OutputPathError, writeFileAtomic } from '../../src/cli/out-dir.js';
import { fakeIO } from './fake-io.js';

const DEADLOCK = ['dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];
const root = process.getuid?.() === 0;

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-out-'));
  writeFileSync(join(dir, 'afile'), 'mine');
  writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 }, expect: 'deadlock' }] }));
  return dir;
}

describe('checkOutputDir / checkOutputFile', () => {
  const dir = scratch();
  it.each([
    ['an existing file', join(dir, 'afile'), /cannot write results to --out X: it is a file, not a folder$/],
    ['a folder under a file', join(dir, 'afile', 'sub'), /afile is a file, not a folder$/],
    ['/proc', '/proc/interleave-out', /it is under \/proc, a proc pseudo-filesystem of the kernel$/],
    ['/sys', '/sys/interleave-out', /it is under \/sys, a sysfs pseudo-filesystem of the kernel$/],
    ['the root folder', '/', /it is the root of the file system; name a folder for the results, such as out\/$/],
  ])('refuses %s in one line', (_, path, message) => {
    expect(() => checkOutputDir(path, '--out X')).toThrow(OutputPathError);
    expect(() => checkOutputDir(path, '--out X')).toThrow(message);
  });

  it('refuses an output file named with a trailing slash, which means a folder, for simulate, explore and export alike', async () => {
    for (const argv of [['simulate', ...DEADLOCK, '--out', 'sim/'], ['explore', ...DEADLOCK, '-o', 'page/'], ['export', ...DEADLOCK, '-o', 'model/']]) {
      const io = fakeIO(dir);
      expect(await main(argv, io), argv[0]).toBe(2);
      expect(io.err.join('\n')).toMatch(/: it names a folder \(it ends with a slash\); give a file name$/m);
    }
    expect(existsSync(join(dir, 'sim'))).toBe(false);
  });

  it('refuses a folder given as an output file', () => {
    expect(() => checkOutputFile(dir, '-o X')).toThrow(/cannot write to -o X: it is a folder, not a file$/);
  });

  it('refuses a device, a pipe or a symbolic link, which renaming the finished file over would replace', () => {
    expect(() => checkOutputFile('/dev/full', '-o X')).toThrow(/cannot write to -o X: it is a device, not a regular file/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => checkOutputFile(fifo, '-o X')).toThrow(/it is a pipe \(FIFO\), not a regular file/);
    const target = join(dir, 'target.pml');
    writeFileSync(target, 'kept');
    const link = join(dir, 'link.pml');
    symlinkSync(target, link);
    expect(() => checkOutputFile(link, '-o X')).toThrow(`it is a symbolic link, which would be replaced by the file; give the file it points to (${target}) or another name`);
    const toFifo = join(dir, 'to-fifo');
    symlinkSync(fifo, toFifo);
    expect(() => checkOutputFile(toFifo, '-o X')).toThrow(/it is a symbolic link to a pipe \(FIFO\), which would be replaced by a plain file/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('kept');
  });

  it.skipIf(root)('refuses a folder it may not write', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    expect(() => checkOutputDir(join(locked, 'out'), '--out X')).toThrow(/permission denied$/);
    chmodSync(locked, 0o755);
  });

  it('takes back the folders it made when one further down cannot be made (a name too long)', () => {
    const long = join(dir, 'long', ...Array.from({ length: 20 }, () => 'd'.repeat(250)), 'x'.repeat(300));
    expect(() => checkOutputDir(long, '--out X')).toThrow(/the name is too long$/);
    expect(existsSync(join(dir, 'long'))).toBe(false);
  });

  it('accepts a new folder several levels deep, makes it and leaves no probe behind', () => {
    const deep = join(dir, 'a', 'b', 'c');
    checkOutputDir(deep, '--out X');
    expect(readdirSync(deep)).toEqual([]);
  });
});

describe('ensureDir and writeFileAtomic', () => {
  it('fail at once under /proc instead of spinning (Node\'s recursive mkdir never returns there)', () => {
    expect(() => ensureDir('/proc/interleave-out/a/b')).toThrow();
    expect(() => writeFileAtomic('/proc/interleave-out/x.json', '{}')).toThrow();
  });

  it('leave the whole file and no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-atomic-'));
    writeFileAtomic(join(dir, 'x', 'y.json'), '{"a":1}\n');
    expect(readFileSync(join(dir, 'x', 'y.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(join(dir, 'x'))).toEqual(['y.json']);
  });
});

describe('every command refuses a bad output location before any search (exit 2, one line, stdout empty)', () => {
  it.each([
    ['check', [...['check', ...DEADLOCK], '--out', 'afile']],
    ['check under /proc', [...['check', ...DEADLOCK], '--out', '/proc/interleave-out']],
    ['sweep', ['sweep', 'dm-snapshot/semaphore', '--writers', '1..2', '--out', 'afile']],
    ['gate', ['gate', '--out', 'afile']],
    ['run', ['run', '--out', 'afile']],
    ['minimize', ['minimize', 'dm-snapshot/semaphore', '--writers', '1..2', '--out', 'afile/x']],
    ['diff', ['diff', 'dm-snapshot/semaphore', 'dm-snapshot/in-progress', '--writers', '1..2', '--out', '/sys/x']],
    ['simulate', ['simulate', ...DEADLOCK, '--runs', '1', '--out', '.']],
    ['export', ['export', ...DEADLOCK, '-o', '/proc/x.pml']],
  ])('%s', async (_, argv) => {
    const io = fakeIO(scratch());
    expect(await main(argv, io)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^interleave: cannot write (results )?to (--out|-o) \S+: [^\n]+$/);
    expect(io.out).toEqual([]);
  }, 10_000);
});

describe('a write that fails after the search', () => {
  it('check: the verdict and report still reach stdout; exit 5 says "violation, files not written"', async () => {
    const dir = scratch();
    // result.json is a folder (with something in it): the rename onto it fails after the search.
    mkdirSync(join(dir, 'late', 'result.json'), { recursive: true });
    writeFileSync(join(dir, 'late', 'result.json', 'x'), '');
    const io = fakeIO(dir);
    expect(await main(['check', ...DEADLOCK, '--out', 'late', '--max-nodes', '1'], io)).toBe(5);
    expect(io.out.join('\n')).toMatch(/DEADLOCK after 9 steps/);
    expect(io.err).toEqual([expect.stringMatching(/^interleave: could not write \S+late\/result\.json \(it is a folder, not a file\); the report on stdout is complete, the files under it are not \(exit code 5\)$/)]);
    expect(readdirSync(join(dir, 'late')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('sweep: exit 4 (completed, files not written), the matrix printed', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'o', 'sweep.md', 'x'), { recursive: true });
    const io = fakeIO(dir);
    expect(await main(['sweep', 'dm-snapshot/semaphore', '--writers', '1..2', '--out', 'o'], io)).toBe(4);
    expect(io.out.join('\n')).toMatch(/2 configurations in/);
    expect(io.err.at(-1)).toMatch(/could not write \S+sweep\.md/);
    expect(existsSync(join(dir, 'o', 'sweep.json'))).toBe(false);
  });
});
