/**
 * A naive liveness check for differential tests, independent of
 * `src/explore/liveness.ts`: it builds the whole reachable graph with the
 * reference interpreter (plain objects, no packed states), states each
 * property directly over that graph (no monitor automata), and looks for a
 * fair violating cycle by repeated Kosaraju decomposition.
 *
 * Semantics, as documented in `src/model/types.ts` and the README:
 * - A run is infinite. A state with no enabled step (every process at a valid
 *   end, the search having found no deadlock) repeats forever, taking no
 *   process's step.
 * - A process is enabled in a state when one of its steps can run there (a
 *   process asleep on a primitive is not; one granted the primitive is, its
 *   next step being the wake-up). Weak fairness for p: no run in which p is
 *   enabled in every state from some point on and never steps. Strong: no run
 *   in which p is enabled infinitely often and steps finitely often.
 * - A process rests when it is at a valid end (or finished) and not asleep.
 * - progress (per instance): violated by a run whose tail has none of the
 *   instance's progress steps while it is not resting infinitely often.
 * - non-progress: no infinite run whose tail has no `progress` step (a run
 *   that has stopped is not a cycle).
 * - eventually(e): every run meets a state where e holds.
 * - leadsTo(f, t): after any state where f holds, t holds then or later.
 * - must-complete(steps): an instance that ran another of its steps since it
 *   last ran one of `steps` runs one of them again, unless it comes to rest.
 * - With fairness given and no property declared: no process starves (each
 *   instance steps infinitely often or rests infinitely often).
 *
 * Over a finite graph such a run exists iff some reachable set C of nodes is
 * strongly connected through edges the property allows in the tail, contains
 * a node the property needs visited infinitely often, and for every weakly
 * fair p: p steps inside C or is disabled somewhere in C; every strongly fair
 * p: p steps inside C or is disabled everywhere in C.
 */
import { type Expr, type LivenessProperty, type Model } from '../../src/model/types.js';
import { ReferenceInterpreter, type RefState } from './reference-explorer.js';

export type RefFairness = 'none' | 'weak' | 'strong';

interface Edge {
  readonly to: number;
  /** -1: the stutter of a stopped run. */
  readonly pid: number;
  readonly stepName: string;
  readonly progress: boolean;
}

export interface RefGraph {
  readonly ri: ReferenceInterpreter;
  readonly states: RefState[];
  readonly index: Map<string, number>;
  readonly out: Edge[][];
  /** enabled[s] has pid when that process can step in state s. */
  readonly enabled: Array<Set<number>>;
}

/** The whole reachable graph, or undefined past `maxStates` or when a state fails a step (an assertion). */
export function referenceGraph(model: Model, maxStates = Infinity): RefGraph | undefined {
  const ri = new ReferenceInterpreter(model);
  const init = ri.initial();
  const states = [init];
  const index = new Map([[JSON.stringify(init), 0]]);
  const out: Edge[][] = [];
  const enabled: Array<Set<number>> = [];
  for (let s = 0; s < states.length; s++) {
    let succ;
    try {
      succ = ri.successors(states[s]);
    } catch {
      return undefined;
    }
    const edges: Edge[] = [];
    for (const { step, next } of succ) {
      const key = JSON.stringify(next);
      let t = index.get(key);
      if (t === undefined) {
        t = states.length;
        index.set(key, t);
        states.push(next);
        if (states.length > maxStates) return undefined;
      }
      edges.push({ to: t, pid: step.pid, stepName: step.step.name, progress: step.step.progress === true });
    }
    enabled.push(new Set(edges.map((e) => e.pid)));
    if (edges.length === 0) edges.push({ to: s, pid: -1, stepName: '', progress: false });
    out.push(edges);
  }
  return { ri, states, index, out, enabled };
}

export function resting(g: RefGraph, pid: number, s: RefState): boolean {
  const ps = s.procs[pid];
  const t = g.ri.processes[pid].template;
  return ps.wait === 'run' && (ps.pc === t.locations.length || t.locations[ps.pc].validEnd === true);
}

export function holdsIn(g: RefGraph, e: Expr, s: RefState): boolean {
  return g.ri.test(e, s);
}

/** One question of the form above over an explicit graph of nodes. */
interface CycleQuestion {
  readonly nodes: number;
  /** The model state of each node. */
  readonly stateOf: (v: number) => number;
  readonly succ: (v: number) => Array<{ to: number; edge: Edge }>;
  readonly roots: readonly number[];
  /** Whether the tail of a violating run may take this edge. */
  readonly allowed: (v: number, edge: Edge) => boolean;
  readonly needed: (v: number) => boolean;
}

