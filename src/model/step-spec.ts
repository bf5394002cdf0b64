/**
 * What a step spec (`p.step(label, spec)`, one alternative of `p.choice`)
 * may hold, and the check of its shape. A model file run without a type
 * check (tsx strips types) can hand the builder anything: a string for
 * `source`, a lone effect for `effects`, a JS comparison for `guard`. Each
 * would otherwise pass `build()` and crash or mislead much later (a renderer
 * reading `source.file`, a guard that was `false` when the file loaded), so
 * the builder lists them with the model's other problems.
 */
import type { ExprLike } from './expr.js';
import type { Branch, Effect, KernelWait, PrimitiveOp, SleepState, SourceRef } from './types.js';
import { isObject } from './plain-object.js';

export interface StepSpec {
  /** Names one alternative of a `choice`; defaults to its position (1, 2, ...). */
  readonly name?: string;
  readonly action: string;
  readonly source: SourceRef;
  readonly guard?: ExprLike;
  readonly op?: PrimitiveOp;
  readonly effects?: readonly Effect[];
  /** A label, or branches tried in order; the default is the next declared step. */
  readonly goto?: string | readonly Branch[];
  readonly required?: boolean;
  /** Running this step is progress (SPIN's `progress` label). */
  readonly progress?: boolean;
  /**
   * A process that has started must come back to this step: `true` or the
   * property's name (steps sharing a name share the property).
   */
  readonly mustComplete?: boolean | string;
  /** The task state while asleep here, when not the op's default: `{ op: m.lock(), sleep: 'killable' }` is mutex_lock_killable. */
  readonly sleep?: SleepState;
  /** The kernel sleeps here in an open-coded `schedule()` loop or a `wait_event()` macro, modelled by this op (see `Step.kernelWait`). */
  readonly kernelWait?: KernelWait;
}

export interface LocationOptions {
  /** The process may stop here for good (an idle worker); not a deadlock. */
  readonly validEnd?: boolean;
}

/** The options a step takes (`StepSpec`, and `validEnd` for `step`): a misspelt one (`next` for `goto`) would otherwise be dropped without a word. */
const STEP_OPTIONS: Readonly<Record<keyof StepSpec, true>> = {
  name: true, action: true, source: true, guard: true, op: true, effects: true, goto: true,
  required: true, progress: true, mustComplete: true, sleep: true, kernelWait: true,
};

const SOURCE_HINT = "at(line, 'function') from const at = sourceIn('path/file.c', 'commit or tag')";
const EXPR_HINT = 'an expression built with eq, ne, lt, le, gt, ge, and, or, not, add, sub, cond (or a variable, a local or a number)';
const EFFECT_HINT = 'set(x, value), inc(x), dec(x) or when(test, [...], [...])';

/** The parts of a spec the builder can use: what is malformed is left out, so building goes on to find the model's other problems. */
export interface CheckedSpec {
  readonly problems: readonly string[];
  readonly guard: boolean;
  readonly op: boolean;
  readonly effects: boolean;
  readonly goto: boolean;
}

/** Problems with `spec`'s shape, each a sentence without the process and step (the caller prefixes them). */
export function checkStepSpec(spec: unknown, alone: boolean): CheckedSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return { problems: [`a step needs a spec { action, source, ... }, got ${show(spec)}`], guard: false, op: false, effects: false, goto: false };
  }
  const s = spec as Record<string, unknown>;
  const problems: string[] = [];
  const known = alone ? [...Object.keys(STEP_OPTIONS), 'validEnd'] : Object.keys(STEP_OPTIONS);
  for (const key of Object.keys(s)) {
    if (!known.includes(key)) problems.push(`unknown option '${key}' (known: ${known.join(', ')})`);
  }
  if (typeof s.action !== 'string') problems.push(`action must be a string, the kernel code the step stands for (e.g. 'mutex_lock(&dev->lock)'), got ${show(s.action)}`);
  // It is printed in reports and drawn by Graphviz, which rejects a label with a NUL.
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s.action)) problems.push(`action contains a control character (${JSON.stringify(s.action)}); write it as plain text`);
  if (s.source === undefined) problems.push(`source is missing: every step names its kernel source, ${SOURCE_HINT}`);
  else if (!isSourceRef(s.source)) problems.push(`source must be ${SOURCE_HINT}, got ${show(s.source)}`);

  const guard = s.guard === undefined || isCondition(s.guard);
  if (!guard) problems.push(conditionProblem('guard', s.guard));
  const op = s.op === undefined || isOp(s.op);
  if (!op) problems.push(`op must be one primitive operation from a handle (e.g. lock.lock(), sem.down()), got ${show(s.op)}`);
  const effects = s.effects === undefined || (Array.isArray(s.effects) && s.effects.every(isEffect));
  if (!effects) problems.push(effectsProblem(s.effects));
  const goto = s.goto === undefined || typeof s.goto === 'string' || (Array.isArray(s.goto) && s.goto.every(isBranch));
  if (!goto) problems.push(gotoProblem(s.goto));
  return { problems, guard, op, effects, goto };
}

