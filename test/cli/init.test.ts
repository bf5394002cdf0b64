/**
 * Models live anywhere (issue 17): `interleave init` makes a project in a
 * temporary folder outside the repository; npm installs this package into it
 * (a link to the repository, as `file:` dependencies are, offline); the
 * installed command checks the example model and runs its gate, and tsc
 * type-checks the model against the package's published types.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const { name: PKG } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const { CI: _ci, ...env } = process.env;
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
}

describe('interleave init', () => {
  it('makes a project that installs this package and checks its model through the installed command, outside the repository', () => {
    const outside = mkdtempSync(join(tmpdir(), 'interleave-init-'));
    const made = run(process.execPath, [join(ROOT, 'bin', 'interleave.js'), 'init', 'my-models'], outside);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const proj = join(outside, 'my-models');
    const pkg = JSON.parse(readFileSync(join(proj, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ [PKG]: `file:${ROOT}` });
    // `npx tsc` must find TypeScript, and npm must not warn about (or, from npm 12, skip) this package's build on install.
    expect(pkg.devDependencies).toEqual({ typescript: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.typescript });
    expect(pkg.allowScripts).toEqual({ [`file:${ROOT}`]: true, esbuild: true });
    // Installed offline, so without the registry's TypeScript; tsc is run from this repository below.
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ ...pkg, devDependencies: {} }));
    for (const f of ['tsconfig.json', 'model.ts', 'gate.json', '.gitignore']) expect(existsSync(join(proj, f)), f).toBe(true);

    const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], proj);
    expect(installed.status, installed.stderr).toBe(0);
    const bin = join(proj, 'node_modules', '.bin', 'interleave');
    expect(realpathSync(bin)).toBe(join(realpathSync(ROOT), 'bin', 'interleave.js'));

    const checked = run(bin, ['check', 'model.ts', '--order', 'abba', '--json'], proj);
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(1);
    expect(JSON.parse(checked.stdout)).toMatchObject({ model: 'example/abba', params: { order: 'abba' }, verdict: 'deadlock', depth: 4 });

    const gate = run(bin, ['gate', '--quiet'], proj);
    expect(gate.stdout).toMatch(/^interleave gate gate\.json: PASSED: every expectation holds \(2 configurations in 2 checks/);
    expect(gate.status).toBe(0);

    const tsc = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], proj);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('refuses a folder that is not empty, before writing anything', () => {
    const outside = mkdtempSync(join(tmpdir(), 'interleave-init-'));
    writeFileSync(join(outside, 'notes.txt'), 'mine');
    const r = run(process.execPath, [join(ROOT, 'bin', 'interleave.js'), 'init', '.'], outside);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('interleave: . is not empty\nhint: give a new or empty folder\n');
    expect(existsSync(join(outside, 'package.json'))).toBe(false);
  });
});

describe('interleave init, in process', () => {
  it.each([['a file', 'afile'], ['/dev/null', '/dev/null']])('refuses %s with one line and exit code 2, not an internal error', async (_what, given) => {
    const outside = mkdtempSync(join(tmpdir(), 'interleave-init-'));
    writeFileSync(join(outside, 'afile'), 'mine');
    const io = fakeIO(outside);
    expect(await main(['init', given], io)).toBe(2);
    expect(io.err).toEqual([`interleave: init: ${given} is a file, not a folder\nhint: give a new or empty folder`]);
    expect(io.out).toEqual([]);
  });

  it.each([
    ['my-models', 'cd my-models && npm install'],
    ['sp ace ü', "cd 'sp ace ü' && npm install"],
    ["it's", "cd 'it'\\''s' && npm install"],
  ])('quotes the folder %j in the next-step line only when the shell needs it', async (folder, line) => {
    const io = fakeIO(mkdtempSync(join(tmpdir(), 'interleave-init-')));
    expect(await main(['init', '--dependency', 'file:/nowhere', folder], io)).toBe(0);
    expect(io.out.join('\n').split('\n')).toContain(`  ${line}`);
  });
});
