/**
 * Partial-order reduction with persistent sets computed in each state from
 * what the primitives know (Godefroid's persistent sets, built by a
 * stubborn-set closure over processes as in Valmari's and Godefroid's
 * process-based algorithms; the conditions are Peled's and
 * Clarke-Grumberg-Peled's C0-C3).
 *
 * In state s take a set P of processes and explore only the enabled steps of
 * P's processes at their current locations (the ample set). Every path from
 * s that avoids those steps runs only processes outside P, since a process
 * of P cannot move without one. So the set is persistent in s (C1) when every
 * step a process q outside P may still take, in any state such a path
 * reaches, is independent of every step of P at its current location:
 * neither writes a variable the other reads or writes, neither queries a
 * primitive the other operates on, and two operations on one primitive
 * commute and neither enables or disables the other. What q may still take
 * is everything reachable in its control-flow graph from where it is (from
 * its wake-up if it sleeps); whether two operations on one primitive are
 * independent is the primitive's own answer (`opsIndependent`), in s and
 * knowing which operations the other processes may still run on it (say,
 * two down_reads on an rw_semaphore that no writer holds, waits for, or may
 * still ask for). P is closed under that dependency, starting from each
 * process with an enabled step; the smallest ample set wins (then the
 * lowest pid), so the choice depends on the state alone and the counts are
 * the same every run.
 *
 * - C0: the ample set is never empty where some step is enabled.
 * - C2: no step of P at its location writes a variable or operates on a
 *   primitive that an invariant reads (the steps are invisible). Terminal
 *   properties need nothing: every reachable terminal state (deadlock or
 *   valid end) stays reachable under C0-C1.
 * - C3, the cycle proviso, in its breadth-first form (see `expandsAlone`):
 *   an ample set is used only if none of its successors is a state already
 *   expanded or the state itself. The proviso is a test of each candidate
 *   set, not of the smallest alone: when the smallest closes a cycle, the
 *   next smallest that does not is used (any persistent set that meets C2
 *   and C3 will do), and only when none does is the state expanded fully.
 *
 * Every state's successors are computed in full first and the ample set is
 * chosen among them, so a step that fails at run time in an expanded state
 * is reported there, as without reduction.
 */
import { walkEffects, walkExpr } from '../model/expr.js';
import type { Expr, Step } from '../model/types.js';
import { opsCommute } from '../primitives/registry.js';
import type { CompiledModel } from './compile.js';

export interface Por {
  /**
   * Which processes' steps to explore alone in `s` (1 at their pids), given
   * the steps enabled there (`steps[0..count-1]`, in step order), or
   * undefined to expand fully. `acceptable`: a further test a set must pass
   * (the search's cycle proviso); a set that fails it gives way to the next
   * smallest that passes, not to full expansion.
   */
  ample(s: Int32Array, steps: ArrayLike<number>, count: number, acceptable?: (set: Uint8Array) => boolean): Uint8Array | undefined;
}

/**
 * C3 for breadth-first search: states get ids in the order they are stored
 * and are expanded in id order. In a cycle of the reduced graph, take the
 * state x expanded last (the largest id): the cycle's edge out of x goes to
 * a state with an id no larger than x's, i.e. one already expanded or x
 * itself. If an ample set is used only when every successor it gives is new
 * or stored but not yet expanded (id > x), that edge came from a full
 * expansion of x: every cycle has a fully expanded state, which is the cycle
 * condition (C3) that keeps a step from being postponed forever (the
 * "ignoring" problem). This is the queue form of the proviso for general
 * search orders in Bošnački, Leue and Lluch-Lafuente, "Partial-order
 * reduction for general state exploring algorithms" (STTT 11(1), 2009).
 */
export function expandsAlone(successorId: number, currentId: number): boolean {
  return successorId < 0 || successorId > currentId;
}

