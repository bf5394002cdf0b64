/**
 * A typed builder for models. Variables, locals and primitives come back as
 * handles, so a model cannot name an operation a primitive does not have; what
 * types cannot reach (labels, ranges, lock discipline) `validateModel` checks
 * when `build()` is called.
 */
import { eq, set, toExpr, type ExprLike } from './expr.js';
import { ModelError } from './model-error.js';
import { isObject } from './plain-object.js';
import {
  END_LABEL,
  type Branch, type Effect, type Expr, type Location, type Model, type Params, type PrimitiveDecl,
  type KernelWait, type LivenessProperty, type PrimitiveOp, type ProcessDecl, type Property, type RwSemaphorePolicy, type SleepState,
  type SourceRef, type Step, type VarDecl,
} from './types.js';
import { checkStepSpec, conditionIssue, type LocationOptions, type StepSpec } from './step-spec.js';
import { validateModel } from './validate.js';

export type { LocationOptions, StepSpec } from './step-spec.js';

/**
 * Where the generated worker steps point: process_one_work's call of the work
 * function, `worker->current_func(work);`, kernel/workqueue.c L2275 in the
 * v5.11 tree src/primitives/workqueue.ts reads (CompressionDuck/linux-5.11 @2dbae366306d).
 */
const WORKQUEUE_SOURCE: SourceRef = Object.freeze({ file: 'kernel/workqueue.c', line: 2275, func: 'process_one_work', commit: 'v5.11' });

export type VarRef = Expr & { readonly kind: 'var'; readonly name: string };
export type LocalRef = Expr & { readonly kind: 'local'; readonly name: string };

export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
  /** A name for each value from min to max, in order, as a C enum gives them (`['IDLE', 'BUSY']`): shown beside the value. */
  readonly names?: readonly string[];
}

/** A variable or local declared with `range`'s bounds (the defaults cover `init` and 0..1). */
function declareRange(name: string, init: number, range: RangeOptions): VarDecl {
  const min = range.min ?? Math.min(0, init);
  const max = range.max ?? Math.max(1, init);
  return Object.freeze({ name, init, min, max, ...(range.names === undefined ? {} : { names: Array.isArray(range.names) ? Object.freeze([...range.names]) : range.names }) });
}

const op = (primitive: string, name: string, extra: Partial<PrimitiveOp> = {}): PrimitiveOp =>
  Object.freeze({ primitive, op: name, ...extra });

const query = (primitive: string, name: string): Expr => Object.freeze({ kind: 'query', primitive, query: name });

export class RwSemaphoreHandle {
  constructor(readonly name: string) {}
  /**
   * `down_read`. With `recursive: true` the task may already hold it for read (the validator allows the
   * second take); as in the kernel it then still queues behind a waiting writer, so it can deadlock.
   */
  downRead(options: { recursive?: boolean } = {}): PrimitiveOp {
    return op(this.name, options.recursive ? 'downReadRecursive' : 'downRead');
  }
  /** `downgrade_write`: the write holder becomes a read holder and wakes the readers queued at the head. */
  downgradeWrite(): PrimitiveOp { return op(this.name, 'downgradeWrite'); }
  upRead(): PrimitiveOp { return op(this.name, 'upRead'); }
  downWrite(): PrimitiveOp { return op(this.name, 'downWrite'); }
  upWrite(): PrimitiveOp { return op(this.name, 'upWrite'); }
  /** `down_read_trylock`: takes it for read if that needs no sleep; `into` gets 1 if taken, 0 if not. Never sleeps. */
  downReadTrylock(into: LocalRef): PrimitiveOp { return op(this.name, 'downReadTrylock', { into: into.name }); }
  /** `down_write_trylock`: takes it for write if free and nobody is queued; `into` gets 1 if taken, 0 if not. */
  downWriteTrylock(into: LocalRef): PrimitiveOp { return op(this.name, 'downWriteTrylock', { into: into.name }); }
}

