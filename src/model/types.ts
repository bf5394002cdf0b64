/**
 * The declarative model: plain, frozen data. A model never runs anything itself;
 * `explore/compile.ts` turns it into a transition function. Keeping guards and
 * effects as expression trees (not closures) is what lets the checker derive
 * read/write sets, generate fast code, and export to other checkers.
 */

/** Where a step comes from in the kernel, e.g. drivers/md/dm-snap.c:1759 in start_copy. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly func: string;
  readonly commit: string;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&&' | '||';

/** Integer expressions; booleans are 0 and 1, as in C and Promela. */
export type Expr =
  | { readonly kind: 'lit'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'local'; readonly name: string }
  /** The 0-based instance number of the executing process within its group. */
  | { readonly kind: 'self' }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr }
  /** A read-only query on a primitive's state, e.g. a wait queue's `active`. */
  | { readonly kind: 'query'; readonly primitive: string; readonly query: string };

export type LValue =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'local'; readonly name: string };

export type Effect =
  | { readonly kind: 'assign'; readonly target: LValue; readonly value: Expr }
  | { readonly kind: 'if'; readonly test: Expr; readonly then: readonly Effect[]; readonly else: readonly Effect[] };

/** One call on a primitive, e.g. `down_read(&_origins_lock)`. */
export interface PrimitiveOp {
  readonly primitive: string;
  readonly op: string;
  /** Argument, e.g. the payload of a job submitted to a job queue. */
  readonly arg?: Expr;
  /** Local that receives the op's result, e.g. the job taken from a job queue. */
  readonly into?: string;
}

/** Where control goes after a step: the first branch whose `when` holds (evaluated after the effects). */
export interface Branch {
  readonly when?: Expr;
  readonly to: string;
}

/** Name of the implicit final location of every process. */
export const END_LABEL = 'end';

/**
 * One atomic step. At most one primitive op, executed once the guard holds;
 * effects run after the op succeeds (for a blocking op: once the lock is
 * granted); then control follows `next`.
 */
export interface Step {
  /** Unique within the process: the location's label, or `label/alt` for one of several alternatives. */
  readonly name: string;
  /** Human description, usually the kernel statement. */
  readonly action: string;
  readonly source: SourceRef;
  readonly guard?: Expr;
  readonly op?: PrimitiveOp;
  readonly effects: readonly Effect[];
  readonly next: readonly Branch[];
  /** The step must run in at least one explored state for a proof to count. */
  readonly required: boolean;
  /** Running it counts as progress (SPIN's `progress` label): for the process's progress property and the non-progress-cycle check. */
  readonly progress?: boolean;
  /** Names a must-complete property: a process that has started must reach this step again (see `LivenessProperty`). */
  readonly mustComplete?: string;
  /**
   * The task state while asleep in this step's op, when it is not the op's
   * default (`mutex_lock_killable` is a `lock` in `killable`). Decides
   * whether the hung-task detector could report the sleep.
   */
  readonly sleep?: SleepState;
  /**
   * How the kernel code sleeps here, when the op only models who wakes it:
   * `schedule` for an open-coded set_current_state()/schedule() loop (no
   * lockdep or DEPT annotation), `wait_event` for the wait_event() macros
   * (which DEPT annotates). Unset: the primitive's own call.
   */
  readonly kernelWait?: KernelWait;
}

/**
 * The kernel task state a sleeping op leaves the task in (include/linux/sched.h):
 * `uninterruptible` TASK_UNINTERRUPTIBLE, `killable` TASK_KILLABLE
 * (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE), `interruptible` TASK_INTERRUPTIBLE,
 * `idle` TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD), `traced` TASK_TRACED,
 * `stopped` TASK_STOPPED; `running` for a spinner, which never sleeps.
 */
export type SleepState = 'uninterruptible' | 'killable' | 'interruptible' | 'idle' | 'traced' | 'stopped' | 'running';

export const SLEEP_STATES: readonly SleepState[] = ['uninterruptible', 'killable', 'interruptible', 'idle', 'traced', 'stopped', 'running'];

/** See `Step.kernelWait`. */
export type KernelWait = 'schedule' | 'wait_event';

/**
 * A control location: where a process's program counter can be. Several
 * steps at one location are alternatives (Promela's `if :: g1 -> ... :: g2 -> ...`):
 * whichever guards hold may be taken.
 */
export interface Location {
  readonly label: string;
  readonly steps: readonly Step[];
  /**
   * A process may stop here for good without that being a deadlock
   * (Promela's `end` labels): an idle kcopyd worker waiting for jobs.
   */
  readonly validEnd: boolean;
}

export interface VarDecl {
  readonly name: string;
  readonly init: number;
  readonly min: number;
  readonly max: number;
  /** What each value min..max means, in order (a C enum), for the explorer's state panel. */
  readonly names?: readonly string[];
}

