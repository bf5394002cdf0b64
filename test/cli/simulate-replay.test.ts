import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const semaphore = ['dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];
const tmp = () => mkdtempSync(join(tmpdir(), 'interleave-trust-'));

describe('interleave simulate', () => {
  it('reports how many runs hit the deadlock, shows the first, and exits 1', async () => {
    const io = fakeIO();
    expect(await main(['simulate', ...semaphore, '--seed', '42', '--runs', '200'], io)).toBe(1);
    const text = io.out.join('\n');
    expect(text).toMatch(/^dm-snapshot\/semaphore .*: 200 random runs from seed 42: \d+ runs? hit a violation \(deadlock \d+\)/);
    expect(text).toMatch(/First violation: run \d+ \(seed \d+\) reached a deadlock after \d+ steps; reproduce it with --seed \d+ --runs 1\./);
    expect(text).toMatch(/kcopyd at 'retry_down_read': down_read\(&_origins_lock\)/);
  });

  it('exits 0 when no run hits a violation', async () => {
    const io = fakeIO();
    expect(await main(['simulate', 'dm-snapshot/in-progress', '--writers', '2', '--seed', '1', '--runs', '100'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/100 random runs from seed 1: no violation hit; 100 finished/);
  });

  it('says in words why a trace file cannot be read', async () => {
    const io = fakeIO(tmpdir());
    expect(await main(['replay', '.'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/^interleave: cannot read \.: it is a folder, not a file/);
  });

  it('reproduces a run from its own seed', async () => {
    const many = fakeIO();
    await main(['simulate', ...semaphore, '--seed', '5', '--runs', '100', '--json'], many);
    const a = JSON.parse(many.out.join('\n'));
    expect(a).toMatchObject({ schema: 'interleave/simulate@1', seed: 5, runs: 100, verdict: 'deadlock' });
    const one = fakeIO();
    await main(['simulate', ...semaphore, '--seed', String(a.firstRun.seed), '--runs', '1', '--json'], one);
    const b = JSON.parse(one.out.join('\n'));
    expect(b.firstRun).toMatchObject({ index: 0, seed: a.firstRun.seed, steps: a.firstRun.steps });
    expect(b.trace).toEqual(a.trace);
  });

  it.each([
    [['simulate'], /simulate needs a model/],
    [['simulate', ...semaphore, '--runs', '0'], /--runs must be an integer >= 1/],
    [['simulate', ...semaphore, '--seed', 'x'], /--seed must be an integer/],
    [['simulate', ...semaphore, '--seed', '4294967296'], /--seed must be at most 4294967295/],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const io = fakeIO();
    expect(await main(argv, io)).toBe(2);
    expect(io.err.join('\n')).toMatch(message);
  });
});

describe('interleave replay', () => {
  it('replays a check --json counterexample, printing every state, and exits 0', async () => {
    const dir = tmp();
    const checked = fakeIO(dir);
    await main(['check', ...semaphore, '--json'], checked);
    writeFileSync(join(dir, 'trace.json'), checked.out.join('\n'));
    const io = fakeIO(dir);
    expect(await main(['replay', 'trace.json'], io)).toBe(0);
    const text = io.out.join('\n');
    expect(text.split('\n')[0]).toBe('dm-snapshot/semaphore writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission: replays: 9 of 9 steps enabled as recorded, same final state; deadlock: no step is enabled and some process has not finished');
    expect(text).toContain('state 0 (initial)');
    expect(text).toContain("step 6: writer#2 'down_cow': start_copy: down(&s->cow_count) (pe made, bio parked on it)  [sleeps]  (start_copy dm-snap.c:1759)");
    expect(text).toMatch(/state 9\n {2}vars: inflight=1 bios_done=0\n {2}writer#1: done/);
    expect(text).toContain('  _origins_lock: readers {writer#2}, queue [snapshot_ctr:W, kcopyd:R]');
  });

  it('replays the first violation of a simulation written with --out', async () => {
    const dir = tmp();
    await main(['simulate', 'dm-snapshot/in-progress', '--writers', '2', '--cow-threshold', '0', '--ctrs', '0', '--mutant', 'lost-wakeup', '--seed', '3', '--runs', '300', '--out', 'sim.json'], fakeIO(dir));
    const io = fakeIO(dir);
    expect(await main(['replay', 'sim.json', '--quiet'], io)).toBe(0);
    expect(io.out).toHaveLength(1);
    expect(io.out[0]).toMatch(/^dm-snapshot\/in-progress\[lost-wakeup\] .*: replays: \d+ of \d+ steps enabled as recorded, same final state; deadlock/);
  });

  it('replays every counterexample the proof gate writes', async () => {
    // The gate's checks that expect a violation: they write a counterexample
    // whenever the gate passes (the checks expecting ok write one only if they fail).
    const dir = tmp();
    const gate = JSON.parse(readFileSync(join(process.cwd(), 'gate.json'), 'utf8'));
    delete gate.$schema;
    gate.checks = gate.checks.filter((c: { expect: string }) => c.expect !== 'ok');
    expect(gate.checks.length).toBeGreaterThanOrEqual(4);
    writeFileSync(join(dir, 'gate.json'), JSON.stringify(gate));
    expect(await main(['gate', '--config', 'gate.json', '--out', 'out', '--quiet'], fakeIO(dir))).toBe(0);
    const results = readdirSync(join(dir, 'out', 'cases'))
      .map((d) => join(dir, 'out', 'cases', d, 'result.json'))
      .filter((f) => existsSync(f));
    expect(results).toHaveLength(gate.checks.length);
    for (const f of results) {
      const io = fakeIO(dir);
      expect(await main(['replay', f, '--quiet'], io), io.out.join('\n')).toBe(0);
      expect(io.out[0]).toMatch(/: replays: (\d+) of \1 steps enabled as recorded, same final state; (deadlock|invariant|liveness)/);
    }
    // Every violation check of the default gate, diagrams included: minutes on a shared 2-core machine.
  }, 600_000);

  it('names the model it replayed against first when --model chose another', async () => {
    const dir = tmp();
    const checked = fakeIO(dir);
    await main(['check', ...semaphore, '--json'], checked);
    writeFileSync(join(dir, 'trace.json'), checked.out.join('\n'));
    const io = fakeIO(dir);
    expect(await main(['replay', 'trace.json', '--model', 'dm-snapshot/in-progress', '--quiet'], io)).toBe(1);
    expect(io.out[0]).toMatch(/^dm-snapshot\/in-progress writers=2 .* \(a trace of dm-snapshot\/semaphore\): DOES NOT REPLAY: /);
  });

  it('exits 1 and names the step when a trace does not fit the model', async () => {
    const dir = tmp();
    const checked = fakeIO(dir);
    await main(['check', ...semaphore, '--json'], checked);
    const json = JSON.parse(checked.out.join('\n'));
    json.params.ctrs = 0; // another configuration: no snapshot_ctr
    writeFileSync(join(dir, 'other.json'), JSON.stringify(json));
    const io = fakeIO(dir);
    expect(await main(['replay', 'other.json'], io)).toBe(1);
    const ctrStep = json.trace.findIndex((t: { process: string }) => t.process === 'snapshot_ctr') + 1;
    expect(io.out[0]).toMatch(new RegExp(`DOES NOT REPLAY: step ${ctrStep}: dm-snapshot/semaphore has no process snapshot_ctr`));
  });

  it('exits 1 when a trace the file says found nothing ends in a deadlock (its verdict edited to ok)', async () => {
    const dir = tmp();
    const checked = fakeIO(dir);
    await main(['check', ...semaphore, '--json'], checked);
    writeFileSync(join(dir, 'edited.json'), JSON.stringify({ ...JSON.parse(checked.out.join('\n')), verdict: 'ok' }));
    const io = fakeIO(dir);
    expect(await main(['replay', 'edited.json'], io)).toBe(1);
    expect(io.out[0]).toMatch(/the file reports no violation, but the trace ends in a deadlock/);
  });

  it.each([
    ['{ not json', /is not JSON/],
    [JSON.stringify({ schema: 'interleave/other@9', model: 'dm-snapshot/semaphore', params: {}, trace: [] }), /is not a saved trace: its schema is "interleave\/other@9", not one of interleave\/check@1/],
    [JSON.stringify({ model: 'dm-snapshot/semaphore', params: {}, verdict: 'ok' }), /is not a saved trace: the file has no trace: its verdict is ok/],
    [JSON.stringify({ model: 'nope/model', params: {}, trace: [] }), /names model "nope\/model", which is not registered/],
    [JSON.stringify({ model: 'dm-snapshot/semaphore', params: { writers: 99 }, trace: [] }), /--writers 99 is out of range/],
  ])('exits 2 for a malformed file: %s', async (content, message) => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), content);
    const io = fakeIO(dir);
    expect(await main(['replay', 'bad.json'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(message);
  });

  it('exits 2 for a missing file', async () => {
    const io = fakeIO(tmp());
    expect(await main(['replay', 'missing.json'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/cannot read missing.json: no such file or folder/);
  });
});
