/** One check from a definition and raw parameters to a report, shared by every command. */
import { rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { buildReport, type CheckReport } from '../explain/report.js';
import type { ExploredLevels } from '../explore/bfs.js';
import { check } from '../explore/check.js';
import type { Fairness } from '../explore/liveness.js';
import type { ProgressEvent } from '../explore/result.js';
import { instantiate, type ModelDefinition } from '../model/definition.js';
import { checkToJson } from '../render/json.js';
import { checkToText } from '../render/text.js';
import { ExitCode } from './exit-codes.js';
import { writeFileAtomic } from './out-dir.js';

export interface RunCheckOptions {
  readonly maxStates?: number;
  readonly maxMemoryBytes?: number;
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Symmetry reduction over interchangeable processes. */
  readonly symmetry?: boolean;
  /** Expansion worker threads (1 = none). */
  readonly workers?: number;
  /** Partial-order reduction. */
  readonly por?: boolean;
  /** Bitstate search with a table of 2^log2Bits bits. */
  readonly bitstateBits?: number;
  /** Fairness for the liveness pass (and ask for the pass even if the model declares no liveness property). */
  readonly fairness?: Fairness;
  /** Deadlocks and invariants only: the model's liveness properties are left out. */
  readonly safetyOnly?: boolean;
  /** Keep the seen states tree-compressed. */
  readonly compress?: boolean;
}

export async function runCheck(
  def: ModelDefinition,
  params: Readonly<Record<string, string | number>>,
  options: RunCheckOptions = {},
): Promise<CheckReport> {
  const model = instantiate(def, params);
  const checker = check(model);
  if (options.maxStates !== undefined) checker.maxStates(options.maxStates);
  checker.maxMemoryBytes(options.maxMemoryBytes ?? defaultMemoryCap());
  if (options.symmetry) checker.symmetry();
  if (options.por) checker.por();
  if (options.workers !== undefined) checker.workers(options.workers);
  if (options.bitstateBits !== undefined) checker.bitstate({ log2Bits: options.bitstateBits });
  if (options.fairness !== undefined) checker.fairness(options.fairness);
  if (options.safetyOnly) checker.safetyOnly();
  if (options.compress) checker.compress();
  let explored: ExploredLevels | undefined;
  const result = await checker.runAsync({ signal: options.signal, onProgress: options.onProgress, onExplored: (levels) => { explored = levels; } });
  const limits = { maxMemoryBytes: options.maxMemoryBytes ?? defaultMemoryCap(), ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}) };
  return { ...buildReport(checker.compiled, result, explored), limits };
}

export function exitCodeOf(report: CheckReport): ExitCode {
  const r = report.result;
  if (r.verdict === 'deadlock' || r.verdict === 'invariant' || r.verdict === 'liveness') return ExitCode.Violation;
  if (r.completion === 'interrupted') return ExitCode.Interrupted;
  if (r.completion !== 'complete') return ExitCode.Incomplete;
  return ExitCode.Ok;
}

/** The interactive explorer of a run's counterexample, beside its diagrams. */
export const EXPLORER_FILE = 'explorer.html';

export interface WriteOutputsOptions {
  /** Draw the state graph only up to this many states (`--max-nodes`). */
  readonly maxNodes?: number;
  /** The model file checked (absolute), recorded so `replay` finds it without --model. */
  readonly modelFile?: string;
}

/**
 * Writes `result.json`, `report.txt` and, for a counterexample, its diagrams
 * (`waitfor`, `trace`, `states` as .dot and .svg) and `explorer.html` under
 * `dir`; returns the paths written by kind. Every file is written atomically;
 * an explorer a previous run left there is removed when this run has none.
 */
export async function writeCheckOutputs(dir: string, report: CheckReport, options: WriteOutputsOptions = {}): Promise<Record<string, string>> {
  // Imported here: DOT, Graphviz and the explorer load only when files are written.
  const { writeDiagrams } = await import('./diagrams.js');
  const { writeReportExplorer } = await import('./explorer-file.js');
  const diagrams = await writeDiagrams(dir, report, options);
  const explorerPath = join(dir, EXPLORER_FILE);
  const explorer = await writeReportExplorer(explorerPath, report);
  if (!explorer) rmSync(explorerPath, { force: true });
  const files = { json: join(dir, 'result.json'), report: join(dir, 'report.txt'), ...diagrams.files, ...(explorer ? { explorer } : {}) };
  const note = diagrams.stateGraph && !diagrams.stateGraph.drawn ? `\n\n${diagrams.stateGraph.reason}` : '';
  writeFileAtomic(files.report, `${checkToText(report)}${note}\n`);
  const extra = { ...(options.modelFile ? { modelFile: options.modelFile } : {}), files, ...(diagrams.stateGraph ? { stateGraph: diagrams.stateGraph } : {}) };
  writeFileAtomic(files.json, `${JSON.stringify(checkToJson(report, extra), null, 2)}\n`);
  return files;
}

/**
 * Without --max-memory a search stops cleanly (exit 3, partial report) at 60%
 * of the machine's memory, rather than being killed by the kernel.
 */
export function defaultMemoryCap(): number {
  return Math.floor(totalmem() * 0.6);
}

/** Parses `512`, `512M`, `1.5G` (MiB by default) into whole bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 2 ** 20, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.floor(Number(m[1]) * unit);
}
