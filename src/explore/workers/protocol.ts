/** Messages between the search and its expansion workers. */
import type { Model } from '../../model/types.js';

export interface WorkerInit {
  readonly model: Model;
  readonly symmetry: boolean;
}

export interface ExpandRequest {
  readonly chunk: number;
  /** Packed states, back to back. */
  readonly states: Int32Array;
  readonly count: number;
}

export interface ExpandResponse {
  readonly chunk: number;
  /** Per source state: [successor count, classification kind, its index] (see classify.ts). */
  readonly meta: Int32Array;
  /** Per successor: its packed words, then its step id. */
  readonly successors: Int32Array;
  /** Messages of run-time errors, in source order. */
  readonly messages: readonly string[];
}

export type WorkerReply = { readonly ok: true; readonly response: ExpandResponse } | { readonly ok: false; readonly error: string };