export class SemaphoreHandle {
  constructor(readonly name: string) {}
  down(): PrimitiveOp { return op(this.name, 'down'); }
  up(): PrimitiveOp { return op(this.name, 'up'); }
  /** `down_trylock`: takes a unit if one is free. As in the kernel, `into` gets **0 when it took one** and 1 when it did not. */
  downTrylock(into: LocalRef): PrimitiveOp { return op(this.name, 'downTrylock', { into: into.name }); }
  /** Units currently available. */
  count(): Expr { return query(this.name, 'count'); }
}

export class LockHandle {
  constructor(readonly name: string) {}
  lock(): PrimitiveOp { return op(this.name, 'lock'); }
  unlock(): PrimitiveOp { return op(this.name, 'unlock'); }
  /** `mutex_trylock` / `spin_trylock`: takes it if free; `into` gets 1 if taken, 0 if not. Never sleeps or spins. */
  trylock(into: LocalRef): PrimitiveOp { return op(this.name, 'trylock', { into: into.name }); }
}

export class CompletionHandle {
  constructor(readonly name: string) {}
  /** `wait_for_completion`: consumes one done, or sleeps (TASK_UNINTERRUPTIBLE) until complete() hands one over. */
  wait(): PrimitiveOp { return op(this.name, 'wait'); }
  /** `complete`: wakes the first waiter with a done, or banks one. */
  complete(): PrimitiveOp { return op(this.name, 'complete'); }
  /** `complete_all`: done for good; wakes every waiter, and every later wait returns at once. */
  completeAll(): PrimitiveOp { return op(this.name, 'completeAll'); }
  /** `reinit_completion`: done = 0. */
  reinit(): PrimitiveOp { return op(this.name, 'reinit'); }
  /** `try_wait_for_completion`: consumes a done if there is one; `into` gets 1 if it did, 0 if not. Never sleeps. */
  tryWait(into: LocalRef): PrimitiveOp { return op(this.name, 'tryWait', { into: into.name }); }
  /** `completion_done`: 1 when a done is banked (or complete_all ran). */
  done(): Expr { return query(this.name, 'done'); }
}

export class WaitQueueHandle {
  constructor(readonly name: string) {}
  /** `prepare_to_wait`: join at the head (non-exclusive) + `set_current_state(TASK_UNINTERRUPTIBLE)`. */
  prepareToWait(): PrimitiveOp { return op(this.name, 'prepareToWait'); }
  /**
   * `prepare_to_wait_exclusive` (the sleep of `wait_event_exclusive`): join at
   * the tail as an exclusive waiter + `set_current_state(TASK_UNINTERRUPTIBLE)`;
   * `wakeUp()` wakes only the first exclusive sleeper.
   */
  prepareToWaitExclusive(): PrimitiveOp { return op(this.name, 'prepareToWaitExclusive'); }
  /** `schedule()`/`io_schedule()`: sleeps until woken; returns at once if already woken. */
  schedule(): PrimitiveOp { return op(this.name, 'schedule'); }
  /** `remove_wait_queue` + `TASK_RUNNING`. */
  finishWait(): PrimitiveOp { return op(this.name, 'finishWait'); }
  /**
   * `wake_up` (`wake_up_locked` with `{ locked: true }`, the caller holding the
   * queue's lock): wakes every non-exclusive sleeper and the first exclusive one.
   * The op's result is how many it woke; a wake-up that woke nobody is shown as such.
   */
  wakeUp(options: { locked?: boolean } = {}): PrimitiveOp { return op(this.name, options.locked ? 'wakeUpLocked' : 'wakeUp'); }
  /**
   * `wake_up_all`: wakes every sleeper, exclusive or not. Without exclusive
   * waiters it is the same as `wakeUp()`; models written before exclusive
   * waiters existed use it for their `wake_up`/`wake_up_locked`.
   */
  wakeAll(): PrimitiveOp { return op(this.name, 'wakeAll'); }
  /** `waitqueue_active`: someone is on the queue. */
  active(): Expr { return query(this.name, 'active'); }
}

