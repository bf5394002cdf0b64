/**
 * Partial-order reduction with ample sets computed from the steps' declared
 * footprints (which variables and primitives each step reads and writes),
 * after Peled and Clarke-Grumberg-Peled, in the conservative static form SPIN
 * also starts from. In a state, the enabled steps of one process p at its
 * location may be explored alone when:
 *
 * - C0: at least one step of p there is enabled;
 * - C1: no step any other unfinished process can still take (anything
 *   reachable from its current location in its control-flow graph) conflicts
 *   with a step of p's location: neither writes what the other reads or writes.
 *   So nothing another process does can enable, disable or reorder p's choice;
 * - C2: p's steps there write nothing an invariant reads (they are invisible);
 * - C3: every successor they give is new (not yet stored); otherwise the
 *   state is fully expanded. In BFS the first state of a cycle to be stored
 *   is reached from inside the cycle by an edge to a stored state, so every
 *   cycle has a fully expanded state and no step is postponed forever.
 *
 * Deadlocks and terminal states are preserved (an ample set is never empty
 * where something is enabled), and so are invariant violations (C2). Two
 * steps on the same primitive always conflict: the reduction does not yet use
 * which primitive operations commute.
 */
import { walkEffects, walkExpr } from '../model/expr.js';
import type { Expr, Step } from '../model/types.js';
import type { CompiledModel } from './compile.js';

export interface Por {
  /** Step ids to explore alone in `s`, or undefined to expand fully. */
  ample(s: Int32Array): readonly number[] | undefined;
}

/** Objects: variable i is i, primitive j is vars + j. */
interface Footprint {
  readonly reads: Set<number>;
  readonly writes: Set<number>;
}

function footprintOf(cm: CompiledModel, step: Step): Footprint {
  const varIndex = new Map(cm.model.vars.map((v, i) => [v.name, i]));
  const primIndex = (name: string) => cm.model.vars.length + cm.layout.primitiveIndex.get(name)!;
  const reads = new Set<number>();
  const writes = new Set<number>();
  const read = (e: Expr) => walkExpr(e, (x) => {
    if (x.kind === 'var') reads.add(varIndex.get(x.name)!);
    if (x.kind === 'query') reads.add(primIndex(x.primitive));
  });
  if (step.guard) read(step.guard);
  if (step.op?.arg) read(step.op.arg);
  for (const b of step.next) if (b.when) read(b.when);
  walkEffects(step.effects, read, (t) => { if (t.kind === 'var') writes.add(varIndex.get(t.name)!); });
  if (step.op) {
    // Any operation reads and changes its primitive (and may wake its sleepers).
    reads.add(primIndex(step.op.primitive));
    writes.add(primIndex(step.op.primitive));
  }
  return { reads, writes };
}

const union = (a: Footprint, b: Footprint): Footprint => ({ reads: new Set([...a.reads, ...b.reads]), writes: new Set([...a.writes, ...b.writes]) });
const meets = (a: ReadonlySet<number>, b: ReadonlySet<number>) => [...a].some((x) => b.has(x));
const conflict = (a: Footprint, b: Footprint) => meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(a.reads, b.writes);

export function buildPor(cm: CompiledModel): Por {
  const { layout } = cm;
  const empty: Footprint = { reads: new Set(), writes: new Set() };
  // Per template: footprint of each location's steps, and of everything reachable from it.
  const templates = new Map<string, { here: Footprint[]; future: Footprint[] }>();
  for (const t of cm.model.processes) {
    const here = t.locations.map((loc) => loc.steps.map((s) => footprintOf(cm, s)).reduce(union, empty));
    const index = new Map(t.locations.map((l, i) => [l.label, i]));
    const future = t.locations.map((_, start) => {
      const seen = new Set([start]);
      const todo = [start];
      while (todo.length > 0) {
        const at = todo.pop()!;
        for (const s of t.locations[at].steps) {
          for (const b of s.next) {
            const to = index.get(b.to);
            if (to !== undefined && !seen.has(to)) { seen.add(to); todo.push(to); }
          }
        }
      }
      return [...seen].map((i) => here[i]).reduce(union, empty);
    });
    templates.set(t.name, { here, future });
  }
  const visible = new Set<number>();
  for (const p of cm.model.properties) {
    if (p.kind !== 'always') continue;
    walkExpr(p.expr, (x) => {
      if (x.kind === 'var') visible.add(cm.model.vars.findIndex((v) => v.name === x.name));
      if (x.kind === 'query') visible.add(cm.model.vars.length + layout.primitiveIndex.get(x.primitive)!);
    });
  }
  // Steps per (pid, location), and which locations are candidates at all (C2).
  const stepsAt = layout.processes.map((proc) => proc.template.locations.map((_, loc) => cm.steps.filter((cs) => cs.pid === proc.pid && cs.location === loc).map((cs) => cs.id)));
  const invisible = layout.processes.map((proc) => templates.get(proc.template.name)!.here.map((f) => !meets(f.writes, visible)));
  // independent[p][locP][q][locQ]: p's steps at locP never conflict with q's future from locQ (C1), memoized lazily.
  const memo = new Map<string, boolean>();
  const independent = (p: number, lp: number, q: number, lq: number): boolean => {
    const key = `${p},${lp},${q},${lq}`;
    let v = memo.get(key);
    if (v === undefined) {
      const mine = templates.get(layout.processes[p].template.name)!.here[lp];
      const theirs = templates.get(layout.processes[q].template.name)!.future[lq];
      v = !conflict(mine, theirs);
      memo.set(key, v);
    }
    return v;
  };
  const scratch = new Int32Array(cm.slotCount);

  return {
    ample(s) {
      for (const proc of layout.processes) {
        const lp = s[proc.pcSlot];
        if (lp === proc.template.locations.length || !invisible[proc.pid][lp]) continue;
        let ok = true;
        for (const other of layout.processes) {
          if (other === proc) continue;
          const lq = s[other.pcSlot];
          if (lq === other.template.locations.length) continue;
          if (!independent(proc.pid, lp, other.pid, lq)) { ok = false; break; }
        }
        if (!ok) continue;
        const enabled = stepsAt[proc.pid][lp].filter((id) => {
          try { return cm.runStep(id, s, scratch); } catch { return true; }
        });
        if (enabled.length > 0) return enabled;
      }
      return undefined;
    },
  };
}
