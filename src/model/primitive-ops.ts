/**
 * What the model layer knows about each primitive kind: its operations and
 * queries, and which operations take or release ownership. The semantics live
 * in `src/primitives/`; this table is only what validation needs, so the model
 * layer does not import the primitives.
 */
import type { PrimitiveDecl, PrimitiveKind } from './types.js';

export type OpRole =
  /** Takes an owned lock (in the given mode); may block. */
  | { readonly role: 'acquire'; readonly mode: string; readonly recursive?: boolean }
  /** Turns a held lock from one mode into another without letting go (downgrade_write). */
  | { readonly role: 'convert'; readonly from: string; readonly to: string }
  /** Takes an owned lock if it is free now, never sleeps; the result local says whether it did. */
  | { readonly role: 'try-acquire'; readonly mode: string }
  /** Gives back an owned lock (in the given mode); the caller must hold it. */
  | { readonly role: 'release'; readonly mode: string }
  /** Anything else: counting semaphores, wait queues, job queues have no owner. */
  | { readonly role: 'other' };

export interface PrimitiveOpTable {
  readonly ops: Readonly<Record<string, OpRole>>;
  readonly queries: readonly string[];
  /** Ops that take an argument expression / write a local. */
  readonly withArg: readonly string[];
  readonly withInto: readonly string[];
  /** Ops that may put the caller to sleep on the primitive's queue. */
  readonly sleeping: readonly string[];
  /** Problems with a declaration's options, e.g. a negative initial count. */
  readonly check?: (decl: PrimitiveDecl) => string[];
  /** A problem with using op `op` on this declaration, if any. */
  readonly opCheck?: (decl: PrimitiveDecl, op: string) => string | undefined;
}

const other: OpRole = { role: 'other' };

export const PRIMITIVE_OPS: Readonly<Record<PrimitiveKind, PrimitiveOpTable>> = {
  rwsem: {
    ops: {
      downRead: { role: 'acquire', mode: 'read' },
      upRead: { role: 'release', mode: 'read' },
      downWrite: { role: 'acquire', mode: 'write' },
      upWrite: { role: 'release', mode: 'write' },
      // down_read by a task that may already hold it for read: allowed, and blocks behind a queued writer as the kernel's does.
      downReadRecursive: { role: 'acquire', mode: 'read', recursive: true },
      downgradeWrite: { role: 'convert', from: 'write', to: 'read' },
      downReadTrylock: { role: 'try-acquire', mode: 'read' },
      downWriteTrylock: { role: 'try-acquire', mode: 'write' },
    },
    queries: [],
    withArg: [],
    withInto: ['downReadTrylock', 'downWriteTrylock'],
    sleeping: ['downRead', 'downReadRecursive', 'downWrite'],
  },
  semaphore: {
    ops: { down: other, up: other, downTrylock: other },
    queries: ['count'],
    withArg: [],
    withInto: ['downTrylock'],
    sleeping: ['down'],
    check: (d) => (d.kind === 'semaphore' && (!Number.isInteger(d.initial) || d.initial < 0) ? [`semaphore ${d.name}: initial count ${d.initial} must be a non-negative integer`] : []),
  },
  spinlock: {
    ops: { lock: { role: 'acquire', mode: 'held' }, unlock: { role: 'release', mode: 'held' }, trylock: { role: 'try-acquire', mode: 'held' } },
    queries: [],
    withArg: [],
    withInto: ['trylock'],
    sleeping: [],
  },
  mutex: {
    ops: { lock: { role: 'acquire', mode: 'held' }, unlock: { role: 'release', mode: 'held' }, trylock: { role: 'try-acquire', mode: 'held' } },
    queries: [],
    withArg: [],
    withInto: ['trylock'],
    sleeping: ['lock'],
  },
  workqueue: {
    ops: { queueWork: other, flush: other, cancelSync: other, take: other, finish: other },
    queries: [],
    withArg: ['queueWork', 'flush', 'cancelSync', 'finish'],
    withInto: ['take'],
    sleeping: ['flush', 'cancelSync'],
    check: (d) => (d.kind === 'workqueue' && (!Number.isInteger(d.workers) || d.workers < 1) ? [`workqueue ${d.name}: workers ${d.workers} must be a positive integer`] : []),
  },
  completion: {
    ops: { wait: other, complete: other, completeAll: other, reinit: other, tryWait: other },
    queries: ['done'],
    withArg: [],
    withInto: ['tryWait'],
    sleeping: ['wait'],
    check: (d) => (d.kind === 'completion' && d.max !== undefined && (!Number.isInteger(d.max) || d.max < 1) ? [`completion ${d.name}: max ${d.max} must be a positive integer`] : []),
  },
  waitqueue: {
    ops: { prepareToWait: other, prepareToWaitExclusive: other, schedule: other, finishWait: other, wakeUp: other, wakeUpLocked: other, wakeAll: other },
    opCheck: (d, op) => (d.kind === 'waitqueue' && op === 'prepareToWaitExclusive' && !d.exclusive
      ? `prepareToWaitExclusive on wait queue ${d.name}, which is not declared with exclusive: true (the builder sets it)` : undefined),
    queries: ['active'],
    withArg: [],
    withInto: [],
    sleeping: ['schedule'],
  },
  jobqueue: {
    ops: { submit: other, take: other },
    queries: ['length'],
    withArg: ['submit'],
    withInto: ['take'],
    sleeping: [],
    check: (d) => (d.kind === 'jobqueue' && (!Number.isInteger(d.capacity) || d.capacity < 1) ? [`job queue ${d.name}: capacity ${d.capacity} must be a positive integer`] : []),
  },
};
