import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'interleave-grid-'));

describe('interleave minimize', () => {
  it('finds writers 2, threshold 1, ctrs 1 as the only smallest failing configuration of the semaphore design', async () => {
    const io = fakeIO(tmp());
    expect(await main(['minimize', 'dm-snapshot/semaphore', '--writers', '1..5', '--cow-threshold', '0..3', '--ctrs', '0..2', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out.join('\n'));
    expect(doc.minimal.map((m: { configuration: object }) => m.configuration)).toEqual([{ writers: 2, 'cow-threshold': 1, ctrs: 1 }]);
    expect(doc.minimal[0]).toMatchObject({ verdict: 'deadlock', depth: 9 });
    expect(doc.skipped).toBeGreaterThan(0);
  });

  it('finds nothing for the fix', async () => {
    const io = fakeIO(tmp());
    await main(['minimize', 'dm-snapshot/in-progress', '--writers', '1..3', '--cow-threshold', '0..1', '--ctrs', '0..1', '--json'], io);
    expect(JSON.parse(io.out.join('\n')).minimal).toEqual([]);
  });
});

describe('interleave diff', () => {
  it('lists exactly the configurations where the semaphore design deadlocks and the fix does not', async () => {
    const io = fakeIO(tmp());
    expect(await main(['diff', 'dm-snapshot/semaphore', 'dm-snapshot/in-progress', '--writers', '1..3', '--cow-threshold', '0..2', '--ctrs', '0..2', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out.join('\n'));
    expect(doc.configurations).toBe(27);
    expect(doc.differences.length).toBeGreaterThan(0);
    for (const d of doc.differences) {
      expect(d.a.verdict).toBe('deadlock');
      expect(d.b.verdict).toBe('ok');
      // Each needs two writers, a bounded semaphore and a snapshot_ctr.
      expect(d.params.writers).toBeGreaterThanOrEqual(2);
      expect(d.params['cow-threshold']).toBeGreaterThanOrEqual(1);
      expect(d.params.ctrs).toBeGreaterThanOrEqual(1);
    }
    expect(doc.differences.map((d: { params: object }) => d.params)).toContainEqual({ writers: 2, 'cow-threshold': 1, ctrs: 1 });
  });

  it('compares the fix with a mutant given as NAME:param=value', async () => {
    const io = fakeIO(tmp());
    await main(['diff', 'dm-snapshot/in-progress', 'dm-snapshot/in-progress:mutant=sleep-holding-lock', '--writers', '2', '--cow-threshold', '0', '--ctrs', '0..1', '--json'], io);
    const doc = JSON.parse(io.out.join('\n'));
    expect(doc.differences.map((d: { params: object; b: { verdict: string } }) => [d.params, d.b.verdict])).toEqual([[{ writers: 2, 'cow-threshold': 0, ctrs: 1 }, 'deadlock']]);
  });

  it.each([
    [['diff', 'dm-snapshot/semaphore'], /diff needs two models/],
    [['diff', 'dm-snapshot/semaphore', 'dm-snapshot/in-progress', '--mutant', 'lost-wakeup'], /unknown parameter --mutant/],
    [['diff', 'dm-snapshot/semaphore', 'dm-snapshot/semaphore:constructor=1', '--writers', '1..2'], /unknown parameter --constructor/],
    [['diff', 'dm-snapshot/semaphore', 'dm-snapshot/semaphore', '--constructor', '1..2'], /unknown parameter --constructor/],
    [['minimize', 'dm-snapshot/semaphore', '--constructor', '1..2'], /unknown parameter --constructor/],
    [['diff', 'dm-snapshot/in-progress:mutant', 'dm-snapshot/semaphore'], /malformed model parameters/],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const io = fakeIO(tmp());
    expect(await main(argv, io)).toBe(2);
    expect(io.err.join('\n')).toMatch(message);
  });
});
