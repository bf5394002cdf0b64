/**
 * The module a worker thread starts from. Compiled JavaScript (the installed
 * CLI) starts the sibling `worker.js` itself. TypeScript sources (the test
 * runner, the bench) start the compiled twin of the worker when the build
 * is current, and otherwise `worker-entry.mjs`, which registers tsx in the
 * worker first, since a loader registered in one thread does not reach
 * another: transpiling the sources again costs each thread about two CPU
 * seconds.
 *
 * @param dir the worker's folder relative to `from`, e.g. `.` or `../ui`
 * @param from the caller's `import.meta.url`
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerUrl(dir: string, from: string): URL {
  if (from.endsWith('.js')) return new URL(`${dir}/worker.js`, from);
  return builtTwin(new URL(`${dir}/worker.js`, from)) ?? new URL(`${dir}/worker-entry.mjs`, from);
}

/** `<root>/src/.../worker.js` as built into `<root>/dist/src/...`, if the build started after every source under src/ and models/ last changed (scripts/build-stamp.cjs). */
function builtTwin(source: URL): URL | undefined {
  const path = fileURLToPath(source);
  const at = path.lastIndexOf(`${join('/', 'src', '/')}`);
  if (at < 0) return undefined;
  const root = path.slice(0, at);
  const twin = join(root, 'dist', path.slice(at + 1));
  if (!existsSync(twin)) return undefined;
  const { buildIsCurrent } = createRequire(import.meta.url)(join(root, 'scripts', 'build-stamp.cjs')) as { buildIsCurrent(root: string): boolean };
  if (!buildIsCurrent(root)) return undefined;
  return pathToFileURL(twin);
}
