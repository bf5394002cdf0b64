/**
 * The contract every kernel primitive implements. A primitive owns a few
 * consecutive int slots of the packed state and exposes its operations as pure
 * functions over the state array, so the same code serves the explorer's hot
 * path, unit tests and explanations.
 *
 * Blocking follows the kernel: a task that cannot take a lock joins the
 * primitive's queue and sleeps (its wait slot says on which primitive); the
 * releaser hands the lock over and marks it granted (wait slot -1); the task
 * then runs a separate "wakes" step. So a trace shows both the hand-off and
 * the woken task getting the CPU, as the kernel's `wake_up_process` does.
 */
import type { PrimitiveDecl, SleepState } from '../model/types.js';
import type { PromelaContext, PrimitiveCode } from './promela-code.js';

/** Where a primitive lives in the state vector and how it reaches process wait slots. */
export interface PrimitiveContext {
  /** Index of the primitive in the model; a process blocked here has wait slot `id + 1`. */
  readonly id: number;
  /** First slot of this primitive. */
  readonly base: number;
  readonly processCount: number;
  /** `waitSlot[pid]` is the slot holding that process's wait state. */
  readonly waitSlot: Int32Array;
}

/** A model misused a primitive at run time (e.g. `up_read` by a non-holder). */
export class PrimitiveMisuse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrimitiveMisuse';
  }
}

export type OpImpl =
  /** May sleep: take it now, or join the queue and sleep until granted. */
  | {
      readonly kind: 'blocking';
      /** Takes the resource if the semantics allow it now; returns whether it did. */
      readonly tryAcquire: (s: Int32Array, pid: number, arg: number) => boolean;
      /** Joins the queue; the engine then marks the process asleep here. */
      readonly block: (s: Int32Array, pid: number, arg: number) => void;
    }
  /** Spins or waits without queueing: simply not enabled until `enabled` holds. */
  | {
      readonly kind: 'guarded';
      readonly enabled: (s: Int32Array, pid: number) => boolean;
      readonly apply: (s: Int32Array, pid: number, arg: number) => number;
    }
  /** Never blocks (may wake others). Returns a result for ops that have one. */
  | { readonly kind: 'apply'; readonly apply: (s: Int32Array, pid: number, arg: number) => number };

export interface Holding {
  readonly pid: number;
  /** e.g. `read`, `write`, `held`. */
  readonly mode: string;
}

export interface QueuedWaiter {
  readonly pid: number;
  readonly mode: string;
}

/** What a process blocked on this primitive is waiting for, from the state alone. */
export interface WaitInfo {
  readonly primitive: string;
  /** `read`, `write`, `down`, `lock`, `wake-up`, `job`. */
  readonly mode: string;
  /** Who holds the resource now (owners of a lock; empty for a semaphore). */
  readonly holders: readonly Holding[];
  /** Queued ahead of this process, in FIFO order. */
  readonly queuedAhead: readonly QueuedWaiter[];
  /**
   * True when the resource has no owner to wait for (semaphore units, wake-ups,
   * jobs): only some process executing a release operation can help.
   */
  readonly needsRelease: boolean;
  /** The ops that end this wait when they are not the primitive's `releaseOps` (an idle worker waits for a queue_work, not a finish). */
  readonly releasedBy?: readonly string[];
  /**
   * For an owner-less wait, what would end it, naming the primitive (`a unit on cow_count`,
   * `reset_work on mywq to finish`); explanations say `a <mode> on <primitive>` without it.
   */
  readonly awaited?: string;
  /**
   * It waits inside what it waits for, so only its own code, after the wait,
   * could end it: `item`, a worker flushing the work it is running; `queue`,
   * a worker of an ordered workqueue flushing another work queued behind the
   * one it runs. Whether lockdep reports that is the module's `lockdepSelfWait`.
   */
  readonly inside?: 'item' | 'queue';
}

