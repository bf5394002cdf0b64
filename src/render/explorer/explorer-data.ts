/**
 * What one explorer page carries: the model as declarative data (the page
 * compiles it with the same `compileModel` the checker uses, so its
 * successor function is the model's own), the recorded schedule as step
 * ids, and a few lines of context. Pure data; `page.ts` embeds it as JSON.
 */
import type { CheckReport } from '../../explain/report.js';
import type { Model } from '../../model/types.js';
import { configTitle } from '../text.js';
import { afterSteps, plural } from '../count.js';

export const EXPLORER_SCHEMA = 'interleave/explorer@1';

export interface ExplorerData {
  readonly schema: typeof EXPLORER_SCHEMA;
  /** e.g. `dm-snapshot/semaphore writers=2 ... cow-threshold=1`. */
  readonly title: string;
  readonly model: Model;
  /** `modelHash(model)`: links carry it, so a link made for another model or parameters is recognised. */
  readonly hash: string;
  /** The recorded schedule as compiled step ids; empty when there is no counterexample. */
  readonly path: readonly number[];
  /** `deadlock`, `invariant`, `ok` or `unknown`; `none` for a model explored without a check. */
  readonly verdict: string;
  /** One line, e.g. `DEADLOCK after 9 steps (279 states)`. */
  readonly headline: string;
  /** 1-based indices of the recorded steps the final state depends on. */
  readonly slice: readonly number[];
  /** A liveness lasso: steps after the first `loopStart` are the cycle that repeats forever. */
  readonly loopStart?: number;
}

/**
 * FNV-1a (32 bit) of the model's JSON, as 8 hex digits. The model carries
 * its parameters, so this names model and parameters together. Not a
 * security measure: it only tells a link for another configuration apart.
 */
export function modelHash(model: Model): string {
  const text = JSON.stringify(model);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The explorer of a checked configuration: its counterexample if it has one, else its initial state. */
export function explorerDataOfReport(report: CheckReport, model: Model): ExplorerData {
  const r = report.result;
  const cx = report.counterexample;
  const title = configTitle(r.model, r.params);
  const path = r.discovery?.path ?? [];
  const what = r.verdict === 'deadlock' ? 'DEADLOCK' : r.verdict === 'invariant' || r.verdict === 'liveness' ? `VIOLATES "${r.discovery?.property ?? ''}"` : r.verdict.toUpperCase();
  const loopStart = r.discovery?.loopStart;
  const states = `${r.stats.states.toLocaleString('en-US')} states explored`;
  const headline = !cx ? `${what}: ${states}${r.completion === 'complete' ? ', every schedule checked' : ''}`
    : loopStart !== undefined ? `${what}: ${plural(loopStart, 'step')}, then a cycle of ${path.length - loopStart} that repeats forever (${states})`
    : `${what} ${afterSteps(path.length)} (${states})`;
  return {
    ...explorerDataOfModel(model, title, path), verdict: r.verdict, headline, slice: cx ? [...cx.slice.indices] : [],
    ...(cx && loopStart !== undefined ? { loopStart } : {}),
  };
}

/** The explorer of a model on its own, starting from its initial state (`interleave explore`). */
export function explorerDataOfModel(model: Model, title: string, path: readonly number[] = []): ExplorerData {
  return {
    schema: EXPLORER_SCHEMA,
    title,
    model,
    hash: modelHash(model),
    path: [...path],
    verdict: 'none',
    headline: path.length > 0 ? `a recorded schedule of ${plural(path.length, 'step')}` : 'no recorded schedule: choose each step yourself',
    slice: [],
  };
}
