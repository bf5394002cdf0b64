import { describe, expect, it } from 'vitest';
import { explainDiscovery } from '../../src/explain/counterexample.js';
import { replayPath } from '../../src/explain/path.js';
import { compileModel } from '../../src/explore/compile.js';
import { traceToDot } from '../../src/render/dot-trace.js';
import { explore, exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';
import { handOver, stepIds } from '../explain/small-models.js';
import { hasClass, parseDot, posOf } from './parse-dot.js';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { tryLockPair } from '../explore/liveness-models.js';

describe('traceToDot', () => {
  it('puts one lane per process, in pid order, each a lifeline through its own steps in trace order', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    const headers = [...g.nodes.keys()].filter((n) => n.startsWith('lane:'));
    expect(headers.map((h) => g.nodes.get(h)!.label)).toEqual(cx.processes.map((p) => `<b>${p.process}</b>`));
    // Lane order is pinned by flat edges between the headers, left to right.
    const headerChain = g.edges.filter((e) => e.tail.startsWith('lane:') && e.head.startsWith('lane:')).map((e) => [e.tail, e.head]);
    expect(headerChain).toEqual(headers.slice(1).map((_, k) => [`lane:${k}`, `lane:${k + 1}`]));
    const next = new Map(g.edges.filter((e) => hasClass(e.attrs, 'program-order')).map((e) => [e.tail, e.head]));
    cx.processes.forEach((p, k) => {
      const lifeline: string[] = [];
      for (let at = next.get(`lane:${k}`); at !== undefined && at !== `end:${k}`; at = next.get(at)) lifeline.push(at);
      expect(lifeline).toEqual(cx.trace.filter((t) => t.process === p.process).map((t) => `step:${t.index}`));
    });
  });

  it('lays the lanes out left to right in pid order, every step under its own lane and one step per row', async () => {
    const cases = [
      exploreCase(SEMAPHORE_DEADLOCK),
      exploreCase(LOST_WAKEUP),
      explore('dm-snapshot/unthrottled', { writers: 3, ctrs: 1, 'max-inflight': 2 }),
      explore('dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }),
    ];
    for (const { report } of cases) {
      const cx = report.counterexample!;
      const g = await parseDot(traceToDot(cx), { laidOut: true });
      const xs = cx.processes.map((_, k) => posOf(g.nodes.get(`lane:${k}`)!).x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      const lane = new Map(cx.processes.map((p, k) => [p.process, k]));
      let lastY = Number.POSITIVE_INFINITY;
      for (const t of cx.trace) {
        const { x, y } = posOf(g.nodes.get(`step:${t.index}`)!);
        const nearest = xs.reduce((best, hx, k) => (Math.abs(hx - x) < Math.abs(xs[best] - x) ? k : best), 0);
        expect(nearest, `step ${t.index} (${t.process})`).toBe(lane.get(t.process));
        expect(y).toBeLessThan(lastY);
        lastY = y;
      }
    }
  });

  it('labels each step with its kernel function and dm-snap.c line', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    for (const t of cx.trace) {
      const label = g.nodes.get(`step:${t.index}`)!.label;
      expect(label).toContain(`${t.source.func} dm-snap.c:${t.source.line}`);
      expect(label).toContain(`${t.index}.`);
    }
  });

  it('draws the job hand-off and marks the final blocked step of each stuck process', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    const jobs = g.edges.filter((e) => hasClass(e.attrs, 'job'));
    const at = (process: string, step: string) => `step:${cx.trace.find((t) => t.process === process && t.step === step)!.index}`;
    expect(jobs.map((e) => [e.tail, e.head])).toEqual([[at('writer#1', 'copy'), at('kcopyd', 'copy_callback')]]);
    expect(jobs[0].attrs.label).toContain('copy(chunk 0)');
    const finalBlocked = [...g.nodes.entries()].filter(([, a]) => hasClass(a, 'final-blocked')).map(([n]) => n);
    const expected = cx.blocked.map((b) => `step:${Math.max(...cx.trace.filter((t) => t.process === b.process).map((t) => t.index))}`);
    expect(finalBlocked.sort()).toEqual(expected.sort());
    expect(finalBlocked.sort()).toEqual([at('writer#2', 'down_cow'), at('snapshot_ctr', 'down_write'), at('kcopyd', 'retry_down_read')].sort());
    for (const n of finalBlocked) expect(g.nodes.get(n)!.label).toContain('sleeps, never wakes');
  });

  it('ends each lane in its final state: finished, idle, or blocked forever', async () => {
    const cx = exploreCase(LOST_WAKEUP).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    const ends = cx.processes.map((_, k) => g.nodes.get(`end:${k}`)!);
    expect(ends.map((a) => ['done', 'blocked', 'idle'].find((c) => hasClass(a, c)))).toEqual(['done', 'blocked', 'idle']);
    expect(ends[1].label).toContain('BLOCKED forever');
  });

  it('draws a wake-up hand-off from the releasing step to the woken step', async () => {
    const cm = compileModel(handOver());
    const path = stepIds(cm, ['a:lock', 'b:lock', 'a:unlock', 'b:lock']);
    const states = replayPath(cm, path);
    const cx = explainDiscovery(cm, { kind: 'invariant', property: 'after < 1', message: 'violated', path, state: states[states.length - 1] });
    const g = await parseDot(traceToDot(cx));
    const wakes = g.edges.filter((e) => hasClass(e.attrs, 'wake'));
    expect(wakes.map((e) => [e.tail, e.head, e.attrs.label.includes('hands over L')])).toEqual([['step:3', 'step:4', true]]);
    expect(g.nodes.get('step:4')!.label).toContain('wakes up');
  });

  it('boxes a lasso\'s cycle as "repeats forever", its lanes in order, with an arrow back to where it began', async () => {
    const m = tryLockPair();
    const c = check(m).fairness({ all: 'weak' });
    const r = c.run();
    const cx = buildReport(c.compiled, r).counterexample!;
    const loopStart = r.discovery!.loopStart!;
    expect(cx.loopStart).toBe(loopStart);
    const dot = traceToDot(cx);
    const g = await parseDot(dot, { laidOut: true });
    const [box] = g.clusters;
    expect(box.attrs.label).toContain('repeats forever');
    expect([...box.nodes].sort()).toEqual(cx.trace.slice(loopStart).map((t) => `step:${t.index}`).sort());
    const back = g.edges.filter((e) => hasClass(e.attrs, 'lasso-back'));
    expect(back.map((e) => [e.tail, e.head])).toEqual([[`step:${cx.trace.length}`, `step:${loopStart + 1}`]]);
    const xs = cx.processes.map((_, k) => posOf(g.nodes.get(`lane:${k}`)!).x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // A safety counterexample has no box.
    expect((await parseDot(traceToDot(exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!))).clusters).toEqual([]);
  });
});
