/**
 * Random small models for differential tests. fast-check generates a plain
 * `RandomModelSpec` (so a failing case prints as readable data and shrinks),
 * and `buildRandomModel` turns it into a Model with the ordinary builder.
 *
 * Specs use abstract indices (the n-th lock, the n-th semaphore, ...) that
 * are resolved modulo what exists, and the builder tracks which locks each
 * process holds at each location, so every model it produces passes
 * validation by construction: a release names a held lock, an acquire a lock
 * not held, a jump only goes to a location where the same locks are held,
 * and a step that may sleep is alone at its location. What is *not* avoided
 * on purpose: guards that never hold, values outside a variable's range,
 * job-queue overflow, semaphore counts above their maximum, locks held at
 * exit; those give deadlocks and assertion failures, which the explorers must
 * agree on too.
 */
import fc from 'fast-check';
import { ModelBuilder, type LockHandle, type ProcessBuilder, type RwSemaphoreHandle, type StepSpec, type WorkHandle } from '../../src/model/builder.js';
import { dec, eq, inc, lt, gt, not, set, when } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { BinaryOp, Branch, Expr, Model, PrimitiveOp } from '../../src/model/types.js';

export type ExprSpec =
  | { readonly k: 'lit'; readonly v: number }
  | { readonly k: 'var'; readonly i: number }
  | { readonly k: 'local'; readonly i: number }
  | { readonly k: 'self' }
  | { readonly k: 'query'; readonly i: number }
  | { readonly k: 'not'; readonly a: ExprSpec }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly l: ExprSpec; readonly r: ExprSpec }
  | { readonly k: 'cond'; readonly t: ExprSpec; readonly a: ExprSpec; readonly b: ExprSpec };

export type PrimSpec =
  | { readonly kind: 'rwsem'; readonly writerFair: boolean }
  | { readonly kind: 'semaphore'; readonly initial: number; readonly max?: number }
  | { readonly kind: 'mutex' }
  | { readonly kind: 'spinlock' }
  | { readonly kind: 'waitqueue' }
  | { readonly kind: 'jobqueue'; readonly capacity: number; readonly payloadMax?: number }
  | { readonly kind: 'completion'; readonly max?: number }
  /** A workqueue of 1 (ordered) or 2 workers with one work item, whose function bumps variables, maybe under a lock. */
  | { readonly kind: 'workqueue'; readonly workers: number; readonly body: WorkBodySpec };

export interface WorkBodySpec {
  /** Takes the n-th lock around the effects (null: no lock). */
  readonly lock: number | null;
  readonly effects: ReadonlyArray<Extract<EffectSpec, { t: 'bump' }>>;
}

/** One effect of a step: `x++`/`x--` kept in range, or a raw assignment. */
export type EffectSpec =
  | { readonly t: 'bump'; readonly target: number; readonly up: boolean }
  | { readonly t: 'assign'; readonly target: number; readonly value: ExprSpec; readonly when?: ExprSpec };

/** A non-sleeping op that may sit in a choice. */
export type LightOpSpec =
  | { readonly t: 'up'; readonly sem: number }
  /** wake_up (`all`: wake_up_all) on the n-th wait queue. */
  | { readonly t: 'wake'; readonly wq: number; readonly all?: boolean }
  /** queue_work on the n-th workqueue's work item. */
  | { readonly t: 'queue'; readonly wq: number }
  | { readonly t: 'submit'; readonly jq: number; readonly payload: ExprSpec }
  /** complete / complete_all / reinit_completion on the n-th completion. */
  | { readonly t: 'complete'; readonly cp: number; readonly how: 'one' | 'all' | 'reinit' }
  /** try_wait_for_completion or down_trylock into the local `i` (never sleeps). */
  | { readonly t: 'try'; readonly on: number };