export interface PrimitiveRuntime {
  readonly decl: PrimitiveDecl;
  readonly slotCount: number;
  /** Inclusive [min, max] of each slot, so states can be bit-packed. */
  readonly slotRanges: ReadonlyArray<readonly [number, number]>;
  /** How each slot refers to processes, so symmetry reduction can permute them. */
  readonly slotKinds: readonly SlotKind[];
  init(s: Int32Array): void;
  readonly ops: Readonly<Record<string, OpImpl>>;
  readonly queries: Readonly<Record<string, (s: Int32Array) => number>>;
  /** Ops by which one process can release another blocked here (for wait-for graphs). */
  readonly releaseOps: readonly string[];
  holders(s: Int32Array): Holding[];
  queue(s: Int32Array): QueuedWaiter[];
  /** For a process blocked at `op` on this primitive: what it waits for. */
  waitInfo(s: Int32Array, pid: number, op: string): WaitInfo;
  /** Short state summary for traces, e.g. `readers {2}, queue [ctr:W, kcopyd:R]`. */
  describe(s: Int32Array, name: (pid: number) => string): string;
  /** Holding this primitive makes `pid` atomic (a spinlock): it must not sleep. */
  atomicFor?(s: Int32Array, pid: number): boolean;
  /**
   * State-dependent commutation, for partial-order reduction: whether op
   * `mine`, run by one process, and op `theirs`, run by another, are
   * independent in `s` and in every state reached from it while the other
   * processes run only the ops in `others` on this primitive: where both
   * are enabled either order gives the same state (wait slots included);
   * neither enables or disables the other, nor changes whether it fails.
   * Results may differ (the reduction treats an op whose result a step keeps
   * as dependent). The module's `commuting` pairs hold in every state and
   * need no answer here.
   */
  commutes?(s: Int32Array, mine: string, theirs: string, others: ReadonlySet<string>): boolean;
  /** Job queues: the payloads queued, oldest first. */
  jobs?(s: Int32Array): number[];
}

/**
 * - `value`: no process identity (counts, lengths);
 * - `pid1`: a process id + 1, 0 for none (a lock owner);
 * - `mask`: a bitmask of process ids (readers, wait-queue members);
 * - `qentry`: a waiter-queue entry `(pid + 1) * 4 + tag`, 0 for empty;
 * - `payload`: model data carried by a job (e.g. a chunk number).
 */
export type SlotKind = 'value' | 'pid1' | 'mask' | 'qentry' | 'payload';

export type PrimitiveFactory<D extends PrimitiveDecl = PrimitiveDecl> = (decl: D, ctx: PrimitiveContext) => PrimitiveRuntime;

/**
 * What the trace slicer does with a step on this primitive, beyond the owned
 * locks it knows from the model's op roles (acquire/release):
 * - `unit-take` / `unit-give`: an owner-less unit (semaphore down/up,
 *   wait_for_completion/complete); each give cancels the oldest outstanding take;
 * - `job-submit` / `job-take`: a job handed to a worker, in FIFO order;
 * - `sleep-prepare` / `sleep` / `sleep-end`: one sleep on a wait queue.
 */
export type SliceRole = 'unit-take' | 'unit-give' | 'job-submit' | 'job-take' | 'sleep-prepare' | 'sleep' | 'sleep-end';

/** What one deadlock detector can see of a wait on this primitive, and why (with the kernel source that says so). */
export interface DetectorView {
  readonly sees: boolean;
  /** One sentence, e.g. `struct semaphore has no lockdep map (include/linux/semaphore.h:15 at v5.11)`. */
  readonly why: string;
}

/**
 * What lockdep (lock-class dependency graph) and DEPT (Byungchul Park's
 * wait/event dependency tracker) can see of a wait on this primitive. The
 * hung-task detector goes by the task state instead (`sleepStates`, a step's
 * `sleep`; see `sleep-state.ts`).
 */
export interface Visibility {
  readonly lockdep: DetectorView;
  readonly dept: DetectorView;
}

/** Facts a wait-for resource node shows about the primitive, from its declaration and state. */
export interface NodeFacts {
  readonly policy?: string;
  readonly jobName?: string;
  readonly tokens?: { readonly available: number; readonly initial: number };
}

/**
 * Everything the rest of interleave asks about one kind of primitive. Model,
 * explore, explain and render go through this (via `registry.ts`), never
 * through a switch on the kind; adding a primitive is its module file plus
 * one registry line (and its declaration and builder method in `src/model/`,
 * which cannot import this layer).
 */
