/**
 * A wait-for graph as DOT. Every arrow points from something stuck to what
 * it waits for (a process to a resource, a resource to whoever must act
 * before it is free), so a deadlock is a directed cycle, drawn thick and red.
 * Blocked processes are filled red with a bold border, finished ones grey and
 * dashed; resources are blue boxes, in-flight jobs yellow notes. Without a
 * cycle the graph says so in its title and draws each dead end (e.g. "no
 * waker") as an octagon, instead of inventing a cycle.
 */
import { Digraph, Edge, Node, toDot, type EdgeAttributesObject, type NodeAttributesObject } from 'ts-graphviz';
import type { WaitForAnalysis } from '../explain/cycle.js';
import type { WaitForEdge, WaitForGraph, WaitForNode } from '../explain/wait-for.js';
import { formatSourceShort } from '../model/source-ref.js';
import { moduleOfKind, primitiveTitles } from '../primitives/registry.js';
import { COLORS, FONT, html, htmlLines, legend, paddedLabel, PEN, wrap, wrapAt } from './dot-style.js';

export interface WaitForDotOptions {
  /** First line of the title, e.g. the model and its parameters. */
  readonly title?: string;
}

/** Kernel names of the primitive kinds, for labels (from each primitive's module). */
export const KIND_NAMES: Readonly<Record<string, string>> = primitiveTitles();

function nodeAttributes(n: WaitForNode): NodeAttributesObject {
  switch (n.kind) {
    case 'process': {
      const where = n.source ? `<br/><font point-size="9">${html(formatSourceShort(n.source))}</font>` : '';
      const state =
        n.state === 'blocked' ? `BLOCKED in ${html(n.call ?? n.at)}`
        : n.state === 'done' ? 'finished'
        : n.state === 'idle' ? `idle at ${html(n.at)}`
        : `runnable at ${html(n.at)}`;
      const base: NodeAttributesObject = { label: `<<b>${html(n.name)}</b><br/>${state}${where}>`, shape: 'ellipse', class: `process ${n.state}` };
      if (n.state === 'blocked') return { ...base, style: 'filled,bold', fillcolor: COLORS.blockedFill, color: COLORS.blockedLine, penwidth: 2 };
      if (n.state === 'done') return { ...base, style: 'filled,dashed', fillcolor: COLORS.doneFill, color: COLORS.muted, fontcolor: COLORS.muted };
      if (n.state === 'idle') return { ...base, style: 'dashed', color: COLORS.ink };
      return { ...base, style: 'solid', color: COLORS.ink };
    }
    case 'resource': {
      const mod = moduleOfKind(n.primitive);
      const kind = mod?.title ?? n.primitive;
      const what = n.tokens
        ? `${kind}: ${n.tokens.available} of ${n.tokens.initial} free`
        : `${kind}${n.policy ? ` (${n.policy})` : ''}`;
      return {
        label: `<<b>${html(n.name)}</b><br/>${html(what)}<br/><font point-size="9">${htmlLines(n.detail, 36)}</font>>`,
        shape: mod?.dot.shape ?? 'box',
        style: (mod?.dot.style ?? 'rounded,filled') as NodeAttributesObject['style'],
        fillcolor: COLORS.resourceFill,
        color: COLORS.resourceLine,
        class: `resource ${n.primitive}`,
      };
    }
    case 'job':
      return {
        label: `<<b>${html(n.name)}</b><br/>${n.status === 'running' ? `in flight, completing on ${html(n.workers.join(', '))}` : 'queued, not started'}>`,
        shape: 'note',
        style: 'filled',
        fillcolor: COLORS.jobFill,
        color: COLORS.jobLine,
        class: `job ${n.status}`,
      };
  }
}

function edgeLabel(e: WaitForEdge): string[] {
  switch (e.kind) {
    case 'waits': return [`waits: ${e.label}`];
    case 'queued-behind': {
      // Narrow, so it does not run into the waiter's own edge drawn beside it.
      const m = /^queued ahead (of .*)$/.exec(e.label);
      return m ? ['queued ahead', m[1], `(wants ${e.mode})`] : [e.label, `(wants ${e.mode})`];
    }
    default: {
      const m = /^(.*) (\(holds .*\))$/.exec(e.label);
      return m ? [m[1], m[2]] : [e.label];
    }
  }
}

