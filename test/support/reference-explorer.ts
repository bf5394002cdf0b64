/**
 * A reference explorer for differential tests: a deliberately simple, slow
 * interpreter of the declarative Model that shares no code with
 * `src/explore/` or `src/primitives/`. It evaluates expressions by walking
 * the trees, keeps each state as a plain object, implements every primitive's
 * semantics from the documentation in `src/model/types.ts` and the headers of
 * `src/primitives/*.ts` (not from their code), and explores breadth first with
 * a Map keyed by `JSON.stringify(state)`.
 *
 * It explores the *whole* reachable space, never stopping at a violation,
 * and records every violation with the BFS level at which the compiled
 * explorer would detect it. So the two can be compared without depending on
 * the order in which the compiled explorer expands states within a level.
 *
 * Semantics, as documented for the engine:
 * - A step at a process's current location is enabled when its guard holds
 *   and its op can run. Its op runs first, then its effects in order (each
 *   reading the state as updated so far), then the first branch whose `when`
 *   holds (evaluated after the effects) sets the location.
 * - A blocking op (down_read, down_write, down, mutex lock, schedule) either
 *   succeeds at once or queues the process and puts it to sleep at the same
 *   location; a later release hands the resource over ("granted"), and the
 *   process's next step is the wake-up, which completes the op (effects,
 *   branch) without re-evaluating the guard.
 * - Assigning a value outside a variable's or local's declared range, and
 *   misusing a primitive, is an assertion failure of the step.
 * - Deadlock: no step enabled while some process is asleep or not at a valid
 *   end (a `validEnd` location, or finished). `always` properties are checked
 *   in every state, `at-end` ones in terminal states where all are at valid ends.
 */
import { END_LABEL, type Effect, type Expr, type Model, type PrimitiveDecl, type ProcessDecl, type Step } from '../../src/model/types.js';

type Wait = 'run' | 'granted' | { readonly asleepOn: string };

interface ProcState {
  /** Location index; `locations.length` is the end. */
  pc: number;
  wait: Wait;
  locals: Record<string, number>;
}

type PrimState =
  /** `nested`: readers holding it a second time (recursive down_read). */
  | { kind: 'rwsem'; readers: number[]; nested: number[]; writer: number | null; queue: Array<[number, 'R' | 'W']> }
  | { kind: 'semaphore'; count: number; queue: number[] }
  | { kind: 'mutex'; owner: number | null; queue: number[] }
  | { kind: 'spinlock'; holder: number | null }
  /** `excl`: the exclusive members in queue order (prepare_to_wait_exclusive appends; a wake-up takes them off). */
  | { kind: 'waitqueue'; members: number[]; asleep: number[]; excl: number[] }
  /** Per work k: `run[k]` the worker running it, `cur[k]` who waits for that run, `pend[k]` who waits for the queued instance. */
  | { kind: 'workqueue'; list: number[]; run: Array<number | null>; cur: number[][]; pend: number[][] }
  | { kind: 'jobqueue'; jobs: number[] }
  /** `done` is null after complete_all (done for good). */
  | { kind: 'completion'; done: number | null; queue: number[] };

export interface RefState {
  vars: Record<string, number>;
  procs: ProcState[];
  prims: Record<string, PrimState>;
}

/** One process instance, named as the engine names it (`writer#2`). */
export interface RefProcess {
  readonly pid: number;
  readonly name: string;
  readonly template: ProcessDecl;
  readonly instance: number;
}

/** A step as run by one process instance; `key` is `process\0step`. */
export interface RefStep {
  readonly key: string;
  readonly pid: number;
  readonly process: string;
  readonly location: number;
  readonly step: Step;
}

/** A step broke a rule of the model (range, primitive misuse). */
export class RefAssertion extends Error {
  constructor(message: string, readonly step: RefStep) {
    super(message);
  }
}

class Misuse extends Error {}

export type RefViolation =
  | { readonly kind: 'invariant'; readonly property: string; readonly depth: number; readonly key: string }
  | { readonly kind: 'deadlock'; readonly property: 'deadlock'; readonly depth: number; readonly key: string }
  | { readonly kind: 'at-end'; readonly property: string; readonly depth: number; readonly key: string }
  | { readonly kind: 'assertion'; readonly property: 'assertion'; readonly depth: number; readonly key: string; readonly step: string; readonly message: string };

export interface ReferenceResult {
  /** Every reachable state. */
  readonly states: number;
  /** Enabled (state, step) pairs over all states, counted like the engine's `transitions`. */
  readonly transitions: number;
  /** states at each BFS depth. */
  readonly levels: readonly number[];
  readonly depthOf: ReadonlyMap<string, number>;
  readonly violations: readonly RefViolation[];
  /**
   * The BFS level whose expansion first reveals a violation, as a
   * breadth-first explorer that checks invariants on admitting a state sees
   * it: an invariant broken at depth d shows while expanding level d-1,
   * a deadlock, at-end failure or assertion at depth d while expanding level d.
   */
  readonly firstDetectionLevel: number | undefined;
  readonly maxima: Readonly<Record<string, number>>;
  /** Keys (`process\0step`) of steps that ran somewhere. */
  readonly covered: ReadonlySet<string>;
}

