/**
 * Which variables and locals the model ever reads, and where it uses a
 * process's identity (`self`). Symmetry reduction needs both: identical
 * processes are interchangeable only if nothing observable depends on which
 * one is which, and data that is written but never read can be forgotten.
 */
import { walkEffects, walkExpr } from './expr.js';
import type { Expr, Model } from './types.js';

export interface ReadSet {
  readonly vars: ReadonlySet<string>;
  /** Per process template: the locals some expression of that process reads. */
  readonly locals: ReadonlyMap<string, ReadonlySet<string>>;
}

export function readSet(model: Model): ReadSet {
  const vars = new Set<string>();
  const locals = new Map<string, Set<string>>();
  const visit = (owner: Set<string> | undefined) => (e: Expr) => {
    if (e.kind === 'var') vars.add(e.name);
    if (e.kind === 'local') owner?.add(e.name);
  };
  for (const p of model.properties) walkExpr(p.expr, visit(undefined));
  for (const p of model.processes) {
    const mine = new Set<string>();
    locals.set(p.name, mine);
    const v = visit(mine);
    for (const loc of p.locations) {
      for (const s of loc.steps) {
        if (s.guard) walkExpr(s.guard, v);
        if (s.op?.arg) walkExpr(s.op.arg, v);
        for (const b of s.next) if (b.when) walkExpr(b.when, v);
        walkEffects(s.effects, v, () => {});
      }
    }
  }
  return { vars, locals };
}

/** Every place a process uses `self`, as `step 'label' (guard|effect|branch|op argument)`. */
export function selfUses(model: Model, process: string): Array<{ step: string; where: 'guard' | 'effect' | 'branch' | 'op argument'; op?: string; primitive?: string }> {
  const p = model.processes.find((x) => x.name === process);
  if (!p) return [];
  const out: ReturnType<typeof selfUses> = [];
  const has = (e: Expr) => {
    let found = false;
    walkExpr(e, (x) => { if (x.kind === 'self') found = true; });
    return found;
  };
  for (const loc of p.locations) {
    for (const s of loc.steps) {
      if (s.guard && has(s.guard)) out.push({ step: s.name, where: 'guard' });
      if (s.op?.arg && has(s.op.arg)) out.push({ step: s.name, where: 'op argument', op: s.op.op, primitive: s.op.primitive });
      if (s.next.some((b) => b.when && has(b.when))) out.push({ step: s.name, where: 'branch' });
      let inEffects = false;
      walkEffects(s.effects, (e) => { if (has(e)) inEffects = true; }, () => {});
      if (inEffects) out.push({ step: s.name, where: 'effect' });
    }
  }
  return out;
}
