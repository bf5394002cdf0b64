/** One check from a definition and raw parameters to a report, shared by every command. */
import { join } from 'node:path';
import { buildReport, type CheckReport } from '../explain/report.js';
import { check } from '../explore/check.js';
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
}

export async function runCheck(
  def: ModelDefinition,
  params: Readonly<Record<string, string | number>>,
  options: RunCheckOptions = {},
): Promise<CheckReport> {
  const model = instantiate(def, params);
  const checker = check(model);
  if (options.maxStates !== undefined) checker.maxStates(options.maxStates);
  if (options.maxMemoryBytes !== undefined) checker.maxMemoryBytes(options.maxMemoryBytes);
  const result = await checker.runAsync({ signal: options.signal, onProgress: options.onProgress });
  return buildReport(checker.compiled, result);
}

export function exitCodeOf(report: CheckReport): ExitCode {
  const r = report.result;
  if (r.verdict === 'deadlock' || r.verdict === 'invariant') return ExitCode.Violation;
  if (r.completion === 'interrupted') return ExitCode.Interrupted;
  if (r.completion !== 'complete') return ExitCode.Incomplete;
  return ExitCode.Ok;
}

/** Writes `result.json` and `report.txt` under `dir`; returns the paths written. */
export function writeCheckOutputs(dir: string, report: CheckReport): Record<string, string> {
  const files = { json: join(dir, 'result.json'), report: join(dir, 'report.txt') };
  writeFileAtomic(files.report, `${checkToText(report)}\n`);
  writeFileAtomic(files.json, `${JSON.stringify(checkToJson(report, { files }), null, 2)}\n`);
  return files;
}

/** Parses `512`, `512M`, `2G` (MiB by default) into bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 2 ** 20, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * unit;
}