/** Strongly connected components of `members` (edges `adj`), by Kosaraju: finish order forwards, then reverse reachability. */
function kosaraju(members: readonly number[], adj: (v: number) => number[]): number[][] {
  const inSet = new Set(members);
  const order: number[] = [];
  const seen = new Set<number>();
  for (const root of members) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: Array<[number, number[]]> = [[root, adj(root).filter((w) => inSet.has(w))]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const w = top[1].pop();
      if (w === undefined) {
        order.push(top[0]);
        stack.pop();
      } else if (!seen.has(w)) {
        seen.add(w);
        stack.push([w, adj(w).filter((x) => inSet.has(x))]);
      }
    }
  }
  const rev = new Map<number, number[]>();
  for (const v of members) for (const w of adj(v)) if (inSet.has(w)) rev.set(w, [...(rev.get(w) ?? []), v]);
  const comp = new Map<number, number>();
  const out: number[][] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    if (comp.has(order[i])) continue;
    const c: number[] = [];
    const todo = [order[i]];
    comp.set(order[i], out.length);
    while (todo.length > 0) {
      const v = todo.pop()!;
      c.push(v);
      for (const u of rev.get(v) ?? []) if (!comp.has(u)) { comp.set(u, out.length); todo.push(u); }
    }
    out.push(c);
  }
  return out;
}

/** Whether some reachable fair cycle answers the question (the property is violated). */
function fairCycleExists(g: RefGraph, q: CycleQuestion, fairness: readonly RefFairness[]): boolean {
  const reach = new Set<number>(q.roots);
  const todo = [...q.roots];
  while (todo.length > 0) for (const { to } of q.succ(todo.pop()!)) if (!reach.has(to)) { reach.add(to); todo.push(to); }
  const work: number[][] = [[...reach]];
  while (work.length > 0) {
    const set = work.pop()!;
    const inSet = new Set(set);
    const inner = (v: number) => q.succ(v).filter(({ to, edge }) => inSet.has(to) && q.allowed(v, edge));
    for (const c of kosaraju(set, (v) => inner(v).map((e) => e.to))) {
      const inC = new Set(c);
      const edges = c.flatMap((v) => inner(v).filter(({ to }) => inC.has(to)));
      if (edges.length === 0 || !c.some(q.needed)) continue;
      const steps = new Set(edges.map(({ edge }) => edge.pid));
      const enabledSomewhere = (p: number) => c.some((v) => g.enabled[q.stateOf(v)].has(p));
      const enabledEverywhere = (p: number) => c.every((v) => g.enabled[q.stateOf(v)].has(p));
      const pids = fairness.map((_, p) => p);
      if (pids.some((p) => fairness[p] === 'weak' && !steps.has(p) && enabledEverywhere(p))) continue;
      const unfair = pids.filter((p) => fairness[p] === 'strong' && !steps.has(p) && enabledSomewhere(p));
      if (unfair.length === 0) return true;
      const rest = c.filter((v) => !unfair.some((p) => g.enabled[q.stateOf(v)].has(p)));
      if (rest.length > 0) work.push(rest);
    }
  }
  return false;
}

/** The plain graph as a question (node = state). */
function plain(g: RefGraph, allowed: CycleQuestion['allowed'], needed: CycleQuestion['needed'], roots: readonly number[] = [0]): CycleQuestion {
  return { nodes: g.states.length, stateOf: (v) => v, succ: (v) => g.out[v].map((edge) => ({ to: edge.to, edge })), roots, allowed, needed };
}

/** The questions whose positive answer violates `prop` (one per instance where it is per process). */
function questions(g: RefGraph, prop: LivenessProperty | 'starvation'): CycleQuestion[] {
  const pidsOf = (template: string) => g.ri.processes.filter((p) => p.template.name === template).map((p) => p.pid);
  const notResting = (pid: number) => (v: number) => !resting(g, pid, g.states[v]);
  if (prop === 'starvation') {
    return g.ri.processes.map(({ pid }) => plain(g, (_v, e) => e.pid !== pid, notResting(pid)));
  }
  switch (prop.kind) {
    case 'progress':
      return pidsOf(prop.process).map((pid) => plain(g, (_v, e) => !(e.pid === pid && e.progress), notResting(pid)));
    case 'non-progress':
      return [plain(g, (_v, e) => e.pid >= 0 && !e.progress, () => true)];
    case 'eventually': {
      // Only the states where e is false, entered through such states.
      const off = (v: number) => !holdsIn(g, prop.expr, g.states[v]);
      if (!off(0)) return [];
      return [{ ...plain(g, () => true, () => true), succ: (v) => g.out[v].filter((e) => off(e.to)).map((edge) => ({ to: edge.to, edge })) }];
    }
    case 'leads-to': {
      const noTo = (v: number) => !holdsIn(g, prop.to, g.states[v]);
      const triggers = g.states.map((_, v) => v).filter((v) => noTo(v) && holdsIn(g, prop.from, g.states[v]));
      return [{ ...plain(g, () => true, () => true, triggers), succ: (v) => g.out[v].filter((e) => noTo(e.to)).map((edge) => ({ to: edge.to, edge })) }];
    }
    case 'must-complete':
      return pidsOf(prop.process).map((pid) => {
        const completes = (e: Edge) => e.pid === pid && prop.steps.includes(e.stepName);
        // node = state * 2 + (whether the instance has started and not completed since)
        return {
          nodes: g.states.length * 2,
          stateOf: (v) => v >> 1,
          succ: (v) => g.out[v >> 1].map((edge) => {
            const started = edge.pid !== pid ? v & 1 : completes(edge) ? 0 : 1;
            return { to: edge.to * 2 + started, edge };
          }),
          roots: [0],
          allowed: (_v, e) => !completes(e),
          needed: (v) => (v & 1) === 1 && !resting(g, pid, g.states[v >> 1]),
        };
      });
  }
}

