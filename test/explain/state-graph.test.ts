import { describe, expect, it } from 'vitest';
import { exploreStateGraph } from '../../src/explain/state-graph.js';
import { explore, exploreCase, SEMAPHORE_DEADLOCK } from './acceptance-cases.js';

describe('exploreStateGraph', () => {
  it('finds exactly the states and transitions the checker counts on a space it explores fully', () => {
    const { cm, result } = explore('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 0 });
    expect(result.completion).toBe('complete');
    const sg = exploreStateGraph(cm, { maxNodes: 10_000 });
    if (!sg.complete) throw new Error('expected a complete graph');
    expect(sg.nodes).toHaveLength(result.stats.states);
    expect(sg.edges).toHaveLength(result.stats.transitions);
    expect(sg.nodes.filter((n) => n.deadlock)).toEqual([]);
    expect(sg.nodes.some((n) => n.end)).toBe(true);
  });

  it('marks the counterexample path and every deadlock state, including the path\'s end', () => {
    const { cm, result } = exploreCase(SEMAPHORE_DEADLOCK);
    const path = result.discovery!.path;
    const sg = exploreStateGraph(cm, { maxNodes: 10_000, path });
    if (!sg.complete) throw new Error('expected a complete graph');
    const onPath = sg.edges.filter((e) => e.onPath);
    // Edges come in BFS order, and a shortest path goes one level deeper per step.
    expect(onPath.map((e) => e.step)).toEqual([...path]);
    expect(sg.nodes.filter((n) => n.onPath)).toHaveLength(path.length + 1);
    const last = onPath[onPath.length - 1].to;
    expect(sg.nodes[last].deadlock).toBe(true);
    // writer#1 and writer#2 can swap roles: the same deadlock is reachable twice.
    expect(sg.nodes.filter((n) => n.deadlock).length).toBeGreaterThanOrEqual(2);
    expect(sg.nodes[last].summary).toContain('writer#2 at down_cow (asleep on cow_count)');
  });

  it('gives up above maxNodes instead of building a huge graph', () => {
    const { cm } = exploreCase(SEMAPHORE_DEADLOCK);
    const sg = exploreStateGraph(cm, { maxNodes: 50 });
    expect(sg).toEqual({ complete: false, maxNodes: 50, explored: expect.any(Number) });
    if (!sg.complete) expect(sg.explored).toBeGreaterThan(50);
  });
});
