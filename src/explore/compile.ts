/**
 * Compiles a declarative model into JavaScript, as SPIN compiles Promela to C:
 * one generated `successors` function with a switch per process over its
 * program counter, guards and effects inlined as integer arithmetic on the
 * state array, primitive operations as direct calls. No object is allocated
 * per state on this path. Each step also gets its own function, used to
 * replay traces and to pin down which step misused a primitive.
 */
import { formatExpr } from '../model/expr.js';
import { ModelError } from '../model/model-error.js';
import type { Effect, Expr, Model, Step } from '../model/types.js';
import { PrimitiveMisuse, type PrimitiveRuntime } from '../primitives/primitive.js';
import { createPrimitive, kernelCall } from '../primitives/registry.js';
import { buildLayout, type Layout, type ProcessInstance } from './layout.js';
import { buildPacker, slotRanges, type Packer } from './packing.js';

/** A model step as executed by one process instance. */
export interface CompiledStep {
  readonly id: number;
  readonly pid: number;
  /** The location (pc value) the step runs from. */
  readonly location: number;
  readonly step: Step;
  /** The step's op may put the process to sleep (it then has a separate wake-up). */
  readonly blocking: boolean;
}

/** Called once per enabled step with the successor written into `out`. */
export type Emit = (stepId: number) => void;

export interface CompiledModel {
  readonly model: Model;
  readonly layout: Layout;
  readonly primitives: readonly PrimitiveRuntime[];
  readonly steps: readonly CompiledStep[];
  readonly slotCount: number;
  /** Inclusive range of each slot. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** Packs states into `packer.words` ints for the seen-set. */
  readonly packer: Packer;
  initialState(): Int32Array;
  /** Writes each successor of `s` into `out` and calls `emit`; returns how many. */
  successors(s: Int32Array, out: Int32Array, emit: Emit): number;
  /**
   * Runs one step if enabled, writing the successor into `out`, and the
   * result its primitive op returned (a trylock's, how many a wake-up woke)
   * into `result[0]` when given.
   */
  runStep(stepId: number, s: Int32Array, out: Int32Array, result?: Int32Array): boolean;
  /** Index into `alwaysProperties` of the first invariant violated in `s`, or -1. */
  violatedAlways(s: Int32Array): number;
  /** Index into `atEndProperties` of the first terminal property violated, or -1. */
  violatedAtEnd(s: Int32Array): number;
  readonly alwaysProperties: readonly string[];
  /**
   * The checker's own invariants this model can violate, by the name a
   * violation reports (`atomic-sleep` when some process can be atomic):
   * a gate names them like the model's properties, a report lists them.
   */
  readonly builtInProperties: readonly BuiltInProperty[];
  readonly atEndProperties: readonly string[];
  /** Every process is finished or idle at a valid end, and none is asleep. */
  allAtValidEnd(s: Int32Array): boolean;
  processName(pid: number): string;
}

/** How the kernel prints a might_sleep() failure; a run-time error with this message is an `atomic-sleep` violation. */
export const ATOMIC_SLEEP_MESSAGE = 'BUG: sleeping function called from invalid context';

/** The checker's own invariants, by the property name a violation reports, with what each says holds. */
export const BUILT_IN_PROPERTIES = {
  'atomic-sleep': 'no sleeping function called in atomic context',
} as const;
export type BuiltInProperty = keyof typeof BUILT_IN_PROPERTIES;

/** The discovery property of a run-time error: `atomic-sleep` for a sleep in atomic context, else `assertion`. */
export function runtimeErrorProperty(message: string): 'atomic-sleep' | 'assertion' {
  return message.startsWith(ATOMIC_SLEEP_MESSAGE) ? 'atomic-sleep' : 'assertion';
}

/** A step broke a rule of the model at run time (range, primitive misuse). */
export class ModelRuntimeError extends Error {
  /**
   * @param where the failing step as a report names it (`t#2: n++`), so
   * whoever catches this without the compiled model can still say which.
   */
  constructor(message: string, readonly stepId: number, readonly where = `step ${stepId}`) {
    super(message);
    this.name = 'ModelRuntimeError';
  }
}

