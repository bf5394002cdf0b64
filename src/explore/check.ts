/**
 * The checker builder, after stateright's `model.checker().spawn_bfs()`:
 * option methods only record; `run()` explores and returns plain data.
 *
 *   const result = check(model).maxStates(1e7).run();
 */
import type { Model } from '../model/types.js';
import { createSearch, type ExploredLevels, type Search, type SearchLimits, type SearchOutcome } from './bfs.js';
import { compileModel, type CompiledModel } from './compile.js';
import { runParallel } from './parallel.js';
import { BitstateSet, type BitstateOptions } from './bitstate.js';
import type { CheckResult, ProgressEvent, Verdict } from './result.js';

/** Expand this many states between progress reports and interruption checks. */
const CHUNK = 1 << 13;

export interface RunAsyncOptions {
  /** Stop early, returning a partial result marked `interrupted`. */
  readonly signal?: { readonly aborted: boolean };
  /** Progress at most every `progressIntervalMs`. */
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly progressIntervalMs?: number;
  /**
   * Given the explored levels at the end when the search kept them all
   * (exact, no reductions), so an explanation can use them instead of
   * exploring again; drop them when done with them.
   */
  readonly onExplored?: (levels: ExploredLevels) => void;
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
      const set = new BitstateSet(this.compiled.packer.words, this.bitstateOptions.log2Bits ?? 30, this.bitstateOptions.hashes ?? 3);
      const outcome = await drive(createSearch(this.compiled, this.limits, Date.now, () => set), options);
      // A bitstate search that ran out of states proves nothing.
      const completion = outcome.completion === 'complete' ? 'bitstate' : outcome.completion;
      return { ...this.toResult({ ...outcome, completion }), bitstate: set.stats() };
    }
    if (this.workerCount > 1) {
      return this.toResult(await runParallel(this.compiled, this.limits, { workers: this.workerCount, ...options }));
    }
    return this.toResult(await drive(createSearch(this.compiled, this.limits), options));
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
      ...(outcome.notes.length > 0 ? { notes: outcome.notes } : {}),
    };
  }
}

function end(search: Search, options: RunAsyncOptions, interrupted: boolean): SearchOutcome {
  const outcome = search.finish(interrupted);
  const levels = options.onExplored ? search.explored() : undefined;
  if (levels) options.onExplored!(levels);
  return outcome;
}

/** Runs a search in chunks, yielding to the event loop so progress and Ctrl-C get through. */
async function drive(search: Search, options: RunAsyncOptions): Promise<SearchOutcome> {
  const interval = options.progressIntervalMs ?? 200;
  let lastReport = 0;
  let lastYield = Date.now();
  for (;;) {
    if (options.signal?.aborted) return end(search, options, true);
    const done = search.advance(CHUNK);
    const now = Date.now();
    if (options.onProgress && (done || now - lastReport >= interval)) {
      lastReport = now;
      options.onProgress(search.progress());
    }
    if (done) return end(search, options, false);
    if (now - lastYield >= 25) {
      lastYield = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

export function check(model: Model | CompiledModel): Checker {
  return new Checker(model);
}
