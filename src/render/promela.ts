/**
 * Model -> Promela, so the same design can be checked by SPIN.
 *
 * The export is state-for-state: SPIN's state vector holds exactly what
 * interleave's packed state holds, so with SPIN's reductions off the two
 * count the same reachable states and find counterexamples of the same length.
 *
 * - Variables, locals, wait slots and every primitive slot (FIFO queues as
 *   front-aligned arrays, bitmasks as ints) are Promela variables with the same
 *   values. Scratch variables used inside steps are back to 0 when a step ends.
 * - A process's program counter is SPIN's own control state: each location is
 *   a label; a blocking location has a second label, `<label>_asleep`, where
 *   the process sits while its wait slot is non-zero (interleave's
 *   `pc = location, wait != 0`). Finished processes sit at `end_done` on a
 *   statement that never runs, so no process ever terminates: SPIN has no
 *   process-death states, and `active proctype`s give it no creation states.
 * - Each model step is one `d_step`: guard and branch choice are its
 *   executability condition, so a step is one SPIN transition and a sleeping
 *   process has nothing executable. A step whose `next` has conditions
 *   becomes one alternative per branch, the condition evaluated symbolically
 *   after the step's effects.
 * - Deadlock is SPIN's "invalid end state": valid-end locations carry `end_`
 *   labels. `always` invariants are assertions at the end of every step (the
 *   initial state has none, so if it already violates one, an extra
 *   `initial_state` process asserts it in its only step). `at-end` properties are
 *   asserted by a monitor process that runs only on `timeout` with every
 *   process at a valid end; its step returns to the same state, so it adds no
 *   states.
 *
 * SPIN must not hide write-only variables (`spin -a -o2`): by default it
 * drops a global that is written but never read from the state vector, which
 * interleave keeps.
 */
import { buildLayout, type ProcessInstance } from '../explore/layout.js';
import { compileModel, type CompiledModel } from '../explore/compile.js';
import { formatExpr } from '../model/expr.js';
import { formatSourceRef } from '../model/source-ref.js';
import {
  END_LABEL,
  type BinaryOp, type Effect, type Expr, type Model, type ProcessDecl, type Step, type VarDecl,
} from '../model/types.js';
import { comment, intType, PromelaExportError, type PrimitiveCode } from '../primitives/promela-code.js';
import { moduleOf } from '../primitives/registry.js';

export { PromelaExportError };

/** The SPIN commands that reproduce interleave's plain search (written into the file's header). */
export const SPIN_COMMANDS = {
  generate: 'spin -a -o2 FILE',
  compile: 'gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c',
  compileBfs: 'gcc -O2 -DNOREDUCE -DSAFETY -DBFS -o pan pan.c',
  run: './pan -m100000',
  /** With progress labels: SPIN's non-progress-cycle search (`b.nonProgressCycles`). */
  compileNp: 'gcc -O2 -DNOREDUCE -DNP -o pan pan.c',
  runNp: './pan -l -m100000',
} as const;

/**
 * The model's liveness properties the Promela file does not state, by name:
 * it has no never claims, so all of them, except the non-progress-cycle
 * check when progress steps are labelled (that is SPIN's `pan -l`).
 */
export function livenessLeftOut(model: Model, progressLabels = false): string[] {
  return (model.liveness ?? []).filter((p) => !(progressLabels && p.kind === 'non-progress')).map((p) => p.name);
}

export interface PromelaOptions {
  /** A first comment line, e.g. the command that produced the file. */
  readonly generatedBy?: string;
  /**
   * For SPIN's non-progress-cycle search (`pan -l`): each step marked
   * `progress` goes on through a `progress_` label of its own (SPIN's
   * progress is a place, interleave's a step). That adds a state after each
   * such step, so the state count is no longer interleave's; off by default.
   */
  readonly progressLabels?: boolean;
}

// ---------------------------------------------------------------- names

