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
 * invisible flat edges, which fixes the lane order; each lifeline edge's
 * `minlen` is its distance in steps, which puts step k on row k. Lanes are
 * drawn as lifelines, not Graphviz clusters: dot does not keep clusters in
 * the order of flat edges between them (it swapped writer#1 and writer#3 of
 * a three-writer trace), while plain nodes keep it. Each lane's nodes share
 * a `group` and its lifeline edges are heavy, so the lane stays a column.
 */
import { Digraph, Edge, Node, Subgraph, toDot } from 'ts-graphviz';
import type { Counterexample } from '../explain/counterexample.js';
import { wokeMark } from '../explain/trace.js';
import { formatSourceShort } from '../model/source-ref.js';
import { COLORS, FONT, html, legend, paddedLabel, wrap } from './dot-style.js';
import { plural } from './count.js';

export interface TraceDotOptions {
  readonly title?: string;
  /** Draw only the counterexample's slice: the steps the final state depends on. */
  readonly slice?: boolean;
}

const HANDOFF = {
  job: { color: '#1f4e79', style: 'dashed' },
  wake: { color: '#2e6b30', style: 'bold' },
} as const;

export function traceToDot(cx: Counterexample, options: TraceDotOptions = {}): string {
  const title = options.title ? `${options.title}: ` : '';
  // The rows drawn: every step, or the slice's (keeping their step numbers).
  const shown = options.slice ? cx.slice.indices.map((i) => cx.trace[i - 1]) : cx.trace;
  const rowOf = new Map(shown.map((t, i) => [t.index, i + 1]));
  const heading = options.slice
    ? `slice of the schedule: the ${shown.length} of ${plural(cx.trace.length, 'step')} the final state depends on`
    : cx.kind === 'deadlock' ? 'schedule to the deadlock'
    : cx.loopStart !== undefined ? `run violating "${cx.property}": ${plural(cx.loopStart, 'step')}, then a cycle of ${cx.trace.length - cx.loopStart} that repeats forever`
    : `schedule violating "${cx.property}"`;
  const g = new Digraph('trace', {
    label: `<${wrap(`${title}${heading}${options.slice ? '' : ` (${plural(cx.trace.length, 'step')})`}`, 70).map((l) => `<b>${html(l)}</b>`).join('<br/>')}<br/>${legend('one lane per process, time runs down · blue dashed: job submitted -> taken · green: lock or wake-up handed over -> woken · red: asleep for good', COLORS.muted)}>`,
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
  g.attributes.node.apply({ fontname: FONT, fontsize: 10, shape: 'box', style: 'rounded', margin: '0.2,0.06' });
  g.attributes.edge.apply({ fontname: FONT, fontsize: 9, arrowsize: 0.7 });

  const lanes = cx.processes;
  const headers = lanes.map((p, k) => {
    const node = new Node(`lane:${k}`, {
      label: `<<b>${html(p.process)}</b>>`,
      shape: 'box',
      style: 'rounded,filled',
      fillcolor: COLORS.doneFill,
      color: '#9a9a9a',
      fontsize: 12,
      class: `lane-header lane-${k}`,
      group: `lane${k}`,
    });
    g.addNode(node);
    return node;
  });
  const top = new Subgraph({ rank: 'same' });
  headers.forEach((h) => top.addNode(h));
  g.addSubgraph(top);
  for (let k = 1; k < headers.length; k++) g.addEdge(new Edge([headers[k - 1], headers[k]], { style: 'invis' }));

  const laneOf = new Map(lanes.map((p, k) => [p.process, k]));
  const lastRowOf = new Map<string, number>();
  for (const t of cx.trace) lastRowOf.set(t.process, t.index);

  // A lasso's cycle: its rows in one box, so the eye sees where "forever" begins.
  const inLoop = (index: number) => cx.loopStart !== undefined && index > cx.loopStart;
  const loopBox = new Subgraph('cluster_loop', {
    label: `<<b>repeats forever</b><br/>${legend(`steps ${cx.loopStart! + 1}-${cx.trace.length}, then again from step ${cx.loopStart! + 1}`, COLORS.muted)}>`,
    labeljust: 'l',
    style: 'dashed,rounded',
    color: COLORS.cycle,
    penwidth: 1.5,
    fontname: FONT,
    fontsize: 11,
    class: 'lasso-loop',
  });
  const steps = shown.map((t) => {
    const k = laneOf.get(t.process)!;
    const stuckHere = lanes[k].state === 'blocked' && lastRowOf.get(t.process) === t.index && t.outcome === 'blocked';
    const lines = [
      ...wrap(`${t.index}. ${t.action}`, 34).map(html),
      `<font point-size="8">${html(formatSourceShort(t.source))}</font>`,
    ];
    if (t.outcome === 'blocked') lines.push(`<font color="${COLORS.blockedLine}">${stuckHere ? 'sleeps, never wakes' : 'sleeps'}</font>`);
    if (t.outcome === 'woke') lines.push('wakes up');
    const woke = wokeMark(t);
    if (woke) lines.push(`<font color="${HANDOFF.wake.color}">${html(woke)}</font>`);
    if (t.changes.length > 0) lines.push(`<font point-size="8">${html(t.changes.join(', '))}</font>`);
    const node = new Node(`step:${t.index}`, {
      label: `<${lines.join('<br/>')}>`,
      class: `step ${t.outcome} lane-${k}${stuckHere ? ' final-blocked' : ''}`,
      group: `lane${k}`,
      tooltip: `${t.process}: ${t.action} (${formatSourceShort(t.source)})`,
      ...(stuckHere ? { style: 'rounded,filled,bold', fillcolor: COLORS.blockedFill, color: COLORS.blockedLine, penwidth: 2 } : {}),
    });
    (inLoop(t.index) ? loopBox : g).addNode(node);
    return { row: t, node, lane: k };
  });
  const looped = steps.filter((st) => inLoop(st.row.index));
  if (looped.length > 0) {
    g.addSubgraph(loopBox);
    // Back to the cycle's first step: the run goes round again from there.
    g.addEdge(new Edge([looped[looped.length - 1].node, looped[0].node], {
      label: paddedLabel([`again: step ${looped[0].row.index}`]),
      color: COLORS.blockedLine,
      fontcolor: COLORS.blockedLine,
      style: 'dashed',
      constraint: false,
      class: 'lasso-back',
    }));
  }

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
      class: `lane-end ${p.state} lane-${k}`,
      group: `lane${k}`,
    });
    g.addNode(node);
    return node;
  });
  // Program order within each lane, and into the lane's end. `minlen` is the
  // distance in trace steps, so step k lands on row k (headers are row 0, the
  // ends row n + 1) without any edge between lanes; same `group` and a heavy
  // weight keep each lifeline straight, each lane a column.
  const last = shown.length + 1;
  lanes.forEach((_, k) => {
    const mine = steps.filter((s) => s.lane === k);
    const chain = [{ node: headers[k], row: 0 }, ...mine.map((s) => ({ node: s.node, row: rowOf.get(s.row.index)! })), { node: ends[k], row: last }];
    for (let i = 1; i < chain.length; i++) {
      g.addEdge(new Edge([chain[i - 1].node, chain[i].node], {
        color: '#9a9a9a',
        arrowsize: 0.5,
        weight: 100,
        minlen: chain[i].row - chain[i - 1].row,
        class: 'program-order',
      }));
    }
  });

  // Causal hand-offs between lanes.
  for (const h of cx.handOffs) {
    const from = steps.find((s) => s.row.index === h.from)?.node;
    const lane = laneOf.get(cx.trace[h.to - 1]?.process);
    const to = (steps.find((s) => s.row.index === h.to) ?? (h.beforeSleep ? steps.find((s) => s.lane === lane && s.row.index > h.to) : undefined))?.node;
    if (!from || !to) continue;
    const look = HANDOFF[h.kind];
    g.addEdge(new Edge([from, to], {
      label: paddedLabel([h.label]),
      color: look.color,
      fontcolor: look.color,
      style: look.style,
      penwidth: 1.6,
      // Causality never decides rows or lane order, only arrows between them.
      constraint: false,
      class: `handoff ${h.kind}`,
    }));
  }
  return toDot(g);
}
