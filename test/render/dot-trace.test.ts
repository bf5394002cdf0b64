import { describe, expect, it } from 'vitest';
import { explainDiscovery } from '../../src/explain/counterexample.js';
import { replayPath } from '../../src/explain/path.js';
import { compileModel } from '../../src/explore/compile.js';
import { traceToDot } from '../../src/render/dot-trace.js';
import { exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';
import { handOver, stepIds } from '../explain/small-models.js';
import { hasClass, parseDot } from './parse-dot.js';

describe('traceToDot', () => {
  it('puts one lane per process, in pid order, each with its own steps in trace order', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    const lanes = g.clusters.filter((c) => c.name.startsWith('cluster_lane_'));
    expect(lanes.map((c) => g.nodes.get(c.nodes.find((n) => n.startsWith('lane:'))!)!.label))
      .toEqual(cx.processes.map((p) => `<b>${p.process}</b>`));
    // Lane order is pinned by flat edges between the headers, left to right.
    const headerChain = g.edges.filter((e) => e.tail.startsWith('lane:') && e.head.startsWith('lane:')).map((e) => [e.tail, e.head]);
    expect(headerChain).toEqual(lanes.slice(1).map((_, k) => [`lane:${k}`, `lane:${k + 1}`]));
    cx.processes.forEach((p, k) => {
      const mine = cx.trace.filter((t) => t.process === p.process).map((t) => `step:${t.index}`);
      expect(lanes[k].nodes.filter((n) => n.startsWith('step:'))).toEqual(mine);
    });
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
    expect(jobs.map((e) => [e.tail, e.head])).toEqual([['step:3', 'step:7']]);
    expect(jobs[0].attrs.label).toContain('copy(chunk 0)');
    const finalBlocked = [...g.nodes.entries()].filter(([, a]) => hasClass(a, 'final-blocked')).map(([n]) => n);
    const expected = cx.blocked.map((b) => `step:${Math.max(...cx.trace.filter((t) => t.process === b.process).map((t) => t.index))}`);
    expect(finalBlocked.sort()).toEqual(expected.sort());
    expect(finalBlocked.sort()).toEqual(['step:6', 'step:8', 'step:9']);
    for (const n of finalBlocked) expect(g.nodes.get(n)!.label).toContain('sleeps, never wakes');
  });

  it('ends each lane in its final state: finished, idle, or blocked forever', async () => {
    const cx = exploreCase(LOST_WAKEUP).report.counterexample!;
    const g = await parseDot(traceToDot(cx));
    const ends = cx.processes.map((_, k) => g.nodes.get(`end:${k}`)!);
    expect(ends.map((a) => a.class)).toEqual(['lane-end done', 'lane-end blocked', 'lane-end idle']);
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
});