export class JobQueueHandle {
  constructor(readonly name: string) {}
  /** Queue a job with an integer payload (e.g. a chunk number). Never blocks. */
  submit(payload: ExprLike): PrimitiveOp { return op(this.name, 'submit', { arg: toExpr(payload) }); }
  /** The worker takes the oldest job into `into`; blocks while the queue is empty. */
  take(into: LocalRef): PrimitiveOp { return op(this.name, 'take', { into: into.name }); }
  length(): Expr { return query(this.name, 'length'); }
}

/** One work item (struct work_struct) on a workqueue; ops name it by its index on that workqueue. */
export class WorkHandle {
  constructor(readonly workqueue: string, readonly name: string, readonly index: number) {}
  /** `queue_work(wq, &work)`: queues it unless already pending; `into` (optional) gets 1 if queued, 0 if it was pending. */
  queue(into?: LocalRef): PrimitiveOp { return op(this.workqueue, 'queueWork', { arg: toExpr(this.index), ...(into ? { into: into.name } : {}) }); }
  /** `flush_work(&work)`: sleeps until the instance queued or running now has finished; returns at once if idle. */
  flush(): PrimitiveOp { return op(this.workqueue, 'flush', { arg: toExpr(this.index) }); }
  /** `cancel_work_sync(&work)`: takes a pending instance off the queue and sleeps until a running one has finished. */
  cancelSync(): PrimitiveOp { return op(this.workqueue, 'cancelSync', { arg: toExpr(this.index) }); }
}

export class WorkqueueHandle {
  /** Work items in declaration order, with their work functions. */
  readonly works: Array<{ readonly handle: WorkHandle; readonly body: (p: ProcessBuilder) => void }> = [];
  constructor(readonly name: string, readonly workers: number, readonly source: SourceRef) {}
  /**
   * A work item (`INIT_WORK(&work, fn)`) whose function `fn` is written as
   * process steps in `body`, as for a process; `goto: 'end'` returns from
   * the function. The workqueue's worker processes run it.
   */
  work(name: string, body: (p: ProcessBuilder) => void): WorkHandle {
    const handle = new WorkHandle(this.name, name, this.works.length);
    this.works.push({ handle, body });
    return handle;
  }
}

export class ProcessBuilder {
  readonly locals: VarDecl[] = [];
  readonly locations: Array<{ label: string; specs: readonly StepSpec[]; options: LocationOptions }> = [];

  constructor(readonly name: string) {}

  local(name: string, init: number, range: RangeOptions = {}): LocalRef {
    this.locals.push(declareRange(name, init, range));
    return Object.freeze({ kind: 'local', name }) as LocalRef;
  }

  /** A location with a single step. */
  step(label: string, spec: StepSpec & LocationOptions): this {
    this.locations.push({ label, specs: [spec], options: { validEnd: spec?.validEnd } });
    return this;
  }

  /** A location with alternative steps; any whose guard holds may run. */
  choice(label: string, specs: readonly StepSpec[], options: LocationOptions = {}): this {
    this.locations.push({ label, specs, options });
    return this;
  }
}

export interface ProcessOptions {
  readonly instances?: number;
  readonly symmetric?: boolean;
  /** `irq` or `softirq`: the process runs in atomic context and must never sleep. */
  readonly context?: 'task' | 'softirq' | 'irq';
  /** Each instance must run a `progress` step infinitely often, unless it comes to rest at a valid end. */
  readonly progress?: boolean;
}

