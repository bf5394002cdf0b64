import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const FILE = `
  import { ModelBuilder, defineModel, enumParam, intParam, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('fs/x.c', 'v1');
  export default defineModel({ name: 'user/listed', description: 'a model file with two parameters', params: {
    callers: intParam(1, 3, 2, 'tasks calling'), order: enumParam(['ab', 'ba'], 'ab', 'lock order'),
  }, build: () => {
    const b = new ModelBuilder('user/listed');
    const L = b.mutex('L');
    b.process('t', {}, (p) => p.step('lock', { action: 'lock', source: at(1, 'f'), op: L.lock() }).step('unlock', { action: 'unlock', source: at(2, 'f'), op: L.unlock() }));
    return b.build();
  } });`;

describe('interleave list <model>', () => {
  it('lists a model file\'s parameters as it lists a registered model\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-list-'));
    writeFileSync(join(dir, 'model.ts'), FILE);
    const io = fakeIO(dir);
    expect(await main(['list', 'model.ts'], io)).toBe(0);
    expect(io.out.join('\n')).toBe([
      'user/listed: a model file with two parameters',
      'parameters:',
      '  --callers          1..3                           default 2. tasks calling',
      '  --order            ab|ba                          default ab. lock order',
    ].join('\n'));
  });

  it('lists one registered model by name', async () => {
    const io = fakeIO();
    expect(await main(['list', 'dm-snapshot/semaphore'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^dm-snapshot\/semaphore: .*\nparameters:\n {2}--writers /);
    expect(io.out.join('\n')).not.toMatch(/dm-snapshot\/in-progress/);
  });

  it('takes one model at most', async () => {
    const io = fakeIO();
    expect(await main(['list', 'a.ts', 'b.ts'], io)).toBe(2);
    expect(io.err).toEqual(['interleave: list takes no second argument "b.ts"\nhint: see interleave list --help']);
  });
});