export const detectionLevel = (v: RefViolation): number => (v.kind === 'invariant' ? v.depth - 1 : v.depth);

const BLOCKING: Readonly<Record<string, readonly string[]>> = {
  rwsem: ['downRead', 'downReadRecursive', 'downWrite'],
  semaphore: ['down'],
  mutex: ['lock'],
  waitqueue: ['schedule'],
  completion: ['wait'],
  workqueue: ['flush', 'cancelSync'],
};
const GUARDED: Readonly<Record<string, readonly string[]>> = { spinlock: ['lock'], jobqueue: ['take'], workqueue: ['take'] };

const truth = (v: number) => (v !== 0 ? 1 : 0);

/** A deep copy (wait markers are never mutated in place, so they are shared). */
function cloneState(s: RefState): RefState {
  const prims: Record<string, PrimState> = {};
  for (const [name, p] of Object.entries(s.prims)) {
    switch (p.kind) {
      case 'rwsem': prims[name] = { kind: 'rwsem', readers: [...p.readers], nested: [...p.nested], writer: p.writer, queue: p.queue.map(([pid, m]) => [pid, m]) }; break;
      case 'semaphore': prims[name] = { kind: 'semaphore', count: p.count, queue: [...p.queue] }; break;
      case 'mutex': prims[name] = { kind: 'mutex', owner: p.owner, queue: [...p.queue] }; break;
      case 'spinlock': prims[name] = { kind: 'spinlock', holder: p.holder }; break;
      case 'waitqueue': prims[name] = { kind: 'waitqueue', members: [...p.members], asleep: [...p.asleep], excl: [...p.excl] }; break;
      case 'workqueue': prims[name] = { kind: 'workqueue', list: [...p.list], run: [...p.run], cur: p.cur.map((c) => [...c]), pend: p.pend.map((c) => [...c]) }; break;
      case 'jobqueue': prims[name] = { kind: 'jobqueue', jobs: [...p.jobs] }; break;
      case 'completion': prims[name] = { kind: 'completion', done: p.done, queue: [...p.queue] }; break;
    }
  }
  return { vars: { ...s.vars }, procs: s.procs.map((p) => ({ pc: p.pc, wait: p.wait, locals: { ...p.locals } })), prims };
}

export class ReferenceInterpreter {
  readonly processes: RefProcess[] = [];
  readonly steps: RefStep[] = [];
  private readonly prims: ReadonlyMap<string, PrimitiveDecl>;

  constructor(readonly model: Model) {
    for (const template of model.processes) {
      for (let instance = 0; instance < template.instances; instance++) {
        const name = template.instances > 1 ? `${template.name}#${instance + 1}` : template.name;
        this.processes.push({ pid: this.processes.length, name, template, instance });
      }
    }
    for (const p of this.processes) {
      p.template.locations.forEach((loc, location) => {
        for (const step of loc.steps) {
          this.steps.push({ key: `${p.name}\u0000${step.name}`, pid: p.pid, process: p.name, location, step });
        }
      });
    }
    this.prims = new Map(model.primitives.map((d) => [d.name, d]));
  }

  initial(): RefState {
    const vars: Record<string, number> = {};
    for (const v of this.model.vars) vars[v.name] = v.init;
    const procs = this.processes.map((p): ProcState => {
      const locals: Record<string, number> = {};
      for (const l of p.template.locals) locals[l.name] = l.init;
      return { pc: 0, wait: 'run', locals };
    });
    const prims: Record<string, PrimState> = {};
    for (const d of this.model.primitives) {
      switch (d.kind) {
        case 'rwsem': prims[d.name] = { kind: 'rwsem', readers: [], nested: [], writer: null, queue: [] }; break;
        case 'semaphore': prims[d.name] = { kind: 'semaphore', count: d.initial, queue: [] }; break;
        case 'mutex': prims[d.name] = { kind: 'mutex', owner: null, queue: [] }; break;
        case 'spinlock': prims[d.name] = { kind: 'spinlock', holder: null }; break;
        case 'waitqueue': prims[d.name] = { kind: 'waitqueue', members: [], asleep: [], excl: [] }; break;
        case 'workqueue': {
          const k = d.works.length;
          prims[d.name] = { kind: 'workqueue', list: [], run: Array(k).fill(null), cur: Array.from({ length: k }, () => []), pend: Array.from({ length: k }, () => []) };
          break;
        }
        case 'jobqueue': prims[d.name] = { kind: 'jobqueue', jobs: [] }; break;
        case 'completion': prims[d.name] = { kind: 'completion', done: 0, queue: [] }; break;
      }
    }
    return { vars, procs, prims };
  }

