/**
 * docs/modelling.md cannot drift: its example files are written into a
 * temporary folder outside the repository (with this package linked in as
 * `interleave-checker`, as npm links a `file:` dependency), every `$ npx
 * interleave ...` line of its example runs goes through bin/interleave.js
 * there, and the output must be what the guide prints, times aside.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const GUIDE = readFileSync(join(ROOT, 'docs', 'modelling.md'), 'utf8');

/** The fenced block right after each `<!-- marker -->` comment, with the comment's argument. */
function blocksAfter(marker: string): Array<{ arg: string; body: string }> {
  const re = new RegExp(`<!-- ${marker}:?\\s*([^ ]*?)\\s*-->\\n\`\`\`\\w*\\n([^]*?)\\n\`\`\`\\n`, 'g');
  return [...GUIDE.matchAll(re)].map((m) => ({ arg: m[1], body: m[2] }));
}

/** Times vary run to run, and with them the width of a table's time column. */
const untimed = (text: string) => text
  .replace(/\b\d+(\.\d+)? (ms|s)\b/g, 'T')
  .replace(/(T\s+)(-|[\d,]+)$/gm, '$1R')
  .replace(/-{2,}/g, '--')
  .replace(/[ \t]+/g, ' ')
  .trimEnd();

const files = blocksAfter('example-file');
const runs = blocksAfter('example-run').flatMap(({ body }) =>
  body.split(/^(?=\$ )/m).map((chunk) => {
    const [command, ...output] = chunk.split('\n');
    return { command: command.replace(/^\$ /, ''), output: output.join('\n') };
  }));

describe('docs/modelling.md', () => {
  it('has three example files and their runs', () => {
    expect(files.map((f) => f.arg)).toEqual(['abba.ts', 'flush-work.ts', 'lost-wakeup.ts']);
    expect(runs.length).toBeGreaterThanOrEqual(5);
  });

  const dir = mkdtempSync(join(tmpdir(), 'interleave-guide-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'interleave-checker'), 'dir');
  for (const f of files) writeFileSync(join(dir, f.arg), `${f.body}\n`);

  it.each(runs)('$command prints what the guide shows', ({ command, output }) => {
    expect(command).toMatch(/^npx interleave /);
    const args = command.replace(/^npx interleave /, '').split(' ');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'interleave.js'), ...args], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(untimed(r.stdout), `the guide is out of date (node scripts/update-guide.mjs rewrites its outputs): ${command}`).toBe(untimed(output));
  });
});
