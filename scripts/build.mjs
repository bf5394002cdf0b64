// `npm run build` (and `prepare`, so `npm ci` builds): compiles src/ and
// models/ to JavaScript under dist/ for a fast start, then writes
// dist/build-stamp.json with the time the build started. bin/interleave.js
// runs the build only while no source file is newer than that time.
// Type errors are `npm test`'s job (tsc --noEmit); the build only emits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { cwd: root, stdio: 'inherit' });
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-stamp.json'), `${JSON.stringify({ started })}\n`);