  /** Every enabled step and its successor, in process order then declaration order; throws RefAssertion on the first failing step. */
  successors(s: RefState): Array<{ step: RefStep; next: RefState }> {
    const out: Array<{ step: RefStep; next: RefState }> = [];
    for (const rs of this.steps) {
      const next = this.run(rs, s);
      if (next) out.push({ step: rs, next });
    }
    return out;
  }

  /** Runs one step from `s`; undefined when it is not enabled there. */
  run(rs: RefStep, s: RefState): RefState | undefined {
    const proc = this.processes[rs.pid];
    const ps = s.procs[rs.pid];
    if (ps.pc !== rs.location) return undefined;
    const { step } = rs;
    try {
      const op = step.op;
      const kind = op ? this.prims.get(op.primitive)!.kind : undefined;
      if (op && BLOCKING[kind!]?.includes(op.op)) {
        if (ps.wait === 'granted') {
          const next = cloneState(s);
          next.procs[rs.pid].wait = 'run';
          this.finish(next, proc, step);
          return next;
        }
        if (ps.wait !== 'run') return undefined;
        if (!this.holds(step.guard, s, proc)) return undefined;
        // might_sleep(): an op that may sleep, called while holding a spinlock or in irq/softirq context.
        const ctxKind = proc.template.context;
        if (ctxKind === 'irq' || ctxKind === 'softirq' || Object.values(s.prims).some((p) => p.kind === 'spinlock' && p.holder === rs.pid)) {
          throw new Misuse(`BUG: sleeping function called from invalid context (${op.op} on ${op.primitive})`);
        }
        const next = cloneState(s);
        const arg = op.arg ? this.eval(op.arg, next, proc) : 0;
        if (this.tryAcquire(next, rs.pid, op.primitive, op.op, arg)) this.finish(next, proc, step);
        else next.procs[rs.pid].wait = { asleepOn: op.primitive };
        return next;
      }
      if (!this.holds(step.guard, s, proc)) return undefined;
      if (op && GUARDED[kind!]?.includes(op.op) && !this.canRun(s, rs.pid, op.primitive, op.op)) return undefined;
      const next = cloneState(s);
      if (op) {
        const arg = op.arg ? this.eval(op.arg, next, proc) : 0;
        const r = this.apply(next, rs.pid, op.primitive, op.op, arg);
        if (op.into !== undefined) this.assign(next, proc, { kind: 'local', name: op.into }, r);
      }
      this.finish(next, proc, step);
      return next;
    } catch (e) {
      if (e instanceof Misuse) throw new RefAssertion(e.message, rs);
      throw e;
    }
  }

  /** The index of the first `always` property violated in `s`, by declaration order. */
  violatedAlways(s: RefState): string | undefined {
    return this.model.properties.find((p) => p.kind === 'always' && !this.holds(p.expr, s, undefined))?.name;
  }

  violatedAtEnd(s: RefState): string | undefined {
    return this.model.properties.find((p) => p.kind === 'at-end' && !this.holds(p.expr, s, undefined))?.name;
  }

  /** Whether a global expression (no locals, no `self`) holds in `s`: for the naive liveness check. */
  test(e: Expr, s: RefState): boolean {
    return this.holds(e, s, undefined);
  }

  allAtValidEnd(s: RefState): boolean {
    return this.processes.every((p) => {
      const ps = s.procs[p.pid];
      if (ps.wait !== 'run') return false;
      return ps.pc === p.template.locations.length || p.template.locations[ps.pc].validEnd;
    });
  }

  stepByName(process: string, step: string): RefStep | undefined {
    return this.steps.find((rs) => rs.process === process && rs.step.name === step);
  }

  // --- steps -------------------------------------------------------------

  private finish(s: RefState, proc: RefProcess, step: Step): void {
    this.effects(s, proc, step.effects);
    const branch = step.next.find((b) => b.when === undefined || this.holds(b.when, s, proc))!;
    s.procs[proc.pid].pc = branch.to === END_LABEL
      ? proc.template.locations.length
      : proc.template.locations.findIndex((l) => l.label === branch.to);
  }

  private effects(s: RefState, proc: RefProcess, fxs: readonly Effect[]): void {
    for (const fx of fxs) {
      if (fx.kind === 'if') this.effects(s, proc, this.holds(fx.test, s, proc) ? fx.then : fx.else);
      else this.assign(s, proc, fx.target, this.eval(fx.value, s, proc));
    }
  }

  private assign(s: RefState, proc: RefProcess, target: { kind: 'var' | 'local'; name: string }, v: number): void {
    const decl = target.kind === 'var'
      ? this.model.vars.find((x) => x.name === target.name)!
      : proc.template.locals.find((x) => x.name === target.name)!;
    if (v < decl.min || v > decl.max) throw new Misuse(`${target.name} = ${v} is outside ${decl.min}..${decl.max}`);
    if (target.kind === 'var') s.vars[target.name] = v;
    else s.procs[proc.pid].locals[target.name] = v;
  }

