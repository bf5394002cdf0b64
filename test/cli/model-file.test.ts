import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'interleave.js');

describe('interleave check <file> (the real CLI, outside the repository)', () => {
  it('loads a TypeScript model file from a folder with no package.json and checks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-file-'));
    writeFileSync(join(dir, 'abba.ts'), `
      import { ModelBuilder, sourceIn } from '${process.cwd()}/src/index.ts';
      const at = sourceIn('fs/x.c', 'v1');
      const b = new ModelBuilder('user/abba');
      const A = b.mutex('A'); const B = b.mutex('B');
      b.process('t1', {}, (p) => p.step('a', { action: 'lock A', source: at(1, 'f'), op: A.lock() }).step('b', { action: 'lock B', source: at(2, 'f'), op: B.lock() })
        .step('c', { action: 'unlock B', source: at(3, 'f'), op: B.unlock() }).step('d', { action: 'unlock A', source: at(4, 'f'), op: A.unlock() }));
      b.process('t2', {}, (p) => p.step('a', { action: 'lock B', source: at(5, 'g'), op: B.lock() }).step('b', { action: 'lock A', source: at(6, 'g'), op: A.lock() })
        .step('c', { action: 'unlock A', source: at(7, 'g'), op: A.unlock() }).step('d', { action: 'unlock B', source: at(8, 'g'), op: B.unlock() }));
      export default b.build();`);
    const env = { ...process.env };
    delete env.VITEST;
    const r = spawnSync(process.execPath, [BIN, 'check', 'abba.ts', '--json'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'user/abba', verdict: 'deadlock', depth: 4, cycle: expect.arrayContaining(['t1', 't2']) });
  });
});
