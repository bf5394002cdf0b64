/**
 * Among all shortest schedules that reach a counterexample's final state,
 * one with the fewest context switches (consecutive steps by different
 * processes). BFS finds a shortest schedule, but the one it finds follows
 * process order and can hop between tasks needlessly; a reader follows a
 * trace far more easily when each task runs as long as it can.
 *
 * Method: take the BFS layers up to the target's depth, keep only the
 * states that lie on some shortest path to the target (a backward pass over
 * the layers), then a dynamic program over (state, last process) on that
 * DAG. Ties go to the smaller step ids, so the answer is deterministic.
 * The layers are the search's own levels when it passes them (`explored`:
 * an exact search without reductions, whose store holds every state of
 * every level in BFS order); otherwise they are rebuilt. Bounded by
 * `maxStates` states before the target's level: past it, the BFS schedule
 * is kept.
 */
import { ModelRuntimeError, type CompiledModel } from '../explore/compile.js';
import type { ExploredLevels } from '../explore/bfs.js';
import { StateStore } from '../explore/state-store.js';
import { replayPath } from './path.js';

export interface SwitchesResult {
  readonly path: readonly number[];
  readonly switches: number;
  /** Switches in the schedule BFS found, for comparison. */
  readonly bfsSwitches: number;
}

export function countSwitches(cm: CompiledModel, path: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < path.length; i++) if (cm.steps[path[i]].pid !== cm.steps[path[i - 1]].pid) n++;
  return n;
}

/** The states of one BFS layer, by position in the layer. */
interface Layer {
  readonly count: number;
  read(i: number, into: Int32Array): void;
}

/** The search's levels 0..d-1 as layers, if it kept them. */
function exploredLayers(explored: ExploredLevels | undefined, d: number, words: number): Layer[] | undefined {
  if (!explored || explored.words !== words || explored.levelStarts.length < d + 1) return undefined;
  const starts = explored.levelStarts;
  return Array.from({ length: d }, (_, i) => ({
    count: starts[i + 1] - starts[i],
    read: (k: number, into: Int32Array) => explored.read(starts[i] + k, into),
  }));
}