  private holds(e: Expr | undefined, s: RefState, proc: RefProcess | undefined): boolean {
    return e === undefined || this.eval(e, s, proc) !== 0;
  }

  private eval(e: Expr, s: RefState, proc: RefProcess | undefined): number {
    switch (e.kind) {
      case 'lit': return e.value;
      case 'var': return s.vars[e.name];
      case 'local': return s.procs[proc!.pid].locals[e.name];
      case 'self': return proc?.instance ?? 0;
      case 'not': return this.eval(e.arg, s, proc) === 0 ? 1 : 0;
      case 'cond': return this.eval(e.test, s, proc) !== 0 ? this.eval(e.then, s, proc) : this.eval(e.else, s, proc);
      case 'query': return this.query(s, e.primitive, e.query);
      case 'binary': {
        const l = this.eval(e.left, s, proc);
        const r = this.eval(e.right, s, proc);
        switch (e.op) {
          case '+': return l + r;
          case '-': return l - r;
          case '*': return l * r;
          case '/': return Math.trunc(l / r);
          case '%': return l % r;
          case '<': return truth(Number(l < r));
          case '<=': return truth(Number(l <= r));
          case '>': return truth(Number(l > r));
          case '>=': return truth(Number(l >= r));
          case '==': return truth(Number(l === r));
          case '!=': return truth(Number(l !== r));
          case '&&': return truth(Number(l !== 0 && r !== 0));
          case '||': return truth(Number(l !== 0 || r !== 0));
        }
      }
    }
  }

  // --- primitives --------------------------------------------------------

  private query(s: RefState, name: string, q: string): number {
    const p = s.prims[name];
    if (p.kind === 'semaphore' && q === 'count') return p.count;
    if (p.kind === 'waitqueue' && q === 'active') return p.members.length > 0 ? 1 : 0;
    if (p.kind === 'jobqueue' && q === 'length') return p.jobs.length;
    if (p.kind === 'completion' && q === 'done') return p.done !== 0 ? 1 : 0;
    throw new Error(`reference: no query ${q} on ${p.kind}`);
  }

  private grant(s: RefState, pid: number): void {
    s.procs[pid].wait = 'granted';
  }

  /** For blocking ops: take it now (true) or join the queue (false). */
  private tryAcquire(s: RefState, pid: number, name: string, op: string, arg: number): boolean {
    const p = s.prims[name];
    switch (p.kind) {
      case 'rwsem': {
        const writerFair = (this.prims.get(name) as { policy: string }).policy === 'writer-fair';
        if (op === 'downReadRecursive') {
          // A reader taking it again is just another reader to the kernel: a queued writer still comes first.
          if (p.writer === pid || p.nested.includes(pid)) throw new Misuse(`recursive down_read on ${name} by its writer or a third time`);
          if (p.writer === null && (!writerFair || p.queue.length === 0)) {
            if (p.readers.includes(pid)) p.nested = [...p.nested, pid].sort((a, b) => a - b);
            else p.readers = [...p.readers, pid].sort((a, b) => a - b);
            return true;
          }
          p.queue.push([pid, 'R']);
          return false;
        }
        if (p.readers.includes(pid) || p.writer === pid) throw new Misuse(`${op} on ${name} by a holder`);
        if (op === 'downRead') {
          // Writer-fair: a reader waits for a writer that holds the lock or is queued.
          if (p.writer === null && (!writerFair || p.queue.length === 0)) {
            p.readers = [...p.readers, pid].sort((a, b) => a - b);
            return true;
          }
          p.queue.push([pid, 'R']);
          return false;
        }
        if (p.writer === null && p.readers.length === 0 && p.queue.length === 0) {
          p.writer = pid;
          return true;
        }
        p.queue.push([pid, 'W']);
        return false;
      }
      case 'semaphore':
        if (p.count > 0) {
          p.count--;
          return true;
        }
        p.queue.push(pid);
        return false;
      case 'mutex':
        if (p.owner === pid) throw new Misuse(`mutex_lock(${name}) by its owner`);
        if (p.owner === null) {
          p.owner = pid;
          return true;
        }
        p.queue.push(pid);
        return false;
      case 'waitqueue':
        // schedule(): returns at once unless still marked asleep on this queue.
        return !p.asleep.includes(pid);
      case 'workqueue': {
        this.checkWork(name, arg);
        const queued = p.list.indexOf(arg);
        if (op === 'flush') {
          // flush_work waits for the queued instance if there is one, else for the running one.
          if (queued >= 0) p.pend[arg] = [...p.pend[arg], pid].sort((a, b) => a - b);
          else if (p.run[arg] !== null) p.cur[arg] = [...p.cur[arg], pid].sort((a, b) => a - b);
          else return true;
          return false;
        }
        // cancel_work_sync: the queued instance is dropped; a running one is waited for.
        if (queued >= 0) p.list.splice(queued, 1);
        if (p.run[arg] === null) return true;
        p.cur[arg] = [...p.cur[arg], pid].sort((a, b) => a - b);
        return false;
      }
      case 'completion':
        // wait_for_completion: a banked done (or complete_all) lets it through; otherwise it queues.
        if (p.done === null) return true;
        if (p.done > 0) {
          p.done--;
          return true;
        }
        p.queue.push(pid);
        return false;
      default:
        throw new Error(`reference: ${op} on ${p.kind} does not block`);
    }
  }

