/**
 * The explored state graph as DOT: one small circle per state (its BFS
 * number), one thin grey arrow per step. The counterexample path is thick
 * red with each step named; deadlock states are red double octagons,
 * states violating a property orange, good end states grey double circles.
 * Hovering a state in the SVG shows where every process is (tooltip).
 */
import { Digraph, Edge, Node, toDot, type NodeAttributesObject } from 'ts-graphviz';
import type { StateGraph, StateGraphNode } from '../explain/state-graph.js';
import { COLORS, FONT, html, legend, paddedLabel, PEN, wrap } from './dot-style.js';
import { formatCount } from './text.js';

export interface StateGraphDotOptions {
  readonly title?: string;
  /**
   * What the check itself explored. It stops at its first counterexample,
   * while the picture shows every reachable state, so the title gives both
   * counts rather than one that seems to contradict the report.
   */
  readonly searched?: { readonly states: number; readonly transitions: number; readonly complete: boolean };
}

type CompleteStateGraph = Extract<StateGraph, { complete: true }>;

function nodeAttributes(n: StateGraphNode): NodeAttributesObject {
  const classes = ['state', n.deadlock ? 'deadlock' : '', n.violation ? 'violation' : '', n.end ? 'end' : '', n.onPath ? 'path' : '', n.id === 0 ? 'initial' : '']
    .filter(Boolean).join(' ');
  const base: NodeAttributesObject = {
    label: String(n.id),
    tooltip: `state ${n.id} (depth ${n.depth})\n${n.summary.join('\n')}`,
    class: classes,
  };
  if (n.deadlock) {
    return { ...base, shape: 'doubleoctagon', style: 'filled,bold', fillcolor: COLORS.blockedFill, color: COLORS.cycle, penwidth: 2.5, fontsize: 10 };
  }
  if (n.violation) return { ...base, shape: 'doubleoctagon', style: 'filled,bold', fillcolor: COLORS.findingFill, color: COLORS.blockedLine, penwidth: 2.5 };
  if (n.end) return { ...base, shape: 'doublecircle', style: 'filled', fillcolor: COLORS.doneFill, color: COLORS.muted };
  if (n.onPath) return { ...base, style: 'filled,bold', fillcolor: COLORS.pathFill, color: COLORS.cycle, penwidth: 2.5 };
  return { ...base, ...(n.id === 0 ? { style: 'bold' } : {}) };
}

export function stateGraphToDot(sg: CompleteStateGraph, options: StateGraphDotOptions = {}): string {
  const deadlocks = sg.nodes.filter((n) => n.deadlock).length;
  const violations = sg.nodes.filter((n) => n.violation).length;
  const heading = [
    ...(options.title ? wrap(options.title, 70) : []),
  ];
  const s = options.searched;
  const stopped = s && (!s.complete || s.states !== sg.nodes.length || s.transitions !== sg.edges.length)
    ? `every reachable state is drawn; the check stopped at its first counterexample, after ${formatCount(s.states)} states and ${formatCount(s.transitions)} transitions`
    : undefined;
  const facts = `${formatCount(sg.nodes.length)} states, ${formatCount(sg.edges.length)} transitions; ${deadlocks} deadlock state${deadlocks === 1 ? '' : 's'}` +
    `${violations > 0 ? `, ${violations} violating` : ''}${sg.pathLength > 0 ? `; thick red: the ${sg.pathLength}-step counterexample` : ''}`;
  const g = new Digraph('states', {
    label: `<${heading.map((l) => `<b>${html(l)}</b><br/>`).join('')}${html(facts)}<br/>${stopped ? `${html(stopped)}<br/>` : ''}${legend('state 0 is the initial state · red octagon: deadlock · orange: violates a property · grey double circle: every process done · hover a state for its contents', COLORS.muted)}>`,
    labelloc: 't',
    fontname: FONT,
    fontsize: 12,
    rankdir: 'TB',
    nodesep: 0.12,
    ranksep: 0.5,
    pad: 0.3,
    outputorder: 'edgesfirst',
    class: 'state-graph',
  });
  g.attributes.node.apply({ fontname: FONT, fontsize: 8, shape: 'circle', width: 0.3, height: 0.3, fixedsize: false, margin: '0.02,0.02', color: '#555555' });
  g.attributes.edge.apply({ fontname: FONT, fontsize: 9, color: '#b5b5b5', arrowsize: 0.4, penwidth: 0.7 });

  const nodes = sg.nodes.map((n) => {
    const node = new Node(`s${n.id}`, nodeAttributes(n));
    g.addNode(node);
    return node;
  });
  // Path edges last, so they are drawn over the grey ones; numbered in path order.
  const pathEdges = sg.edges.filter((e) => e.onPath).sort((a, b) => sg.nodes[a.from].depth - sg.nodes[b.from].depth);
  for (const e of sg.edges) {
    if (e.onPath) continue;
    g.addEdge(new Edge([nodes[e.from], nodes[e.to]], { tooltip: `${e.process}: ${e.label}`, class: 'step' }));
  }
  pathEdges.forEach((e, i) => {
    g.addEdge(new Edge([nodes[e.from], nodes[e.to]], {
      label: paddedLabel([`${i + 1}. ${e.process}: ${e.label}`], { padding: 1, background: 'white' }),
      tooltip: `${e.process}: ${e.label}`,
      color: COLORS.cycle,
      fontcolor: COLORS.cycle,
      penwidth: PEN.cycle,
      arrowsize: 0.8,
      weight: 10,
      class: 'step path',
    }));
  });
  // The size is bounded by the caller's --max-nodes, not by ts-graphviz's default AST limit.
  return toDot(g, { convert: { maxASTNodes: 0 } });
}