export function fewestSwitches(cm: CompiledModel, path: readonly number[], maxStates = 500_000, explored?: ExploredLevels): SwitchesResult {
  const bfsSwitches = countSwitches(cm, path);
  const keep: SwitchesResult = { path, switches: bfsSwitches, bfsSwitches };
  const d = path.length;
  if (d < 3 || bfsSwitches === 0) return keep;
  const { pack, unpack, words } = cm.packer;
  const target = replayPath(cm, path)[d];

  const packed = new Int32Array(words);
  const cur = new Int32Array(cm.slotCount);
  const out = new Int32Array(cm.slotCount);
  const given = exploredLayers(explored, d, words);
  if (given && explored!.levelStarts[d] > maxStates) return keep;
  const layers = given ?? rebuildLayers(cm, d, maxStates);
  if (!layers) return keep;

  // Backward: which states of each layer lie on a shortest path to the target,
  // and their edges (step id, index of the successor in the next layer's set).
  const onPath: StateStore[] = new Array(d + 1);
  onPath[d] = new StateStore(words);
  pack(target, packed, 0);
  onPath[d].insert(packed);
  const edges: Array<Array<Array<[number, number]>>> = new Array(d);
  for (let i = d - 1; i >= 0; i--) {
    const mine = new StateStore(words);
    const myEdges: Array<Array<[number, number]>> = [];
    const layer = layers[i];
    const succPacked = new Int32Array(words);
    for (let id = 0; id < layer.count; id++) {
      layer.read(id, packed);
      unpack(packed, 0, cur);
      const found: Array<[number, number]> = [];
      const expanded = expandSearched(cm, cur, out, (stepId) => {
        pack(out, succPacked, 0);
        const j = onPath[i + 1].find(succPacked);
        if (j >= 0) found.push([stepId, j]);
      });
      if (expanded && found.length > 0) {
        mine.insert(packed);
        myEdges.push(found);
      }
    }
    onPath[i] = mine;
    edges[i] = myEdges;
  }
  if (onPath[0].count !== 1) return keep;

  // Forward DP over (node, last pid): fewest switches, then smallest step ids.
  const P = cm.layout.processes.length;
  type Cell = { cost: number; prevNode: number; prevPid: number; step: number };
  let cells: Array<Array<Cell | undefined>> = [[...Array(P + 1)].map((_, pid) => (pid === P ? { cost: 0, prevNode: -1, prevPid: -1, step: -1 } : undefined))];
  const history: Array<Array<Array<Cell | undefined>>> = [cells];
  for (let i = 0; i < d; i++) {
    const next: Array<Array<Cell | undefined>> = Array.from({ length: onPath[i + 1].count }, () => new Array(P + 1).fill(undefined));
    cells.forEach((byPid, node) => {
      byPid.forEach((cell, last) => {
        if (!cell) return;
        for (const [step, j] of edges[i][node]) {
          const pid = cm.steps[step].pid;
          const cost = cell.cost + (last !== P && last !== pid ? 1 : 0);
          const have = next[j][pid];
          if (!have || cost < have.cost) next[j][pid] = { cost, prevNode: node, prevPid: last, step };
        }
      });
    });
    cells = next;
    history.push(cells);
  }
  let bestPid = -1;
  for (let pid = 0; pid < P; pid++) {
    const c = cells[0][pid];
    if (c && (bestPid < 0 || c.cost < cells[0][bestPid]!.cost)) bestPid = pid;
  }
  if (bestPid < 0) return keep;
  const steps: number[] = [];
  let node = 0;
  let pid = bestPid;
  for (let i = d; i > 0; i--) {
    const c = history[i][node][pid]!;
    steps.push(c.step);
    node = c.prevNode;
    pid = c.prevPid;
  }
  steps.reverse();
  const switches = cells[0][bestPid]!.cost;
  return switches < bfsSwitches ? { path: steps, switches, bfsSwitches } : keep;
}

/**
 * Runs `cm.successors` on `s`; false if one of its steps fails at run time
 * (a range or a misuse). The search stops at such a state, a violation of
 * its own, so no schedule it reports passes through it: the caller drops
 * whatever was emitted before the failure.
 */
function expandSearched(cm: CompiledModel, s: Int32Array, out: Int32Array, emit: (stepId: number) => void): boolean {
  try {
    cm.successors(s, out, emit);
    return true;
  } catch (e) {
    if (e instanceof ModelRuntimeError) return false;
    throw e;
  }
}

/** Layers 0..d-1 by a fresh BFS, each its own store (ids are positions in the layer); undefined past `maxStates`. */
function rebuildLayers(cm: CompiledModel, d: number, maxStates: number): Layer[] | undefined {
  const { pack, unpack, words } = cm.packer;
  const layers: StateStore[] = [];
  const first = new StateStore(words);
  const packed = new Int32Array(words);
  pack(cm.initialState(), packed, 0);
  first.insert(packed);
  layers.push(first);
  const seen = new StateStore(words);
  seen.insert(packed);
  const cur = new Int32Array(cm.slotCount);
  const out = new Int32Array(cm.slotCount);
  let total = 1;
  // This state's successors, packed, kept until its expansion is known to have succeeded.
  const succ = new Int32Array(Math.max(1, cm.steps.length) * words);
  for (let i = 0; i < d - 1; i++) {
    const next = new StateStore(words);
    const layer = layers[i];
    for (let id = 0; id < layer.count; id++) {
      layer.read(id, packed);
      unpack(packed, 0, cur);
      let n = 0;
      if (!expandSearched(cm, cur, out, () => { pack(out, succ, words * n++); })) continue;
      for (let k = 0; k < n; k++) {
        const one = succ.subarray(k * words, (k + 1) * words);
        if (seen.insert(one) >= 0) {
          next.insert(one);
          total++;
        }
      }
      if (total > maxStates) return undefined;
    }
    layers.push(next);
  }

  return layers;
}
