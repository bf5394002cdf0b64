#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx (so model files may be
// .ts too), wires the real terminal and Ctrl-C into the CLI, and sets the exit code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { importModelFile } = await import('../src/cli/import-model-file.ts');
const { catalog } = await import('../models/index.ts');

const signal = { aborted: false };
process.on('SIGINT', () => {
  if (signal.aborted) process.exit(130); // a second Ctrl-C: stop now
  signal.aborted = true;
});

const io = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
  signal,
  cwd: process.cwd(),
  terminal: { stdout: process.stdout, stderr: process.stderr },
  models: catalog,
  importModule: importModelFile,
};

try {
  process.exitCode = await main(process.argv.slice(2), io);
} catch (e) {
  process.stderr.write(`interleave: internal error (a bug in interleave, please report it): ${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 70;
}
