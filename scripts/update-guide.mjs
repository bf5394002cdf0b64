// Rewrites the outputs of the example runs in docs/modelling.md with what the
// command prints today (test/docs/modelling.test.ts fails when they differ).
// Runs each `$ npx interleave ...` line in a temporary folder holding the
// guide's example files, with this package linked in as npm links it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const guidePath = join(root, 'docs', 'modelling.md');
const guide = readFileSync(guidePath, 'utf8');
const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const dir = mkdtempSync(join(tmpdir(), 'interleave-guide-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', name), 'dir');
for (const m of guide.matchAll(/<!-- example-file: (\S+) -->\n```\w*\n([^]*?)\n```\n/g)) writeFileSync(join(dir, m[1]), `${m[2]}\n`);

const updated = guide.replace(/(<!-- example-run -->\n```\w*\n)([^]*?)(\n```\n)/g, (_, open, body, close) => {
  const out = body.split(/^(?=\$ )/m).map((chunk) => {
    const command = chunk.split('\n')[0];
    const args = command.replace(/^\$ npx interleave /, '').split(' ');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'interleave.js'), ...args], { cwd: dir, encoding: 'utf8' });
    return `${command}\n${r.stdout.trimEnd()}`;
  });
  return `${open}${out.join('\n')}${close}`;
});
writeFileSync(guidePath, updated);
console.log(updated === guide ? 'docs/modelling.md is up to date' : 'updated docs/modelling.md');
