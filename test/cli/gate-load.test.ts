/** Issue 17: gate files a newcomer writes -- one model file for the bug and the fix, mistakes caught at load, Ctrl-C read as such. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { abbaModelFile } from '../support/abba-file.js';
import { fakeIO } from './fake-io.js';

/** ABBA with a parameter: `fixed=1` makes t2 take A before B too. */
const ABBA_FIX = `
  import { ModelBuilder, defineModel, intParam, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('fs/x.c', 'v1');
  export default defineModel({ name: 'user/abba', description: 'ABBA and its fix', params: { fixed: intParam(0, 1, 0, '1: t2 takes A first') }, build: ({ fixed }) => {
    const b = new ModelBuilder('user/abba', { fixed });
    const A = b.mutex('A'); const B = b.mutex('B');
    const [x, y] = fixed ? [A, B] : [B, A];
    b.process('t1', {}, (p) => p.step('a', { action: 'lock A', source: at(1, 'f'), op: A.lock() }).step('b', { action: 'lock B', source: at(2, 'f'), op: B.lock() })
      .step('c', { action: 'unlock B', source: at(3, 'f'), op: B.unlock() }).step('d', { action: 'unlock A', source: at(4, 'f'), op: A.unlock() }));
    b.process('t2', {}, (p) => p.step('a', { action: 'lock x', source: at(5, 'g'), op: x.lock() }).step('b', { action: 'lock y', source: at(6, 'g'), op: y.lock() })
      .step('c', { action: 'unlock y', source: at(7, 'g'), op: y.unlock() }).step('d', { action: 'unlock x', source: at(8, 'g'), op: x.unlock() }));
    return b.build();
  } });`;

/** A spin_lock then a mutex_lock (a sleep in atomic context) unless `fixed=1` takes the mutex first. */
const SPIN_MUTEX = `
  import { ModelBuilder, defineModel, intParam, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('drivers/x.c', 'v1');
  export default defineModel({ name: 'user/spin-mutex', description: 'mutex_lock under spin_lock', params: { fixed: intParam(0, 1, 0, '1: mutex first') }, build: ({ fixed }) => {
    const b = new ModelBuilder('user/spin-mutex', { fixed });
    const s = b.spinlock('s'); const m = b.mutex('m');
    const take = [{ name: 'spin', action: 'spin_lock(&s)', op: s.lock() }, { name: 'mutex', action: 'mutex_lock(&m)', op: m.lock() }];
    b.process('t', {}, (p) => { for (const [i, t] of (fixed ? take.reverse() : take).entries()) p.step(t.name, { action: t.action, source: at(i + 1, 'f'), op: t.op });
      p.step('sunlock', { action: 'spin_unlock(&s)', source: at(3, 'f'), op: s.unlock() }).step('munlock', { action: 'mutex_unlock(&m)', source: at(4, 'f'), op: m.unlock() }); });
    return b.build();
  } });`;

function gateDir(gate: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-gate-load-'));
  writeFileSync(join(dir, 'abba-fix.ts'), ABBA_FIX);
  writeFileSync(join(dir, 'spin-mutex.ts'), SPIN_MUTEX);
  writeFileSync(join(dir, 'abba.ts'), abbaModelFile('user/plain-abba'));
  writeFileSync(join(dir, 'gate.json'), JSON.stringify(gate));
  return dir;
}