  private canRun(s: RefState, pid: number, name: string, op: string): boolean {
    const p = s.prims[name];
    if (p.kind === 'spinlock' && op === 'lock') {
      if (p.holder === pid) throw new Misuse(`spin_lock(${name}) by its holder`);
      return p.holder === null;
    }
    if (p.kind === 'jobqueue' && op === 'take') return p.jobs.length > 0;
    if (p.kind === 'workqueue' && op === 'take') return p.list.some((k) => p.run[k] === null);
    throw new Error(`reference: ${op} on ${p.kind} is not guarded`);
  }

  private apply(s: RefState, pid: number, name: string, op: string, arg: number): number {
    const p = s.prims[name];
    const decl = this.prims.get(name)!;
    switch (p.kind) {
      case 'rwsem':
        if (op === 'downReadTrylock' || op === 'downWriteTrylock') {
          if (p.readers.includes(pid) || p.writer === pid) throw new Misuse(`${op} on ${name} by a holder`);
          const writerFair = (decl as { policy: string }).policy === 'writer-fair';
          if (op === 'downReadTrylock') {
            if (p.writer !== null || (writerFair && p.queue.length > 0)) return 0;
            p.readers = [...p.readers, pid].sort((a, b) => a - b);
            return 1;
          }
          if (p.writer !== null || p.readers.length > 0 || p.queue.length > 0) return 0;
          p.writer = pid;
          return 1;
        }
        if (op === 'upRead') {
          if (!p.readers.includes(pid)) throw new Misuse(`up_read(${name}) by a non-reader`);
          if (p.nested.includes(pid)) {
            p.nested = p.nested.filter((r) => r !== pid);
            return 0;
          }
          p.readers = p.readers.filter((r) => r !== pid);
          if (p.readers.length === 0) this.serveRwsem(s, name);
        } else if (op === 'downgradeWrite') {
          // The writer turns reader without letting go; queued readers may then come in.
          if (p.writer !== pid) throw new Misuse(`downgrade_write(${name}) by a non-writer`);
          p.writer = null;
          p.readers = [...p.readers, pid].sort((a, b) => a - b);
          this.serveRwsem(s, name);
        } else if (op === 'upWrite') {
          if (p.writer !== pid) throw new Misuse(`up_write(${name}) by a non-writer`);
          p.writer = null;
          this.serveRwsem(s, name);
        } else throw new Error(`reference: rwsem op ${op}`);
        return 0;
      case 'semaphore': {
        if (op === 'downTrylock') {
          // The kernel's down_trylock: 0 means it got a unit.
          if (p.count === 0) return 1;
          p.count--;
          return 0;
        }
        if (op !== 'up') throw new Error(`reference: semaphore op ${op}`);
        // up() hands the unit to the first waiter, else counts it, up to the declared maximum.
        if (p.queue.length > 0) this.grant(s, p.queue.shift()!);
        else {
          const max = (decl as { max?: number }).max ?? Math.max((decl as { initial: number }).initial, this.processes.length);
          if (p.count >= max) throw new Misuse(`up(${name}) above ${max}`);
          p.count++;
        }
        return 0;
      }
      case 'mutex':
        if (op === 'trylock') {
          if (p.owner !== null) return 0;
          p.owner = pid;
          return 1;
        }
        if (p.owner !== pid) throw new Misuse(`mutex_unlock(${name}) by a non-owner`);
        if (p.queue.length > 0) {
          p.owner = p.queue.shift()!;
          this.grant(s, p.owner);
        } else p.owner = null;
        return 0;
      case 'spinlock':
        if (op === 'trylock') {
          if (p.holder !== null) return 0;
          p.holder = pid;
          return 1;
        }
        if (op === 'lock') p.holder = pid;
        else {
          if (p.holder !== pid) throw new Misuse(`spin_unlock(${name}) by a non-holder`);
          p.holder = null;
        }
        return 0;
      case 'waitqueue': {
        const wake = (m: number) => {
          const w = s.procs[m].wait;
          if (typeof w === 'object' && w.asleepOn === name) this.grant(s, m);
          p.asleep = p.asleep.filter((x) => x !== m);
        };
        if (op === 'prepareToWait' || op === 'prepareToWaitExclusive') {
          const exclusive = op === 'prepareToWaitExclusive';
          if (p.members.includes(pid) && p.excl.includes(pid) !== exclusive) throw new Misuse(`${op}(${name}) switches a queued entry's mode`);
          if (exclusive && !p.members.includes(pid)) p.excl = [...p.excl, pid];
          if (!p.members.includes(pid)) p.members = [...p.members, pid].sort((a, b) => a - b);
          if (!p.asleep.includes(pid)) p.asleep = [...p.asleep, pid].sort((a, b) => a - b);
        } else if (op === 'finishWait') {
          p.members = p.members.filter((m) => m !== pid);
          p.asleep = p.asleep.filter((m) => m !== pid);
          p.excl = p.excl.filter((m) => m !== pid);
        } else if (op === 'wakeAll' || op === 'wakeUp' || op === 'wakeUpLocked') {
          // Every non-exclusive sleeper (they stay on the queue); then exclusive ones, taken off the
          // queue as they are woken: all of them for wake_up_all, the first for wake_up.
          const woken = p.asleep.filter((m) => !p.excl.includes(m));
          woken.forEach(wake);
          const exclusive = op === 'wakeAll' ? [...p.excl] : p.excl.slice(0, 1);
          for (const m of exclusive) {
            wake(m);
            p.excl = p.excl.filter((x) => x !== m);
            p.members = p.members.filter((x) => x !== m);
          }
          return woken.length + exclusive.length;
        } else throw new Error(`reference: waitqueue op ${op}`);
        return 0;
      }
      case 'workqueue': {
        if (op === 'take') {
          // The first queued work no worker is running; flushers of that instance now wait for this run.
          const at = p.list.findIndex((k) => p.run[k] === null);
          const k = p.list[at];
          p.list.splice(at, 1);
          p.run[k] = pid;
          p.cur[k] = [...p.cur[k], ...p.pend[k]].sort((a, b) => a - b);
          p.pend[k] = [];
          return k;
        }
        this.checkWork(name, arg);
        if (op === 'queueWork') {
          if (p.list.includes(arg)) return 0;
          p.list.push(arg);
          return 1;
        }
        if (op !== 'finish') throw new Error(`reference: workqueue op ${op}`);
        if (p.run[arg] !== pid) throw new Misuse(`work ${arg} of ${name} finishes on a worker not running it`);
        p.run[arg] = null;
        for (const f of p.cur[arg]) this.grant(s, f);
        p.cur[arg] = [];
        return 0;
      }
      case 'completion': {
        const limit = (decl as { max?: number }).max ?? Math.max(1, this.processes.length);
        if (op === 'complete') {
          if (p.done === null) return 0;
          // The first sleeper gets this done directly; with nobody asleep it is banked.
          if (p.queue.length > 0) this.grant(s, p.queue.shift()!);
          else {
            if (p.done >= limit) throw new Misuse(`complete(${name}) above ${limit}`);
            p.done++;
          }
        } else if (op === 'completeAll') {
          p.done = null;
          for (const w of p.queue) this.grant(s, w);
          p.queue = [];
        } else if (op === 'reinit') p.done = 0;
        else if (op === 'tryWait') {
          if (p.done === 0) return 0;
          if (p.done !== null) p.done--;
          return 1;
        } else throw new Error(`reference: completion op ${op}`);
        return 0;
      }
      case 'jobqueue': {
        const jq = decl as { capacity: number; payloadMax?: number };
        if (op === 'submit') {
          if (p.jobs.length >= jq.capacity) throw new Misuse(`${name} overflows ${jq.capacity}`);
          const max = jq.payloadMax ?? 255;
          if (arg < 0 || arg > max) throw new Misuse(`${name}: payload ${arg} outside 0..${max}`);
          p.jobs.push(arg);
          return 0;
        }
        return p.jobs.shift()!;
      }
    }
  }