export type InstrSpec =
  | { readonly t: 'acquire'; readonly lock: number; readonly write: boolean; readonly guard?: ExprSpec }
  | { readonly t: 'release'; readonly which: number }
  /** acquire, a few effects, release: a critical section. */
  | { readonly t: 'section'; readonly lock: number; readonly write: boolean; readonly body: readonly EffectSpec[] }
  | { readonly t: 'down'; readonly sem: number; readonly guard?: ExprSpec }
  /** wait_for_completion on the n-th completion. */
  | { readonly t: 'waitfor'; readonly cp: number; readonly guard?: ExprSpec }
  /** A trylock into `i`; on success a release follows, else it goes on. */
  | { readonly t: 'trylock'; readonly lock: number; readonly write: boolean }
  | { readonly t: 'effect'; readonly effect: EffectSpec; readonly guard?: ExprSpec; readonly op?: LightOpSpec }
  | { readonly t: 'choice'; readonly alts: ReadonlyArray<{ readonly guard: ExprSpec; readonly effect?: EffectSpec; readonly op?: LightOpSpec }> }
  /** The kernel's wait pattern: if cond, join the queue (`exclusive`: prepare_to_wait_exclusive) and sleep; then leave the queue. */
  | { readonly t: 'wait'; readonly wq: number; readonly cond: ExprSpec; readonly exclusive?: boolean }
  /** flush_work or cancel_work_sync on the n-th workqueue's work item. */
  | { readonly t: 'flush'; readonly wq: number; readonly cancel: boolean }
  /** A recursive down_read of a rw_semaphore this process holds for read (else nothing). */
  | { readonly t: 'reread'; readonly which: number }
  /** downgrade_write of a rw_semaphore this process holds for write (else nothing). */
  | { readonly t: 'downgrade'; readonly which: number }
  | { readonly t: 'op'; readonly op: LightOpSpec; readonly guard?: ExprSpec }
  | { readonly t: 'take'; readonly jq: number; readonly validEnd: boolean }
  /** A conditional jump to some location holding the same locks (or to the end). */
  | { readonly t: 'jump'; readonly guard: ExprSpec; readonly target: number };

export interface ProcSpec {
  readonly instances: number;
  /** Range of the local `i` (0..iMax) and of `j`, which receives jobs. */
  readonly iMax: number;
  readonly jMax: number;
  readonly program: readonly InstrSpec[];
  /** Release whatever is still held at the end, in this (index) order. */
  readonly releaseAtEnd: readonly number[] | null;
}

export interface RandomModelSpec {
  readonly vars: ReadonlyArray<{ readonly max: number; readonly init: number }>;
  readonly prims: readonly PrimSpec[];
  readonly procs: readonly ProcSpec[];
  readonly always: ExprSpec | null;
  readonly atEnd: ExprSpec | null;
}

// --- arbitraries -----------------------------------------------------------

const index = fc.nat({ max: 7 });

const atom: fc.Arbitrary<ExprSpec> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('var' as const), i: index }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('lit' as const), v: fc.integer({ min: -1, max: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('local' as const), i: index }), weight: 2 },
  { arbitrary: fc.constant({ k: 'self' as const }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('query' as const), i: index }), weight: 1 },
);

const ARITH: BinaryOp[] = ['+', '-', '*', '/', '%'];
const LOGIC: BinaryOp[] = ['<', '<=', '>', '>=', '==', '!=', '&&', '||'];

function exprOf(depth: number): fc.Arbitrary<ExprSpec> {
  if (depth === 0) return atom;
  const sub = exprOf(depth - 1);
  return fc.oneof(
    { arbitrary: atom, weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...LOGIC), l: sub, r: sub }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...ARITH), l: sub, r: sub }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('not' as const), a: sub }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('cond' as const), t: sub, a: sub, b: sub }), weight: 1 },
  );
}

export const exprArb: fc.Arbitrary<ExprSpec> = exprOf(2);
const guardArb = fc.option(exprArb, { freq: 4, nil: undefined });