/** Fairness per process instance from one kind for all, with overrides by template or instance name. */
export function fairnessPerProcess(g: RefGraph, all: RefFairness, overrides: Readonly<Record<string, RefFairness>> = {}): RefFairness[] {
  return g.ri.processes.map((p) => overrides[p.name] ?? overrides[p.template.name] ?? all);
}

/**
 * The properties violated under the fairness: each of the model's liveness
 * properties by name, or `starvation` when it declares none.
 */
export function violatedLiveness(g: RefGraph, fairness: readonly RefFairness[]): string[] {
  const props = g.ri.model.liveness ?? [];
  const list: Array<LivenessProperty | 'starvation'> = props.length > 0 ? [...props] : ['starvation'];
  return list.filter((p) => questions(g, p).some((q) => fairCycleExists(g, q, fairness))).map((p) => (p === 'starvation' ? p : p.name));
}

/**
 * Whether a lasso (state indices s0..sn, n = prefix + loop length, the loop
 * from `loopStart`) is a fair run violating `prop`, judged on the lasso alone.
 * Returns a reason when it is not.
 */
export function lassoFault(g: RefGraph, path: readonly number[], steps: ReadonlyArray<{ pid: number; stepName: string; progress: boolean }>, loopStart: number, prop: LivenessProperty | 'starvation', fairness: readonly RefFairness[]): string | undefined {
  const last = path[path.length - 1];
  const stopped = loopStart === steps.length;
  if (stopped && g.out[last][0].pid !== -1) return 'an empty loop, but the last state is not stopped';
  if (path[loopStart] !== last) return 'the loop does not end where it began';
  const loopStates = stopped ? [last] : path.slice(loopStart, -1);
  const loopSteps = steps.slice(loopStart);
  for (let p = 0; p < fairness.length; p++) {
    const steps = loopSteps.some((s) => s.pid === p);
    const on = loopStates.map((s) => g.enabled[s].has(p));
    if (fairness[p] === 'weak' && !steps && on.every(Boolean)) return `unfair to ${g.ri.processes[p].name} (weak)`;
    if (fairness[p] === 'strong' && !steps && on.some(Boolean)) return `unfair to ${g.ri.processes[p].name} (strong)`;
  }
  const anyPid = (template: string | undefined, bad: (pid: number) => boolean) =>
    g.ri.processes.some((p) => (template === undefined || p.template.name === template) && bad(p.pid));
  const restless = (pid: number) => loopStates.some((s) => !resting(g, pid, g.states[s]));
  if (prop === 'starvation') return anyPid(undefined, (pid) => !loopSteps.some((s) => s.pid === pid) && restless(pid)) ? undefined : 'nobody starves in it';
  switch (prop.kind) {
    case 'progress':
      return anyPid(prop.process, (pid) => !loopSteps.some((s) => s.pid === pid && s.progress) && restless(pid)) ? undefined : 'it makes progress';
    case 'non-progress':
      return !stopped && !loopSteps.some((s) => s.progress) ? undefined : 'it has a progress step or stops';
    case 'eventually':
      return path.every((s) => !holdsIn(g, prop.expr, g.states[s])) ? undefined : 'it reaches the state';
    case 'leads-to': {
      if (loopStates.some((s) => holdsIn(g, prop.to, g.states[s]))) return 'the loop meets the goal';
      let lastTo = -1;
      path.forEach((s, i) => { if (holdsIn(g, prop.to, g.states[s])) lastTo = i; });
      return path.some((s, i) => i > lastTo && holdsIn(g, prop.from, g.states[s])) ? undefined : 'no trigger after the goal';
    }
    case 'must-complete':
      return anyPid(prop.process, (pid) => {
        const completes = (s: { pid: number; stepName: string }) => s.pid === pid && prop.steps.includes(s.stepName);
        const mine = steps.filter((s) => s.pid === pid);
        return mine.length > 0 && !completes(mine[mine.length - 1]) && !loopSteps.some(completes) && restless(pid);
      }) ? undefined : 'every started instance completes';
  }
}

/** The model's liveness property by name, or `starvation`. */
export function propertyNamed(model: Model, name: string): LivenessProperty | 'starvation' {
  return model.liveness?.find((p) => p.name === name) ?? 'starvation';
}