/** What a set of steps may touch: variables and primitives by index, ops by primitive. */
interface Footprint {
  readonly reads: Set<number>;
  readonly writes: Set<number>;
  /** Primitives whose state a query reads. */
  readonly queries: Set<number>;
  /** Ops run, by primitive index. */
  readonly ops: Map<number, Set<string>>;
  /** Primitives whose op result a step keeps (`into`): who runs first may change it. */
  readonly results: Set<number>;
}

const emptyFootprint = (): Footprint => ({ reads: new Set(), writes: new Set(), queries: new Set(), ops: new Map(), results: new Set() });

function addInto(into: Footprint, f: Footprint): Footprint {
  for (const x of f.reads) into.reads.add(x);
  for (const x of f.writes) into.writes.add(x);
  for (const x of f.queries) into.queries.add(x);
  for (const x of f.results) into.results.add(x);
  for (const [p, ops] of f.ops) {
    let mine = into.ops.get(p);
    if (!mine) into.ops.set(p, (mine = new Set()));
    for (const op of ops) mine.add(op);
  }
  return into;
}

/**
 * A step's footprint; `woken`: only its wake-up half (a process granted the
 * primitive it slept on runs the step's effects and branches, nothing else).
 */
function footprintOf(cm: CompiledModel, step: Step, woken: boolean): Footprint {
  const f = emptyFootprint();
  const varIndex = (name: string) => cm.layout.varSlots.get(name)!;
  const read = (e: Expr) => walkExpr(e, (x) => {
    if (x.kind === 'var') f.reads.add(varIndex(x.name));
    if (x.kind === 'query') f.queries.add(cm.layout.primitiveIndex.get(x.primitive)!);
  });
  if (!woken && step.guard) read(step.guard);
  if (!woken && step.op?.arg) read(step.op.arg);
  for (const b of step.next) if (b.when) read(b.when);
  walkEffects(step.effects, read, (t) => { if (t.kind === 'var') f.writes.add(varIndex(t.name)); });
  if (step.op && !woken) {
    const prim = cm.layout.primitiveIndex.get(step.op.primitive)!;
    f.ops.set(prim, new Set([step.op.op]));
    if (step.op.into !== undefined) f.results.add(prim);
  }
  return f;
}

const meets = (a: ReadonlySet<number>, b: ReadonlySet<number>) => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

/** An op of a step at the current location meeting an op another process may run on the same primitive. */
interface OpPair { readonly prim: number; readonly mine: string; readonly theirs: string }

const UNKNOWN = -2;
const DEPENDENT = -1;