  private checkWork(name: string, k: number): void {
    const works = (this.prims.get(name) as { works: readonly string[] }).works;
    if (!Number.isInteger(k) || k < 0 || k >= works.length) throw new Misuse(`${name}: no work number ${k}`);
  }

  /** Hands a released rw_semaphore to its waiters, by policy. */
  private serveRwsem(s: RefState, name: string): void {
    const p = s.prims[name] as Extract<PrimState, { kind: 'rwsem' }>;
    if (p.writer !== null || p.queue.length === 0) return;
    const writerFair = (this.prims.get(name) as { policy: string }).policy === 'writer-fair';
    const grantReaders = () => {
      const readers = p.queue.filter(([, m]) => m === 'R').map(([pid]) => pid);
      p.queue = p.queue.filter(([, m]) => m === 'W');
      for (const r of readers) this.grant(s, r);
      // A queued reader that already reads was a recursive down_read: it gets its second level.
      p.nested = [...p.nested, ...readers.filter((r) => p.readers.includes(r))].sort((a, b) => a - b);
      p.readers = [...p.readers, ...readers.filter((r) => !p.readers.includes(r))].sort((a, b) => a - b);
    };
    const grantWriter = (i: number) => {
      const [pid] = p.queue[i];
      p.queue.splice(i, 1);
      p.writer = pid;
      this.grant(s, pid);
    };
    if (writerFair) {
      // The head is served: a writer alone (once no reader holds it), or every queued reader.
      if (p.queue[0][1] === 'W') {
        if (p.readers.length === 0) grantWriter(0);
      } else grantReaders();
    } else {
      grantReaders();
      if (p.readers.length === 0) {
        const i = p.queue.findIndex(([, m]) => m === 'W');
        if (i >= 0) grantWriter(i);
      }
    }
  }
}

