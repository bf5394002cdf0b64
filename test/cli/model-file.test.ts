import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abbaModelFile } from '../support/abba-file.js';

const BIN = join(process.cwd(), 'bin', 'interleave.js');

describe('interleave check <file> (the real CLI, outside the repository)', () => {
  it('loads a TypeScript model file from a folder with no package.json and checks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-file-'));
    writeFileSync(join(dir, 'abba.ts'), abbaModelFile('user/abba'));
    const env = { ...process.env };
    delete env.VITEST;
    const r = spawnSync(process.execPath, [BIN, 'check', 'abba.ts', '--json'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'user/abba', verdict: 'deadlock', depth: 4, cycle: expect.arrayContaining(['t1', 't2']) });
  });
});