function isSourceRef(x: unknown): x is SourceRef {
  const r = x as SourceRef;
  return typeof r === 'object' && r !== null && typeof r.file === 'string' && r.file !== '' && Number.isInteger(r.line) &&
    typeof r.func === 'string' && typeof r.commit === 'string';
}


/** An expression tree as the helpers in expr.ts build it, or an integer (which `toExpr` lifts). */
function isExprLike(x: unknown): boolean {
  if (typeof x === 'number') return Number.isInteger(x);
  if (typeof x === 'boolean') return true;
  if (!isObject(x)) return false;
  switch (x.kind) {
    case 'lit': return Number.isInteger(x.value);
    case 'var': case 'local': return typeof x.name === 'string';
    case 'self': return true;
    case 'not': return isExprLike(x.arg);
    case 'binary': return typeof x.op === 'string' && isExprLike(x.left) && isExprLike(x.right);
    case 'cond': return isExprLike(x.test) && isExprLike(x.then) && isExprLike(x.else);
    case 'query': return typeof x.primitive === 'string' && typeof x.query === 'string';
    default: return false;
  }
}

/**
 * A condition (a guard, a goto branch's `when`) is an expression, or a number.
 * Not a boolean: there, `true`/`false` is what a JS comparison such as
 * `got === 1` gave once, when the model file ran, not a test of the state.
 */
function isCondition(x: unknown): boolean {
  return typeof x !== 'boolean' && isExprLike(x);
}

/** Why `x` is no condition (a property's, a guard's), or undefined when it is one. */
export function conditionIssue(what: string, x: unknown): string | undefined {
  return isCondition(x) ? undefined : conditionProblem(what, x);
}

function conditionProblem(what: string, x: unknown): string {
  if (typeof x === 'boolean') {
    return `${what} is the JS value ${x}, not an expression: a comparison such as got === 1 is evaluated once, when the model file runs; write eq(got, 1) (also ne, lt, le, gt, ge, and, or, not)`;
  }
  return `${what} must be ${EXPR_HINT}, got ${show(x)}${jsArithmetic(x) ? ' (JS arithmetic on a variable, done once when the model file ran: n + 1 is add(n, 1))' : ''}`;
}

/** What `n + 1` or `n - 1` gives for a variable handle `n`: a string or NaN, not an expression. */
const jsArithmetic = (x: unknown): boolean => typeof x === 'number' || (typeof x === 'string' && x.includes('[object Object]'));

function isOp(x: unknown): x is PrimitiveOp {
  return isObject(x) && typeof x.primitive === 'string' && typeof x.op === 'string';
}

function isEffect(x: unknown): x is Effect {
  if (!isObject(x)) return false;
  if (x.kind === 'assign') return isObject(x.target) && (x.target.kind === 'var' || x.target.kind === 'local') && isExprLike(x.value);
  if (x.kind === 'if') return isExprLike(x.test) && Array.isArray(x.then) && x.then.every(isEffect) && Array.isArray(x.else) && x.else.every(isEffect);
  return false;
}

function effectsProblem(x: unknown): string {
  if (!Array.isArray(x)) {
    return isEffect(x)
      ? 'effects must be an array, got a single effect: write effects: [inc(n)], not effects: inc(n)'
      : `effects must be an array of effects (${EFFECT_HINT}), got ${show(x)}`;
  }
  const k = x.findIndex((e) => !isEffect(e));
  return `effects[${k}] is not an effect: want ${EFFECT_HINT}, got ${show(x[k])}${jsArithmetic(x[k]) ? ' (JS arithmetic on a variable, done once when the model file ran: n = n + 1 is inc(n))' : ''}`;
}

function isBranch(x: unknown): boolean {
  return isObject(x) && typeof x.to === 'string' && (x.when === undefined || isCondition(x.when));
}

function gotoProblem(x: unknown): string {
  if (Array.isArray(x)) {
    const k = x.findIndex((b) => !isBranch(b));
    const b = x[k] as unknown;
    if (isObject(b) && typeof b.to === 'string') return conditionProblem(`goto[${k}].when`, b.when);
    return `goto[${k}] must be { when?: expression, to: 'label' }, got ${show(b)}`;
  }
  return `goto must be a label or [{ when: expression, to: 'label' }, ..., { to: 'label' }], got ${show(x)}`;
}

/** A short rendering of a wrong value for a message. */
function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (typeof x === 'string') return JSON.stringify(x.length > 60 ? `${x.slice(0, 57)}...` : x);
  if (x === null) return 'null';
  if (typeof x === 'number' || typeof x === 'boolean') return `${typeof x} ${String(x)}`;
  if (typeof x === 'function') return 'a function (call it?)';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  try {
    const text = JSON.stringify(x);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return 'an object';
  }
}
