import { describe, expect, it } from 'vitest';
import { exploreStateGraph } from '../../src/explain/state-graph.js';
import { stateGraphToDot } from '../../src/render/dot-state-graph.js';
import { exploreCase, LOST_WAKEUP } from '../explain/acceptance-cases.js';
import { hasClass, parseDot } from './parse-dot.js';

describe('stateGraphToDot', () => {
  it('has one node per state and one edge per step, with the path and the deadlock states highlighted', async () => {
    const { cm, result } = exploreCase(LOST_WAKEUP);
    const path = result.discovery!.path;
    const sg = exploreStateGraph(cm, { maxNodes: 2000, path });
    if (!sg.complete) throw new Error('expected a complete graph');
    const g = await parseDot(stateGraphToDot(sg, { title: 'lost wakeup' }));

    expect(g.nodes.size).toBe(sg.nodes.length);
    expect(g.edges).toHaveLength(sg.edges.length);
    const pathEdges = g.edges.filter((e) => hasClass(e.attrs, 'path'));
    expect(pathEdges).toHaveLength(path.length);
    const text = (label: string) => label.replace(/<[^>]*>/g, '');
    expect(pathEdges.map((e) => text(e.attrs.label).split('.')[0])).toEqual(path.map((_, i) => String(i + 1)));
    expect(text(pathEdges[0].attrs.label)).toBe('1. writer#1: down_read');
    // The path is a chain from the initial state to a deadlock state.
    expect(pathEdges[0].tail).toBe('s0');
    pathEdges.slice(1).forEach((e, i) => expect(e.tail).toBe(pathEdges[i].head));
    const end = g.nodes.get(pathEdges[pathEdges.length - 1].head)!;
    expect(hasClass(end, 'deadlock')).toBe(true);
    const deadlocks = [...g.nodes.values()].filter((a) => hasClass(a, 'deadlock'));
    expect(deadlocks).toHaveLength(sg.nodes.filter((n) => n.deadlock).length);
    for (const d of deadlocks) expect(d.shape).toBe('doubleoctagon');
    expect(end.tooltip).toContain('writer#2 at sleep (asleep on in_progress_wait)');
  });
});
