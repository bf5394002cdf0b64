import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';
import { abbaModelFile } from '../support/abba-file.js';

const semaphoreDeadlock = ['check', 'dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];

describe('interleave check', () => {
  it('prints the JSON contract for a deadlock and exits 1', async () => {
    const io = fakeIO();
    const code = await main([...semaphoreDeadlock, '--json'], io);
    expect(code).toBe(1);
    const json = JSON.parse(io.out.join('\n'));
    expect(json).toMatchObject({
      model: 'dm-snapshot/semaphore',
      params: { writers: 2, 'cow-threshold': 1, ctrs: 1, rwsem: 'writer-fair', bios: 1 },
      verdict: 'deadlock',
      states: 279,
      depth: 9,
    });
    expect(typeof json.transitions).toBe('number');
    expect(typeof json.elapsedMs).toBe('number');
    expect(json.trace[5]).toMatchObject({ process: 'writer#2', action: expect.stringContaining('down(&s->cow_count)'), source: { line: 1759, func: 'start_copy' } });
    expect(json.blocked.map((b: { process: string }) => b.process).sort()).toEqual(['kcopyd', 'snapshot_ctr', 'writer#2']);
    expect(json.blocked.find((b: { process: string }) => b.process === 'kcopyd').waitsFor).toMatch(/queued behind snapshot_ctr/);
  });

  it('exits 0 with verdict ok for the fix', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/in-progress', '--writers', '2', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out.join('\n')).verdict).toBe('ok');
  });

  it('prints only the verdict line with --quiet', async () => {
    const io = fakeIO();
    await main([...semaphoreDeadlock, '--quiet'], io);
    expect(io.out).toHaveLength(1);
    expect(io.out[0]).toMatch(/^dm-snapshot\/semaphore .*DEADLOCK after 9 steps/);
  });

  it('writes result.json and report.txt under --out, and no temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-'));
    const io = fakeIO(dir);
    await main([...semaphoreDeadlock, '--out', 'o'], io);
    const files = readdirSync(join(dir, 'o'));
    expect(files).toContain('result.json');
    expect(files).toContain('report.txt');
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'o', 'result.json'), 'utf8')).verdict).toBe('deadlock');
  });

  it.each([
    [['check', 'dm-snapshot/nope'], /unknown model "dm-snapshot\/nope"/, /known models: .*dm-snapshot\/semaphore/],
    [['check', 'dm-snapshot/semaphore', '--writers', '12'], /--writers 12 is out of range 1..8/, undefined],
    [['check', 'dm-snapshot/semaphore', '--colour', 'red'], /unknown parameter --colour/, undefined],
    [['check', 'dm-snapshot/semaphore', '--constructor', '1'], /unknown parameter --constructor/, undefined],
    [['check'], /check needs a model/, /e.g. interleave check/],
    [['frobnicate'], /unknown command "frobnicate"/, /commands: check/],
    [['check', 'dm-snapshot/semaphore', '--max-memory', 'lots'], /--max-memory wants a size/, undefined],
  ])('rejects %j with one line, a hint and exit code 2', async (argv, message, hint) => {
    const io = fakeIO();
    expect(await main(argv, io)).toBe(2);
    expect(io.err[0]).toMatch(message);
    if (hint) expect(io.err[0]).toMatch(hint);
    expect(io.err.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects a malformed model file with the problem named, exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-model-'));
    writeFileSync(join(dir, 'bad.ts'), `
      import { ModelBuilder } from '${process.cwd()}/src/model/builder.ts';
      import { sourceIn } from '${process.cwd()}/src/model/source-ref.ts';
      const b = new ModelBuilder('my/bad');
      const l = b.mutex('m');
      b.process('p', {}, (p) => p.step('x', { action: 'unlock', source: sourceIn('f.c', 'c')(1, 'f'), op: l.unlock() }));
      export default b.build();`);
    const io = fakeIO(dir);
    expect(await main(['check', 'bad.ts'], io)).toBe(2);
    expect(io.err[0]).toMatch(/my\/bad: process p, step 'x': unlock\(m\) releases a lock \(held\) the process never takes/);
  });

  it('checks a model from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-model-'));
    writeFileSync(join(dir, 'good.ts'), abbaModelFile('my/abba'));
    const io = fakeIO(dir);
    expect(await main(['check', 'good.ts', '--json'], io)).toBe(1);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({ model: 'my/abba', verdict: 'deadlock', depth: 4 });
  });

  it('returns a partial result and exit code 3 at a state limit', async () => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/in-progress', '--writers', '3', '--max-states', '100', '--json'], io)).toBe(3);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({ verdict: 'unknown', complete: false, completion: 'state-limit' });
  });
});

describe('interleave run', () => {
  it('checks every design and writes the summary and one folder per run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-run-'));
    const io = fakeIO(dir);
    expect(await main(['run', '--out', 'out'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    const verdicts = Object.fromEntries(summary.runs.map((r: { title: string; verdict: string }) => [r.title, r.verdict]));
    expect(Object.values(verdicts)).toContain('deadlock');
    expect(Object.values(verdicts)).toContain('ok');
    expect(verdicts['semaphore: the dm-snapshot deadlock (commit message steps 1-4)']).toBe('deadlock');
    expect(verdicts['in-progress: the fix']).toBe('ok');
    for (const r of summary.runs) expect(existsSync(join(r.dir, 'report.txt'))).toBe(true);
  });
});