export interface PrimitiveModule<D extends PrimitiveDecl = PrimitiveDecl> {
  readonly kind: D['kind'];
  /** The kind as diagrams name it: `rw_semaphore`, `counting semaphore`. */
  readonly title: string;
  create(decl: D, ctx: PrimitiveContext): PrimitiveRuntime;
  /** The kernel function behind each op, for messages: `down_read`, `mutex_lock`. */
  readonly kernelNames: Readonly<Record<string, string>>;
  /**
   * Pairs of ops that commute in every state when run by two different
   * processes: either order gives the same state, and neither disables the
   * other (their results, e.g. how many a wake-up woke, may differ). Ops on
   * different primitives always commute (see `opsCommute`).
   * Partial-order reduction uses this (see `opsIndependent`);
   * state-dependent cases go to `PrimitiveRuntime.commutes`.
   */
  readonly commuting: ReadonlyArray<readonly [string, string]>;
  readonly sliceRoles: Readonly<Record<string, SliceRole>>;
  /**
   * Wake-ups whose op result is how many sleepers they woke: a result of 0 is
   * a wake-up that woke nobody, the one a lost wake-up loses.
   */
  readonly wakeOps?: readonly string[];
  /**
   * Wait-for roles: whether a holder (or a waiter queued ahead) in mode
   * `other` holds up a waiter in mode `waiter`. Readers do not hold up readers.
   */
  conflicts(decl: D, waiter: string, other: string): boolean;
  /** A waiter in this mode is served before earlier-queued waiters (a reader-preferring rwsem's readers). */
  passesQueue(decl: D, waiter: string): boolean;
  readonly visibility: Visibility;
  /** Where one op differs from `visibility`, e.g. cancel_work_sync, which skips the work's lockdep map. */
  readonly opVisibility?: Readonly<Record<string, Partial<Visibility>>>;
  /**
   * The task state each op that may sleep (or spin) leaves the task in, as
   * the kernel's plain call does: `mutex_lock` uninterruptible, `spin_lock`
   * running. A step's `sleep` overrides it.
   */
  readonly sleepStates: Readonly<Record<string, SleepState>>;
  /**
   * Ops whose killable and interruptible forms are the kernel name plus a
   * suffix: `lock` -> `mutex_lock_killable`, `mutex_lock_interruptible`.
   */
  readonly sleepVariants?: readonly string[];
  readonly dot: { readonly shape: string; readonly style: string };
  nodeFacts(decl: D, runtime: PrimitiveRuntime, s: Int32Array): NodeFacts;
  /**
   * The scenario line for an op that needs more than `kernel(&name);`, e.g.
   * a job queue's `queue copy(chunk 3) on kcopyd;`. `before`/`after` are the
   * states around the step.
   */
  scenarioText?(decl: D, op: string, base: number, before: Int32Array, after: Int32Array, jobName: (payload: number) => string, arg: number | undefined): string;
  /** How a job (a payload in `jobs()`) is named: `copy(chunk 3)`, `my_work`. */
  jobLabel?(decl: D, payload: number): string;
  /**
   * What a call of `op` names, where it is not the primitive itself:
   * `flush_work(&dev_work)` names the work item, not its workqueue. `arg` is
   * the op's argument when it is a constant.
   */
  callObject?(decl: D, op: string, arg: number | undefined): string | undefined;
  /**
   * A sharper account of why lockdep cannot see a wait on this primitive,
   * naming the tasks whose code releases it, e.g. a semaphore's up() by kcopyd.
   */
  lockdepBlindSpot?(decl: D, releasers: readonly string[]): string;
  /**
   * For a wait lockdep sees that the sleeper waits inside (`WaitInfo.inside`:
   * a work function flushing its own work): the recursive acquisition lockdep
   * reports, as a sentence. Without it such a wait is judged unreported.
   */
  lockdepSelfWait?(decl: D, sleeper: { readonly process: string; readonly call: string }, inside: 'item' | 'queue'): string;
  /** What a hand-off by this primitive is called in a trace: `hands over m`, `wake-up on wq`. */
  handOffLabel(decl: D): string;
  /** Names the Promela encoding derives from its prefix (`_readers`, `_q`, ...). */
  readonly promelaSuffixes: readonly string[];
  promela(decl: D, ctx: PromelaContext): PrimitiveCode;
}

/** The conventional owned-lock view shared by mutex and spinlock. */
export const exclusive = {
  conflicts: () => true,
  passesQueue: () => false,
} as const;

/** Marks `pid`, asleep on primitive `ctx.id`, as granted: its next step is the wake-up. */
export function grant(s: Int32Array, ctx: PrimitiveContext, pid: number): void {
  s[ctx.waitSlot[pid]] = -1;
}

export function bitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let pid = 0; mask !== 0; pid++, mask >>>= 1) if (mask & 1) out.push(pid);
  return out;
}