interface CodegenContext {
  readonly layout: Layout;
  readonly model: Model;
  /** Constants the generated code closes over, referenced as `K[i]`. */
  readonly constants: unknown[];
  readonly primitives: readonly PrimitiveRuntime[];
  /** Throws the atomic-sleep error if process `pid` is atomic in `s` (undefined when nothing in the model is atomic). */
  readonly atomicCheck?: (s: Int32Array, pid: number, stepId: number) => void;
}

function constant(ctx: CodegenContext, value: unknown): string {
  let i = ctx.constants.indexOf(value);
  if (i < 0) i = ctx.constants.push(value) - 1;
  return `K${i}`;
}

function slotOf(ctx: CodegenContext, proc: ProcessInstance | undefined, e: { kind: 'var' | 'local'; name: string }): number {
  const slot = e.kind === 'var' ? ctx.layout.varSlots.get(e.name) : proc?.localSlots.get(e.name);
  if (slot === undefined) throw new Error(`internal: no slot for ${e.kind} ${e.name}`);
  return slot;
}

/** Integer-valued JS for an expression over state array `a`. */
function num(ctx: CodegenContext, proc: ProcessInstance | undefined, e: Expr, a: string): string {
  switch (e.kind) {
    case 'lit': return e.value < 0 ? `(${e.value})` : String(e.value);
    case 'var': case 'local': return `${a}[${slotOf(ctx, proc, e)}]`;
    case 'self': return String(proc?.instance ?? 0);
    case 'not': return `(${bool(ctx, proc, e, a)} ? 1 : 0)`;
    case 'cond': return `(${bool(ctx, proc, e.test, a)} ? ${num(ctx, proc, e.then, a)} : ${num(ctx, proc, e.else, a)})`;
    case 'query': {
      const prim = ctx.primitives[ctx.layout.primitiveIndex.get(e.primitive)!];
      return `${constant(ctx, prim.queries[e.query])}(${a})`;
    }
    case 'binary': {
      const l = num(ctx, proc, e.left, a);
      const r = num(ctx, proc, e.right, a);
      switch (e.op) {
        case '+': case '-': case '*': return `((${l} ${e.op} ${r}) | 0)`;
        case '/': case '%': return `((${l} ${e.op} ${r}) | 0)`;
        default: return `(${bool(ctx, proc, e, a)} ? 1 : 0)`;
      }
    }
  }
}

/** Boolean-valued JS for an expression (non-zero is true). */
function bool(ctx: CodegenContext, proc: ProcessInstance | undefined, e: Expr, a: string): string {
  if (e.kind === 'not') return `!${bool(ctx, proc, e.arg, a)}`;
  if (e.kind === 'lit') return e.value !== 0 ? 'true' : 'false';
  if (e.kind === 'binary') {
    switch (e.op) {
      case '&&': case '||': return `(${bool(ctx, proc, e.left, a)} ${e.op} ${bool(ctx, proc, e.right, a)})`;
      case '<': case '<=': case '>': case '>=': return `(${num(ctx, proc, e.left, a)} ${e.op} ${num(ctx, proc, e.right, a)})`;
      case '==': return `(${num(ctx, proc, e.left, a)} === ${num(ctx, proc, e.right, a)})`;
      case '!=': return `(${num(ctx, proc, e.left, a)} !== ${num(ctx, proc, e.right, a)})`;
      default: break;
    }
  }
  return `(${num(ctx, proc, e, a)} !== 0)`;
}

