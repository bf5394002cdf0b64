/** Issue 9: a proof cannot pass because the interesting part of the model never ran. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const MODEL = `
import { ModelBuilder } from '${process.cwd()}/src/model/builder.ts';
import { gt, inc } from '${process.cwd()}/src/model/expr.ts';
import { sourceIn } from '${process.cwd()}/src/model/source-ref.ts';
const at = sourceIn('fs/toy.c', 'v1');
const b = new ModelBuilder('toy/vacuous');
const m = b.mutex('m');
const x = b.var('x', 0, { max: 9 });
b.process('t', { instances: 2 }, (p) => p
  .step('lock', { action: 'mutex_lock(&m)', source: at(1, 'f'), op: m.lock() })
  .choice('work', [
    // x only ever reaches 2, so this alternative never runs: a step the proof needs, unreachable.
    { name: 'rare', action: 'the path that matters', source: at(2, 'f'), guard: gt(x, 5), effects: [inc(x)], required: true },
    { name: 'usual', action: 'x++', source: at(3, 'f'), guard: gt(6, x), effects: [inc(x)] },
  ])
  .step('unlock', { action: 'mutex_unlock(&m)', source: at(4, 'f'), op: m.unlock() }));
export default b.build();
`;

describe('interleave gate with required steps', () => {
  it('fails an ok check of a model whose required step is unreachable, naming the step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-vacuous-'));
    writeFileSync(join(dir, 'toy.ts'), MODEL);
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'toy', model: 'toy.ts', expect: 'ok', requireSteps: true }] }));
    const io = fakeIO(dir);
    expect(await main(['gate'], io)).toBe(1);
    const junit = readFileSync(join(dir, 'out', 'gate', 'junit.xml'), 'utf8');
    expect(junit).toContain('t &apos;work/rare&apos; (the path that matters)');
    expect(junit).toMatch(/required steps never ran/);
  });

  it('passes the same model when the proof does not ask for its required steps (the default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-vacuous-'));
    writeFileSync(join(dir, 'toy.ts'), MODEL);
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'toy', model: 'toy.ts', expect: 'ok' }] }));
    expect(await main(['gate'], fakeIO(dir))).toBe(0);
  });
});