const primArb: fc.Arbitrary<PrimSpec> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('rwsem' as const), writerFair: fc.boolean() }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('semaphore' as const), initial: fc.nat({ max: 2 }), max: fc.option(fc.integer({ min: 2, max: 3 }), { nil: undefined }) }, { requiredKeys: ['kind', 'initial'] }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('mutex' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('spinlock' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('waitqueue' as const) }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('jobqueue' as const), capacity: fc.integer({ min: 1, max: 2 }), payloadMax: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }, { requiredKeys: ['kind', 'capacity'] }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('completion' as const), max: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }) }, { requiredKeys: ['kind'] }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('workqueue' as const),
      workers: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.constant(2), weight: 1 }),
      body: fc.record({ lock: fc.option(index, { nil: null }), effects: fc.array(fc.record({ t: fc.constant('bump' as const), target: index, up: fc.boolean() }), { minLength: 1, maxLength: 2 }) }),
    }),
    weight: 2,
  },
);

const effectArb: fc.Arbitrary<EffectSpec> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('bump' as const), target: index, up: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('assign' as const), target: index, value: exprArb, when: fc.option(exprArb, { nil: undefined }) }, { requiredKeys: ['t', 'target', 'value'] }), weight: 1 },
);

const lightOpArb: fc.Arbitrary<LightOpSpec> = fc.oneof(
  fc.record({ t: fc.constant('up' as const), sem: index }),
  fc.record({ t: fc.constant('wake' as const), wq: index, all: fc.boolean() }),
  fc.record({ t: fc.constant('queue' as const), wq: index }),
  fc.record({ t: fc.constant('submit' as const), jq: index, payload: exprArb }),
  fc.record({ t: fc.constant('complete' as const), cp: index, how: fc.constantFrom('one' as const, 'one' as const, 'all' as const, 'reinit' as const) }),
  fc.record({ t: fc.constant('try' as const), on: index }),
);

type InstrKind = InstrSpec['t'];

function instrArb(weights: Readonly<Record<InstrKind, number>>): fc.Arbitrary<InstrSpec> {
  const arbs: Record<InstrKind, fc.Arbitrary<InstrSpec>> = {
    acquire: fc.record({ t: fc.constant('acquire' as const), lock: index, write: fc.boolean(), guard: guardArb }, { requiredKeys: ['t', 'lock', 'write'] }),
    release: fc.record({ t: fc.constant('release' as const), which: index }),
    section: fc.record({ t: fc.constant('section' as const), lock: index, write: fc.boolean(), body: fc.array(effectArb, { maxLength: 2 }) }),
    down: fc.record({ t: fc.constant('down' as const), sem: index, guard: guardArb }, { requiredKeys: ['t', 'sem'] }),
    waitfor: fc.record({ t: fc.constant('waitfor' as const), cp: index, guard: guardArb }, { requiredKeys: ['t', 'cp'] }),
    trylock: fc.record({ t: fc.constant('trylock' as const), lock: index, write: fc.boolean() }),
    effect: fc.record({ t: fc.constant('effect' as const), effect: effectArb, guard: guardArb, op: fc.option(lightOpArb, { freq: 2, nil: undefined }) }, { requiredKeys: ['t', 'effect'] }),
    choice: fc.record({
      t: fc.constant('choice' as const),
      alts: fc.array(
        fc.record({ guard: exprArb, effect: fc.option(effectArb, { nil: undefined }), op: fc.option(lightOpArb, { nil: undefined }) }, { requiredKeys: ['guard'] }),
        { minLength: 2, maxLength: 3 },
      ),
    }),
    wait: fc.record({ t: fc.constant('wait' as const), wq: index, cond: exprArb, exclusive: fc.boolean() }),
    flush: fc.record({ t: fc.constant('flush' as const), wq: index, cancel: fc.boolean() }),
    reread: fc.record({ t: fc.constant('reread' as const), which: index }),
    downgrade: fc.record({ t: fc.constant('downgrade' as const), which: index }),
    op: fc.record({ t: fc.constant('op' as const), op: lightOpArb, guard: guardArb }, { requiredKeys: ['t', 'op'] }),
    take: fc.record({ t: fc.constant('take' as const), jq: index, validEnd: fc.boolean() }),
    jump: fc.record({ t: fc.constant('jump' as const), guard: exprArb, target: index }),
  };
  return fc.oneof(...Object.entries(weights).filter(([, w]) => w > 0).map(([k, weight]) => ({ arbitrary: arbs[k as InstrKind], weight })));
}