export class ModelBuilder {
  private readonly vars: VarDecl[] = [];
  private readonly primitives: PrimitiveDecl[] = [];
  private readonly processes: ProcessDecl[] = [];
  private readonly properties: Property[] = [];
  private readonly workqueues: Array<{ readonly index: number; readonly handle: WorkqueueHandle }> = [];
  private readonly liveness: LivenessProperty[] = [];
  /**
   * `given` as the options object a declaration takes, or (recorded among
   * the model's problems) `example` when it is something else: under tsx
   * nothing checks that `b.semaphore('sem', 1)` should be `{ initial: 1 }`.
   * The declaration goes on with the example, so that no second message
   * complains of a missing field; build() reports the first.
   */
  private optionsOf<T extends object>(call: string, name: string, given: T, example: NoInfer<T>): T {
    if (isObject(given)) return given;
    const shown = (x: unknown) => (typeof x === 'function' ? 'a function' : JSON.stringify(x) ?? String(x));
    const args = given === undefined ? JSON.stringify(name) : `${JSON.stringify(name)}, ${shown(given)}`;
    const fields = Object.entries(example).map(([k, v]) => `${k}: ${JSON.stringify(v).replace(/"/g, "'")}`).join(', ');
    this.specProblems.push(`b.${call}(${args}): ${given === undefined ? 'its options are missing' : 'its options must be an object'}, such as b.${call}(${JSON.stringify(name)}, { ${fields} })`);
    return example;
  }

  /** Malformed step specs and property expressions met while building (see `checkStepSpec`), reported with `validateModel`'s problems. */
  private readonly specProblems: string[] = [];

  constructor(readonly name: string, readonly params: Params = {}) {}

  var(name: string, init: number, range: RangeOptions = {}): VarRef {
    this.vars.push(declareRange(name, init, range));
    return Object.freeze({ kind: 'var', name }) as VarRef;
  }

  rwsem(name: string, given: { policy: RwSemaphorePolicy }): RwSemaphoreHandle {
    const options = this.optionsOf('rwsem', name, given, { policy: 'writer-fair' });
    this.primitives.push(Object.freeze({ kind: 'rwsem', name, policy: options.policy }));
    return new RwSemaphoreHandle(name);
  }

  semaphore(name: string, given: { initial: number; max?: number }): SemaphoreHandle {
    const options = this.optionsOf('semaphore', name, given, { initial: 1 });
    this.primitives.push(Object.freeze({ kind: 'semaphore', name, initial: options.initial, ...(options.max !== undefined ? { max: options.max } : {}) }));
    return new SemaphoreHandle(name);
  }

  spinlock(name: string): LockHandle {
    this.primitives.push(Object.freeze({ kind: 'spinlock', name }));
    return new LockHandle(name);
  }

  mutex(name: string): LockHandle {
    this.primitives.push(Object.freeze({ kind: 'mutex', name }));
    return new LockHandle(name);
  }

  /** `struct completion` (`DECLARE_COMPLETION`); `max` bounds the banked dones (default: the process count). */
  completion(name: string, given: { max?: number } = {}): CompletionHandle {
    const options = this.optionsOf('completion', name, given, { max: 2 });
    this.primitives.push(Object.freeze({ kind: 'completion', name, ...(options.max !== undefined ? { max: options.max } : {}) }));
    return new CompletionHandle(name);
  }

  /**
   * A workqueue served by `workers` worker processes (`<name>_worker`): 1 is
   * an ordered workqueue (alloc_ordered_workqueue), N a pool. Declare its work
   * items with `.work(name, body)`; the worker processes are added when the
   * model is built. `source` is what their take and finish steps cite.
   */
  workqueue(name: string, given: { workers?: number; source?: SourceRef } = {}): WorkqueueHandle {
    const options = this.optionsOf('workqueue', name, given, { workers: 2 });
    const handle = new WorkqueueHandle(name, options.workers ?? 1, options.source ?? WORKQUEUE_SOURCE);
    this.workqueues.push({ index: this.primitives.length, handle });
    // A placeholder until build(), when the work items are known.
    this.primitives.push(Object.freeze({ kind: 'workqueue', name, workers: handle.workers, works: [] }));
    return handle;
  }

