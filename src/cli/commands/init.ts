/**
 * `interleave init DIR`: starts a model project outside this repository. A
 * package.json depending on this package (by default a `file:` path to the
 * copy that is running, since the package is not published; `--dependency`
 * takes any npm spec, e.g. the path of an `npm pack` tarball), a
 * tsconfig.json, an example model and a gate file that checks it both ways.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { checkOutputDir, reason, writeFileAtomic } from '../out-dir.js';
import { packageJson, packageRoot } from '../package-info.js';

export const INIT_USAGE = `usage: interleave init DIR [--dependency SPEC]

Starts a model project in DIR (a new or empty folder):
  package.json   depends on this package (allowing its install script, which
                 builds it) and on typescript; scripts: npm run check,
                 npm run gate, npm run typecheck (tsc)
  tsconfig.json  for your editor and tsc (the checker itself needs no build)
  model.ts       an example: two tasks, two mutexes, in opposite orders or one
  gate.json      the proof gate: the ABBA order deadlocks, one order does not
  .gitignore

--dependency SPEC   how package.json names this package (default: file: and
                    the folder of the copy running now, as it is not on the
                    npm registry); e.g. a tarball from \`npm pack\`:
                    --dependency file:/path/to/interleave-checker-0.1.0.tgz

Then: cd DIR && npm install && npx interleave check model.ts`;

const MODEL = (pkg: string) => `/**
 * An example model: two tasks take two mutexes. With --order abba the second
 * task takes them in the opposite order (the ABBA deadlock lockdep warns
 * about); with --order same both agree on one order and nothing deadlocks.
 *
 *   npx interleave check model.ts --order abba
 *   npx interleave gate
 *
 * How to write your own: node_modules/${pkg}/docs/modelling.md
 */
import { defineModel, enumParam, ModelBuilder, sourceIn } from '${pkg}';

// Every step cites the code it models: file, line, function, at a version.
const at = sourceIn('drivers/example/example.c', 'v6.12');

export default defineModel({
  name: 'example/abba',
  description: 'two tasks, two mutexes: abba takes them in opposite orders, same in one order',
  params: {
    order: enumParam(['abba', 'same'], 'abba', 'the order the second task takes the mutexes in'),
  },
  build: ({ order }) => {
    const b = new ModelBuilder('example/abba');
    const a = b.mutex('a_lock');
    const c = b.mutex('b_lock');
    b.process('one', {}, (p) => p
      .step('lock_a', { action: 'mutex_lock(&a_lock)', source: at(10, 'one'), op: a.lock() })
      .step('lock_b', { action: 'mutex_lock(&b_lock)', source: at(11, 'one'), op: c.lock() })
      .step('unlock_b', { action: 'mutex_unlock(&b_lock)', source: at(12, 'one'), op: c.unlock() })
      .step('unlock_a', { action: 'mutex_unlock(&a_lock)', source: at(13, 'one'), op: a.unlock() }));
    if (order === 'abba') {
      b.process('two', {}, (p) => p
        .step('lock_b', { action: 'mutex_lock(&b_lock)', source: at(20, 'two'), op: c.lock() })
        .step('lock_a', { action: 'mutex_lock(&a_lock)', source: at(21, 'two'), op: a.lock() })
        .step('unlock_a', { action: 'mutex_unlock(&a_lock)', source: at(22, 'two'), op: a.unlock() })
        .step('unlock_b', { action: 'mutex_unlock(&b_lock)', source: at(23, 'two'), op: c.unlock() }));
    } else {
      b.process('two', {}, (p) => p
        .step('lock_a', { action: 'mutex_lock(&a_lock)', source: at(20, 'two'), op: a.lock() })
        .step('lock_b', { action: 'mutex_lock(&b_lock)', source: at(21, 'two'), op: c.lock() })
        .step('unlock_b', { action: 'mutex_unlock(&b_lock)', source: at(22, 'two'), op: c.unlock() })
        .step('unlock_a', { action: 'mutex_unlock(&a_lock)', source: at(23, 'two'), op: a.unlock() }));
    }
    return b.build();
  },
});
`;

const GATE = (pkg: string) => ({
  $schema: `./node_modules/${pkg}/gate.schema.json`,
  checks: [
    { name: 'ABBA: the deadlock is found', model: 'model.ts', params: { order: 'abba' }, expect: 'deadlock' },
    { name: 'one lock order: never deadlocks', model: 'model.ts', params: { order: 'same' }, expect: 'ok' },
  ],
});

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
  },
  include: ['*.ts'],
};

/**
 * `path` as one shell word, for a line to paste: as it is when it is plain,
 * else in single quotes (a space or `ü` would otherwise split or be read by
 * the shell). A leading `-` would be taken as an option of cd, so gets `./`.
 */
function shellWord(path: string): string {
  const safe = path.startsWith('-') ? `./${path}` : path;
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(safe) ? safe : `'${safe.replace(/'/g, `'\\''`)}'`;
}