function effects(ctx: CodegenContext, proc: ProcessInstance, fxs: readonly Effect[], stepId: number): string {
  return fxs.map((fx) => {
    if (fx.kind === 'if') {
      return `if (${bool(ctx, proc, fx.test, 'o')}) { ${effects(ctx, proc, fx.then, stepId)} } else { ${effects(ctx, proc, fx.else, stepId)} }`;
    }
    const decl = fx.target.kind === 'var'
      ? ctx.model.vars.find((v) => v.name === fx.target.name)!
      : proc.template.locals.find((l) => l.name === fx.target.name)!;
    const slot = slotOf(ctx, proc, fx.target);
    return `{ const v = ${num(ctx, proc, fx.value, 'o')}; ` +
      `if (v < ${decl.min} || v > ${decl.max}) R(${stepId}, ${JSON.stringify(`${fx.target.name} = ${formatExpr(fx.value)}`)}, v, ${decl.min}, ${decl.max}); ` +
      `o[${slot}] = v; }`;
  }).join(' ');
}

function branches(ctx: CodegenContext, proc: ProcessInstance, step: Step): string {
  const pc = proc.pcSlot;
  const parts = step.next.map((b) => {
    const target = proc.labelIndex.get(b.to)!;
    return b.when ? `if (${bool(ctx, proc, b.when, 'o')}) o[${pc}] = ${target}; else ` : `o[${pc}] = ${target};`;
  });
  return parts.join('');
}

/**
 * The body of one step for process `proc`, assuming `s[pc]` is at the step.
 * It writes the successor into `o` and then executes `onEmit`.
 */
function stepBody(ctx: CodegenContext, proc: ProcessInstance, cs: CompiledStep, onEmit: string, keep = ''): string {
  const { step, id } = cs;
  const W = proc.waitSlot;
  const guard = step.guard ? bool(ctx, proc, step.guard, 's') : 'true';
  const finish = `${effects(ctx, proc, step.effects, id)} ${branches(ctx, proc, step)}`;
  if (!step.op) {
    return `if (${guard}) { o.set(s); ${finish} ${onEmit} }`;
  }
  const primId = ctx.layout.primitiveIndex.get(step.op.primitive)!;
  const impl = ctx.primitives[primId].ops[step.op.op];
  const pid = proc.pid;
  const arg = step.op.arg ? num(ctx, proc, step.op.arg, 'o') : '0';
  const intoDecl = proc.template.locals.find((l) => l.name === step.op!.into);
  const into = intoDecl ? `if (r < ${intoDecl.min} || r > ${intoDecl.max}) R(${id}, ${JSON.stringify(`${intoDecl.name} = ${step.op.op}(${step.op.primitive})`)}, r, ${intoDecl.min}, ${intoDecl.max}); o[${proc.localSlots.get(intoDecl.name)}] = r; ` : '';
  switch (impl.kind) {
    case 'blocking': {
      const tryAcquire = constant(ctx, impl.tryAcquire);
      const block = constant(ctx, impl.block);
      // might_sleep(): calling an op that may sleep in atomic context is a bug even if it would not sleep now.
      const atomic = ctx.atomicCheck ? `${constant(ctx, ctx.atomicCheck)}(s, ${pid}, ${id});` : '';
      return `{ const w = s[${W}];
        if (w < 0) { o.set(s); o[${W}] = 0; ${finish} ${onEmit} }
        else if (w === 0 && ${guard}) {
          ${atomic}
          o.set(s);
          if (${tryAcquire}(o, ${pid}, ${arg})) { ${finish} } else { ${block}(o, ${pid}, ${arg}); o[${W}] = ${primId + 1}; }
          ${onEmit}
        } }`;
    }
    case 'guarded': {
      const enabled = constant(ctx, impl.enabled);
      const apply = constant(ctx, impl.apply);
      return `if (${guard} && ${enabled}(s, ${pid})) { o.set(s); const r = ${apply}(o, ${pid}, ${arg}); ${keep}${into}${finish} ${onEmit} }`;
    }
    case 'apply': {
      const apply = constant(ctx, impl.apply);
      return `if (${guard}) { o.set(s); const r = ${apply}(o, ${pid}, ${arg}); ${keep}${into}${finish} ${onEmit} }`;
    }
  }
}

