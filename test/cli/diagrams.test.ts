import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_FILES, writeDiagrams } from '../../src/cli/diagrams.js';
import { main } from '../../src/cli/main.js';
import { explore, exploreCase, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';
import { hasClass, parseDot } from '../render/parse-dot.js';
import { fakeIO } from './fake-io.js';

const semaphoreDeadlock = ['check', 'dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];
const lostWakeup = ['check', 'dm-snapshot/in-progress', '--mutant', 'lost-wakeup', '--cow-threshold', '0', '--ctrs', '0'];

async function checkJson(argv: readonly string[]): Promise<{ code: number; json: Record<string, any>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-diagrams-'));
  const io = fakeIO(dir);
  const code = await main([...argv, '--out', 'o', '--json'], io);
  return { code, json: JSON.parse(io.out.join('\n')), dir: join(dir, 'o') };
}

describe('check --out (diagrams)', () => {
  it('writes the wait-for graph, trace and state graph as DOT and SVG, lists them, and adds the cycle to the JSON', async () => {
    const { code, json, dir } = await checkJson(semaphoreDeadlock);
    expect(code).toBe(1);
    expect(json.cycle).toEqual(['writer#2', 'cow_count', 'copy(chunk 0)', 'kcopyd', '_origins_lock', 'snapshot_ctr', '_origins_lock']);
    expect(json.files).toMatchObject({
      waitforDot: join(dir, 'waitfor.dot'), waitforSvg: join(dir, 'waitfor.svg'),
      traceDot: join(dir, 'trace.dot'), traceSvg: join(dir, 'trace.svg'),
      statesDot: join(dir, 'states.dot'), statesSvg: join(dir, 'states.svg'),
      explorer: join(dir, 'explorer.html'),
    });
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.tmp') || f.startsWith('.'))).toEqual([]);
    for (const name of ['waitfor', 'trace', 'states']) {
      const g = await parseDot(readFileSync(join(dir, `${name}.dot`), 'utf8'));
      expect(g.nodes.size).toBeGreaterThan(3);
      expect(readFileSync(join(dir, `${name}.svg`), 'utf8')).toMatch(/<svg[^]*<\/svg>/);
    }
    const waitFor = await parseDot(readFileSync(join(dir, 'waitfor.dot'), 'utf8'));
    const cycleNodes = new Set(waitFor.edges.filter((e) => hasClass(e.attrs, 'cycle')).flatMap((e) => [e.tail, e.head]));
    for (const id of ['process:writer#2', 'resource:cow_count', 'process:kcopyd', 'resource:_origins_lock', 'process:snapshot_ctr']) {
      expect(cycleNodes.has(id)).toBe(true);
    }
    const saved = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(saved.stateGraph).toMatchObject({ drawn: true, states: expect.any(Number) });
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toMatch(/\ncycle: writer#2 -> cow_count -> copy\(chunk 0\) -> kcopyd/);
  });

  it('gives an empty cycle and a "no waker" finding for the lost-wakeup mutant', async () => {
    const { json } = await checkJson(lostWakeup);
    expect(json.verdict).toBe('deadlock');
    expect(json.cycle).toEqual([]);
    expect(json.findings).toEqual([expect.objectContaining({ kind: 'no-waker', process: 'writer#2', resource: 'in_progress_wait' })]);
  });

  it('writes a note instead of the state graph above --max-nodes, and removes a stale one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-diagrams-'));
    const io = fakeIO(dir);
    await main([...semaphoreDeadlock, '--out', 'o', '--quiet'], io);
    expect(existsSync(join(dir, 'o', 'states.svg'))).toBe(true);
    await main([...semaphoreDeadlock, '--out', 'o', '--quiet', '--max-nodes', '20'], io);
    expect(existsSync(join(dir, 'o', 'states.svg'))).toBe(false);
    expect(existsSync(join(dir, 'o', 'states.dot'))).toBe(false);
    expect(readFileSync(join(dir, 'o', 'states.txt'), 'utf8')).toMatch(/^state graph not drawn: the model has more than 20 states \(--max-nodes 20\)/);
    const saved = JSON.parse(readFileSync(join(dir, 'o', 'result.json'), 'utf8'));
    expect(saved.stateGraph).toMatchObject({ drawn: false, reason: expect.stringContaining('more than 20 states') });
    expect(saved.files.statesNote).toBe(join(dir, 'o', 'states.txt'));
    expect(readFileSync(join(dir, 'o', 'report.txt'), 'utf8')).toContain('state graph not drawn');
  });

  it('rejects a --max-nodes that is not a positive integer', async () => {
    const io = fakeIO();
    expect(await main([...semaphoreDeadlock, '--max-nodes', '0'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/--max-nodes must be an integer >= 1/);
  });
});

describe('writeDiagrams', () => {
  it('writes nothing for a run without a counterexample and clears diagrams left by an earlier one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-diagrams-'));
    for (const name of Object.values(DIAGRAM_FILES)) writeFileSync(join(dir, name), 'stale');
    const { report } = explore('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 0 });
    expect(report.result.verdict).toBe('ok');
    const written = await writeDiagrams(dir, report);
    expect(written).toEqual({ files: {} });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('uses the compiled model it is given for the state graph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-diagrams-'));
    const { cm, report } = exploreCase(SEMAPHORE_DEADLOCK);
    const written = await writeDiagrams(dir, { ...report, model: undefined }, { compiled: cm, maxNodes: 5000 });
    expect(Object.keys(written.files).sort()).toEqual(['sliceDot', 'sliceSvg', 'statesDot', 'statesSvg', 'traceDot', 'traceSvg', 'waitforDot', 'waitforSvg']);
    expect(written.stateGraph).toMatchObject({ drawn: true });
  });
});

describe('run (main job)', () => {
  it('writes a wait-for graph and a trace for every counterexample under out/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-run-'));
    const io = fakeIO(dir);
    expect(await main(['run', '--out', 'out', '--json'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    const violating = summary.runs.filter((r: { verdict: string }) => r.verdict === 'deadlock' || r.verdict === 'invariant');
    expect(violating.length).toBeGreaterThan(0);
    for (const r of violating) {
      for (const name of ['waitfor.dot', 'waitfor.svg', 'trace.dot', 'trace.svg', 'explorer.html']) expect(existsSync(join(r.dir, name))).toBe(true);
    }
    for (const r of summary.runs.filter((x: { verdict: string }) => x.verdict === 'ok')) {
      expect(existsSync(join(r.dir, 'waitfor.dot'))).toBe(false);
      expect(existsSync(join(r.dir, 'explorer.html'))).toBe(false);
    }
    const deadlocks = violating.filter((r: { verdict: string }) => r.verdict === 'deadlock');
    expect(deadlocks.every((r: { cycle: string[]; findings: unknown[] }) => r.cycle.length > 0 || r.findings.length > 0)).toBe(true);
  });
});
