/**
 * What a start of the installed command loads (issue 15, item 7): the
 * compiled build, which vitest's global setup (test/support/build-once.ts)
 * made from the current sources; tsx only to import a TypeScript model file;
 * never ink or React without a terminal, nor Graphviz or DOT when no diagram
 * is written. Timing is `npm run bench`'s business; this checks the cause.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { abbaModelFile } from '../support/abba-file.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'interleave.js');

/** Runs the CLI in a temp folder and returns the URLs of the modules it loaded. */
function modulesLoaded(args: readonly string[], files: Record<string, string> = {}): { status: number | null; urls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-start-'));
  const log = join(dir, 'loaded.txt');
  writeFileSync(join(dir, 'hook.mjs'), `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, urls: readFileSync(log, 'utf8').trim().split('\n') };
}

const from = (urls: readonly string[], what: RegExp) => urls.filter((u) => what.test(u));

describe('bin/interleave.js', () => {
  it('runs a registered model from the compiled build without tsx, ink, React, Graphviz or DOT', () => {
    const { status, urls } = modulesLoaded(['check', 'dm-snapshot/semaphore', '--writers', '1', '--ctrs', '0', '--quiet']);
    expect(status).toBe(0);
    expect(from(urls, /\/dist\/src\/cli\/main\.js$/)).toHaveLength(1);
    expect(from(urls, /\/src\/.*\.tsx?$/)).toEqual([]);
    expect(from(urls, /\/node_modules\/(tsx|ink|react|@hpcc-js|ts-graphviz|@ts-graphviz)\//)).toEqual([]);
  });

  it('loads tsx to import a TypeScript model file', () => {
    const { status, urls } = modulesLoaded(['check', 'abba.ts', '--quiet'], { 'abba.ts': abbaModelFile('user/abba') });
    expect(status).toBe(1);
    expect(from(urls, /\/node_modules\/tsx\//).length).toBeGreaterThan(0);
    expect(from(urls, /\/node_modules\/(ink|react)\//)).toEqual([]);
  });
});