/** An npm package name from a folder name: `My Models` -> `my-models`. */
function projectName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '') || 'models';
}

export async function initCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['help']));
  if (args.switches.has('help')) {
    io.stdout(INIT_USAGE);
    return ExitCode.Ok;
  }
  const dependency = takeString(args, 'dependency');
  if (args.values.size > 0) throw new UsageError(`init takes no option --${[...args.values.keys()][0]}`, 'see interleave init --help');
  if (args.positionals.length !== 1) throw new UsageError('init needs one folder', 'e.g. interleave init my-models');
  const dir = resolve(io.cwd, args.positionals[0]);
  if (existsSync(dir)) {
    // readdirSync of a file (or /dev/null) fails with ENOTDIR, which reached the user as an internal error.
    if (!statSync(dir).isDirectory()) throw new UsageError(`init: ${args.positionals[0]} is a file, not a folder`, 'give a new or empty folder');
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch (e) {
      throw new UsageError(`init: cannot read ${args.positionals[0]}: ${reason(e)}`, 'give a new or empty folder');
    }
    if (entries.length > 0) throw new UsageError(`${args.positionals[0]} is not empty`, 'give a new or empty folder');
  }
  checkOutputDir(dir, args.positionals[0]);
  const { name: pkg, devDependencies } = packageJson();
  const spec = dependency ?? `file:${packageRoot()}`;
  const files: Array<[string, string]> = [
    ['package.json', `${JSON.stringify({
      name: projectName(dir), private: true, type: 'module',
      scripts: { check: 'interleave check model.ts', gate: 'interleave gate', typecheck: 'tsc' },
      dependencies: { [pkg]: spec },
      // The TypeScript this package is checked with, so `npx tsc` finds it rather than an unrelated "tsc" package.
      devDependencies: { typescript: devDependencies?.typescript ?? 'latest' },
      // Outside the registry this package builds itself on install (its `prepare`); npm 11 warns about
      // install scripts not in allowScripts and npm 12 skips them. npm names a file: dependency by its spec.
      // esbuild (under tsx, which loads .ts model files) checks its platform binary in a postinstall.
      allowScripts: { [spec.startsWith('file:') ? spec : pkg]: true, esbuild: true },
    }, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`],
    ['model.ts', MODEL(pkg)],
    ['gate.json', `${JSON.stringify(GATE(pkg), null, 2)}\n`],
    ['.gitignore', 'node_modules/\nout/\n'],
  ];
  for (const [file, text] of files) writeFileAtomic(join(dir, file), text);
  const shown = relative(io.cwd, dir) || '.';
  io.stdout([
    `wrote ${files.map(([f]) => join(shown, f)).join(', ')}`,
    `${pkg} comes from ${spec}`,
    '',
    'next:',
    `  cd ${shellWord(shown)} && npm install`,
    '  npx interleave check model.ts --order abba   # DEADLOCK, with the schedule',
    '  npx interleave gate                          # both expectations hold',
  ].join('\n'));
  return ExitCode.Ok;
}