function propertyFn(ctx: CodegenContext, props: readonly Expr[]): string {
  const checks = props.map((e, i) => `if (!${bool(ctx, undefined, e, 's')}) return ${i};`).join(' ');
  return `function (s) { ${checks} return -1; }`;
}

export function compileModel(model: Model): CompiledModel {
  try {
    return compileChecked(model);
  } catch (e) {
    // Generating and parsing the model's code recurses once per level of an expression.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new ModelError(`model ${model.name}: an expression is nested too deeply to compile (JavaScript ran out of stack); write a long sum or chain as several steps or effects`);
    }
    throw e;
  }
}

function compileChecked(model: Model): CompiledModel {
  const layout = buildLayout(model);
  const waitSlot = Int32Array.from(layout.processes.map((p) => p.waitSlot));
  const primitives = model.primitives.map((decl, id) =>
    createPrimitive(decl, { id, base: layout.primitives[id].base, processCount: layout.processes.length, waitSlot }));

  const steps: CompiledStep[] = [];
  for (const proc of layout.processes) {
    proc.template.locations.forEach((loc, location) => {
      for (const step of loc.steps) {
        const blocking = step.op !== undefined &&
          primitives[layout.primitiveIndex.get(step.op.primitive)!].ops[step.op.op].kind === 'blocking';
        steps.push({ id: steps.length, pid: proc.pid, location, step, blocking });
      }
    });
  }

  const stepWhere = (stepId: number) => `${layout.processes[steps[stepId].pid].name}: ${steps[stepId].step.action}`;
  const atomicPrims = primitives.filter((p) => p.atomicFor !== undefined);
  const atomicProcs = layout.processes.filter((p) => p.template.context === 'irq' || p.template.context === 'softirq');
  const atomicCheck = atomicPrims.length > 0 || atomicProcs.length > 0
    ? (s: Int32Array, pid: number, stepId: number) => {
        const proc = layout.processes[pid];
        const held = atomicPrims.filter((p) => p.atomicFor!(s, pid)).map((p) => p.decl.name);
        const irq = proc.template.context === 'irq' || proc.template.context === 'softirq' ? proc.template.context : undefined;
        if (held.length === 0 && irq === undefined) return;
        const op = steps[stepId].step.op!;
        const why = irq !== undefined ? `in ${irq} context` : `holding spinlock ${held.join(', ')}`;
        throw new ModelRuntimeError(`${ATOMIC_SLEEP_MESSAGE}: ${proc.name} calls ${kernelCall(model.primitives[layout.primitiveIndex.get(op.primitive)!], op.op)}(&${op.primitive}), which may sleep, ${why}`, stepId, stepWhere(stepId));
      }
    : undefined;
  const ctx: CodegenContext = { layout, model, constants: [], primitives, ...(atomicCheck ? { atomicCheck } : {}) };
  const stepsOf = (pid: number) => steps.filter((cs) => cs.pid === pid);

  // Fused successor function: one switch per process.
  const cases = layout.processes.map((proc) => {
    const arms = proc.template.locations.map((_, location) => {
      const bodies = stepsOf(proc.pid).filter((cs) => cs.location === location)
        .map((cs) => stepBody(ctx, proc, cs, `emit(${cs.id}); n++;`));
      return `case ${location}: ${bodies.join('\n')} break;`;
    }).join('\n');
    return `switch (s[${proc.pcSlot}]) {\n${arms}\n}`;
  }).join('\n');
  const successorsSrc = `return function successors(s, o, emit) { let n = 0;\n${cases}\nreturn n; }`;

  const stepFnSrc = steps.map((cs) => {
    const proc = layout.processes[cs.pid];
    return `function (s, o, res) { if (s[${proc.pcSlot}] !== ${cs.location}) return false; ${stepBody(ctx, proc, cs, 'return true;', 'if (res) res[0] = r; ')} return false; }`;
  });

  const always = model.properties.filter((p) => p.kind === 'always');
  const atEnd = model.properties.filter((p) => p.kind === 'at-end');
  const alwaysSrc = propertyFn(ctx, always.map((p) => p.expr));
  const atEndSrc = propertyFn(ctx, atEnd.map((p) => p.expr));

  const rangeError = (stepId: number, what: string, v: number, min: number, max: number): never => {
    throw new ModelRuntimeError(`${what} gives ${v}, outside the declared range ${min}..${max}`, stepId, stepWhere(stepId));
  };
  const header = ctx.constants.map((_, i) => `const K${i} = K[${i}];`).join(' ');
  // The generated code is built only from the model's own declarations
  // (numbers, slot indices and JSON-escaped strings), never from raw input text.
  const factory = new Function('K', 'R', `${header}
    const successors = (function () { ${successorsSrc} })();
    const stepFns = [${stepFnSrc.join(',\n')}];
    const always = ${alwaysSrc};
    const atEnd = ${atEndSrc};
    return { successors, stepFns, always, atEnd };`) as (
    k: unknown[], r: typeof rangeError,
  ) => {
    successors: CompiledModel['successors'];
    stepFns: Array<(s: Int32Array, o: Int32Array, res?: Int32Array) => boolean>;
    always: (s: Int32Array) => number;
    atEnd: (s: Int32Array) => number;
  };
  const gen = factory(ctx.constants, rangeError);

  const initial = new Int32Array(layout.slotCount);
  for (const v of model.vars) initial[layout.varSlots.get(v.name)!] = v.init;
  for (const proc of layout.processes) {
    for (const l of proc.template.locals) initial[proc.localSlots.get(l.name)!] = l.init;
  }
  primitives.forEach((p) => p.init(initial));

  // validEnd[pid][pc] = 1 where the process may stop for good.
  const validEnd = layout.processes.map((proc) => {
    const table = new Uint8Array(proc.template.locations.length + 1);
    proc.template.locations.forEach((l, i) => { table[i] = l.validEnd ? 1 : 0; });
    table[proc.template.locations.length] = 1;
    return table;
  });

  const runStep = (stepId: number, s: Int32Array, out: Int32Array, result?: Int32Array): boolean => {
    try {
      return gen.stepFns[stepId](s, out, result);
    } catch (e) {
      throw asRuntimeError(e, stepId, stepWhere(stepId));
    }
  };

  const ranges = slotRanges(model, layout, primitives);
  return {
    model,
    layout,
    primitives,
    steps,
    slotCount: layout.slotCount,
    ranges,
    packer: buildPacker(ranges),
    initialState: () => initial.slice(),
    successors(s, out, emit) {
      try {
        return gen.successors(s, out, emit);
      } catch (e) {
        if (!(e instanceof PrimitiveMisuse) && !(e instanceof ModelRuntimeError)) throw e;
        // Find the culprit step by running each on its own: slow, but only once.
        const scratch = new Int32Array(s.length);
        for (const cs of steps) runStep(cs.id, s, scratch);
        throw e;
      }
    },
    runStep,
    violatedAlways: gen.always,
    violatedAtEnd: gen.atEnd,
    alwaysProperties: always.map((p) => p.name),
    // Only a model where something can be atomic (an irq process, a spinlock) can sleep in atomic context.
    builtInProperties: atomicCheck ? ['atomic-sleep'] : [],
    atEndProperties: atEnd.map((p) => p.name),
    allAtValidEnd(s) {
      for (const proc of layout.processes) {
        if (s[proc.waitSlot] !== 0 || validEnd[proc.pid][s[proc.pcSlot]] !== 1) return false;
      }
      return true;
    },
    processName: (pid) => layout.processes[pid].name,
  };
}

function asRuntimeError(e: unknown, stepId: number, where: string): unknown {
  if (e instanceof PrimitiveMisuse) return new ModelRuntimeError(e.message, stepId, where);
  return e;
}