  waitQueue(name: string): WaitQueueHandle {
    this.primitives.push(Object.freeze({ kind: 'waitqueue', name }));
    return new WaitQueueHandle(name);
  }

  /** `jobName` and `payloadName` name one job in diagrams: `copy` and `chunk` give `copy(chunk 3)`. */
  jobQueue(name: string, given: { capacity: number; jobName?: string; payloadName?: string; payloadMax?: number }): JobQueueHandle {
    const options = this.optionsOf('jobQueue', name, given, { capacity: 2 });
    this.primitives.push(Object.freeze({
      kind: 'jobqueue',
      name,
      capacity: options.capacity,
      jobName: options.jobName ?? 'job',
      ...(options.payloadName !== undefined ? { payloadName: options.payloadName } : {}),
      ...(options.payloadMax !== undefined ? { payloadMax: options.payloadMax } : {}),
    }));
    return new JobQueueHandle(name);
  }

  process(name: string, given: ProcessOptions, body: (p: ProcessBuilder) => void): this {
    let options = given;
    if (typeof given === 'function' && body === undefined) {
      // b.process('p', (p) => ...): the options were left out, and the body came second.
      this.specProblems.push(`b.process(${JSON.stringify(name)}, body): its options are missing; give {} when there are none: b.process(${JSON.stringify(name)}, {}, (p) => p.step(...))`);
      body = given as unknown as (p: ProcessBuilder) => void;
      options = {};
    } else options = this.optionsOf('process', name, given, {});
    const p = new ProcessBuilder(name);
    body(p);
    const labels = p.locations.map((l) => l.label);
    const locations: Location[] = p.locations.map(({ label, specs: given, options: locOptions }, i) => {
      const fallthrough = labels[i + 1] ?? END_LABEL;
      // A choice given one spec instead of an array (no type check under tsx) is a problem to list, not a crash.
      const specs: readonly StepSpec[] = Array.isArray(given) ? given : [];
      if (!Array.isArray(given)) this.specProblems.push(`process ${name}, choice '${label}': wants an array of step specs, got ${given === null ? 'null' : typeof given}: write choice('${label}', [{ ... }, { ... }])`);
      const alone = specs.length === 1;
      const steps = specs.map((given, k): Step => {
        // A malformed part is reported and left out, so the rest of the model is still checked.
        const checked = checkStepSpec(given, alone);
        const spec: StepSpec = typeof given === 'object' && given !== null ? given : ({} as StepSpec);
        const stepName = specs.length === 1 && spec.name === undefined ? label : `${label}/${spec.name ?? k + 1}`;
        for (const problem of checked.problems) this.specProblems.push(`process ${name}, step '${stepName}': ${problem}`);
        const next: Branch[] =
          spec.goto === undefined || !checked.goto ? [{ to: fallthrough }]
          : typeof spec.goto === 'string' ? [{ to: spec.goto }]
          : spec.goto.map((b) => Object.freeze({ ...b, ...(b.when !== undefined ? { when: toExpr(b.when) } : {}) }));
        return Object.freeze({
          name: stepName,
          action: spec.action,
          source: spec.source,
          ...(spec.guard !== undefined && checked.guard ? { guard: toExpr(spec.guard) } : {}),
          ...(spec.op !== undefined && checked.op ? { op: spec.op } : {}),
          effects: Object.freeze(checked.effects ? [...(spec.effects ?? [])] : []),
          next: Object.freeze(next),
          required: spec.required ?? false,
          ...(spec.progress ? { progress: true } : {}),
          ...(spec.mustComplete ? { mustComplete: typeof spec.mustComplete === 'string' ? spec.mustComplete : `${name} reaches ${label}` } : {}),
          ...(spec.sleep !== undefined ? { sleep: spec.sleep } : {}),
          ...(spec.kernelWait !== undefined ? { kernelWait: spec.kernelWait } : {}),
        });
      });
      return Object.freeze({ label, steps: Object.freeze(steps), validEnd: locOptions.validEnd ?? false });
    });
    this.processes.push(Object.freeze({
      name,
      instances: options.instances ?? 1,
      symmetric: options.symmetric ?? (options.instances ?? 1) > 1,
      ...(options.context !== undefined && options.context !== 'task' ? { context: options.context } : {}),
      locals: Object.freeze([...p.locals]),
      locations: Object.freeze(locations),
      ...(options.progress ? { progress: true } : {}),
    }));
    return this;
  }