export interface ExploreOptions {
  /** Give up (return undefined) beyond this many states. */
  readonly maxStates?: number;
}

/** Breadth-first over the whole reachable space. */
export function exploreReference(model: Model, options: ExploreOptions = {}): ReferenceResult | undefined {
  const ri = new ReferenceInterpreter(model);
  const maxStates = options.maxStates ?? Infinity;
  const init = ri.initial();
  const depthOf = new Map<string, number>([[JSON.stringify(init), 0]]);
  const queue: Array<{ s: RefState; key: string; depth: number }> = [{ s: init, key: JSON.stringify(init), depth: 0 }];
  const levels: number[] = [];
  const violations: RefViolation[] = [];
  const maxima: Record<string, number> = {};
  for (const v of model.vars) maxima[v.name] = v.init;
  const covered = new Set<string>();
  let transitions = 0;

  for (let head = 0; head < queue.length; head++) {
    const { s, key, depth } = queue[head];
    levels[depth] = (levels[depth] ?? 0) + 1;
    for (const v of model.vars) maxima[v.name] = Math.max(maxima[v.name], s.vars[v.name]);
    const broken = ri.violatedAlways(s);
    if (broken !== undefined) violations.push({ kind: 'invariant', property: broken, depth, key });

    // Successors one step at a time, so the steps that do not fail are still explored.
    const succ: Array<{ step: RefStep; next: RefState }> = [];
    let failed: RefAssertion | undefined;
    for (const rs of ri.steps) {
      try {
        const next = ri.run(rs, s);
        if (next) succ.push({ step: rs, next });
      } catch (e) {
        if (!(e instanceof RefAssertion)) throw e;
        failed ??= e;
      }
    }
    if (failed) {
      violations.push({ kind: 'assertion', property: 'assertion', depth, key, step: failed.step.key, message: failed.message });
    } else if (succ.length === 0) {
      if (!ri.allAtValidEnd(s)) violations.push({ kind: 'deadlock', property: 'deadlock', depth, key });
      else {
        const p = ri.violatedAtEnd(s);
        if (p !== undefined) violations.push({ kind: 'at-end', property: p, depth, key });
      }
    }
    transitions += succ.length;
    for (const { step, next } of succ) {
      covered.add(step.key);
      const k = JSON.stringify(next);
      if (depthOf.has(k)) continue;
      depthOf.set(k, depth + 1);
      queue.push({ s: next, key: k, depth: depth + 1 });
      if (depthOf.size > maxStates) return undefined;
    }
  }
  const levelsSeen = violations.map(detectionLevel);
  return {
    states: depthOf.size,
    transitions,
    levels,
    depthOf,
    violations,
    firstDetectionLevel: levelsSeen.length > 0 ? Math.min(...levelsSeen) : undefined,
    maxima,
    covered,
  };
}

/**
 * Replays a path of (process, step) names in the reference interpreter; each
 * step must be enabled. Returns the states s0..sn.
 */
export function replayReference(model: Model, path: ReadonlyArray<{ process: string; step: string }>): RefState[] {
  const ri = new ReferenceInterpreter(model);
  const states = [ri.initial()];
  path.forEach(({ process, step }, i) => {
    const rs = ri.stepByName(process, step);
    if (!rs) throw new Error(`reference replay: step ${i + 1}: no step ${process} '${step}'`);
    const next = ri.run(rs, states[i]);
    if (!next) throw new Error(`reference replay: step ${i + 1}: ${process} '${step}' is not enabled`);
    states.push(next);
  });
  return states;
}

// --- symmetry --------------------------------------------------------------