export function buildPor(cm: CompiledModel): Por {
  const { layout, primitives } = cm;
  const decls = cm.model.primitives;
  const n = layout.processes.length;
  const primCount = primitives.length;

  // Footprints per template location, in two variants each: a process's own
  // steps there ("mine": all of them, or only the wake-up half once granted)
  // and what it may still touch from there ("theirs": from the location, or
  // from its wake-up on once it sleeps or was granted). Variant index:
  // (offset of the template + location) * 2 + flag.
  const mine: Footprint[] = [];
  const theirs: Footprint[] = [];
  const offset = new Map<string, number>();
  for (const t of cm.model.processes) {
    offset.set(t.name, mine.length / 2);
    const index = new Map(t.locations.map((l, i) => [l.label, i]));
    const here = t.locations.map((loc) => loc.steps.map((s) => footprintOf(cm, s, false)).reduce(addInto, emptyFootprint()));
    const wake = t.locations.map((loc) => loc.steps.filter((s) => s.op).map((s) => footprintOf(cm, s, true)).reduce(addInto, emptyFootprint()));
    const successors = t.locations.map((loc) => [...new Set(loc.steps.flatMap((s) => s.next.map((b) => index.get(b.to)).filter((i): i is number => i !== undefined)))]);
    const reach = (starts: readonly number[]) => {
      const seen = new Set(starts);
      const todo = [...starts];
      while (todo.length > 0) for (const to of successors[todo.pop()!]) if (!seen.has(to)) { seen.add(to); todo.push(to); }
      return [...seen].map((i) => here[i]).reduce(addInto, emptyFootprint());
    };
    t.locations.forEach((_, i) => {
      mine.push(here[i], wake[i]);
      theirs.push(reach([i]), addInto(reach(successors[i]), wake[i]));
    });
  }
  const variants = mine.length;
  const base = Int32Array.from(layout.processes, (p) => offset.get(p.template.name)!);

  // Ops a "theirs" variant may run, per primitive, as a bit mask over that primitive's op names.
  const opBit = decls.map(() => new Map<string, number>());
  const bitOf = (prim: number, op: string) => {
    let b = opBit[prim].get(op);
    if (b === undefined) opBit[prim].set(op, (b = opBit[prim].size));
    return b;
  };
  const futureOps = new Int32Array(variants * primCount);
  theirs.forEach((f, v) => { for (const [prim, ops] of f.ops) for (const op of ops) futureOps[v * primCount + prim] |= 1 << bitOf(prim, op); });
  for (const f of mine) for (const [prim, ops] of f.ops) for (const op of ops) bitOf(prim, op);
  // The op names of a mask, built once per mask.
  const namesOf = decls.map(() => new Map<number, ReadonlySet<string>>());
  const opsNamed = (prim: number, mask: number): ReadonlySet<string> => {
    let set = namesOf[prim].get(mask);
    if (!set) {
      set = new Set([...opBit[prim]].filter(([, b]) => (mask & (1 << b)) !== 0).map(([op]) => op));
      namesOf[prim].set(mask, set);
    }
    return set;
  };

  const visibleVars = new Set<number>();
  const visiblePrims = new Set<number>();
  for (const p of cm.model.properties) {
    if (p.kind !== 'always') continue;
    walkExpr(p.expr, (x) => {
      if (x.kind === 'var') visibleVars.add(layout.varSlots.get(x.name)!);
      if (x.kind === 'query') visiblePrims.add(layout.primitiveIndex.get(x.primitive)!);
    });
  }
  const invisible = Uint8Array.from(mine, (f) => (!meets(f.writes, visibleVars) && ![...f.ops.keys()].some((p) => visiblePrims.has(p)) ? 1 : 0));

  /**
   * Whether steps with footprint `a` conflict with a future `b` whatever the
   * state (DEPENDENT), or only through op pairs on shared primitives that
   * commute in some states, which the primitive decides in the state (an
   * index into `pairLists`; an empty list is independence). Together the two
   * halves are `opsIndependent` (registry.ts), split so the static half is
   * asked once per pair of locations, not once per state.
   */
  const pairLists: OpPair[][] = [];
  const staticConflict = (a: Footprint, b: Footprint): number => {
    if (meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(a.reads, b.writes)) return DEPENDENT;
    for (const p of a.ops.keys()) if (b.queries.has(p)) return DEPENDENT;
    for (const p of b.ops.keys()) if (a.queries.has(p)) return DEPENDENT;
    const pairs: OpPair[] = [];
    for (const [prim, ops] of a.ops) {
      const others = b.ops.get(prim);
      if (!others) continue;
      // Commuting ops leave the same state either way, but not always the same results.
      if (a.results.has(prim) || b.results.has(prim)) return DEPENDENT;
      const decl = decls[prim];
      for (const x of ops) {
        for (const y of others) {
          if (opsCommute({ decl, op: x }, { decl, op: y })) continue;
          if (!primitives[prim].commutes) return DEPENDENT;
          pairs.push({ prim, mine: x, theirs: y });
        }
      }
    }
    return pairLists.push(pairs) - 1;
  };
  const memo = new Int32Array(variants * variants).fill(UNKNOWN);

  // Per state: each process's variants, whether it runs at all, how many steps it has enabled.
  const mineOf = new Int32Array(n);
  const theirsOf = new Int32Array(n);
  const live = new Uint8Array(n);
  const enabled = new Int32Array(n);
  // Per state (numbered by `epoch`) and process p: the ops every other process may still run, per primitive.
  const othersOps: Array<ReadonlySet<string>> = new Array(n * primCount);
  const othersAt = new Float64Array(n * primCount).fill(-1);
  let epoch = 0;
  const opsOfOthers = (p: number, prim: number): ReadonlySet<string> => {
    const at = p * primCount + prim;
    if (othersAt[at] !== epoch) {
      let mask = 0;
      for (let q = 0; q < n; q++) if (q !== p && live[q]) mask |= futureOps[theirsOf[q] * primCount + prim];
      othersOps[at] = opsNamed(prim, mask);
      othersAt[at] = epoch;
    }
    return othersOps[at];
  };

  /**
   * Whether some step of `p` at its location may depend on a step `q` may
   * still take. Along a path that avoids a set's steps only processes outside
   * it move; every process but p is a safe stand-in for them whatever the
   * set, so the answer holds for any set that contains p and can be kept for
   * the state (`dep`).
   */
  const dep = new Int8Array(n * n);
  const dependent = (s: Int32Array, p: number, q: number): boolean => {
    const d = dep[p * n + q];
    if (d >= 0) return d === 1;
    const k = mineOf[p] * variants + theirsOf[q];
    let c = memo[k];
    if (c === UNKNOWN) c = memo[k] = staticConflict(mine[mineOf[p]], theirs[theirsOf[q]]);
    let out = c === DEPENDENT;
    if (!out) {
      for (const pair of pairLists[c]) {
        if (!primitives[pair.prim].commutes!(s, pair.mine, pair.theirs, opsOfOthers(p, pair.prim))) { out = true; break; }
      }
    }
    dep[p * n + q] = out ? 1 : 0;
    return out;
  };

  const inSet = new Uint8Array(n);
  const best = new Uint8Array(n);
  const todo = new Int32Array(n);
  return {
    ample(s, steps, count, acceptable) {
      enabled.fill(0);
      for (let i = 0; i < count; i++) enabled[cm.steps[steps[i]].pid]++;
      let candidates = 0;
      for (let p = 0; p < n; p++) {
        const proc = layout.processes[p];
        const at = s[proc.pcSlot];
        const wait = s[proc.waitSlot];
        live[p] = at < proc.template.locations.length ? 1 : 0;
        // A sleeping process's step stays its op (another's op on that primitive may grant it, enabling it).
        mineOf[p] = (base[p] + at) * 2 + (wait < 0 ? 1 : 0);
        theirsOf[p] = (base[p] + at) * 2 + (wait !== 0 ? 1 : 0);
        if (enabled[p] > 0) candidates++;
      }
      if (candidates < 2) return undefined;
      dep.fill(-1);
      epoch++;
      let bestSize = count;
      for (let seed = 0; seed < n; seed++) {
        if (enabled[seed] === 0) continue;
        inSet.fill(0);
        inSet[seed] = 1;
        let top = 0;
        todo[top++] = seed;
        let size = 0;
        let ok = true;
        while (ok && top > 0) {
          const p = todo[--top];
          size += enabled[p];
          // C2, and no better than the best so far (which keeps the lowest seed among equals).
          if (!invisible[mineOf[p]] || size >= bestSize) { ok = false; break; }
          for (let q = 0; q < n; q++) {
            if (inSet[q] || !live[q] || !dependent(s, p, q)) continue;
            // An earlier seed's closure is part of this one: it failed (C2, C3 or size, and a superset
            // fails them too) or was at least as small, so this one cannot win.
            if (q < seed && enabled[q] > 0) { ok = false; break; }
            inSet[q] = 1;
            todo[top++] = q;
          }
        }
        if (!ok || (acceptable && !acceptable(inSet))) continue;
        best.set(inSet);
        bestSize = size;
        if (size === 1) break;
      }
      return bestSize < count ? best : undefined;
    },
  };
}
