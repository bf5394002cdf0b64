/**
 * What the model layer knows about each primitive kind: its operations and
 * queries, and which operations take or release ownership. The semantics live
 * in `src/primitives/`; this table is only what validation needs, so the model
 * layer does not import the primitives.
 */
import type { PrimitiveKind } from './types.js';

export type OpRole =
  /** Takes an owned lock (in the given mode); may block. */
  | { readonly role: 'acquire'; readonly mode: string }
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
}

const other: OpRole = { role: 'other' };

export const PRIMITIVE_OPS: Readonly<Record<PrimitiveKind, PrimitiveOpTable>> = {
  rwsem: {
    ops: {
      downRead: { role: 'acquire', mode: 'read' },
      upRead: { role: 'release', mode: 'read' },
      downWrite: { role: 'acquire', mode: 'write' },
      upWrite: { role: 'release', mode: 'write' },
    },
    queries: [],
    withArg: [],
    withInto: [],
    sleeping: ['downRead', 'downWrite'],
  },
  semaphore: { ops: { down: other, up: other }, queries: ['count'], withArg: [], withInto: [], sleeping: ['down'] },
  spinlock: {
    ops: { lock: { role: 'acquire', mode: 'held' }, unlock: { role: 'release', mode: 'held' } },
    queries: [],
    withArg: [],
    withInto: [],
    sleeping: [],
  },
  mutex: {
    ops: { lock: { role: 'acquire', mode: 'held' }, unlock: { role: 'release', mode: 'held' } },
    queries: [],
    withArg: [],
    withInto: [],
    sleeping: ['lock'],
  },
  waitqueue: {
    ops: { prepareToWait: other, schedule: other, finishWait: other, wakeAll: other },
    queries: ['active'],
    withArg: [],
    withInto: [],
    sleeping: ['schedule'],
  },
  jobqueue: { ops: { submit: other, take: other }, queries: ['length'], withArg: ['submit'], withInto: ['take'], sleeping: [] },
};
