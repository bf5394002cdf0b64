/**
 * Static checks on a model, each problem a sentence naming the model, the
 * process and the step: unknown labels and names, unreachable steps, values
 * out of range, and releases of locks the process may not hold.
 */
import { walkEffects, walkExpr } from './expr.js';
import { PRIMITIVE_OPS } from './primitive-ops.js';
import { valueNameProblems } from './value-names.js';
import { END_LABEL, SLEEP_STATES, type Expr, type Location, type Model, type ProcessDecl, type SleepState, type Step, type VarDecl } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_\-]*$/;

export function validateModel(model: Model): string[] {
  const problems: string[] = [];
  const at = (p: ProcessDecl, s?: Step) => `process ${p.name}${s ? `, step '${s.name}'` : ''}`;

  unique(model.vars.map((v) => v.name), 'variable', problems);
  unique(model.primitives.map((p) => p.name), 'primitive', problems);
  unique(model.processes.map((p) => p.name), 'process', problems);
  unique([...model.properties, ...(model.liveness ?? [])].map((p) => p.name), 'property', problems);

  for (const v of model.vars) {
    const bad = initialValueProblem(v);
    if (bad) problems.push(`variable ${v.name}: ${bad}`);
    problems.push(...valueNameProblems(v).map((m) => `variable ${v.name}: ${m}`));
  }
  for (const prim of model.primitives) {
    if (!NAME.test(prim.name)) problems.push(`primitive name ${JSON.stringify(prim.name)} is not an identifier`);
    if (!(prim.kind in PRIMITIVE_OPS)) problems.push(`primitive ${prim.name}: unknown kind ${JSON.stringify(prim.kind)}`);
    else problems.push(...(PRIMITIVE_OPS[prim.kind].check?.(prim) ?? []));
  }
  if (model.processes.length === 0) problems.push('the model has no processes');

  const vars = new Set(model.vars.map((v) => v.name));
  const prims = new Map(model.primitives.map((p) => [p.name, p]));

  const checkExpr = (e: Expr, locals: Set<string>, where: string) =>
    walkExpr(e, (x) => {
      if (x.kind === 'var' && !vars.has(x.name)) problems.push(`${where}: unknown variable ${x.name}`);
      if (x.kind === 'local' && !locals.has(x.name)) {
        // A property is about the whole system, so it has no process whose locals it could read.
        const owner = where.startsWith('property ') ? model.processes.find((p) => p.locals.some((l) => l.name === x.name)) : undefined;
        problems.push(owner
          ? `${where}: reads ${x.name}, a local of process ${owner.name}; a property can read only shared variables (b.var) and primitive queries, so keep ${x.name} in a b.var that ${owner.name} sets`
          : `${where}: unknown local ${x.name}`);
      }
      if (x.kind === 'lit' && !Number.isInteger(x.value)) problems.push(`${where}: ${x.value} is not an integer`);
      if (x.kind === 'query') {
        const prim = prims.get(x.primitive);
        if (!prim) problems.push(`${where}: unknown primitive ${x.primitive}`);
        else if (!PRIMITIVE_OPS[prim.kind].queries.includes(x.query)) {
          problems.push(`${where}: ${prim.kind} ${x.primitive} has no query ${x.query}`);
        }
      }
    });

  for (const prop of model.properties) checkExpr(prop.expr, new Set(), `property ${prop.name}`);
  for (const prop of model.liveness ?? []) {
    if (prop.kind === 'eventually') checkExpr(prop.expr, new Set(), `property ${prop.name}`);
    if (prop.kind === 'leads-to') for (const e of [prop.from, prop.to]) checkExpr(e, new Set(), `property ${prop.name}`);
    if (prop.kind === 'progress' || prop.kind === 'must-complete') {
      const proc = model.processes.find((p) => p.name === prop.process);
      if (!proc) problems.push(`property ${prop.name}: unknown process ${prop.process}`);
      else if (prop.kind === 'progress' && !proc.locations.some((l) => l.steps.some((s) => s.progress))) {
        problems.push(`process ${proc.name}: marked progress but none of its steps is marked progress`);
      }
    }
  }

  for (const p of model.processes) {
    if (!Number.isInteger(p.instances) || p.instances < 1) {
      problems.push(`${at(p)}: instances must be a positive integer, got ${p.instances}`);
    }
    if (p.locations.length === 0) problems.push(`${at(p)}: has no steps`);
    unique(p.locals.map((l) => l.name), `local of ${p.name}`, problems);
    for (const l of p.locals) {
      const bad = initialValueProblem(l);
      if (bad) problems.push(`${at(p)}: local ${l.name} ${bad}`);
      problems.push(...valueNameProblems(l).map((m) => `${at(p)}: local ${l.name}: ${m}`));
    }
    const locals = new Set(p.locals.map((l) => l.name));
    const labels = new Set<string>();
    for (const loc of p.locations) {
      if (loc.label === END_LABEL) problems.push(`${at(p)}, step '${loc.label}': '${END_LABEL}' is reserved for the final location`);
      else if (labels.has(loc.label)) problems.push(`${at(p)}, step '${loc.label}': label is used twice`);
      labels.add(loc.label);
      if (loc.steps.length === 0) problems.push(`${at(p)}, step '${loc.label}': a location needs at least one step`);
      unique(loc.steps.map((s) => s.name), `step of ${p.name}`, problems);
      const sleeper = loc.steps.find((s) => sleeps(model, s));
      if (loc.steps.length > 1 && sleeper) {
        problems.push(`${at(p)}, step '${loc.label}': a step that may sleep (${sleeper.op!.op} on ${sleeper.op!.primitive}) must be alone at its location`);
      }
    }
    for (const s of p.locations.flatMap((l) => l.steps)) {
      const where = `${at(p, s)}`;
      if (s.guard) checkExpr(s.guard, locals, where);
      walkEffects(s.effects, (e) => checkExpr(e, locals, where), (t) => {
        if (t.kind === 'var' && !vars.has(t.name)) problems.push(`${where}: assigns unknown variable ${t.name}`);
        if (t.kind === 'local' && !locals.has(t.name)) problems.push(`${where}: assigns unknown local ${t.name}`);
      });
      for (const b of s.next) {
        if (b.to !== END_LABEL && !labels.has(b.to)) {
          problems.push(`${where}: goes to unknown label '${b.to}' (labels: ${[...labels].join(', ')}, ${END_LABEL})`);
        }
        if (b.when) checkExpr(b.when, locals, where);
      }
      if (s.next.length === 0 || s.next[s.next.length - 1].when !== undefined) {
        problems.push(`${where}: its last branch must have no condition, so control always goes somewhere`);
      }
      if (s.op) {
        const prim = prims.get(s.op.primitive);
        const table = prim && PRIMITIVE_OPS[prim.kind];
        if (!prim || !table) problems.push(`${where}: unknown primitive ${s.op.primitive}`);
        else if (!(s.op.op in table.ops)) {
          problems.push(`${where}: ${prim.kind} ${prim.name} has no operation ${s.op.op} (has ${Object.keys(table.ops).join(', ')})`);
        } else {
          if (table.withArg.includes(s.op.op) !== (s.op.arg !== undefined)) {
            problems.push(`${where}: ${s.op.op} on ${prim.name} ${s.op.arg ? 'takes no argument' : 'needs an argument'}`);
          }
          if (table.withInto.includes(s.op.op) && (s.op.into === undefined || !locals.has(s.op.into))) {
            problems.push(`${where}: ${s.op.op} on ${prim.name} needs a local of ${p.name} to store its result`);
          }
          if (s.op.arg) checkExpr(s.op.arg, locals, where);
          const misuse = table.opCheck?.(prim, s.op.op);
          if (misuse) problems.push(`${where}: ${misuse}`);
        }
      }
      // `running` is how a spinner waits; a step's op that may sleep cannot be told to spin.
      const sleepStates: readonly SleepState[] = SLEEP_STATES.filter((x) => x !== 'running');
      if (s.sleep !== undefined && !sleepStates.includes(s.sleep)) {
        problems.push(`${where}: sleep '${String(s.sleep)}' is not a sleeping task state (${sleepStates.join(', ')})`);
      }
      if (s.kernelWait !== undefined && s.kernelWait !== 'schedule' && s.kernelWait !== 'wait_event') {
        problems.push(`${where}: kernelWait '${String(s.kernelWait)}' must be 'schedule' or 'wait_event'`);
      }
      // Each of the two is named, so one fix does not reveal the other.
      const given = [...(s.sleep !== undefined ? ['sleep'] : []), ...(s.kernelWait !== undefined ? ['kernelWait'] : [])];
      if (given.length > 0 && !sleeps(model, s)) {
        problems.push(`${where}: ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} given, but ${s.op ? `${s.op.op} on ${s.op.primitive}` : 'a step without an op'} never sleeps`);
      }
    }
    problems.push(...checkReachability(p).map((label) => `${at(p)}, step '${label}': unreachable from the first step`));
    problems.push(...checkLockDiscipline(model, p).problems);
  }
  return problems.map((p) => `${model.name}: ${p}`);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** What is wrong with a variable's or local's initial value and range, if anything (a model file run through tsx has no type check). */
function initialValueProblem(v: VarDecl): string | undefined {
  const shown = (x: unknown) => (typeof x === 'number' ? String(x) : `${JSON.stringify(x)} (a ${typeof x}, not a number)`);
  for (const [what, x] of [['minimum', v.min], ['maximum', v.max]] as const) {
    if (!Number.isInteger(x)) return `${what} ${shown(x)} must be an integer`;
    // A state keeps each value in 32 bits: a wider range would wrap silently and give wrong verdicts.
    if (x < INT32_MIN || x > INT32_MAX) return `${what} ${x} is outside the 32-bit integers a state holds (${INT32_MIN}..${INT32_MAX})`;
  }
  if (v.min > v.max) return `its range ${v.min}..${v.max} is empty (minimum above maximum)`;
  if (!Number.isInteger(v.init)) return `initial value ${shown(v.init)} must be an integer`;
  if (v.init < v.min || v.init > v.max) return `initial value ${v.init} is outside its range ${v.min}..${v.max}`;
  return undefined;
}

function unique(names: string[], what: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) problems.push(`${what} ${n} is declared twice`);
    seen.add(n);
  }
}