const RESERVED = new Set([
  // Promela
  'active', 'assert', 'atomic', 'bit', 'bool', 'break', 'byte', 'chan', 'd_step', 'D_proctype', 'do', 'else', 'empty',
  'enabled', 'eval', 'false', 'fi', 'full', 'get_priority', 'goto', 'hidden', 'if', 'init', 'inline', 'int', 'len',
  'local', 'ltl', 'mtype', 'nempty', 'never', 'nfull', 'notrace', 'od', 'of', 'pc_value', 'pid', 'printf', 'printm',
  'priority', 'proctype', 'provided', 'run', 'select', 'set_priority', 'short', 'show', 'skip', 'timeout', 'trace',
  'true', 'typedef', 'unless', 'unsigned', 'xr', 'xs', 'for', 'in', 'return', 'np_', 'c_code', 'c_decl', 'c_expr',
  'c_state', 'c_track', 'always', 'eventually', 'until', 'weak', 'stronguntil', 'implies', 'equivalent',
  // C, since pan.c uses the names as struct members
  'auto', 'case', 'char', 'const', 'continue', 'default', 'double', 'enum', 'extern', 'float', 'long', 'register',
  'signed', 'sizeof', 'static', 'struct', 'switch', 'union', 'void', 'volatile', 'while', 'now', 'main',
]);

/** Promela-safe, unique identifiers. */
class Names {
  private readonly used = new Set<string>();

  constructor(taken: readonly string[] = []) {
    for (const t of taken) this.used.add(t);
  }