function edgeAttributes(e: WaitForEdge, inCycle: boolean): EdgeAttributesObject {
  const context = e.kind === 'served-by' || e.kind === 'contains' || e.kind === 'queued-on';
  const style = e.kind === 'queued-behind' ? 'dashed' : context ? 'dotted' : 'solid';
  const color = inCycle ? COLORS.cycle : context ? COLORS.muted : COLORS.ink;
  return {
    label: paddedLabel(edgeLabel(e)),
    style: inCycle && style === 'solid' ? 'bold' : style,
    color,
    fontcolor: color,
    penwidth: inCycle ? PEN.cycle : PEN.normal,
    class: `${e.kind}${inCycle ? ' cycle' : ''}`,
    ...(context ? { constraint: e.kind !== 'served-by' } : {}),
  };
}

export function waitForToDot(graph: WaitForGraph, analysis: WaitForAnalysis, options: WaitForDotOptions = {}): string {
  const cycleEdges = new Set(analysis.cycle?.edges ?? []);
  // One font run per line: mixing runs on a line lets them overlap in
  // viewers whose fallback font is wider than Graphviz's Helvetica metrics.
  const headline = analysis.cycle
    ? `<font color="${COLORS.cycle}">${wrapAt(`cycle: ${analysis.cycle.text}`, 72, ' -> ').map(html).join('<br/>')}</font>`
    : analysis.findings.length > 0
      ? html(`no cycle: ${analysis.findings.map((f) => `${f.kind.replace(/-/g, ' ')} for ${f.process}${f.resource ? ` (${f.resource})` : ''}`).join('; ')}`)
      : html(analysis.summary);
  const key = 'arrows: waits for / can only be freed by · thick red: the cycle · red fill: blocked · grey dashed: finished';
  const g = new Digraph('waitfor', {
    label: `<${options.title ? `${wrap(options.title, 64).map((l) => `<b>${html(l)}</b>`).join('<br/>')}<br/>` : ''}${headline}<br/>${legend(key, COLORS.muted)}>`,
    labelloc: 't',
    fontname: FONT,
    fontsize: 12,
    rankdir: 'TB',
    nodesep: 0.5,
    ranksep: 0.9,
    pad: 0.3,
    class: analysis.cycle ? 'has-cycle' : 'no-cycle',
  });
  g.attributes.node.apply({ fontname: FONT, fontsize: 11, margin: '0.2,0.08' });
  g.attributes.edge.apply({ fontname: FONT, fontsize: 10, arrowsize: 0.8 });

  const nodes = new Map<string, Node>();
  for (const n of graph.nodes) {
    const node = new Node(n.id, nodeAttributes(n));
    nodes.set(n.id, node);
    g.addNode(node);
  }
  graph.edges.forEach((e, i) => {
    g.addEdge(new Edge([nodes.get(e.from)!, nodes.get(e.to)!], edgeAttributes(e, cycleEdges.has(i))));
  });
  analysis.findings.forEach((f, i) => {
    const node = new Node(`finding:${i}`, {
      label: `<<b>${html(f.kind.toUpperCase().replace(/-/g, ' '))}</b><br/>${htmlLines(f.text.replace(/^no waker: /, ''), 40)}>`,
      shape: 'octagon',
      style: 'filled,bold',
      fillcolor: COLORS.findingFill,
      color: COLORS.blockedLine,
      class: `finding ${f.kind}`,
    });
    g.addNode(node);
    const from = nodes.get(f.resource !== undefined ? `resource:${f.resource}` : `process:${f.process}`);
    if (from) {
      g.addEdge(new Edge([from, node], {
        label: paddedLabel([f.kind === 'no-waker' ? 'can only be freed by: nobody' : 'stuck']),
        style: 'dashed',
        color: COLORS.blockedLine,
        fontcolor: COLORS.blockedLine,
        class: `finding ${f.kind}`,
      }));
    }
  });
  return toDot(g);
}
