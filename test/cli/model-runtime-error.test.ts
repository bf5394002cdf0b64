/**
 * Issue 17: a step failing at run time that escapes while a report is built
 * (it once did from the fewest-switches pass under --por) reads as the
 * model's error, exit 2 with the step named -- never "internal error" -- in
 * check, sweep and gate. The escape is simulated: the searches themselves
 * report such a step as an `assertion` violation (test/cli/check.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ModelRuntimeError } from '../../src/explore/compile.js';
import { fakeIO } from './fake-io.js';

vi.mock('../../src/explain/report.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/explain/report.js')>();
  return {
    ...actual,
    buildReport: () => {
      throw new ModelRuntimeError('n = n + 1 gives 2, outside the declared range 0..1', 3, 't#2: n++');
    },
  };
});

const BUG = ['dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];
const WANT = /^interleave: model error: t#2: n\+\+ fails: n = n \+ 1 gives 2, outside the declared range 0\.\.1$/;

describe('a step failing at run time outside the search', () => {
  it.each([
    ['check', [...BUG, '--quiet']],
    ['sweep', [...BUG, '--quiet']],
  ])('is a model error in %s', async (command, args) => {
    const io = fakeIO(mkdtempSync(join(tmpdir(), 'interleave-runtime-')));
    expect(await main([command, ...args], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(WANT);
  });

  it('is a model error in gate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-runtime-'));
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ checks: [{ name: 'bug', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 }, expect: 'deadlock' }] }));
    const io = fakeIO(dir);
    expect(await main(['gate', '--quiet'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(WANT);
  });
});
