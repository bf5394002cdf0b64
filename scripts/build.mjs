// `npm run build` (and `prepare`, so `npm ci` builds): compiles src/ and
// models/ to JavaScript under dist/ for a fast start, then writes
// dist/build-stamp.json with the time the build started. bin/interleave.js
// runs the build only while no source file is newer than that time.
// Type errors are `npm test`'s job (tsc --noEmit); the build only emits.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
let tsc;
try {
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  // Installed without dev dependencies: the command runs the sources through tsx.
  console.warn('interleave: typescript is not installed, so nothing was built; the command will run the TypeScript sources (slower start)');
  process.exit(0);
}
// Built beside dist/ and swapped in, so a command starting meanwhile sees
// the old build or the new one, never half of one.
const fresh = join(root, `.dist-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck', '--outDir', fresh], { cwd: root, stdio: 'inherit' });
  writeFileSync(join(fresh, 'build-stamp.json'), `${JSON.stringify({ started })}\n`);
  rmSync(old, { recursive: true, force: true });
  try { renameSync(join(root, 'dist'), old); } catch { /* no previous build */ }
  renameSync(fresh, join(root, 'dist'));
} catch (e) {
  // tsc printed why (a failed rename is the other way here): a stack trace of this script would only bury it.
  console.error(`interleave: the build failed (${e.status !== undefined ? `tsc exited with ${e.status}` : e.message}); the command will run the TypeScript sources (slower start)`);
  process.exitCode = 1;
} finally {
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
