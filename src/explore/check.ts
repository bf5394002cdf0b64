/**
 * The checker builder, after stateright's `model.checker().spawn_bfs()`:
 * option methods only record; `run()` explores and returns plain data.
 *
 *   const result = check(model).maxStates(1e7).run();
 */
import type { Model } from '../model/types.js';
import { createSearch, type SearchLimits, type SearchOutcome } from './bfs.js';
import { compileModel, type CompiledModel } from './compile.js';
import { runParallel } from './parallel.js';
import { runBitstate, type BitstateOptions } from './bitstate.js';
import type { CheckResult, ProgressEvent, Verdict } from './result.js';

/** Expand this many states between progress reports and interruption checks. */
const CHUNK = 1 << 13;

export interface RunAsyncOptions {
  /** Stop early, returning a partial result marked `interrupted`. */
  readonly signal?: { readonly aborted: boolean };
  /** Progress at most every `progressIntervalMs`. */
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly progressIntervalMs?: number;
}

export class Checker {
  private limits: { -readonly [K in keyof SearchLimits]: SearchLimits[K] } = {};
  private workerCount = 1;
  private bitstateOptions: BitstateOptions | undefined;
  readonly compiled: CompiledModel;

  constructor(model: Model | CompiledModel) {
    this.compiled = 'successors' in model ? model : compileModel(model);
  }

  maxStates(n: number): this {
    this.limits.maxStates = n;
    return this;
  }

  maxMemoryBytes(n: number): this {
    this.limits.maxMemoryBytes = n;
    return this;
  }

  /** Partial-order reduction: explore one process's independent steps alone where that is safe. */
  por(on = true): this {
    this.limits.por = on;
    return this;
  }

  /** Store one state per orbit of interchangeable processes (e.g. the writers). */
  symmetry(on = true): this {
    this.limits.symmetry = on;
    return this;
  }

  /**
   * Expands states in `n` worker threads (`runAsync` only). Counts, verdicts
   * and counterexamples are the same for every `n`.
   */
  workers(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`workers must be a positive integer, got ${n}`);
    this.workerCount = n;
    return this;
  }

  /**
   * Bitstate search (`runAsync` only): a bit table instead of stored states.
   * Violations found are real; finding none is not a proof (verdict `unknown`).
   */
  bitstate(options: BitstateOptions = {}): this {
    this.bitstateOptions = options;
    return this;
  }

  /** Explores to completion (or a limit) synchronously, on this thread. */
  run(): CheckResult {
    if (this.workerCount > 1 || this.bitstateOptions) throw new Error('workers and bitstate search need runAsync()');
    const search = createSearch(this.compiled, this.limits);
    while (!search.advance(CHUNK)) { /* keep going */ }
    return this.toResult(search.finish());
  }

  /** Explores in chunks, yielding to the event loop so progress and Ctrl-C get through. */
  async runAsync(options: RunAsyncOptions = {}): Promise<CheckResult> {
    if (this.limits.por && (this.bitstateOptions || this.workerCount > 1)) {
      throw new RangeError('partial-order reduction works with the exhaustive search on one thread only (not with workers or bitstate)');
    }
    if (this.bitstateOptions) {
      const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
      const outcome = await runBitstate(this.compiled, this.limits, this.bitstateOptions, { ...options, yieldNow });
      return { ...this.toResult(outcome), bitstate: outcome.bitstate };
    }
    if (this.workerCount > 1) {
      return this.toResult(await runParallel(this.compiled, this.limits, { workers: this.workerCount, ...options }));
    }
    const search = createSearch(this.compiled, this.limits);
    const interval = options.progressIntervalMs ?? 200;
    let lastReport = 0;
    let lastYield = Date.now();
    for (;;) {
      if (options.signal?.aborted) return this.toResult(search.finish(true));
      const done = search.advance(CHUNK);
      const now = Date.now();
      if (options.onProgress && (done || now - lastReport >= interval)) {
        lastReport = now;
        options.onProgress(search.progress());
      }
      if (done) return this.toResult(search.finish());
      if (now - lastYield >= 25) {
        lastYield = now;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  private toResult(outcome: SearchOutcome): CheckResult {
    const verdict: Verdict = outcome.discovery?.kind ?? (outcome.completion === 'complete' ? 'ok' : 'unknown');
    return {
      model: this.compiled.model.name,
      params: this.compiled.model.params,
      verdict,
      completion: outcome.completion,
      stats: outcome.stats,
      discovery: outcome.discovery,
      maxima: outcome.maxima,
      covered: outcome.covered,
      reductions: [...(this.limits.symmetry ? ['symmetry'] : []), ...(this.limits.por ? ['por'] : [])],
      workers: this.workerCount,
    };
  }
}

export function check(model: Model | CompiledModel): Checker {
  return new Checker(model);
}