export type RwSemaphorePolicy = 'writer-fair' | 'reader-preferring';

export type PrimitiveDecl =
  | { readonly kind: 'rwsem'; readonly name: string; readonly policy: RwSemaphorePolicy }
  | {
      readonly kind: 'semaphore';
      readonly name: string;
      readonly initial: number;
      /** Largest count an up() may reach (default: the larger of `initial` and the process count). */
      readonly max?: number;
    }
  | { readonly kind: 'spinlock'; readonly name: string }
  | { readonly kind: 'mutex'; readonly name: string }
  | {
      readonly kind: 'waitqueue';
      readonly name: string;
      /** Some task joins it exclusively (prepare_to_wait_exclusive); the builder sets this from the model's steps. */
      readonly exclusive?: boolean;
    }
  | {
      readonly kind: 'workqueue';
      readonly name: string;
      /** Worker processes: 1 is an ordered workqueue, N a pool. */
      readonly workers: number;
      /** Work items (struct work_struct) queued on it, by name; ops name a work by its index here. */
      readonly works: readonly string[];
    }
  | {
      readonly kind: 'completion';
      readonly name: string;
      /** Largest number of banked `complete()`s (default: the process count); complete_all is counted apart. */
      readonly max?: number;
    }
  | {
      readonly kind: 'jobqueue';
      readonly name: string;
      readonly capacity: number;
      /** Names one job in diagrams: `copy` gives `copy(3)`. */
      readonly jobName: string;
      /** What the payload is, for diagrams: `chunk` gives `copy(chunk 3)`. */
      readonly payloadName?: string;
      /** Largest payload a job may carry (default 255); bounds the state encoding. */
      readonly payloadMax?: number;
    };

export type PrimitiveKind = PrimitiveDecl['kind'];

/**
 * A process template. With `instances` > 1 the checker runs that many copies,
 * named `name#1`, `name#2`, ...; `symmetric` says the copies are interchangeable.
 */
export interface ProcessDecl {
  readonly name: string;
  readonly instances: number;
  readonly symmetric: boolean;
  /**
   * Where it runs: `irq` or `softirq` code is atomic throughout, so a step that
   * may sleep there is a bug ("sleeping function called from invalid
   * context"). Absent means task context, atomic only while holding a spinlock.
   */
  readonly context?: 'task' | 'softirq' | 'irq';
  readonly locals: readonly VarDecl[];
  /** Locations in declaration order; the first is where the process starts. */
  readonly locations: readonly Location[];
  /** Each instance must run a `progress` step infinitely often unless it comes to rest at a valid end. */
  readonly progress?: boolean;
}

export type Property =
  /** Must hold in every reachable state. */
  | { readonly kind: 'always'; readonly name: string; readonly expr: Expr }
  /** Must hold in every terminal state (no step enabled, every process at a valid end). */
  | { readonly kind: 'at-end'; readonly name: string; readonly expr: Expr };

/**
 * Properties of infinite runs, checked under a fairness assumption by the
 * liveness pass over the completed search (explore/liveness.ts). A run that
 * stops with every process at a valid end counts as staying in its last state
 * forever, with no process enabled.
 */
export type LivenessProperty =
  /** Every run reaches a state where `expr` holds (LTL `F expr`). */
  | { readonly kind: 'eventually'; readonly name: string; readonly expr: Expr }
  /** Whenever `from` holds, `to` holds then or later (LTL `G(from -> F to)`). */
  | { readonly kind: 'leads-to'; readonly name: string; readonly from: Expr; readonly to: Expr }
  /**
   * Each instance of `process` runs one of its `progress` steps infinitely
   * often, unless from some point on it rests at a valid end.
   */
  | { readonly kind: 'progress'; readonly name: string; readonly process: string }
  /**
   * An instance of `process` that has run any other step since it last ran
   * one of `steps` (step names) runs one of `steps` again, unless it comes to
   * rest at a valid end: "every origin bio that was started completes".
   */
  | { readonly kind: 'must-complete'; readonly name: string; readonly process: string; readonly steps: readonly string[] }
  /** No infinite run in which no `progress` step of any process runs (SPIN's `-l`). */
  | { readonly kind: 'non-progress'; readonly name: string };

export type ParamValue = number | string;
export type Params = Readonly<Record<string, ParamValue>>;

export interface Model {
  readonly name: string;
  readonly params: Params;
  readonly vars: readonly VarDecl[];
  readonly primitives: readonly PrimitiveDecl[];
  readonly processes: readonly ProcessDecl[];
  readonly properties: readonly Property[];
  /** Liveness properties (absent: none), including those derived from `progress` and `mustComplete` marks. */
  readonly liveness?: readonly LivenessProperty[];
}
