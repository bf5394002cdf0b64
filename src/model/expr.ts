/**
 * Expression and effect constructors for writing models. Numbers lift to
 * literals so a guard reads like the C it models: `gt(inProgress, threshold)`.
 */
import type { BinaryOp, Effect, Expr, LValue } from './types.js';

export type ExprLike = Expr | number | boolean;

export function toExpr(e: ExprLike): Expr {
  if (typeof e === 'number') {
    if (Number.isNaN(e)) {
      // A VarRef or LocalRef is an object: JS arithmetic on it (`got - 1`) gives NaN, silently.
      throw new TypeError('model expressions are integers, got NaN: JS arithmetic on a variable or local (such as got - 1 or n + 1) does not build an expression; write sub(got, 1), add(n, 1) or mul(n, 2)');
    }
    if (!Number.isInteger(e)) throw new TypeError(`model expressions are integers, got ${e}`);
    return { kind: 'lit', value: e };
  }
  if (typeof e === 'boolean') return { kind: 'lit', value: e ? 1 : 0 };
  return e;
}

const binary = (op: BinaryOp) => (left: ExprLike, right: ExprLike): Expr =>
  ({ kind: 'binary', op, left: toExpr(left), right: toExpr(right) });

export const add = binary('+');
export const sub = binary('-');
export const mul = binary('*');
export const lt = binary('<');
export const le = binary('<=');
export const gt = binary('>');
export const ge = binary('>=');
export const eq = binary('==');
export const ne = binary('!=');

export function and(...args: ExprLike[]): Expr {
  if (args.length === 0) return toExpr(true);
  return args.map(toExpr).reduce((l, r) => ({ kind: 'binary', op: '&&', left: l, right: r }));
}

export function or(...args: ExprLike[]): Expr {
  if (args.length === 0) return toExpr(false);
  return args.map(toExpr).reduce((l, r) => ({ kind: 'binary', op: '||', left: l, right: r }));
}

export function not(arg: ExprLike): Expr {
  return { kind: 'not', arg: toExpr(arg) };
}

export function cond(test: ExprLike, then: ExprLike, otherwise: ExprLike): Expr {
  return { kind: 'cond', test: toExpr(test), then: toExpr(then), else: toExpr(otherwise) };
}

export const self: Expr = { kind: 'self' };

export function set(target: LValue, value: ExprLike): Effect {
  return { kind: 'assign', target, value: toExpr(value) };
}

export function inc(target: LValue & Expr, by: ExprLike = 1): Effect {
  return set(target, add(target, by));
}

export function dec(target: LValue & Expr, by: ExprLike = 1): Effect {
  return set(target, sub(target, by));
}

export function when(test: ExprLike, then: Effect[], otherwise: Effect[] = []): Effect {
  return { kind: 'if', test: toExpr(test), then, else: otherwise };
}

/** Calls `visit` on every sub-expression, outermost first. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'not': walkExpr(e.arg, visit); break;
    case 'binary': walkExpr(e.left, visit); walkExpr(e.right, visit); break;
    case 'cond': walkExpr(e.test, visit); walkExpr(e.then, visit); walkExpr(e.else, visit); break;
    default: break;
  }
}

/** Calls `onExpr` on every expression and `onTarget` on every assigned location. */
export function walkEffects(
  effects: readonly Effect[],
  onExpr: (e: Expr) => void,
  onTarget: (t: LValue) => void,
): void {
  for (const fx of effects) {
    if (fx.kind === 'assign') {
      onTarget(fx.target);
      walkExpr(fx.value, onExpr);
    } else {
      walkExpr(fx.test, onExpr);
      walkEffects(fx.then, onExpr, onTarget);
      walkEffects(fx.else, onExpr, onTarget);
    }
  }
}

/** Renders an expression as C-like text for traces and diagnostics. */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'lit': return String(e.value);
    case 'var': case 'local': return e.name;
    case 'self': return 'self';
    case 'not': return `!${wrap(e.arg)}`;
    case 'binary': return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
    case 'cond': return `${wrap(e.test)} ? ${wrap(e.then)} : ${wrap(e.else)}`;
    case 'query': return `${e.query}(${e.primitive})`;
  }
}

function wrap(e: Expr): string {
  return e.kind === 'binary' || e.kind === 'cond' ? `(${formatExpr(e)})` : formatExpr(e);
}
