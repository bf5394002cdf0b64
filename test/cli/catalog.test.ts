/**
 * The command line knows only the models its caller hands it (issue 17): no
 * module under src/ imports a particular model or asks which test runner it
 * is under, and the version comes from package.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { defineModel, intParam, type ModelCatalog } from '../../src/model/definition.js';
import { ModelBuilder, sourceIn } from '../../src/index.js';
import { fakeIO } from './fake-io.js';

const at = sourceIn('x.c', 'v1');
const tiny = defineModel({
  name: 'mine/one-lock',
  description: 'one task taking one mutex',
  params: { tasks: intParam(1, 2, 1, 'tasks') },
  build: ({ tasks }) => {
    const b = new ModelBuilder('mine/one-lock');
    const m = b.mutex('m');
    for (let i = 1; i <= tasks; i++) {
      b.process(`t${i}`, {}, (p) => p.step('lock', { action: 'mutex_lock(&m)', source: at(1, 'f'), op: m.lock() })
        .step('unlock', { action: 'mutex_unlock(&m)', source: at(2, 'f'), op: m.unlock() }));
    }
    return b.build();
  },
});
const mine: ModelCatalog = { registry: [tiny], mainJob: [{ title: 'two tasks', model: 'mine/one-lock', params: { tasks: 2 } }] };

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('main', () => {
  it('lists and checks the models of the catalog it is given, and only those', async () => {
    const io = { ...fakeIO(), models: mine };
    expect(await main(['list'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^mine\/one-lock: one task taking one mutex/);
    expect(io.out.join('\n')).not.toContain('dm-snapshot');
    const check = { ...fakeIO(), models: mine };
    expect(await main(['check', 'mine/one-lock', '--tasks', '2', '--json'], check)).toBe(0);
    expect(JSON.parse(check.out.join('\n'))).toMatchObject({ model: 'mine/one-lock', verdict: 'ok', complete: true });
    const unknown = { ...fakeIO(), models: mine };
    expect(await main(['check', 'dm-snapshot/semaphore'], unknown)).toBe(2);
    expect(unknown.err.join('\n')).toContain('known models: mine/one-lock');
  });

  it('prints the version written in package.json', async () => {
    const io = fakeIO();
    expect(await main(['--version'], io)).toBe(0);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(io.out).toEqual([`interleave ${version}`]);
  });
});

describe('src/', () => {
  it('imports no model and never asks for the test runner', () => {
    const offenders = sourcesUnder('src').filter((f) => {
      const text = readFileSync(f, 'utf8');
      return /from\s+'(\.\.\/)+models\//.test(text) || /process\.env\.VITEST/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