function sleeps(model: Model, s: Step): boolean {
  const prim = s.op && model.primitives.find((p) => p.name === s.op!.primitive);
  return prim !== undefined && PRIMITIVE_OPS[prim.kind]?.sleeping.includes(s.op!.op) === true;
}

function checkReachability(p: ProcessDecl): string[] {
  if (p.locations.length === 0) return [];
  const byLabel = new Map(p.locations.map((l) => [l.label, l]));
  const seen = new Set<string>([p.locations[0].label]);
  const todo = [p.locations[0]];
  while (todo.length > 0) {
    const loc = todo.pop()!;
    for (const s of loc.steps) {
      for (const b of s.next) {
        const t = byLabel.get(b.to);
        if (t && !seen.has(b.to)) {
          seen.add(b.to);
          todo.push(t);
        }
      }
    }
  }
  return p.locations.filter((l) => !seen.has(l.label)).map((l) => l.label);
}

/**
 * Must-hold dataflow over the control-flow graph: a lock (with its mode) is
 * held at a location if every path from the start acquires it without
 * releasing it. A release outside that set is a model bug (the kernel's
 * `up_read` on a lock not held corrupts the count), as is taking a lock the
 * process may already hold (a recursive `down_read` can deadlock against a
 * queued writer).
 */
function checkLockDiscipline(model: Model, p: ProcessDecl): { problems: string[]; heldAtEnd: ReadonlyMap<string, number> } {
  const problems: string[] = [];
  /** Locks held on every path into the end (`primitive:mode` -> levels); undefined until a path gets there. */
  let heldAtEnd: Map<string, number> | undefined;
  if (p.locations.length === 0) return { problems, heldAtEnd: new Map() };
  const prims = new Map(model.primitives.map((x) => [x.name, x]));
  const roleOf = (s: Step) => {
    if (!s.op) return undefined;
    const prim = prims.get(s.op.primitive);
    return prim ? PRIMITIVE_OPS[prim.kind]?.ops[s.op.op] : undefined;
  };
  const token = (s: Step, mode: string) => `${s.op!.primitive}:${mode}`;
  const allSteps = p.locations.flatMap((l) => l.steps);
  const takenAnywhere = new Set<string>();
  const tried = new Set<string>();
  for (const s of allSteps) {
    const role = roleOf(s);
    if (role?.role === 'acquire' || role?.role === 'try-acquire') takenAnywhere.add(token(s, role.mode));
    if (role?.role === 'convert') takenAnywhere.add(token(s, role.to));
  }

  // must[label]: how many levels of each lock are surely held on arrival (the least over all paths);
  // may[label]: the most any path holds. Counts, not sets, because a recursive down_read holds two levels
  // and each up_read gives back one. Capped so a loop that keeps taking converges.
  const CAP = 3;
  type Held = Map<string, number>;
  const add = (m: Held, t: string, d: number) => {
    const n = Math.min(CAP, Math.max(0, (m.get(t) ?? 0) + d));
    if (n === 0) m.delete(t); else m.set(t, n);
  };
  const same = (a: Held, b: Held) => a.size === b.size && [...a].every(([t, n]) => b.get(t) === n);
  const byLabel = new Map<string, Location>(p.locations.map((l) => [l.label, l]));
  const must = new Map<string, Held>();
  const may = new Map<string, Held>();
  const first = p.locations[0].label;
  must.set(first, new Map());
  may.set(first, new Map());
  const work = [first];
  while (work.length > 0) {
    const label = work.pop()!;
    const loc = byLabel.get(label);
    if (!loc) continue;
    for (const s of loc.steps) {
      const outMust = new Map(must.get(label));
      const outMay = new Map(may.get(label));
      const role = roleOf(s);
      if (role?.role === 'acquire') {
        add(outMust, token(s, role.mode), 1);
        add(outMay, token(s, role.mode), 1);
      } else if (role?.role === 'try-acquire') {
        // Held afterwards only if it succeeded: the release that follows is checked against 'may'.
        add(outMay, token(s, role.mode), 1);
        tried.add(token(s, role.mode));
      } else if (role?.role === 'release') {
        add(outMust, token(s, role.mode), -1);
        add(outMay, token(s, role.mode), -1);
      } else if (role?.role === 'convert') {
        for (const m of [outMust, outMay]) {
          add(m, token(s, role.from), -1);
          add(m, token(s, role.to), 1);
        }
      }
      for (const { to } of s.next) {
        if (to === END_LABEL) {
          heldAtEnd = heldAtEnd === undefined ? new Map(outMust)
            : new Map([...heldAtEnd].filter(([t]) => outMust.has(t)).map(([t, n]) => [t, Math.min(n, outMust.get(t)!)]));
          continue;
        }
        const prevMust = must.get(to);
        const prevMay = may.get(to);
        const nextMust: Held = prevMust === undefined
          ? outMust
          : new Map([...prevMust].filter(([t]) => outMust.has(t)).map(([t, n]) => [t, Math.min(n, outMust.get(t)!)]));
        const nextMay: Held = new Map(prevMay);
        for (const [t, n] of outMay) nextMay.set(t, Math.max(n, nextMay.get(t) ?? 0));
        // must only shrinks and may only grows (both bounded), so this terminates.
        if (prevMust === undefined || !same(nextMust, prevMust) || !same(nextMay, prevMay!)) {
          must.set(to, new Map(nextMust));
          may.set(to, nextMay);
          work.push(to);
        }
      }
    }
  }
  for (const loc of p.locations) {
    const held = must.get(loc.label);
    const maybe = may.get(loc.label);
    if (held === undefined || maybe === undefined) continue;
    for (const s of loc.steps) {
      const role = roleOf(s);
      if (!role || role.role === 'other') continue;
      const where = `process ${p.name}, step '${s.name}'`;
      if (role.role === 'release' || role.role === 'convert') {
        const mode = role.role === 'release' ? role.mode : role.from;
        const t = token(s, mode);
        if (!held.has(t) && !(tried.has(t) && maybe.has(t))) {
          problems.push(
            takenAnywhere.has(t)
              ? `${where}: ${s.op!.op}(${s.op!.primitive}) may run without holding it (${mode}) on some path`
              : `${where}: ${s.op!.op}(${s.op!.primitive}) releases a lock (${mode}) the process never takes`,
          );
        }
        continue;
      }
      const t = token(s, role.mode);
      // After a trylock the lock is held only on its success branch, which the flow does not follow: the run-time check catches a real double take.
      // A step marked recursive (down_read({ recursive: true })) may take a read lock again: the kernel allows it, and the model checks whether it deadlocks.
      if (role.role === 'acquire' && !role.recursive && maybe.has(t) && !(tried.has(t) && !held.has(t))) {
        problems.push(`${where}: ${s.op!.op}(${s.op!.primitive}) may take a lock it already holds (${role.mode})${role.mode === 'read' ? '; if the kernel code really takes it again, mark the step recursive: downRead({ recursive: true })' : ''}`);
      }
    }
  }
  return { problems, heldAtEnd: heldAtEnd ?? new Map() };
}

/** A lock a process holds, on every path, when it finishes: lockdep warns of it ("lock held when returning to user space!"). */
export interface HeldAtEnd {
  readonly process: string;
  readonly primitive: string;
  /** `held`, `read` or `write`. */
  readonly mode: string;
}

/**
 * The locks each process surely still holds when it ends (the same flow as
 * the lock discipline's). Not a model error: a model may stop a thread in
 * the middle of its kernel path on purpose; the report says it.
 */
export function locksHeldAtEnd(model: Model): HeldAtEnd[] {
  return model.processes.flatMap((p) => [...checkLockDiscipline(model, p).heldAtEnd.keys()].map((t) => {
    const cut = t.lastIndexOf(':');
    return { process: p.name, primitive: t.slice(0, cut), mode: t.slice(cut + 1) };
  }));
}