  /** Every run, under the chosen fairness, reaches a state where `expr` holds. */
  eventually(name: string, expr: ExprLike): this {
    if (!this.conditions(name, { 'its expression': expr })) return this;
    this.liveness.push(Object.freeze({ kind: 'eventually', name, expr: toExpr(expr) }));
    return this;
  }

  /** Whenever `from` holds, `to` holds then or later (`from ~> to`). */
  leadsTo(name: string, from: ExprLike, to: ExprLike): this {
    if (!this.conditions(name, { 'its from': from, 'its to': to })) return this;
    this.liveness.push(Object.freeze({ kind: 'leads-to', name, from: toExpr(from), to: toExpr(to) }));
    return this;
  }

  /**
   * Whether a property's expressions are conditions; if not, each is listed
   * among the model's problems (a JS comparison `n <= 1` is a boolean, fixed
   * once when the file ran: the property would test nothing).
   */
  private conditions(name: string, exprs: Record<string, unknown>): boolean {
    const issues = Object.entries(exprs).map(([what, x]) => conditionIssue(what, x)).filter((i): i is string => i !== undefined);
    for (const issue of issues) this.specProblems.push(`property '${name}': ${issue}`);
    return issues.length === 0;
  }

  /** SPIN's non-progress-cycle check (`-l`): no infinite run without a `progress` step. */
  nonProgressCycles(name = 'no non-progress cycle'): this {
    this.liveness.push(Object.freeze({ kind: 'non-progress', name }));
    return this;
  }

  /** An invariant: must hold in every reachable state. */
  always(name: string, expr: ExprLike): this {
    if (!this.conditions(name, { 'its expression': expr })) return this;
    this.properties.push(Object.freeze({ kind: 'always', name, expr: toExpr(expr) }));
    return this;
  }

  /** Must hold whenever the system has stopped with every process at a valid end. */
  atEnd(name: string, expr: ExprLike): this {
    if (!this.conditions(name, { 'its expression': expr })) return this;
    this.properties.push(Object.freeze({ kind: 'at-end', name, expr: toExpr(expr) }));
    return this;
  }