describe('interleave gate: one model file in several checks', () => {
  it('holds the natural pair: the bug found with one parameter set, the fix holding with another', async () => {
    const dir = gateDir({ checks: [
      { name: 'bug found', model: 'abba-fix.ts', params: { fixed: 0 }, expect: 'deadlock' },
      { name: 'fix holds', model: './abba-fix.ts', params: { fixed: 1 }, expect: 'ok' },
    ] });
    // The real CLI: it loads each model file through tsx, once per import unless the gate shares it.
    const env = { ...process.env };
    delete env.VITEST;
    const r = spawnSync(process.execPath, [join(process.cwd(), 'bin', 'interleave.js'), 'gate', '--quiet'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/PASSED: every expectation holds \(2 configurations in 2 checks/);
    expect(r.status).toBe(0);
    // The bug's case records its model file, so replaying it needs no --model.
    const cases = join(dir, 'out', 'gate', 'cases');
    const [only] = readdirSync(cases);
    const result = join(cases, only, 'result.json');
    expect(JSON.parse(readFileSync(result, 'utf8')).modelFile).toBe(join(dir, 'abba-fix.ts'));
    const io = fakeIO(dir);
    expect(await main(['replay', result, '--quiet'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/user\/abba fixed=0/);
  });
});

describe('interleave gate: mistakes caught when the gate file is loaded (exit 2, nothing explored)', () => {
  it('reads a gate file that starts with a byte-order mark', async () => {
    const dir = gateDir({});
    writeFileSync(join(dir, 'gate.json'), `\uFEFF${JSON.stringify({ checks: [{ name: 'fixed', model: './abba-fix.ts', params: { fixed: 1 }, expect: 'ok' }] })}`);
    const io = fakeIO(dir);
    expect(await main(['gate', '--out', join(dir, 'out')], io)).toBe(0);
  });

  it('names a property the model does not have, with the ones it has', async () => {
    const dir = gateDir({ checks: [{ name: 'bound', model: 'dm-snapshot/unthrottled', params: { writers: 3, 'max-inflight': 2 }, expect: 'invariant', property: 'in-flight copy <= 2' }] });
    const io = fakeIO(dir);
    expect(await main(['gate'], io)).toBe(2);
    expect(io.err[0]).toMatch(/^interleave: gate\.json: checks\[0\]\.property: dm-snapshot\/unthrottled has no property "in-flight copy <= 2" \(its properties: .*"in-flight copies <= 2"/);
    expect(io.err.join('\n')).not.toMatch(/\[1\/1\]/);
  });

  it('takes the built-in atomic-sleep as a property of a model that can sleep in atomic context, and only of one', async () => {
    const dir = gateDir({ checks: [
      { name: 'sleeps', model: 'spin-mutex.ts', params: { fixed: 0 }, expect: 'invariant', property: 'atomic-sleep' },
      { name: 'fixed', model: 'spin-mutex.ts', params: { fixed: 1 }, expect: 'ok' },
    ] });
    const io = fakeIO(dir);
    expect(await main(['gate', '--quiet'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/PASSED: every expectation holds/);
    const plain = fakeIO(gateDir({ checks: [{ name: 'abba', model: 'abba.ts', expect: 'invariant', property: 'atomic-sleep' }] }));
    expect(await main(['gate'], plain)).toBe(2);
    expect(plain.err[0]).toMatch(/checks\[0\]\.property: user\/plain-abba has no property "atomic-sleep" \(its properties: none\)/);
  });

  it('refuses requireSteps on a model that marks no step required', async () => {
    const dir = gateDir({ checks: [{ name: 'abba', model: 'abba.ts', expect: 'ok', requireSteps: true }] });
    const io = fakeIO(dir);
    expect(await main(['gate'], io)).toBe(2);
    expect(io.err[0]).toMatch(/checks\[0\]\.requireSteps: user\/plain-abba marks no step required, so nothing could show the proof is not vacuous/);
  });
});

describe('interleave gate interrupted', () => {
  it('reads the claims cut short as interrupted, not as failed', async () => {
    const dir = gateDir({ checks: [{ name: 'fine', model: 'dm-snapshot/semaphore', params: { writers: '1..3' }, expect: 'ok' }] });
    const signal = { aborted: false };
    // Ctrl-C as the first configuration's verdict line appears.
    const io = { ...fakeIO(dir), signal, stderr: (t: string) => { err.push(t); signal.aborted = true; } };
    const err: string[] = [];
    expect(await main(['gate'], io)).toBe(130);
    const out = io.out.join('\n');
    expect(err[0]).toMatch(/^\[1\/3\] pass fine/);
    expect(out).toMatch(/INTERRUPTED\s+NOT established \(interrupted\): dm-snapshot\/semaphore: for writers 1\.\.3, .*2 configurations never ran; those explored before Ctrl-C met the expectation\./);
    expect(out).not.toMatch(/FAILED/);
  });
});
