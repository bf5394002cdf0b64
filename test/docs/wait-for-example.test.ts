/**
 * The README's picture is the graph the tool draws today: the same nodes, the
 * same edges and the same node labels as the wait-for DOT for the semaphore
 * deadlock. Compared by structure, not bytes: the SVG's layout depends on the
 * Graphviz release a caret range installs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { waitForToDot } from '../../src/render/dot-wait-for.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';
import { parseDot } from '../render/parse-dot.js';

const EXAMPLE = new URL('../../docs/wait-for-semaphore-deadlock.svg', import.meta.url);

const unescape = (s: string) => s.replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

/** Node names and `tail->head` edges of a Graphviz SVG, from its <title> elements. */
function svgGraph(svg: string): { nodes: string[]; edges: string[] } {
  const groups = [...svg.matchAll(/<g id="[^"]*" class="(node|edge)[^"]*">\s*<title>([^<]*)<\/title>/g)];
  return {
    nodes: groups.filter((g) => g[1] === 'node').map((g) => unescape(g[2])).sort(),
    edges: groups.filter((g) => g[1] === 'edge').map((g) => unescape(g[2])).sort(),
  };
}

describe('docs/wait-for-semaphore-deadlock.svg', () => {
  it('has the nodes and edges of the wait-for graph the tool draws today (README example)', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const dot = await parseDot(waitForToDot(cx.waitFor, cx.analysis));
    const committed = svgGraph(readFileSync(EXAMPLE, 'utf8'));
    const regenerate = 'regenerate: interleave check dm-snapshot/semaphore --writers 2 --cow-threshold 1 --ctrs 1 --out /tmp/x && cp /tmp/x/waitfor.svg docs/wait-for-semaphore-deadlock.svg';
    expect(committed.nodes, regenerate).toEqual([...dot.nodes.keys()].sort());
    expect(committed.edges, regenerate).toEqual(dot.edges.map((e) => `${e.tail}->${e.head}`).sort());
  });
});