  /**
   * The worker processes of a workqueue: idle at `idle` (a valid end) until
   * a work is pending, then run its function's steps (labels prefixed with
   * the work's name) and finish it, waking its flushers.
   */
  private addWorkers(wq: WorkqueueHandle): void {
    const source = wq.source;
    this.process(`${wq.name}_worker`, { instances: wq.workers, symmetric: wq.workers > 1 }, (p) => {
      // The work it runs (worker->current_work), by name; none while idle.
      const names = ['none', ...wq.works.map((w) => w.handle.name)];
      const work = p.local('work', -1, { min: -1, max: Math.max(0, names.length - 2), names: names.length >= 2 ? names : ['none', '(no work)'] });
      const bodies = wq.works.map(({ handle, body }) => {
        const b = new ProcessBuilder(p.name);
        body(b);
        return { handle, b };
      });
      const entry = (k: number) => {
        const first = bodies[k].b.locations[0]?.label;
        return first !== undefined ? `${bodies[k].handle.name}.${first}` : `${bodies[k].handle.name}.return`;
      };
      p.step('idle', {
        action: 'worker_thread: wait for a pending work, then process_one_work',
        source,
        op: op(wq.name, 'take', { into: 'work' }),
        goto: wq.works.length === 0 ? 'idle' : wq.works.map((_, k): Branch => (k < wq.works.length - 1 ? { when: eq(work, k), to: entry(k) } : { to: entry(k) })),
        validEnd: true,
      });
      for (const { handle, b } of bodies) {
        for (const l of b.locals) if (!p.locals.some((x) => x.name === l.name)) p.locals.push(l);
        const rename = (label: string) => (label === END_LABEL ? `${handle.name}.return` : `${handle.name}.${label}`);
        for (const loc of b.locations) {
          p.locations.push({
            label: rename(loc.label),
            options: loc.options,
            specs: loc.specs.map((s) => ({
              ...s,
              ...(s.goto === undefined ? {} : { goto: typeof s.goto === 'string' ? rename(s.goto) : s.goto.map((br) => ({ ...br, to: rename(br.to) })) }),
            })),
          });
        }
        // process_one_work clears worker->current_work once the function returns: an idle worker
        // is one state whichever work it ran last.
        p.step(`${handle.name}.return`, { action: `${handle.name}() returns; process_one_work wakes its flushers`, source, op: op(wq.name, 'finish', { arg: toExpr(handle.index) }), effects: [set(work, -1)], goto: 'idle' });
      }
    });
  }

  /** Freezes and validates; throws a ModelError listing every problem found. */
  build(): Model {
    for (const { index, handle } of this.workqueues) {
      this.primitives[index] = Object.freeze({ kind: 'workqueue', name: handle.name, workers: handle.workers, works: Object.freeze(handle.works.map((w) => w.handle.name)) });
      if (!this.processes.some((p) => p.name === `${handle.name}_worker`)) this.addWorkers(handle);
    }
    // A wait queue that some step joins exclusively carries the FIFO of exclusive entries.
    const exclusive = new Set(this.processes.flatMap((p) => p.locations.flatMap((l) => l.steps))
      .filter((s) => s.op?.op === 'prepareToWaitExclusive').map((s) => s.op!.primitive));
    this.primitives.forEach((d, i) => {
      if (d.kind === 'waitqueue' && exclusive.has(d.name)) this.primitives[i] = Object.freeze({ ...d, exclusive: true });
    });
    const model: Model = Object.freeze({
      name: this.name,
      params: Object.freeze({ ...this.params }),
      vars: Object.freeze([...this.vars]),
      primitives: Object.freeze([...this.primitives]),
      processes: Object.freeze([...this.processes]),
      properties: Object.freeze([...this.properties]),
      ...(this.liveness.length > 0 || this.processes.some(marksLiveness)
        ? { liveness: Object.freeze([...this.liveness, ...this.processes.flatMap(derivedLiveness)]) }
        : {}),
    });
    const problems = [...this.specProblems.map((p) => `${model.name}: ${p}`), ...validateModel(model)];
    if (problems.length > 0) {
      throw new ModelError(`model ${model.name} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    return model;
  }
}

const marksLiveness = (p: ProcessDecl): boolean =>
  p.progress === true || p.locations.some((l) => l.steps.some((s) => s.mustComplete !== undefined));

/** The progress and must-complete properties a process's marks declare. */
function derivedLiveness(p: ProcessDecl): LivenessProperty[] {
  const out: LivenessProperty[] = [];
  if (p.progress) out.push(Object.freeze({ kind: 'progress', name: `${p.name} makes progress`, process: p.name }));
  const byName = new Map<string, string[]>();
  for (const l of p.locations) {
    for (const s of l.steps) if (s.mustComplete !== undefined) byName.set(s.mustComplete, [...(byName.get(s.mustComplete) ?? []), s.name]);
  }
  for (const [name, steps] of byName) out.push(Object.freeze({ kind: 'must-complete', name, process: p.name, steps: Object.freeze(steps) }));
  return out;
}