  /** `wanted` made an identifier, avoiding keywords, special label prefixes and earlier names. */
  claim(wanted: string, { label = false } = {}): string {
    let base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    if (RESERVED.has(base) || base.startsWith('_') && /^_(pid|nr_pr|last|priority|p|t)$/.test(base)) base = `${base}_`;
    // SPIN gives labels starting with end/accept/progress a meaning.
    if (label && /^(end|accept|progress)/.test(base)) base = `at_${base}`;
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Every name claimed so far. */
  taken(): string[] {
    return [...this.used];
  }

  /** A prefix `p` such that every `p + suffix` is free; claims them all. */
  claimPrefix(wanted: string, suffixes: readonly string[]): string {
    let base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    let prefix = base;
    for (let k = 2; suffixes.some((s) => this.used.has(prefix + s) || RESERVED.has(prefix + s)); k++) prefix = `${base}_${k}`;
    for (const s of suffixes) this.used.add(prefix + s);
    return prefix;
  }
}

// ---------------------------------------------------------------- expressions

/** Precedence as in C (and Promela); higher binds tighter. */
const PREC: Record<BinaryOp, number> = {
  '*': 13, '/': 13, '%': 13, '+': 12, '-': 12, '<': 10, '<=': 10, '>': 10, '>=': 10, '==': 9, '!=': 9, '&&': 5, '||': 4,
};
const ATOM = 100;

interface Rendered {
  readonly text: string;
  readonly prec: number;
}

/** What an expression means where it is rendered. */
interface ExprScope {
  readonly vars: ReadonlyMap<string, string>;
  readonly locals: ReadonlyMap<string, string>;
  /** Symbolic values (after earlier effects) that replace a var or local: key `var:x` / `local:x`. */
  readonly values?: ReadonlyMap<string, Rendered>;
  readonly self: string;
  readonly query: (primitive: string, query: string) => string;
}

function render(e: Expr, sc: ExprScope): Rendered {
  switch (e.kind) {
    case 'lit': return { text: String(e.value), prec: e.value < 0 ? 0 : ATOM };
    case 'var': case 'local': {
      const v = sc.values?.get(`${e.kind}:${e.name}`);
      if (v) return v;
      const name = (e.kind === 'var' ? sc.vars : sc.locals).get(e.name);
      if (name === undefined) throw new PromelaExportError(`unknown ${e.kind} ${e.name}`);
      return { text: name, prec: ATOM };
    }
    case 'self': return { text: sc.self, prec: sc.self === '_pid' ? ATOM : 0 };
    case 'not': return { text: `!${wrap(render(e.arg, sc), ATOM)}`, prec: 14 };
    case 'cond':
      return { text: `(${text(e.test, sc)} -> ${text(e.then, sc)} : ${text(e.else, sc)})`, prec: ATOM };
    case 'query': return { text: sc.query(e.primitive, e.query), prec: ATOM };
    case 'binary': {
      const p = PREC[e.op];
      // Comparisons never chain unparenthesised; other operators are left-associative.
      const relational = p === 10 || p === 9;
      const l = render(e.left, sc);
      const r = render(e.right, sc);
      const left = relational ? wrap(l, p + 1) : wrap(l, p);
      const right = wrap(r, p + 1);
      // interleave's x / 0 and x % 0 give 0 (JavaScript's `| 0`); C would trap.
      if ((e.op === '/' || e.op === '%') && !(e.right.kind === 'lit' && e.right.value !== 0)) {
        return { text: `(${r.text} != 0 -> ${left} ${e.op} ${right} : 0)`, prec: ATOM };
      }
      return { text: `${left} ${e.op} ${right}`, prec: p };
    }
  }
}

function wrap(r: Rendered, min: number): string {
  return r.prec >= min ? r.text : `(${r.text})`;
}

function text(e: Expr, sc: ExprScope): string {
  return render(e, sc).text;
}

/** Every var/local an effect list may assign. */
function assigned(fxs: readonly Effect[], out = new Set<string>()): Set<string> {
  for (const fx of fxs) {
    if (fx.kind === 'assign') out.add(`${fx.target.kind}:${fx.target.name}`);
    else {
      assigned(fx.then, out);
      assigned(fx.else, out);
    }
  }
  return out;
}

/** Symbolic execution of effects: the value of every assigned var/local afterwards, over the state before. */
function symbolic(fxs: readonly Effect[], sc: ExprScope): ExprScope {
  let cur = sc;
  for (const fx of fxs) {
    if (fx.kind === 'assign') {
      const values = new Map(cur.values ?? []);
      values.set(`${fx.target.kind}:${fx.target.name}`, { text: `(${text(fx.value, cur)})`, prec: ATOM });
      cur = { ...cur, values };
    } else {
      const t = text(fx.test, cur);
      const a = symbolic(fx.then, cur);
      const b = symbolic(fx.else, cur);
      const values = new Map(cur.values ?? []);
      for (const key of assigned([fx])) {
        const [kind, name] = key.split(':') as ['var' | 'local', string];
        const at = (s: ExprScope) => render({ kind, name }, s).text;
        values.set(key, { text: `(${t} -> ${at(a)} : ${at(b)})`, prec: ATOM });
      }
      cur = { ...cur, values };
    }
  }
  return cur;
}

// ---------------------------------------------------------------- primitives

/** Each primitive module writes its own encoding; this only asks the registry. */

// ---------------------------------------------------------------- processes

interface ModelNames {
  readonly vars: ReadonlyMap<string, string>;
  readonly prims: ReadonlyMap<string, PrimitiveCode>;
  readonly primIds: ReadonlyMap<string, number>;
  readonly hasAlways: boolean;
}

interface ProcessNames {
  readonly proctype: string;
  readonly locals: ReadonlyMap<string, string>;
  /** Promela label of each location, `end` included. */
  readonly labels: ReadonlyMap<string, string>;
  /** Label where a blocking location's process sleeps. */
  readonly asleep: ReadonlyMap<string, string>;
  /** Labels SPIN treats as valid end states (for the at-end monitor). */
  readonly validEnd: readonly string[];
}

function isBlocking(model: ModelNames, step: Step): boolean {
  if (!step.op) return false;
  const prim = model.prims.get(step.op.primitive);
  return prim !== undefined && prim.op(step.op.op, '_pid', step.op.arg ? '0' : undefined).kind === 'blocking';
}

function nameProcess(template: ProcessDecl, proctype: string, locals: ReadonlyMap<string, string>, model: ModelNames, globals: readonly string[]): ProcessNames {
  // SPIN rejects a label named like any variable, proctype or inline ("bad label-name").
  const localNames = new Names([...RESERVED, ...globals, ...locals.values()]);
  const labels = new Map<string, string>();
  const asleep = new Map<string, string>();
  const validEnd: string[] = [];
  for (const loc of template.locations) {
    const label = loc.validEnd ? localNames.claim(`end_${loc.label.replace(/^(end|accept|progress)/, 'at_$1')}`) : localNames.claim(loc.label, { label: true });
    labels.set(loc.label, label);
    if (loc.validEnd) validEnd.push(label);
  }
  for (const loc of template.locations) {
    if (loc.steps.some((s) => isBlocking(model, s))) asleep.set(loc.label, localNames.claim(`${labels.get(loc.label)!.replace(/^end_/, '')}_asleep`, { label: true }));
  }
  const done = localNames.claim('end_done');
  labels.set(END_LABEL, done);
  validEnd.push(done);
  return { proctype, locals, labels, asleep, validEnd };
}

function indent(lines: string, by: string): string {
  return lines.split('\n').map((l) => (l.length > 0 ? by + l : l)).join('\n');
}

/** The statements of one effect list, with interleave's range checks as assertions. */
function effectLines(fxs: readonly Effect[], sc: ExprScope, decls: ReadonlyMap<string, VarDecl>): string[] {
  const out: string[] = [];
  for (const fx of fxs) {
    if (fx.kind === 'assign') {
      const key = `${fx.target.kind}:${fx.target.name}`;
      const decl = decls.get(key)!;
      const target = render(fx.target, sc).text;
      const v = render(fx.value, sc);
      const vt = wrap(v, PREC['<'] + 1);
      out.push(`assert(${decl.min} <= ${vt} && ${vt} <= ${decl.max})  ${comment(`${target}: ${decl.min}..${decl.max}`)}`);
      out.push(`${target} = ${v.text}`);
    } else {
      const then = effectLines(fx.then, sc, decls);
      const other = effectLines(fx.else, sc, decls);
      out.push([
        'if',
        `:: ${text(fx.test, sc)} ->`,
        indent((then.length > 0 ? then : ['skip']).join(';\n'), '   '),
        ':: else ->',
        indent((other.length > 0 ? other : ['skip']).join(';\n'), '   '),
        'fi',
      ].join('\n'));
    }
  }
  return out;
}

interface Alternative {
  /** Step name, and whether this is its wake-up half. */
  readonly tag: string;
  readonly guard: readonly string[];
  readonly body: readonly string[];
  readonly goto: string;
}

function dStep(alt: Alternative, hasAlways: boolean): string {
  const body = [...alt.body, ...(hasAlways ? ['check_always()'] : [])];
  const guard = alt.guard.filter((g) => g.length > 0);
  const lines: string[] = [];
  if (guard.length > 0) lines.push(`${guard.join(' &&\n')} ->`);
  lines.push(...(body.length > 0 ? body : ['skip']).map((l, i, all) => (i < all.length - 1 ? terminate(l) : l)));
  return `d_step {  ${comment(alt.tag)}\n${indent(lines.join('\n'), '  ')}\n}; goto ${alt.goto}`;
}

/** Adds the `;` separator to a statement, before its trailing comment if it has one. */
function terminate(line: string): string {
  const m = /^(.*?)(\s+\/\*[^\n]*\*\/)$/.exec(line);
  return m && !m[1].includes('\n') ? `${m[1]};${m[2]}` : `${line};`;
}

function stepDoc(step: Step): string {
  return `${step.action} -- ${formatSourceRef(step.source)}`;
}

/** The Promela body of one process template. */
function processBody(template: ProcessDecl, base: number, pn: ProcessNames, model: ModelNames, varDecls: ReadonlyMap<string, VarDecl>, progressLabels = false): string {
  const sc: ExprScope = {
    vars: model.vars,
    locals: pn.locals,
    self: base === 0 ? '_pid' : `_pid - ${base}`,
    query: (primitive, q) => model.prims.get(primitive)!.query(q),
  };
  const decls = new Map(varDecls);
  for (const l of template.locals) decls.set(`local:${l.name}`, l);

  const atomicIf = template.context === 'irq' || template.context === 'softirq'
    ? ['true']
    : [...model.prims.values()].flatMap((c) => (c.atomicFor ? [`(${c.atomicFor('_pid')})`] : []));
  const out: string[] = [];
  for (const l of template.locals) {
    out.push(`${intType(l.min, l.max)} ${pn.locals.get(l.name)} = ${l.init};  ${comment(`${l.min}..${l.max}`)}`);
  }
  if (template.locals.length > 0) out.push('');

  /** `progress_k: goto target` after a progress step, by progress label. */
  const detours = new Map<string, string>();
  const viaProgress = (step: Step, list: Alternative[], from: number) => {
    if (!progressLabels || step.progress !== true) return;
    for (let i = from; i < list.length; i++) {
      const label = `progress_${detours.size + 1}`;
      detours.set(label, list[i].goto);
      list[i] = { ...list[i], goto: label };
    }
  };
  template.locations.forEach((loc, li) => {
    const label = pn.labels.get(loc.label)!;
    const alts: Alternative[] = [];
    const wakes: Alternative[] = [];
    const single = loc.steps.length === 1;
    for (const step of loc.steps) {
      const [altsBefore, wakesBefore] = [alts.length, wakes.length];
      const tag = (suffix = '', note = '') => `[${step.name}${suffix}]${note}${single ? '' : ` ${stepDoc(step)}`}`;
      // Joined with && to the op's and branch's conditions: a guard with a top-level || needs its parentheses.
      const guard = step.guard ? [wrap(render(step.guard, sc), PREC['&&'])] : [];
      const code = step.op ? model.prims.get(step.op.primitive)!.op(step.op.op, '_pid', step.op.arg ? wrap(render(step.op.arg, sc), ATOM) : undefined) : undefined;
      const opPrim = step.op?.primitive;
      const intoKey = step.op?.into !== undefined ? `local:${step.op.into}` : undefined;
      const intoName = step.op?.into !== undefined ? pn.locals.get(step.op.into)! : undefined;

      // The branch conditions, evaluated after the op and the effects, as conditions on the state before the step.
      const branchGuards = (afterOp: ExprScope): Array<{ cond: string; to: string; note: string }> => {
        if (step.next.length === 1) return [{ cond: '', to: pn.labels.get(step.next[0].to)!, note: '' }];
        const after = symbolic(step.effects, afterOp);
        const conds = step.next.map((b) => (b.when ? text(b.when, after) : ''));
        return step.next.map((b, i) => {
          const earlier = conds.slice(0, i).map((c) => `!(${c})`);
          const note = b.when ? `, then ${b.to} if ${formatExpr(b.when)} (after the step)` : `, then ${b.to} otherwise`;
          return { cond: [...earlier, ...(b.when ? [`(${conds[i]})`] : [])].join(' && '), to: pn.labels.get(b.to)!, note };
        });
      };
      // After the op, a var or local reads as before except the op's result; a query on the op's primitive cannot be expressed.
      const scopeAfterOp = (result: string | undefined): ExprScope => ({
        ...sc,
        values: intoKey && result !== undefined ? new Map([[intoKey, { text: `(${result})`, prec: ATOM }]]) : sc.values,
        query: (primitive, q) => {
          if (primitive === opPrim && step.next.length > 1) {
            throw new PromelaExportError(`${template.name} step '${step.name}': a branch condition reads ${q}(${primitive}) after ${step.op!.op} changed it; not expressible as one Promela transition`);
          }
          return sc.query(primitive, q);
        },
      });
      const fx = effectLines(step.effects, sc, decls);
      // An op's result goes to its `into` local (range-checked) before the op changes the primitive.
      const intoLines = (result: string | undefined): string[] => {
        const intoDecl = template.locals.find((l) => l.name === step.op?.into);
        return intoName && intoDecl && result !== undefined
          ? [`assert(${intoDecl.min} <= ${result} && ${result} <= ${intoDecl.max})  ${comment(`${intoName}: ${intoDecl.min}..${intoDecl.max}`)}`, `${intoName} = ${result}`]
          : [];
      };
      const misuse = code && 'misuse' in code && code.misuse ? [`assert(${code.misuse})  ${comment(`${step.op!.op}(&${step.op!.primitive}) misused`)}`] : [];
      // might_sleep(): an op that may sleep, called in atomic context (holding a spinlock, or in irq/softirq code).
      if (code?.kind === 'blocking' && atomicIf.length > 0) misuse.push(`assert(!(${atomicIf.join(' || ')}))  ${comment('BUG: sleeping function called from invalid context')}`);

      if (!code) {
        for (const b of branchGuards(scopeAfterOp(undefined))) alts.push({ tag: tag('', b.note), guard: [...guard, b.cond], body: fx, goto: b.to });
      } else if (code.kind === 'apply') {
        const into = intoLines(code.result);
        for (const b of branchGuards(scopeAfterOp(code.result))) alts.push({ tag: tag('', b.note), guard: [...guard, b.cond], body: [...misuse, ...into, ...code.apply, ...fx], goto: b.to });
      } else if (code.kind === 'guarded') {
        const into = intoLines(code.result);
        for (const b of branchGuards(scopeAfterOp(code.result))) {
          alts.push({ tag: tag('', b.note), guard: [...guard, code.enabled, b.cond], body: [...misuse, ...into, ...code.apply, ...fx], goto: b.to });
        }
      } else {
        const primId = model.primIds.get(opPrim!)!;
        const sleep = pn.asleep.get(loc.label)!;
        for (const b of branchGuards(scopeAfterOp(undefined))) {
          alts.push({ tag: tag('', b.note), guard: [...guard, code.canAcquire, b.cond], body: [...misuse, ...code.acquire, ...fx], goto: b.to });
        }
        alts.push({
          tag: tag(', sleeps'),
          guard: [...guard, `!(${code.canAcquire})`],
          body: [...misuse, ...code.block, `wait[_pid] = ${primId + 1}  ${comment(`asleep on ${step.op!.primitive}`)}`],
          goto: sleep,
        });
        for (const b of branchGuards(scopeAfterOp(undefined))) {
          wakes.push({ tag: tag(', wakes', b.note), guard: ['wait[_pid] == -1', b.cond], body: ['wait[_pid] = 0', ...fx], goto: b.to });
        }
      }
      viaProgress(step, alts, altsBefore);
      viaProgress(step, wakes, wakesBefore);
    }

    const locDoc = single ? stepDoc(loc.steps[0]) : `${loc.steps.length} alternatives`;
    out.push(`${label}:  ${comment(`${li}: ${locDoc}${loc.validEnd ? '; a valid end state' : ''}`)}`);
    out.push(indent(choice(alts, model.hasAlways), '  '));
    if (wakes.length > 0) {
      const step = loc.steps[0];
      out.push(`${pn.asleep.get(loc.label)!}:  ${comment(`asleep on ${step.op!.primitive} at '${loc.label}' until granted (wait[_pid] == -1), then it wakes`)}`);
      out.push(indent(choice(wakes, model.hasAlways), '  '));
    }
  });
  for (const [label, target] of detours) out.push(`${label}:  ${comment('a progress step was taken (SPIN -l)')}`, `  goto ${target};`);
  out.push(`${pn.labels.get(END_LABEL)!}:  ${comment('finished (interleave: pc = end); nothing left to run, a valid end state')}`);
  out.push('  false');
  return out.join('\n');
}

/** The location's statement: always an `if`, so a goto never jumps straight into a d_step (SPIN forbids that). */
function choice(alts: readonly Alternative[], hasAlways: boolean): string {
  const opts = alts.map((a) => `:: ${indent(dStep(a, hasAlways), '   ').slice(3)}`);
  return ['if', ...opts, 'fi;'].join('\n');
}

// ---------------------------------------------------------------- the file

function paramText(model: Model): string {
  return Object.entries(model.params).map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * The Promela text of a model: same processes, variables and steps, each
 * step one atomic SPIN transition. Throws PromelaExportError for constructs
 * that have no exact Promela counterpart.
 */
export function toPromela(input: Model | CompiledModel, options: PromelaOptions = {}): string {
  const cm = 'successors' in input ? input : compileModel(input);
  const model = cm.model;
  const layout = buildLayout(model);
  const processCount = layout.processes.length;

  const global = new Names([...RESERVED, 'NPROC', 'wait', 'i_', 'j_', 'k_', 'pid_', 'check_always', 'at_end', 'initial_state', 'ALL_AT_VALID_END']);
  // Processes and variables keep their names; primitives only prefix theirs.
  const proctypes = model.processes.map((t) => global.claim(t.name));
  const vars = new Map(model.vars.map((v) => [v.name, global.claim(v.name)] as const));
  const localsOf = model.processes.map((t) => new Map(t.locals.map((l) => [l.name, global.claim(l.name)] as const)));
  const prims = new Map<string, PrimitiveCode>();
  const primIds = new Map<string, number>();
  model.primitives.forEach((decl, id) => {
    const mod = moduleOf(decl);
    prims.set(decl.name, mod.promela(decl, { id, name: global.claimPrefix(decl.name, mod.promelaSuffixes), processCount }));
    primIds.set(decl.name, id);
  });
  const always = model.properties.filter((p) => p.kind === 'always');
  const atEnd = model.properties.filter((p) => p.kind === 'at-end');
  const names: ModelNames = { vars, prims, primIds, hasAlways: always.length > 0 };
  const varDecls = new Map(model.vars.map((v) => [`var:${v.name}`, v] as const));
  const byTemplate = model.processes.map((template, i) => ({
    template,
    instances: layout.processes.filter((p) => p.template === template),
    names: nameProcess(template, proctypes[i], localsOf[i], names, global.taken()),
  }));
  const globalScope: ExprScope = {
    vars,
    locals: new Map(),
    self: '0',
    query: (primitive, q) => prims.get(primitive)!.query(q),
  };

  const out: string[] = [];
  const leftOut = livenessLeftOut(model, options.progressLabels);
  const header = [
    `${model.name}${paramText(model) ? ` (${paramText(model)})` : ''}`,
    ...(options.generatedBy ? [options.generatedBy] : []),
    '',
    'Exported from interleave: the same processes, variables and steps, state for',
    'state. Each model step is one d_step (one SPIN transition); a step that may',
    'sleep is two: the call (takes the lock, or queues and sleeps at <label>_asleep)',
    'and, once another process has handed the lock over (wait[p] == -1), the wake-up.',
    '',
    'Check it with reductions off, so SPIN counts the states interleave counts:',
    `  ${SPIN_COMMANDS.generate}    (-o2: keep write-only variables in the state, as interleave does)`,
    `  ${SPIN_COMMANDS.compile}`,
    `  ${SPIN_COMMANDS.run}`,
    `Shortest counterexample: ${SPIN_COMMANDS.compileBfs}`,
    'The counts agree exactly when nothing is violated; otherwise each search stops',
    'at its first violation, at different points (./pan -c0 explores everything).',
    '',
    ...(options.progressLabels
      ? [
        'Non-progress cycles (steps marked progress pass a progress_ label, one more',
        'state each, so the state count is not interleave\'s):',
        `  ${SPIN_COMMANDS.generate}`,
        `  ${SPIN_COMMANDS.compileNp}`,
        `  ${SPIN_COMMANDS.runNp}    (add -f for weak fairness)`,
        '',
      ]
      : []),
    ...(leftOut.length > 0 ? [`Left out (no never claims): ${leftOut.join('; ')}. interleave check checks them.`, ''] : []),
    'Deadlock is an "invalid end state"; invariants are assertions.',
    'Processes (SPIN _pid = interleave pid):',
    ...layout.processes.map((p) => `  ${p.pid}  ${p.name}`),
  ];
  out.push(`/*\n${header.map((l) => ` *${l ? ` ${l}` : ''}`).join('\n')}\n */`);
  out.push('');
  out.push(`#define NPROC ${processCount}`);
  out.push('');

  if (model.vars.length > 0) {
    out.push(comment('Shared variables'));
    for (const v of model.vars) out.push(`${intType(v.min, v.max)} ${vars.get(v.name)} = ${v.init};  ${comment(`${v.min}..${v.max}`)}`);
    out.push('');
  }
  out.push(comment('Wait slot per process: 0 running; k > 0 asleep on primitive k-1; -1 granted, its next step is the wake-up'));
  out.push('short wait[NPROC];');
  out.push(comment('Scratch for the primitives\' code inside a step, always 0 between steps, so it adds no states (not `hidden`: SPIN\'s BFS forbids that)'));
  out.push(`${intType(0, Math.max(processCount, ...[...prims.values()].map((p) => p.scratchMax ?? 0)) + 1)} i_, j_, k_;`);
  out.push('byte pid_;');
  out.push('');

  for (const decl of model.primitives) {
    const code = prims.get(decl.name)!;
    out.push(comment(`${decl.name} (primitive ${primIds.get(decl.name)}; a process asleep on it has wait ${primIds.get(decl.name)! + 1}): ${code.title}`));
    out.push(...code.vars);
    for (const inl of code.inlines) out.push(inl);
    out.push('');
  }

  if (always.length > 0) {
    const initialViolation = cm.violatedAlways(cm.initialState());
    out.push(comment('Invariants, asserted after every step'));
    out.push('inline check_always() {');
    always.forEach((p, i) => {
      out.push(`  assert(${text(p.expr, globalScope)})${i < always.length - 1 ? ';' : ''}  ${comment(`always: ${p.name}`)}`);
    });
    out.push('}');
    out.push('');
  }

  for (const { template, instances, names: pn } of byTemplate) {
    const pids = instances.map((p) => p.pid);
    const who = instances.length > 1 ? `${instances.length} instances, _pid ${pids[0]}..${pids.at(-1)}; self = _pid - ${pids[0]}` : `_pid ${pids[0]}`;
    out.push(comment(`process ${template.name}: ${who}`));
    out.push(`active${instances.length > 1 ? ` [${instances.length}]` : ''} proctype ${pn.proctype}() {`);
    out.push(indent(processBody(template, pids[0], pn, names, varDecls, options.progressLabels), '  '));
    out.push('}');
    out.push('');
  }

  const initialViolation = always.length > 0 ? cm.violatedAlways(cm.initialState()) : -1;
  if (initialViolation >= 0) {
    out.push(comment(`The initial state already violates "${always[initialViolation].name}". interleave reports that before any step; SPIN asserts only in steps, so this process's one step does (the trail is one step longer)`));
    out.push('active proctype initial_state() {');
    out.push(`  assert(${text(always[initialViolation].expr, globalScope)})  ${comment(`always: ${always[initialViolation].name}`)}`);
    out.push('}');
    out.push('');
  }

  if (atEnd.length > 0) {
    const at = (p: ProcessInstance) => {
      const pn = byTemplate.find((t) => t.template === p.template)!.names;
      return `wait[${p.pid}] == 0 && (${pn.validEnd.map((l) => `${pn.proctype}[${p.pid}]@${l}`).join(' || ')})`;
    };
    out.push(comment('Every process is at a valid end and awake'));
    out.push(`#define ALL_AT_VALID_END (${layout.processes.map((p) => `\\\n  (${at(p)})`).join(' && ')})`);
    out.push('');
    out.push(comment([
      'Properties of the final state: checked when no step can run (timeout) and every process is at a valid end.',
      'The monitor\'s step leads back to the same state, so it adds no states; a failing one adds one step to the trail.',
    ].join(' ')));
    out.push('active proctype at_end() {');
    out.push('end_watch:');
    out.push('  do');
    out.push('  :: atomic { timeout && ALL_AT_VALID_END ->');
    atEnd.forEach((p, i) => out.push(`       assert(${text(p.expr, globalScope)})${i < atEnd.length - 1 ? ';' : ''}  ${comment(`at end: ${p.name}`)}`));
    out.push('     }');
    out.push('  od');
    out.push('}');
    out.push('');
  }
  return out.join('\n');
}
