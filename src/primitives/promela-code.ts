/**
 * The shape of a primitive's Promela encoding and the small helpers the
 * encodings share. Each primitive module writes its own encoding (its second
 * implementation, checked against the first by the SPIN agreement suite);
 * `render/promela.ts` assembles them into one file.
 */
import type { PrimitiveDecl } from '../model/types.js';

/** The model uses something the exporter cannot express as one SPIN transition per step. */
export class PromelaExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromelaExportError';
  }
}

/** Promela for one primitive operation by process `p` (an expression, usually `_pid`). */
export type OpCode =
  | {
      readonly kind: 'blocking';
      /** Must hold, else the model misuses the primitive (an assertion). */
      readonly misuse?: string;
      readonly canAcquire: string;
      readonly acquire: readonly string[];
      readonly block: readonly string[];
    }
  | {
      readonly kind: 'guarded';
      /** Executable when this holds; the misuse assertion is checked then. */
      readonly enabled: string;
      readonly misuse?: string;
      /** Its result, read before `apply` runs. */
      readonly result?: string;
      readonly apply: readonly string[];
    }
  | {
      readonly kind: 'apply';
      readonly misuse?: string;
      /** Its result (for ops with `into`), read before `apply` runs. */
      readonly result?: string;
      readonly apply: readonly string[];
    };

export interface PrimitiveCode {
  readonly decl: PrimitiveDecl;
  /** What the primitive is, for the comment above its variables. */
  readonly title: string;
  readonly vars: readonly string[];
  /** Helper inlines (wake-ups, grants), emitted after the variables. */
  readonly inlines: readonly string[];
  op(op: string, p: string, arg: string | undefined): OpCode;
  query(query: string): string;
  /** Holding this primitive makes process `p` atomic (a spinlock): the condition, over the state. */
  atomicFor?(p: string): string;
  /** Largest index the shared scratch counters `i_`, `j_`, `k_` reach beyond the process count (a job queue's capacity). */
  readonly scratchMax?: number;
}

export interface PromelaContext {
  readonly id: number;
  /** Prefix of every Promela name of this primitive. */
  readonly name: string;
  readonly processCount: number;
}

/** Smallest Promela integer type holding [min, max]. */
export function intType(min: number, max: number): string {
  if (min >= 0 && max <= 255) return 'byte';
  if (min >= -32768 && max <= 32767) return 'short';
  return 'int';
}

export function maskType(processCount: number): string {
  return processCount <= 8 ? 'byte' : processCount <= 15 ? 'short' : 'int';
}

export const comment = (text: string): string => `/* ${text.replace(/\*\//g, '* /')} */`;

/** `<prefix>_remove(at)`: removes entry `at` of a front-aligned queue, keeping the order; the freed slot becomes 0. */
export function removeInline(prefix: string, queue: string, length: string): string {
  return [
    `inline ${prefix}_remove(at) {  ${comment(`removes entry \`at\` of ${queue}, keeping the order; the freed slot becomes 0`)}`,
    '  k_ = at;',
    '  do',
    `  :: k_ + 1 < ${length} -> ${queue}[k_] = ${queue}[k_ + 1]; k_++`,
    '  :: else -> break',
    '  od;',
    `  ${queue}[${length} - 1] = 0;`,
    `  ${length}--;`,
    '  k_ = 0',
    '}',
  ].join('\n');
}

const WAITER_QUEUE_DOC = 'FIFO of sleepers, front-aligned, 0 past the end: (pid + 1) * 4 + mode';

/** The variables of a `WaiterQueue`: `<n>_qlen`, `<n>_q`. */
export function waiterQueueVars(n: string, processCount: number, modes: string): string[] {
  return [
    `${intType(0, processCount)} ${n}_qlen = 0;`,
    `${intType(0, processCount * 4 + 3)} ${n}_q[${processCount}];  ${comment(`${WAITER_QUEUE_DOC}${modes}`)}`,
  ];
}

/** Hands the head of `<n>_q` to its sleeper: removes it and marks it granted. */
export function grantHead(n: string, extra: readonly string[] = []): string[] {
  return [`pid_ = (${n}_q[0] >> 2) - 1;`, `${n}_remove(0);`, ...extra.map((l) => `${l};`), 'wait[pid_] = -1;', 'pid_ = 0'];
}

export function unknownOp(decl: PrimitiveDecl, op: string): Error {
  return new PromelaExportError(`${decl.kind} ${decl.name} has no operation ${op} in the Promela export`);
}

export function unknownQuery(decl: PrimitiveDecl, q: string): Error {
  return new PromelaExportError(`${decl.kind} ${decl.name} has no query ${q} in the Promela export`);
}
