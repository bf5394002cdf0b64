import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { abbaModelFile } from '../support/abba-file.js';
import { fakeIO } from './fake-io.js';

const BIN = join(process.cwd(), 'bin', 'interleave.js');

/** A model definition whose build finds two problems at once. */
const TWO_PROBLEMS = `
  import { ModelBuilder, defineModel, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('fs/x.c', 'v1');
  export default defineModel({ name: 'user/two-problems', description: 'two problems', params: {}, build: () => {
    const b = new ModelBuilder('user/two-problems');
    const L = b.mutex('dev->lock');
    b.process('t1', {}, (p) => p
      .step('lock', { action: 'mutex_lock', source: at(1, 'f'), op: L.lock() })
      .step('unlock', { action: 'mutex_unlock', source: at(2, 'f'), op: L.unlock(), goto: 'nowhere' }));
    return b.build();
  } });`;

const PROBLEMS = [/primitive name "dev->lock" is not an identifier/, /step 'unlock': goes to unknown label 'nowhere'/];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'interleave-load-error-'));
  writeFileSync(join(dir, 'two.ts'), TWO_PROBLEMS);
  writeFileSync(join(dir, 'built.ts'), TWO_PROBLEMS.replace('export default defineModel(', 'const def = defineModel(').concat('\nexport default def.build({});'));
  writeFileSync(join(dir, 'abba.ts'), abbaModelFile('user/abba'));
  writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'two', model: 'two.ts', expect: 'ok' }, { name: 'built', model: 'built.ts', expect: 'ok' }] }));
});

function expectWhole(err: string): void {
  for (const p of PROBLEMS) expect(err).toMatch(p);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('a model file with several problems: every command names them all (exit 2)', () => {
  it.each([
    ['check', ['check', 'two.ts']],
    ['check (built at import)', ['check', 'built.ts']],
    ['sweep', ['sweep', 'two.ts', '--out', 'o']],
    ['export', ['export', 'two.ts']],
    ['simulate', ['simulate', 'two.ts', '--runs', '1']],
    ['minimize', ['minimize', 'two.ts', '--out', 'o']],
    ['diff', ['diff', 'abba.ts', 'two.ts', '--out', 'o']],
    ['replay --model', ['replay', 'trace.json', '--model', 'two.ts']],
  ])('%s', async (_, argv) => {
    if (argv[0] === 'replay') {
      const saved = fakeIO(dir);
      await main(['check', 'abba.ts', '--json'], saved);
      writeFileSync(join(dir, 'trace.json'), saved.out.join('\n'));
    }
    const io = fakeIO(dir);
    const code = await main(argv, io);
    expectWhole(io.err.join('\n'));
    expect(code).toBe(2);
  });

  it('gate lists each model file\'s problems under its check', async () => {
    const io = fakeIO(dir);
    expect(await main(['gate', '--out', 'o'], io)).toBe(2);
    const err = io.err.join('\n');
    expect(err).toMatch(/checks\[0\]\.model:/);
    expect(err).toMatch(/checks\[1\]\.model:/);
    expect(err.match(/is not an identifier/g)).toHaveLength(2);
  });
});

describe('a model file that throws a value which cannot be printed', () => {
  // Its toString and message throw too: describing it once ended in an internal error (exit 70) with a stack trace.
  const THROWS = "throw { get message() { throw new Error('getter'); }, toString() { throw new Error('ts'); } };\n";
  it.each([['check'], ['list']])('%s says so, exit 2', async (command) => {
    const io = fakeIO(dir);
    writeFileSync(join(dir, 'throwobj.ts'), THROWS);
    expect(await main([command, 'throwobj.ts'], io)).toBe(2);
    expect(io.err).toEqual(['interleave: cannot load model file throwobj.ts: an unprintable value was thrown']);
  });

  it('in build, names the model being built', async () => {
    const io = fakeIO(dir);
    writeFileSync(join(dir, 'throwbuild.ts'), `export default { name: 'user/tb', description: '', params: {}, build: () => { ${THROWS} } };\n`);
    expect(await main(['check', 'throwbuild.ts'], io)).toBe(2);
    expect(io.err).toEqual(['interleave: cannot build model user/tb from throwbuild.ts: an unprintable value was thrown']);
  });
});

describe('a model file whose import cannot be found', () => {
  it.each([
    ["'interleave'", "it imports 'interleave', which cannot be found: the builder API is the package interleave-checker: import { ModelBuilder, ... } from 'interleave-checker'"],
    ["'./nothere.js'", "it imports './nothere.js', which cannot be found: check the path, relative to the model file"],
  ])('names the import %s and what to do, without tsx\'s require stack', async (spec, message) => {
    const io = fakeIO(dir);
    // A file name of its own: a module once imported stays cached.
    const file = `imports-${spec.replace(/\W/g, '')}.ts`;
    writeFileSync(join(dir, file), `import { ModelBuilder } from ${spec};\nexport default new ModelBuilder('x').build();\n`);
    expect(await main(['check', file], io)).toBe(2);
    expect(io.err).toEqual([`interleave: cannot load model file ${file}: ${message}`]);
  });
});

describe('the real CLI, from a folder outside the repository', () => {
  const run = (args: string[]) => {
    const env = { ...process.env };
    delete env.VITEST;
    return spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' });
  };

  it('lists every problem of a model built when its file loads, with no stack trace', () => {
    const r = run(['check', 'built.ts']);
    expect(r.status).toBe(2);
    expectWhole(r.stderr);
    expect(r.stdout).toBe('');
  });

  it('shows what a definition\'s build throws as the place in the file, not as a bug in interleave', () => {
    writeFileSync(join(dir, 'typo.ts'), TWO_PROBLEMS.replace("op: L.unlock(), goto: 'nowhere'", 'op: (L as any).unlokc()').replace("b.mutex('dev->lock')", "b.mutex('dev')"));
    const r = run(['check', 'typo.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot build model user\/two-problems from typo\.ts: TypeError: .*unlokc is not a function/);
    // The place when the runtime kept it (a file importing the installed package does), else which file ran.
    expect(r.stderr).toMatch(/at typo\.ts:\d+:\d+|\(thrown while running typo\.ts\)/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at .*\(/);
  });

  it('names a step option it does not know (a misspelt goto) among the model\'s problems', () => {
    writeFileSync(join(dir, 'next.ts'), TWO_PROBLEMS.replace("goto: 'nowhere'", "next: 'lock'").replace("b.mutex('dev->lock')", "b.mutex('dev')"));
    const r = run(['check', 'next.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/process t1, step 'unlock': unknown option 'next' \(known: .*goto.*\)/);
  });

  it('shows a syntax error as file:line:column with the offending line', () => {
    writeFileSync(join(dir, 'syntax.ts'), "import { ModelBuilder } from 'nowhere';\nconst b = new ModelBuilder('x';\nexport default b.build();\n");
    const r = run(['check', 'syntax.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot load model file syntax\.ts: it does not compile \(1 error\):/);
    expect(r.stderr).toMatch(/syntax\.ts:2:31: Expected "\)" but found ";"/);
    expect(r.stderr).toContain("2 | const b = new ModelBuilder('x';");
    expect(r.stderr).toMatch(/\n\s+\|\s{31}\^/);
  });
});
