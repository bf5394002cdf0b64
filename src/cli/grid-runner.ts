/** Runs one model over a list of parameter combinations, with progress, for minimize and diff. */
import type { CheckReport } from '../explain/report.js';
import type { ModelDefinition } from '../model/definition.js';
import type { RunStart } from '../render/text.js';
import type { ParamValue } from './param-grid.js';
import type { Reporter } from './reporter.js';
import { runCheck } from './run-check.js';
import { symmetryProblems } from '../explore/symmetry.js';
import { compileModel } from '../explore/compile.js';
import { instantiate } from '../model/definition.js';

/**
 * Symmetry gives the same verdicts (tested over the dm-snapshot grid) at a
 * fraction of the states, so grid commands use it wherever it is sound.
 */
export function symmetrySound(def: ModelDefinition, params: Readonly<Record<string, ParamValue>>): boolean {
  const model = instantiate(def, params);
  // Liveness needs the unreduced graph.
  return (model.liveness?.length ?? 0) === 0 && symmetryProblems(compileModel(model)).length === 0;
}

export interface GridRun {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly report: CheckReport;
}

export async function checkOne(
  def: ModelDefinition,
  params: Readonly<Record<string, ParamValue>>,
  reporter: Reporter,
  signal: { readonly aborted: boolean },
  index: number,
  total: number,
): Promise<CheckReport> {
  const run: RunStart = { model: def.name, params, index, total };
  reporter.onStart(run);
  const report = await runCheck(def, params, { signal, onProgress: reporter.onProgress, symmetry: symmetrySound(def, params) });
  reporter.onFinish(run, { report });
  return report;
}

export const failed = (r: CheckReport) => r.result.verdict === 'deadlock' || r.result.verdict === 'invariant' || r.result.verdict === 'liveness';

/** How often a grid lets the event loop run between configurations. */
const YIELD_EVERY_MS = 20;

/**
 * Called before each configuration of a grid, lets a Ctrl-C in. A tiny
 * configuration's search finishes without ever yielding to the event loop,
 * so the SIGINT handler that sets `signal.aborted` would not run until the
 * whole grid had. This yields at the first call (a Ctrl-C while the grid was
 * being built) and then every few milliseconds, which costs next to nothing
 * beside yielding after every run; the next search then sees the signal and
 * stops as interrupted, as a Ctrl-C inside a long one does.
 */
export function signalTurns(everyMs = YIELD_EVERY_MS): () => Promise<void> {
  let lastYield: number | undefined;
  return async () => {
    const now = Date.now();
    if (lastYield !== undefined && now - lastYield < everyMs) return;
    lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
}