/** Locals each process template reads somewhere (guards, op arguments, branch conditions, effect values). */
function readLocals(model: Model): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (e: Expr, into: Set<string>): void => {
    switch (e.kind) {
      case 'local': into.add(e.name); break;
      case 'not': visit(e.arg, into); break;
      case 'binary': visit(e.left, into); visit(e.right, into); break;
      case 'cond': visit(e.test, into); visit(e.then, into); visit(e.else, into); break;
      default: break;
    }
  };
  const visitEffects = (fxs: readonly Effect[], into: Set<string>): void => {
    for (const fx of fxs) {
      if (fx.kind === 'assign') visit(fx.value, into);
      else {
        visit(fx.test, into);
        visitEffects(fx.then, into);
        visitEffects(fx.else, into);
      }
    }
  };
  for (const p of model.processes) {
    const mine = new Set<string>();
    for (const loc of p.locations) {
      for (const s of loc.steps) {
        if (s.guard) visit(s.guard, mine);
        if (s.op?.arg) visit(s.op.arg, mine);
        for (const b of s.next) if (b.when) visit(b.when, mine);
        visitEffects(s.effects, mine);
      }
    }
    out.set(p.name, mine);
  }
  return out;
}

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * States per BFS depth when states equal up to a permutation of the
 * instances of each symmetric process template count once (an orbit's depth
 * is its shallowest member's), which is what a symmetry-reduced breadth-first
 * search stores. When there is a symmetric group, data nothing can observe
 * is ignored first, as such a search may: locals no expression reads, and
 * the payloads of job queues whose jobs are only ever taken into such
 * locals. Only meaningful when the symmetric processes do not use `self`
 * (except in those unobservable payloads).
 */
export function orbitLevels(model: Model, result: ReferenceResult): number[] {
  const ri = new ReferenceInterpreter(model);
  const reads = readLocals(model);
  const hiddenPayloads = new Set(model.primitives.filter((d) => d.kind === 'jobqueue').map((d) => d.name));
  for (const p of model.processes) {
    for (const loc of p.locations) {
      for (const s of loc.steps) {
        if (s.op?.op === 'take' && s.op.into !== undefined && reads.get(p.name)!.has(s.op.into)) hiddenPayloads.delete(s.op.primitive);
      }
    }
  }
  // Every permutation of pids that maps each symmetric group onto itself.
  let perms: number[][] = [ri.processes.map((p) => p.pid)];
  for (const t of model.processes) {
    if (!t.symmetric || t.instances < 2) continue;
    const pids = ri.processes.filter((p) => p.template === t).map((p) => p.pid);
    perms = perms.flatMap((base) => permutations(pids).map((img) => {
      const q = [...base];
      pids.forEach((pid, k) => { q[pid] = img[k]; });
      return q;
    }));
  }
  const apply = (s: RefState, to: number[]): RefState => {
    const m = (pid: number) => to[pid];
    const sorted = (xs: number[]) => xs.map(m).sort((a, b) => a - b);
    const procs: ProcState[] = new Array(s.procs.length);
    s.procs.forEach((ps, pid) => { procs[m(pid)] = ps; });
    const prims: Record<string, PrimState> = {};
    for (const [name, p] of Object.entries(s.prims)) {
      switch (p.kind) {
        case 'rwsem': prims[name] = { kind: 'rwsem', readers: sorted(p.readers), nested: sorted(p.nested), writer: p.writer === null ? null : m(p.writer), queue: p.queue.map(([pid, mode]) => [m(pid), mode]) }; break;
        case 'semaphore': prims[name] = { kind: 'semaphore', count: p.count, queue: p.queue.map(m) }; break;
        case 'mutex': prims[name] = { kind: 'mutex', owner: p.owner === null ? null : m(p.owner), queue: p.queue.map(m) }; break;
        case 'spinlock': prims[name] = { kind: 'spinlock', holder: p.holder === null ? null : m(p.holder) }; break;
        case 'waitqueue': prims[name] = { kind: 'waitqueue', members: sorted(p.members), asleep: sorted(p.asleep), excl: p.excl.map(m) }; break;
        case 'workqueue': prims[name] = { kind: 'workqueue', list: p.list, run: p.run.map((r) => (r === null ? null : m(r))), cur: p.cur.map(sorted), pend: p.pend.map(sorted) }; break;
        case 'jobqueue': prims[name] = { kind: 'jobqueue', jobs: p.jobs }; break;
        case 'completion': prims[name] = { kind: 'completion', done: p.done, queue: p.queue.map(m) }; break;
      }
    }
    return { vars: s.vars, procs, prims };
  };
  // Without a symmetric group there is nothing to reduce, and nothing is ignored.
  const reducing = perms.length > 1;
  const orbitDepth = new Map<string, number>();
  for (const [key, depth] of result.depthOf) {
    if (!reducing) {
      orbitDepth.set(key, depth);
      continue;
    }
    const s = JSON.parse(key) as RefState;
    ri.processes.forEach((p) => {
      const reads = new Set(readsOf(p.template.name));
      for (const l of p.template.locals) if (!reads.has(l.name)) s.procs[p.pid].locals[l.name] = l.min;
    });
    for (const name of hiddenPayloads) {
      const q = s.prims[name] as Extract<PrimState, { kind: 'jobqueue' }>;
      q.jobs = q.jobs.map(() => 0);
    }
    let best: string | undefined;
    for (const perm of perms) {
      const k = JSON.stringify(apply(s, perm));
      if (best === undefined || k < best) best = k;
    }
    orbitDepth.set(best!, Math.min(orbitDepth.get(best!) ?? Infinity, depth));
  }
  const levels: number[] = [];
  for (const d of orbitDepth.values()) levels[d] = (levels[d] ?? 0) + 1;
  return Array.from(levels, (n) => n ?? 0);

  function readsOf(template: string): Set<string> {
    return reads.get(template)!;
  }
}