/** Every construct, so guards, effects, queries, jumps and every primitive get exercised. */
const mixed = instrArb({ acquire: 5, release: 4, section: 4, down: 2, waitfor: 2, trylock: 2, effect: 4, choice: 2, wait: 2, op: 3, take: 2, jump: 1, flush: 2, reread: 2, downgrade: 2 });
/** Mostly critical sections on a few shared locks, so queues form: readers behind queued writers, hand-offs, FIFO order. */
const contended = instrArb({ acquire: 3, release: 3, section: 8, down: 2, waitfor: 0, trylock: 2, effect: 1, choice: 0, wait: 1, op: 2, take: 0, jump: 1, flush: 0, reread: 3, downgrade: 3 });

const procArb = (instr: fc.Arbitrary<InstrSpec>, maxLength: number): fc.Arbitrary<ProcSpec> => fc.record({
  instances: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.constant(2), weight: 1 }),
  iMax: fc.integer({ min: 1, max: 2 }),
  jMax: fc.integer({ min: 1, max: 3 }),
  program: fc.array(instr, { minLength: 1, maxLength }),
  releaseAtEnd: fc.option(fc.array(index, { maxLength: 3 }), { freq: 5, nil: null }),
});

const varsArb = fc.array(fc.integer({ min: 1, max: 3 }).chain((max) => fc.record({ max: fc.constant(max), init: fc.nat({ max }) })), { minLength: 1, maxLength: 2 });
const atMost = (n: number) => (ps: readonly ProcSpec[]) => ps.reduce((k, p) => k + p.instances, 0) <= n;

const mixedSpec: fc.Arbitrary<RandomModelSpec> = fc.record({
  vars: varsArb,
  prims: fc.array(primArb, { minLength: 1, maxLength: 3 }),
  procs: fc.array(procArb(mixed, 8), { minLength: 2, maxLength: 3 }).filter(atMost(4)),
  always: fc.option(exprArb, { freq: 3, nil: null }),
  atEnd: fc.option(exprArb, { freq: 3, nil: null }),
});

const lockArb: fc.Arbitrary<PrimSpec> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('rwsem' as const), writerFair: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('mutex' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('spinlock' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('semaphore' as const), initial: fc.nat({ max: 2 }) }), weight: 1 },
);

const contendedSpec: fc.Arbitrary<RandomModelSpec> = fc.record({
  vars: varsArb,
  prims: fc.array(lockArb, { minLength: 1, maxLength: 2 }),
  procs: fc.array(procArb(contended, 4), { minLength: 2, maxLength: 4 }).filter((ps) => atMost(4)(ps) && ps.reduce((k, p) => k + p.instances, 0) >= 3),
  always: fc.option(exprArb, { freq: 4, nil: null }),
  atEnd: fc.constant(null),
});

/**
 * Small models: 1-2 variables, 1-3 primitives (few, so processes contend),
 * 2-4 process templates, at most 4 process instances. Two flavours: every
 * construct mixed, and mostly critical sections on one or two locks.
 */
export const randomModelSpec: fc.Arbitrary<RandomModelSpec> = fc.oneof(mixedSpec, contendedSpec);

// --- building --------------------------------------------------------------

const at = sourceIn('random.c', 'fuzz');

type Lock =
  | { readonly kind: 'rwsem'; readonly h: RwSemaphoreHandle }
  | { readonly kind: 'mutex' | 'spinlock'; readonly h: LockHandle };

