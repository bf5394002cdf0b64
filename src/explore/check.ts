/**
 * The checker builder, after stateright's `model.checker().spawn_bfs()`:
 * option methods only record; `run()` explores and returns plain data.
 *
 *   const result = check(model).maxStates(1e7).run();
 */
import { ModelError } from '../model/model-error.js';
import type { Model } from '../model/types.js';
import { createSearch, type ExploredLevels, type Search, type SearchLimits, type SearchOutcome } from './bfs.js';
import { compileModel, type CompiledModel } from './compile.js';
import { runParallel } from './parallel.js';
import { BitstateSet, type BitstateOptions } from './bitstate.js';
import type { CheckResult, ProgressEvent, Verdict } from './result.js';
import { checkLiveness, describeFairness, fairnessProblem, type Fairness } from './liveness.js';
import type { LivenessStats } from './result.js';
import type { SeenSet } from './seen-set.js';
import { symmetryProblems } from './symmetry.js';
import { TreeStore } from './tree-store.js';

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
  private fairnessGiven: Fairness | undefined;
  private safety = false;
  private compressed = false;
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
   * Keeps the seen states tree-compressed (tree-store.ts): the same states,
   * ids and results in about a third of the memory, somewhat slower. Exact
   * search on one thread only (not with workers or bitstate).
   */
  compress(on = true): this {
    this.compressed = on;
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

  /**
   * The fairness assumed by the liveness pass (default weak). Setting it also
   * asks for the pass when the model declares no liveness property: then it
   * checks that no process starves.
   */
  fairness(f: Fairness): this {
    this.fairnessGiven = f;
    return this;
  }

  /**
   * Checks deadlocks and invariants only, leaving out the liveness properties
   * the model declares (SPIN's -DSAFETY), so reductions that lose cycles can run.
   */
  safetyOnly(on = true): this {
    this.safety = on;
    return this;
  }

  /** Whether a liveness pass follows the search: the model declares liveness properties, or fairness was set. */
  get checksLiveness(): boolean {
    return !this.safety && ((this.compiled.model.liveness?.length ?? 0) > 0 || this.fairnessGiven !== undefined);
  }

  /** Why the liveness pass asked for cannot run (a fairness naming no process of the model, a reduction that loses cycles), or undefined. */
  private livenessConflict(): string | undefined {
    if (this.safety && this.fairnessGiven !== undefined) return '--safety-only leaves liveness out, and --fairness asks for it: give one of them';
    if (!this.checksLiveness) return undefined;
    // Checked before the search, so a misspelt name is not let through by a search that ends in a deadlock.
    const misfit = this.fairnessGiven && fairnessProblem(this.compiled, this.fairnessGiven);
    if (misfit) return misfit;
    const used = [
      ...(this.limits.symmetry ? ['--symmetry'] : []),
      ...(this.limits.por ? ['--por'] : []),
      ...(this.bitstateOptions ? ['--bitstate'] : []),
    ];
    if (used.length === 0) return undefined;
    // Say what turned liveness on: a model's own properties do so without any flag.
    const names = (this.compiled.model.liveness ?? []).map((p) => JSON.stringify(p.name)).join(', ');
    const cause = this.fairnessGiven !== undefined ? '--fairness turns the liveness check on' : `the model declares liveness properties (${names}), which turn the liveness check on`;
    return `${cause}; it runs on the exact, unreduced state graph, so ${used.join(', ')} cannot be used with it ` +
      '(a reduced graph keeps deadlocks and invariant violations but may lose or invent cycles, and a bit table keeps no graph); ' +
      (this.fairnessGiven !== undefined ? `drop --fairness or ${used.join(', ')}` : `give --safety-only to check deadlocks and invariants only, or drop ${used.join(', ')}`);
  }

  /** Explores to completion (or a limit) synchronously, on this thread. */
  run(): CheckResult {
    if (this.workerCount > 1 || this.bitstateOptions) throw new Error('workers and bitstate search need runAsync()');
    const conflict = this.livenessConflict();
    if (conflict) throw new ModelError(conflict);
    const search = createSearch(this.compiled, this.limits, Date.now, this.seenSet());
    while (!search.advance(CHUNK)) { /* keep going */ }
    return this.withLiveness(this.toResult(search.finish()), search.finish());
  }

  /** Explores in chunks, yielding to the event loop so progress and Ctrl-C get through. */
  async runAsync(options: RunAsyncOptions = {}): Promise<CheckResult> {
    const conflict = this.livenessConflict();
    if (conflict) throw new ModelError(conflict);
    if (this.limits.por && (this.bitstateOptions || this.workerCount > 1)) {
      throw new RangeError('partial-order reduction works with the exhaustive search on one thread only (not with workers or bitstate)');
    }
    if (this.compressed && this.bitstateOptions) throw new RangeError('--compress and --bitstate cannot be used together: --compress keeps every state (compressed), --bitstate keeps none');
    if (this.compressed && this.workerCount > 1) throw new RangeError(`--compress and --workers ${this.workerCount} cannot be used together: the compressed store is not shared between threads`);
    if (this.bitstateOptions) {
      const set = new BitstateSet(this.compiled.packer.words, this.bitstateOptions.log2Bits ?? 30, this.bitstateOptions.hashes ?? 3);
      const outcome = await drive(createSearch(this.compiled, this.limits, Date.now, () => set), options);
      // A bitstate search that ran out of states proves nothing.
      const completion = outcome.completion === 'complete' ? 'bitstate' : outcome.completion;
      return { ...this.toResult({ ...outcome, completion }), bitstate: set.stats() };
    }
    if (this.workerCount > 1) {
      const outcome = await runParallel(this.compiled, this.limits, { workers: this.workerCount, ...options });
      return this.withLiveness(this.toResult(outcome), outcome);
    }
    const outcome = await drive(createSearch(this.compiled, this.limits, Date.now, this.seenSet()), options);
    return this.withLiveness(this.toResult(outcome), outcome);
  }

  /** The exact seen-set to search with: the default store, or with `compress()` the tree-compressed one. */
  private seenSet(): (() => SeenSet) | undefined {
    const words = this.compiled.packer.words;
    return this.compressed ? () => new TreeStore(words) : undefined;
  }

  /**
   * After a complete search without a safety violation, the liveness pass;
   * its violation becomes the result's discovery (a lasso).
   */
  private withLiveness(result: CheckResult, outcome: SearchOutcome): CheckResult {
    if (!this.checksLiveness || result.verdict !== 'ok' || !outcome.store) return result;
    const cm = this.compiled;
    const fairness = this.fairnessGiven ?? { all: 'weak' };
    const symmetric = new Set(symmetryProblems(cm).length === 0
      ? cm.model.processes.filter((p) => p.symmetric && p.instances > 1).map((p) => p.name) : []);
    const pass = checkLiveness(cm, outcome.store, {
      fairness,
      starvation: (cm.model.liveness?.length ?? 0) === 0,
      symmetricTemplates: symmetric,
      ...(outcome.parentOf ? { parentOf: outcome.parentOf } : {}),
    });
    const liveness: LivenessStats = {
      properties: pass.properties,
      fairness: describeFairness(fairness),
      elapsedMs: pass.elapsedMs,
      bytesPerState: Math.round((pass.peakBytes / Math.max(1, outcome.store.count)) * 10) / 10,
    };
    const stats = { ...result.stats, elapsedMs: result.stats.elapsedMs + pass.elapsedMs };
    const v = pass.violation;
    if (!v) return { ...result, stats, liveness };
    const path = [...v.lasso.prefix, ...v.lasso.loop];
    let state = cm.initialState();
    for (const step of path) {
      const next = new Int32Array(cm.slotCount);
      if (!cm.runStep(step, state, next)) throw new Error('internal: a lasso step is not enabled');
      state = next;
    }
    return {
      ...result,
      stats,
      liveness,
      verdict: 'liveness',
      completion: 'violation',
      discovery: { kind: 'liveness', property: v.property, message: v.message, path, loopStart: v.lasso.prefix.length, state },
    };
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
      ...(this.safety ? { safetyOnly: true as const } : {}),
      ...(this.compressed ? { compressed: true as const } : {}),
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
