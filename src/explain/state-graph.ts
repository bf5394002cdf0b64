/**
 * The explored state graph of a small model, for drawing: states as nodes,
 * steps as edges, the counterexample path and the stuck states marked.
 *
 * This is a separate, deliberately simple breadth-first re-exploration (a
 * `Map` keyed by the packed state), run only when a diagram is asked for and
 * stopped as soon as it passes `maxNodes`; the checker's own search stays as
 * it is and pays nothing for it. Like the checker, it does not expand states
 * that violate an invariant or where a step misuses a primitive.
 */
import { ModelRuntimeError, type CompiledModel } from '../explore/compile.js';
import { replayPath } from './path.js';

export interface StateGraphNode {
  /** BFS order, 0 = the initial state. */
  readonly id: number;
  /** Steps from the initial state (BFS level). */
  readonly depth: number;
  /** No step enabled and some process not at a valid end. */
  readonly deadlock: boolean;
  /** Violates an invariant, a property at the end, or a step misuses a primitive here. */
  readonly violation: boolean;
  /** Every process finished or idle, nothing enabled: a good end. */
  readonly end: boolean;
  readonly onPath: boolean;
  /** Where each process is and the primitives' state, one item per line. */
  readonly summary: readonly string[];
}

export interface StateGraphEdge {
  readonly from: number;
  readonly to: number;
  readonly step: number;
  readonly process: string;
  /** The step's name in its process, e.g. `down_read`. */
  readonly label: string;
  readonly onPath: boolean;
}

export type StateGraph =
  | {
      readonly complete: true;
      readonly nodes: readonly StateGraphNode[];
      readonly edges: readonly StateGraphEdge[];
      /** Length of the marked path, 0 when none was given. */
      readonly pathLength: number;
    }
  | {
      readonly complete: false;
      /** The limit that was passed. */
      readonly maxNodes: number;
      /** States found before stopping (more than `maxNodes`). */
      readonly explored: number;
    };

export interface StateGraphOptions {
  /** Give up, returning `complete: false`, once there are more states than this. */
  readonly maxNodes: number;
  /** Step ids from the initial state to mark, e.g. a counterexample's path. */
  readonly path?: readonly number[];
}

const keyOf = (s: Int32Array) => s.join(',');

export function exploreStateGraph(cm: CompiledModel, options: StateGraphOptions): StateGraph {
  const ids = new Map<string, number>();
  const states: Int32Array[] = [];
  const depths: number[] = [];
  const flags: Array<{ deadlock: boolean; violation: boolean; end: boolean }> = [];
  const edges: Array<{ from: number; to: number; step: number }> = [];
  const out = new Int32Array(cm.slotCount);

  const admit = (s: Int32Array, depth: number): number => {
    const key = keyOf(s);
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = states.length;
    ids.set(key, id);
    states.push(s.slice());
    depths.push(depth);
    return id;
  };

  admit(cm.initialState(), 0);
  for (let cur = 0; cur < states.length; cur++) {
    if (states.length > options.maxNodes) return { complete: false, maxNodes: options.maxNodes, explored: states.length };
    const s = states[cur];
    if (cm.violatedAlways(s) >= 0) {
      flags[cur] = { deadlock: false, violation: true, end: false };
      continue;
    }
    const found: Array<{ to: number; step: number }> = [];
    let broken = false;
    try {
      cm.successors(s, out, (step) => { found.push({ to: admit(out, depths[cur] + 1), step }); });
    } catch (e) {
      if (!(e instanceof ModelRuntimeError)) throw e;
      broken = true;
    }
    if (broken) {
      flags[cur] = { deadlock: false, violation: true, end: false };
      continue;
    }
    for (const f of found) edges.push({ from: cur, to: f.to, step: f.step });
    const terminal = found.length === 0;
    const valid = terminal && cm.allAtValidEnd(s);
    flags[cur] = {
      deadlock: terminal && !valid,
      violation: valid && cm.violatedAtEnd(s) >= 0,
      end: valid && cm.violatedAtEnd(s) < 0,
    };
  }
  if (states.length > options.maxNodes) return { complete: false, maxNodes: options.maxNodes, explored: states.length };

  const onPathNodes = new Set<number>();
  const onPathEdges = new Set<string>();
  const path = options.path ?? [];
  if (path.length > 0) {
    const along = replayPath(cm, path).map((s) => ids.get(keyOf(s))!);
    along.forEach((id) => onPathNodes.add(id));
    path.forEach((step, i) => onPathEdges.add(`${along[i]}>${along[i + 1]}>${step}`));
  }

  const nodes = states.map((s, id): StateGraphNode => ({
    id,
    depth: depths[id],
    ...flags[id],
    onPath: onPathNodes.has(id),
    summary: summarize(cm, s),
  }));
  return {
    complete: true,
    nodes,
    edges: edges.map((e) => ({
      ...e,
      process: cm.processName(cm.steps[e.step].pid),
      label: cm.steps[e.step].step.name,
      onPath: onPathEdges.has(`${e.from}>${e.to}>${e.step}`),
    })),
    pathLength: path.length,
  };
}

/** `writer#1 at down_cow (asleep on cow_count)`, ..., `cow_count: count 0, queue [writer#2]`. */
function summarize(cm: CompiledModel, s: Int32Array): string[] {
  const lines = cm.layout.processes.map((p) => {
    const pc = s[p.pcSlot];
    const at = pc >= p.template.locations.length ? 'end' : p.template.locations[pc].label;
    const w = s[p.waitSlot];
    const wait = w > 0 ? ` (asleep on ${cm.primitives[w - 1].decl.name})` : w < 0 ? ' (woken)' : '';
    return `${p.name} at ${at}${wait}`;
  });
  for (const v of cm.model.vars) lines.push(`${v.name} = ${s[cm.layout.varSlots.get(v.name)!]}`);
  for (const p of cm.primitives) lines.push(`${p.decl.name}: ${p.describe(s, cm.processName)}`);
  return lines;
}
