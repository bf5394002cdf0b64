/**
 * Every primitive kind, and the one way the rest of interleave reaches its
 * module. Adding a primitive is one line here (plus its declaration and
 * builder method in `src/model/`, which cannot import this layer).
 */
import type { PrimitiveDecl, PrimitiveKind, SleepState, Step } from '../model/types.js';
import { completionModule } from './completion.js';
import { workqueueModule } from './workqueue.js';
import { jobQueueModule } from './job-queue.js';
import { mutexModule } from './mutex.js';
import type { PrimitiveContext, PrimitiveModule, PrimitiveRuntime, SliceRole, Visibility } from './primitive.js';
import { KERNEL_WAIT_VISIBILITY } from './sleep-state.js';
import { rwSemaphoreModule } from './rw-semaphore.js';
import { semaphoreModule } from './semaphore.js';
import { spinlockModule } from './spinlock.js';
import { waitQueueModule } from './wait-queue.js';

type ModuleTable = { readonly [K in PrimitiveKind]: PrimitiveModule<Extract<PrimitiveDecl, { kind: K }>> };

const MODULES: ModuleTable = {
  rwsem: rwSemaphoreModule,
  semaphore: semaphoreModule,
  mutex: mutexModule,
  spinlock: spinlockModule,
  waitqueue: waitQueueModule,
  jobqueue: jobQueueModule,
  completion: completionModule,
  workqueue: workqueueModule,
};

/** The module of a declaration's kind, typed for that declaration. */
export function moduleOf<D extends PrimitiveDecl>(decl: D): PrimitiveModule<D> {
  return MODULES[decl.kind] as unknown as PrimitiveModule<D>;
}

/** The module of a kind named in plain data (a wait-for node), if it is one. */
export function moduleOfKind(kind: string): PrimitiveModule | undefined {
  return Object.hasOwn(MODULES, kind) ? (MODULES[kind as PrimitiveKind] as unknown as PrimitiveModule) : undefined;
}

/** Kind -> how diagrams name it (`rwsem` -> `rw_semaphore`). */
export function primitiveTitles(): Record<string, string> {
  return Object.fromEntries(Object.values(MODULES).map((m) => [m.kind, m.title]));
}

export function createPrimitive(decl: PrimitiveDecl, ctx: PrimitiveContext): PrimitiveRuntime {
  return moduleOf(decl).create(decl, ctx);
}

/** How many int slots a primitive needs, without building it. */
export function slotCountOf(decl: PrimitiveDecl, processCount: number): number {
  return createPrimitive(decl, { id: 0, base: 0, processCount, waitSlot: new Int32Array(processCount) }).slotCount;
}

/** How the trace slicer and the job inference treat op `op` of the primitive named `name` in `cm`-like data. */
export function sliceRoleOf(decls: readonly PrimitiveDecl[], primitive: string, op: string): SliceRole | undefined {
  const decl = decls.find((d) => d.name === primitive);
  return decl ? moduleOf(decl).sliceRoles[op] : undefined;
}

/** Whether op `op`, having returned `result`, is a wake-up that woke nobody (the primitive's own record of it). */
export function wokeNobody(decl: PrimitiveDecl, op: string, result: number): boolean {
  return moduleOf(decl).wakeOps?.includes(op) === true && result === 0;
}

/** The kernel's name for an op on a primitive, e.g. `down_read`, `spin_lock`. */
export function kernelCall(decl: PrimitiveDecl, op: string): string {
  return moduleOf(decl).kernelNames[op] ?? op;
}

/** The task state a step's op sleeps in: the step's `sleep`, else the op's default (uninterruptible if the module names none). */
export function sleepStateOf(decl: PrimitiveDecl, step: Pick<Step, 'op' | 'sleep'>): SleepState {
  return step.sleep ?? (step.op ? moduleOf(decl).sleepStates[step.op.op] : undefined) ?? 'uninterruptible';
}

/**
 * The kernel call of a step's op, with the suffix of its sleep state where
 * the kernel has one (`mutex_lock_killable`), or the way the kernel sleeps
 * there when the op only models it (`schedule`, `wait_event`).
 */
export function kernelCallOf(decl: PrimitiveDecl, step: Pick<Step, 'op' | 'sleep' | 'kernelWait'>): string {
  if (step.kernelWait) return step.kernelWait;
  const op = step.op!.op;
  const name = kernelCall(decl, op);
  const variant = step.sleep === 'killable' || step.sleep === 'interruptible';
  return variant && moduleOf(decl).sleepVariants?.includes(op) && step.sleep !== moduleOf(decl).sleepStates[op] ? `${name}_${step.sleep}` : name;
}

/** A step's kernel call with what it names: `mutex_lock_killable(&dev_lock)`, `flush_work(&dev_work)`. */
export function kernelCallExpr(decl: PrimitiveDecl, step: Pick<Step, 'op' | 'sleep' | 'kernelWait'>): string {
  const arg = step.op?.arg?.kind === 'lit' ? step.op.arg.value : undefined;
  const object = step.op ? moduleOf(decl).callObject?.(decl, step.op.op, arg) : undefined;
  return `${kernelCallOf(decl, step)}(&${object ?? decl.name})`;
}

/** What lockdep and DEPT see of a step's wait: the op's view, or the kernel's own way of sleeping there (`kernelWait`). */
export function visibilityOf(decl: PrimitiveDecl, step: Pick<Step, 'op' | 'kernelWait'>): Visibility {
  if (step.kernelWait) return KERNEL_WAIT_VISIBILITY[step.kernelWait];
  const mod = moduleOf(decl);
  return { ...mod.visibility, ...(step.op ? mod.opVisibility?.[step.op.op] : undefined) };
}

/**
 * Whether op `a` and op `b`, run by two different processes, commute in
 * every state: always for ops on different primitives (each touches only its
 * own slots and the sleepers it wakes), and for the pairs a primitive lists
 * in `commuting`. For partial-order reduction.
 */
export function opsCommute(
  a: { readonly decl: PrimitiveDecl; readonly op: string },
  b: { readonly decl: PrimitiveDecl; readonly op: string },
): boolean {
  if (a.decl.name !== b.decl.name) return true;
  return moduleOf(a.decl).commuting.some(([x, y]) => (x === a.op && y === b.op) || (x === b.op && y === a.op));
}

/**
 * Whether op `mine` of one process and op `theirs` of another, both on the
 * primitive `runtime`, are independent from state `s` on while the other
 * processes run only `others` on it: always for the module's `commuting`
 * pairs, else as the primitive answers for the state (PrimitiveRuntime.commutes).
 */
export function opsIndependent(decl: PrimitiveDecl, runtime: PrimitiveRuntime, s: Int32Array, mine: string, theirs: string, others: ReadonlySet<string>): boolean {
  return opsCommute({ decl, op: mine }, { decl, op: theirs }) || (runtime.commutes?.(s, mine, theirs, others) ?? false);
}
