/**
 * A counterexample trace as swimlanes: one column per process (in pid
 * order, left to right), one row per step (time runs down, one step per
 * row), each step with its kernel statement and `file:line`. Grey arrows
 * follow a process's own program order; coloured arrows are the causal
 * hand-offs between processes: a job submitted -> the worker taking it
 * (dashed blue), a lock or wake-up handed over -> the woken step (green).
 * The step where a stuck process went to sleep for good is red, and every
 * lane ends in its final state.
 *
 * Layout: header nodes share the top rank and are chained left to right by
 * invisible flat edges (which fixes the lane order); an invisible chain
 * through the steps in trace order puts step k on its own row.
 */
import { Digraph, Edge, Node, Subgraph, toDot, type EdgeAttributesObject } from 'ts-graphviz';
import type { Counterexample } from '../explain/counterexample.js';
import { formatSourceShort } from '../model/source-ref.js';
import { COLORS, FONT, html, paddedLabel, wrap } from './dot-style.js';

export interface TraceDotOptions {
  readonly title?: string;
}

const HANDOFF = {
  job: { color: '#1f4e79', style: 'dashed' },
  wake: { color: '#2e6b30', style: 'bold' },
} as const;

const invisible: EdgeAttributesObject = { style: 'invis', weight: 0 };

export function traceToDot(cx: Counterexample, options: TraceDotOptions = {}): string {
  const title = options.title ? `${options.title}: ` : '';
  const g = new Digraph('trace', {
    label: `<${wrap(`${title}${cx.kind === 'deadlock' ? 'schedule to the deadlock' : `schedule violating "${cx.property}"`} (${cx.trace.length} steps)`, 70).map((l) => `<b>${html(l)}</b>`).join('<br/>')}<br/><font point-size="9" color="${COLORS.muted}">${html('one lane per process, time runs down · blue dashed: job submitted -> taken · green: lock or wake-up handed over -> woken · red: asleep for good')}</font>>`,
    labelloc: 't',
    fontname: FONT,
    fontsize: 12,
    rankdir: 'TB',
    newrank: true,
    nodesep: 0.35,
    ranksep: 0.3,
    pad: 0.3,
    class: 'trace',
  });
  g.attributes.node.apply({ fontname: FONT, fontsize: 10, shape: 'box', style: 'rounded', margin: '0.4,0.08' });
  g.attributes.edge.apply({ fontname: FONT, fontsize: 9, arrowsize: 0.7 });

  const lanes = cx.processes;
  const headers = lanes.map((p, k) => new Node(`lane:${k}`, {
    label: `<<b>${html(p.process)}</b>>`,
    shape: 'plaintext',
    style: 'solid',
    fontsize: 12,
    class: 'lane-header',
  }));
  const clusters = lanes.map((p, k) => {
    const c = new Subgraph(`cluster_lane_${k}`, { label: '', style: 'rounded,dashed', color: '#b0b0b0', class: `lane ${p.state}` });
    c.addNode(headers[k]);
    g.addSubgraph(c);
    return c;
  });
  const top = new Subgraph({ rank: 'same' });
  headers.forEach((h) => top.addNode(h));
  g.addSubgraph(top);
  for (let k = 1; k < headers.length; k++) g.addEdge(new Edge([headers[k - 1], headers[k]], { style: 'invis' }));

  const laneOf = new Map(lanes.map((p, k) => [p.process, k]));
  const lastRowOf = new Map<string, number>();
  for (const t of cx.trace) lastRowOf.set(t.process, t.index);

  const steps = cx.trace.map((t) => {
    const k = laneOf.get(t.process)!;
    const stuckHere = lanes[k].state === 'blocked' && lastRowOf.get(t.process) === t.index && t.outcome === 'blocked';
    const lines = [
      ...wrap(`${t.index}. ${t.action}`, 34).map(html),
      `<font point-size="8">${html(formatSourceShort(t.source))}</font>`,
    ];
    if (t.outcome === 'blocked') lines.push(`<font color="${COLORS.blockedLine}">${stuckHere ? 'sleeps, never wakes' : 'sleeps'}</font>`);
    if (t.outcome === 'woke') lines.push('wakes up');
    if (t.changes.length > 0) lines.push(`<font point-size="8">${html(t.changes.join(', '))}</font>`);
    const node = new Node(`step:${t.index}`, {
      label: `<${lines.join('<br/>')}>`,
      class: `step ${t.outcome}${stuckHere ? ' final-blocked' : ''}`,
      tooltip: `${t.process}: ${t.action} (${formatSourceShort(t.source)})`,
      ...(stuckHere ? { style: 'rounded,filled,bold', fillcolor: COLORS.blockedFill, color: COLORS.blockedLine, penwidth: 2 } : {}),
    });
    clusters[k].addNode(node);
    return { row: t, node, lane: k };
  });

  // Lane ends: the final state of each process.
  const ends = lanes.map((p, k) => {
    const blocked = cx.blocked.find((b) => b.pid === p.pid);
    const text = p.state === 'blocked' ? `BLOCKED forever: ${blocked?.wait?.summary ?? p.at}`
      : p.state === 'done' ? 'finished'
      : p.state === 'idle' ? `idle at ${p.at}`
      : `runnable at ${p.at}`;
    const node = new Node(`end:${k}`, {
      label: `<${wrap(text, 34).map(html).join('<br/>')}>`,
      shape: p.state === 'blocked' ? 'box' : 'plaintext',
      style: p.state === 'blocked' ? 'rounded,filled,bold' : 'solid',
      fontsize: 9,
      ...(p.state === 'blocked' ? { fillcolor: COLORS.blockedFill, color: COLORS.blockedLine, penwidth: 2 } : { fontcolor: COLORS.muted }),
      class: `lane-end ${p.state}`,
    });
    clusters[k].addNode(node);
    return node;
  });
  const bottom = new Subgraph({ rank: 'same' });
  ends.forEach((e) => bottom.addNode(e));
  g.addSubgraph(bottom);

  // Rows: one step per rank, in trace order.
  for (let i = 0; i < steps.length; i++) {
    const prev = i === 0 ? headers[0] : steps[i - 1].node;
    g.addEdge(new Edge([prev, steps[i].node], invisible));
  }
  if (steps.length > 0) g.addEdge(new Edge([steps[steps.length - 1].node, ends[0]], invisible));

  // Program order within each lane, and into the lane's end.
  lanes.forEach((_, k) => {
    const mine = steps.filter((s) => s.lane === k).map((s) => s.node);
    const chain = [headers[k], ...mine, ends[k]];
    for (let i = 1; i < chain.length; i++) {
      g.addEdge(new Edge([chain[i - 1], chain[i]], { color: '#9a9a9a', arrowsize: 0.5, class: 'program-order' }));
    }
  });

  // Causal hand-offs between lanes.
  for (const h of cx.handOffs) {
    const from = steps[h.from - 1]?.node;
    const to = steps[h.to - 1]?.node;
    if (!from || !to) continue;
    const look = HANDOFF[h.kind];
    g.addEdge(new Edge([from, to], {
      label: paddedLabel([h.label]),
      color: look.color,
      fontcolor: look.color,
      style: look.style,
      penwidth: 1.6,
      class: `handoff ${h.kind}`,
    }));
  }
  return toDot(g);
}