interface Held {
  readonly lock: number;
  readonly write: boolean;
}

/** A location before its jumps are resolved: `goto` gets the final label list. */
interface PendingLocation {
  readonly label: string;
  readonly held: string;
  readonly choice: boolean;
  readonly validEnd: boolean;
  readonly specs: ReadonlyArray<Omit<StepSpec, 'goto'> & { goto?: (labelAfter: (i: number) => string, heldAt: (h: string) => string[]) => string | Branch[] }>;
}

export function buildRandomModel(spec: RandomModelSpec, name = 'random'): Model {
  const b = new ModelBuilder(name);
  const vars = spec.vars.map((v, k) => ({ ref: b.var(`x${k}`, v.init, { max: v.max }), max: v.max, min: 0 }));
  const locks: Lock[] = [];
  const sems: ReturnType<ModelBuilder['semaphore']>[] = [];
  const wqs: ReturnType<ModelBuilder['waitQueue']>[] = [];
  const jqs: ReturnType<ModelBuilder['jobQueue']>[] = [];
  const cps: ReturnType<ModelBuilder['completion']>[] = [];
  const works: WorkHandle[] = [];
  const queries: Expr[] = [];
  spec.prims.forEach((p, k) => {
    const n = `p${k}`;
    switch (p.kind) {
      case 'rwsem': locks.push({ kind: 'rwsem', h: b.rwsem(n, { policy: p.writerFair ? 'writer-fair' : 'reader-preferring' }) }); break;
      case 'mutex': locks.push({ kind: 'mutex', h: b.mutex(n) }); break;
      case 'spinlock': locks.push({ kind: 'spinlock', h: b.spinlock(n) }); break;
      case 'semaphore': {
        const h = b.semaphore(n, { initial: p.initial, ...(p.max !== undefined ? { max: p.max } : {}) });
        sems.push(h);
        queries.push(h.count());
        break;
      }
      case 'waitqueue': {
        const h = b.waitQueue(n);
        wqs.push(h);
        queries.push(h.active());
        break;
      }
      case 'jobqueue': {
        const h = b.jobQueue(n, { capacity: p.capacity, ...(p.payloadMax !== undefined ? { payloadMax: p.payloadMax } : {}) });
        jqs.push(h);
        queries.push(h.length());
        break;
      }
      case 'completion': {
        const h = b.completion(n, p.max !== undefined ? { max: p.max } : {});
        cps.push(h);
        queries.push(h.done());
        break;
      }
      case 'workqueue': {
        const wq = b.workqueue(n, { workers: p.workers });
        // The body runs when the model is built, so every lock exists by then.
        works.push(wq.work(`${n}_work`, (w) => workBody(w, p.body)));
        break;
      }
    }
  });

  function workBody(w: ProcessBuilder, body: WorkBodySpec): void {
    const lock = body.lock !== null && locks.length > 0 ? locks[body.lock % locks.length] : undefined;
    if (lock) w.step('lock', { action: 'lock', source: at(16, 'work'), op: lock.kind === 'rwsem' ? lock.h.downWrite() : lock.h.lock() });
    body.effects.forEach((e, k) => {
      const v = vars[e.target % vars.length];
      w.step(`fx${k}`, { action: 'effect', source: at(17, 'work'), effects: [e.up ? when(lt(v.ref, v.max), [inc(v.ref)]) : when(gt(v.ref, v.min), [dec(v.ref)])] });
    });
    if (lock) w.step('unlock', { action: 'unlock', source: at(18, 'work'), op: lock.kind === 'rwsem' ? lock.h.upWrite() : lock.h.unlock() });
  }

  const toExpr = (e: ExprSpec, locals: readonly Expr[]): Expr => {
    switch (e.k) {
      case 'lit': return { kind: 'lit', value: e.v };
      case 'var': return vars[e.i % vars.length].ref;
      case 'local': return locals.length > 0 ? locals[e.i % locals.length] : vars[e.i % vars.length].ref;
      case 'self': return { kind: 'self' };
      case 'query': return queries.length > 0 ? queries[e.i % queries.length] : vars[e.i % vars.length].ref;
      case 'not': return { kind: 'not', arg: toExpr(e.a, locals) };
      case 'cond': return { kind: 'cond', test: toExpr(e.t, locals), then: toExpr(e.a, locals), else: toExpr(e.b, locals) };
      case 'bin': {
        // Division only by a non-zero literal: the model language leaves x/0 undefined.
        const right: Expr = e.op === '/' || e.op === '%'
          ? { kind: 'lit', value: e.r.k === 'lit' && e.r.v !== 0 ? e.r.v : 2 }
          : toExpr(e.r, locals);
        return { kind: 'binary', op: e.op, left: toExpr(e.l, locals), right };
      }
    }
  };

  spec.procs.forEach((ps, pi) => {
    b.process(`proc${pi}`, { instances: ps.instances }, (p) => buildProcess(p, ps));
  });

  function buildProcess(p: ProcessBuilder, ps: ProcSpec): void {
    const i = p.local('i', 0, { max: ps.iMax });
    const j = p.local('j', 0, { max: ps.jMax });
    const locals: Expr[] = [i, j];
    const targets = [...vars.map((v) => ({ ref: v.ref, min: v.min, max: v.max })), { ref: i, min: 0, max: ps.iMax }, { ref: j, min: 0, max: ps.jMax }];
    const ex = (e: ExprSpec) => toExpr(e, locals);
    const effectOf = (e: EffectSpec) => {
      const t = targets[e.target % targets.length];
      if (e.t === 'bump') return e.up ? when(lt(t.ref, t.max), [inc(t.ref)]) : when(gt(t.ref, t.min), [dec(t.ref)]);
      return e.when !== undefined ? when(ex(e.when), [set(t.ref, ex(e.value))]) : set(t.ref, ex(e.value));
    };
    const lightOp = (o: LightOpSpec | undefined): PrimitiveOp | undefined => {
      if (o === undefined) return undefined;
      if (o.t === 'up') return sems.length > 0 ? sems[o.sem % sems.length].up() : undefined;
      if (o.t === 'wake') return wqs.length === 0 ? undefined : o.all ? wqs[o.wq % wqs.length].wakeAll() : wqs[o.wq % wqs.length].wakeUp();
      if (o.t === 'queue') return works.length > 0 ? works[o.wq % works.length].queue() : undefined;
      if (o.t === 'complete') {
        if (cps.length === 0) return undefined;
        const c = cps[o.cp % cps.length];
        return o.how === 'one' ? c.complete() : o.how === 'all' ? c.completeAll() : c.reinit();
      }
      if (o.t === 'try') {
        // Completions first, then semaphores: whichever exists.
        const owners = [...cps.map((c) => c.tryWait(i)), ...sems.map((s) => s.downTrylock(i))];
        return owners.length > 0 ? owners[o.on % owners.length] : undefined;
      }
      return jqs.length > 0 ? jqs[o.jq % jqs.length].submit(ex(o.payload)) : undefined;
    };

    const held: Held[] = [];
    const heldKey = () => held.map((h) => `${h.lock}${h.write ? 'w' : 'r'}`).sort().join(',');
    const pending: PendingLocation[] = [];
    const add = (specs: PendingLocation['specs'], options: { choice?: boolean; validEnd?: boolean } = {}) => {
      const label = `L${pending.length}`;
      pending.push({ label, held: heldKey(), choice: options.choice ?? false, validEnd: options.validEnd ?? false, specs });
      return pending.length - 1;
    };
    const releaseOp = (h: Held): PrimitiveOp => {
      const lock = locks[h.lock];
      if (lock.kind === 'rwsem') return h.write ? lock.h.upWrite() : lock.h.upRead();
      return lock.h.unlock();
    };
    const release = (which: number) => {
      const k = which % held.length;
      const h = held[k];
      add([{ action: 'release', source: at(1, 'release'), op: releaseOp(h) }]);
      held.splice(k, 1);
    };

    /** Takes the first lock from index `pick` on that is not held; returns it, or -1 if all are held. */
    const acquire = (pick: number, wantWrite: boolean, guard: ExprSpec | undefined): number => {
      let k = -1;
      for (let d = 0; d < locks.length && k < 0; d++) {
        const c = (pick + d) % locks.length;
        if (!held.some((h) => h.lock === c)) k = c;
      }
      if (k < 0) return -1;
      const lock = locks[k];
      const write = lock.kind === 'rwsem' ? wantWrite : true;
      const op = lock.kind === 'rwsem' ? (write ? lock.h.downWrite() : lock.h.downRead()) : lock.h.lock();
      add([{ action: 'acquire', source: at(2, 'acquire'), op, ...(guard ? { guard: ex(guard) } : {}) }]);
      held.push({ lock: k, write });
      return k;
    };

    for (const ins of ps.program) {
      switch (ins.t) {
        case 'section': {
          const k = acquire(ins.lock, ins.write, undefined);
          if (k < 0) break;
          for (const e of ins.body) add([{ action: 'critical section', source: at(13, 'section'), effects: [effectOf(e)] }]);
          release(held.findIndex((h) => h.lock === k));
          break;
        }
        case 'acquire':
          acquire(ins.lock, ins.write, ins.guard);
          break;
        case 'release':
          if (held.length > 0) release(ins.which);
          break;
        case 'down':
          if (sems.length === 0) break;
          add([{ action: 'down', source: at(3, 'down'), op: sems[ins.sem % sems.length].down(), ...(ins.guard ? { guard: ex(ins.guard) } : {}) }]);
          break;
        case 'waitfor':
          if (cps.length === 0) break;
          add([{ action: 'wait_for_completion', source: at(14, 'waitfor'), op: cps[ins.cp % cps.length].wait(), ...(ins.guard ? { guard: ex(ins.guard) } : {}) }]);
          break;
        case 'trylock': {
          let k = -1;
          for (let d = 0; d < locks.length && k < 0; d++) {
            const c = (ins.lock + d) % locks.length;
            if (!held.some((h) => h.lock === c)) k = c;
          }
          if (k < 0) break;
          const lock = locks[k];
          const write = lock.kind === 'rwsem' ? ins.write : true;
          const op = lock.kind === 'rwsem' ? (write ? lock.h.downWriteTrylock(i) : lock.h.downReadTrylock(i)) : lock.h.trylock(i);
          add([{ action: 'trylock', source: at(15, 'trylock'), op }]);
          const branch = pending.length;
          add([
            { name: 'got', action: 'took it', source: at(15, 'trylock'), guard: eq(i, 1), goto: () => `L${branch + 1}` },
            { name: 'missed', action: 'did not', source: at(15, 'trylock'), guard: not(eq(i, 1)), goto: (after) => after(branch + 1) },
          ], { choice: true });
          held.push({ lock: k, write });
          release(held.length - 1);
          break;
        }
        case 'effect': {
          const op = lightOp(ins.op);
          add([{ action: 'effect', source: at(4, 'effect'), effects: [effectOf(ins.effect)], ...(op ? { op } : {}), ...(ins.guard ? { guard: ex(ins.guard) } : {}) }]);
          break;
        }
        case 'op': {
          const op = lightOp(ins.op);
          if (op) add([{ action: op.op, source: at(12, op.op), op, ...(ins.guard ? { guard: ex(ins.guard) } : {}) }]);
          break;
        }
        case 'choice':
          add(ins.alts.map((a, k) => {
            const op = lightOp(a.op);
            return { name: `a${k}`, action: 'alternative', source: at(5, 'choice'), guard: ex(a.guard), effects: a.effect ? [effectOf(a.effect)] : [], ...(op ? { op } : {}) };
          }), { choice: true });
          break;
        case 'wait': {
          if (wqs.length === 0) break;
          const wq = wqs[ins.wq % wqs.length];
          const cond = ex(ins.cond);
          const check = pending.length;
          add([
            { name: 'sleep', action: 'prepare_to_wait', source: at(6, 'wait'), guard: cond, op: ins.exclusive ? wq.prepareToWaitExclusive() : wq.prepareToWait(), goto: () => `L${check + 1}` },
            { name: 'go', action: 'condition false', source: at(6, 'wait'), guard: not(cond), goto: (after) => after(check + 2) },
          ], { choice: true });
          add([{ action: 'schedule', source: at(7, 'wait'), op: wq.schedule() }]);
          add([{ action: 'finish_wait', source: at(8, 'wait'), op: wq.finishWait() }]);
          break;
        }
        case 'flush': {
          if (works.length === 0) break;
          const w = works[ins.wq % works.length];
          add([{ action: ins.cancel ? 'cancel_work_sync' : 'flush_work', source: at(19, 'flush'), op: ins.cancel ? w.cancelSync() : w.flush() }]);
          break;
        }
        case 'reread': {
          const readers = held.filter((h) => !h.write && locks[h.lock].kind === 'rwsem' && held.filter((x) => x.lock === h.lock).length === 1);
          if (readers.length === 0) break;
          const h = readers[ins.which % readers.length];
          add([{ action: 'down_read (recursive)', source: at(20, 'reread'), op: (locks[h.lock].h as RwSemaphoreHandle).downRead({ recursive: true }) }]);
          held.push({ lock: h.lock, write: false });
          break;
        }
        case 'downgrade': {
          const writers = held.filter((h) => h.write && locks[h.lock].kind === 'rwsem');
          if (writers.length === 0) break;
          const h = writers[ins.which % writers.length];
          add([{ action: 'downgrade_write', source: at(21, 'downgrade'), op: (locks[h.lock].h as RwSemaphoreHandle).downgradeWrite() }]);
          held.splice(held.indexOf(h), 1, { lock: h.lock, write: false });
          break;
        }
        case 'take':
          if (jqs.length === 0) break;
          add([{ action: 'take', source: at(9, 'take'), op: jqs[ins.jq % jqs.length].take(j) }], { validEnd: ins.validEnd });
          break;
        case 'jump': {
          const from = heldKey();
          const guard = ex(ins.guard);
          const self = pending.length;
          add([{
            action: 'jump',
            source: at(10, 'jump'),
            goto: (after, heldAt) => {
              const candidates = [...heldAt(from), 'end'];
              return [{ when: guard, to: candidates[ins.target % candidates.length] }, { to: after(self) }];
            },
          }]);
          break;
        }
      }
    }
    if (ps.releaseAtEnd !== null) {
      const order = [...ps.releaseAtEnd];
      while (held.length > 0) release(order.shift() ?? 0);
    }
    if (pending.length === 0) add([{ action: 'nothing', source: at(11, 'noop') }]);

    const labels = pending.map((l) => l.label);
    const after = (k: number) => labels[k + 1] ?? 'end';
    const heldAt = (h: string) => pending.filter((l) => l.held === h).map((l) => l.label);
    for (const loc of pending) {
      const specs: StepSpec[] = loc.specs.map((s) => {
        const { goto, ...rest } = s;
        return goto ? { ...rest, goto: goto(after, heldAt) } : rest;
      });
      if (loc.choice) p.choice(loc.label, specs, { validEnd: loc.validEnd });
      else p.step(loc.label, { ...specs[0], validEnd: loc.validEnd });
    }
  }

  const global = (e: ExprSpec) => toExpr(e, []);
  if (spec.always) b.always('always', global(spec.always));
  if (spec.atEnd) b.atEnd('at end', global(spec.atEnd));
  return b.build();
}
