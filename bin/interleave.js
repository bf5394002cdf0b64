#!/usr/bin/env node
// Entry point: wires the real terminal and Ctrl-C into the CLI and sets the
// exit code. It runs the compiled build (dist/, made by `npm run build`, which
// `npm ci` runs through `prepare`). When a source file is newer than the build
// (an edited or rebased checkout; never in an installed copy) it rebuilds first, so the command and a
// model file's `import 'interleave-checker'` (which resolves to dist/) run the
// same, current code; without typescript to build with, it runs the
// TypeScript sources through tsx.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from '../scripts/build-stamp.cjs';

const root = fileURLToPath(new URL('..', import.meta.url));

if (!buildIsCurrent(root)) {
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: ['ignore', 2, 'inherit'] });
  } catch {
    // The build failed (its errors are on stderr): run the sources.
  }
}

let code;
if (buildIsCurrent(root)) {
  code = {
    main: await import('../dist/src/cli/main.js'),
    loader: await import('../dist/src/cli/import-model-file.js'),
    models: await import('../dist/models/index.js'),
  };
} else {
  const { register } = await import('tsx/esm/api');
  register();
  code = {
    main: await import('../src/cli/main.ts'),
    loader: await import('../src/cli/import-model-file.ts'),
    models: await import('../models/index.ts'),
  };
}

// Ctrl-C, and a CI job cancelled (SIGTERM) or a terminal closed (SIGHUP), stop a search with
// its partial report; the exit code is then the shell's 128 + the signal's number. A command
// that never looks at the signal (explore, export, ...) is left to the signal's default: it ends.
const signal = { aborted: false };
let stoppedWith;
const signals = code.main.stopsOnSignal(process.argv.slice(2)) ? [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] : [];
for (const [name, code] of signals) {
  process.on(name, () => {
    if (signal.aborted) {
      // A second signal: stop now. Each file is written whole or not at all, but not all may be there.
      process.stderr.write(`interleave: stopped at once by a second ${name === 'SIGINT' ? 'Ctrl-C' : name}; an output folder may lack some of its files\n`);
      process.exit(code);
    }
    stoppedWith = code;
    signal.aborted = true;
  });
}

const io = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
  signal,
  cwd: process.cwd(),
  terminal: { stdout: process.stdout, stderr: process.stderr },
  models: code.models.catalog,
  importModule: code.loader.importModelFile,
};

try {
  process.exitCode = await code.main.main(process.argv.slice(2), io);
  if (process.exitCode === 130 && stoppedWith !== undefined) process.exitCode = stoppedWith;
} catch (e) {
  process.stderr.write(`interleave: internal error (a bug in interleave, please report it): ${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 70;
}
