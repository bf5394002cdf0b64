/**
 * The module a worker thread starts from. Compiled JavaScript (the installed
 * CLI) starts the sibling `worker.js` itself; TypeScript sources (the test
 * runner, a stale build) start `worker-entry.mjs`, which registers tsx in the
 * worker first, since a loader registered in one thread does not reach another.
 *
 * @param dir the worker's folder relative to `from`, e.g. `.` or `../ui`
 * @param from the caller's `import.meta.url`
 */
export function workerUrl(dir: string, from: string): URL {
  return new URL(`${dir}/${from.endsWith('.js') ? 'worker.js' : 'worker-entry.mjs'}`, from);
}
