/**
 * What a gate writes and prints at its end, from a GateReport: one path for
 * an unsharded `interleave gate` and for `interleave merge` of its shards
 * (merge = render(union of the shards' results)), so both write the same
 * junit.xml, summary.md and gate.json. Also a shard's part of a gate.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gatePassed, type GateCase, type GateCheck, type GateParams, type GateReport } from '../explain/gate.js';
import type { CheckReport } from '../explain/report.js';
import type { FinalReport } from '../render/final-report.js';
import { gateToJson } from '../render/gate-json.js';
import { gateSummaryLine, gateToMarkdown } from '../render/gate-summary.js';
import { gateToJunit } from '../render/junit.js';
import { ExitCode } from './exit-codes.js';
import type { GateFile } from './gate-file.js';
import type { CliIO } from './io.js';
import { clearOldRunFolders, type OutputWriter } from './out-dir.js';
import { modelVersion, partHeader, sha256, type Part } from './part-file.js';
import type { Reporter, ReportMode } from './reporter.js';
import { unitKey, type Shard, type ShardUnit } from './shard.js';

/** Removes case directories an earlier gate run wrote (those holding a result.json), so none shows a stale result. */
export function clearOldCases(dir: string): void {
  clearOldRunFolders(dir, 'result.json');
}

/** The exploration a gate case needs: configurations shared by checks with the same reductions are explored once. */
export function gateUnitKey(check: Pick<GateCheck, 'model' | 'symmetry' | 'fairness'>, params: GateParams): string {
  // Fairness changes the liveness verdict: a check with other fairness is another exploration.
  return unitKey(check.model, params, [...(check.symmetry ? ['symmetry'] : []), ...(check.fairness !== undefined ? [`fairness=${check.fairness}`] : [])]);
}

/** The gate's explorations, each once, in the order the gate first needs them. */
export function gateUnits(gate: Pick<GateFile, 'checks'>): ShardUnit[] {
  const seen = new Set<string>();
  const units: ShardUnit[] = [];
  for (const check of gate.checks) {
    for (const params of check.configurations) {
      const key = gateUnitKey(check, params);
      if (seen.has(key)) continue;
      seen.add(key);
      units.push({ key, model: check.model, params });
    }
  }
  return units;
}

export interface FinishGateOptions {
  readonly io: CliIO;
  readonly mode: ReportMode;
  readonly reporter: Reporter;
  /** Collects a failed write instead of losing the verdict to it. */
  readonly writer: OutputWriter;
  readonly outDir: string;
  /** When the gate began (the JUnit timestamp). */
  readonly started: Date;
  /** Shortens a path for display (relative to the working directory). */
  readonly relative: (path: string) => string;
}

/** Writes junit.xml, summary.md and gate.json, prints the final report, and returns the gate's exit code. */
export async function finishGate(gate: GateReport, o: FinishGateOptions): Promise<ExitCode> {
  const json = gateToJson(gate);
  const written: string[] = [];
  for (const [path, text] of [
    [join(o.outDir, 'junit.xml'), gateToJunit(gate, { timestamp: o.started })],
    // Links in summary.md resolve from its own folder, wherever the artifact is unpacked.
    [join(o.outDir, 'summary.md'), gateToMarkdown(gate, { relative: o.relative, link: (p) => relative(o.outDir, resolve(o.io.cwd, p)) })],
    [join(o.outDir, 'gate.json'), `${JSON.stringify(json, null, 2)}\n`],
  ]) {
    if (await o.writer.write(path, text)) written.push(path);
  }
  const final: FinalReport = { kind: 'gate', gate, written: written.map(o.relative) };
  if (o.mode === 'json') o.io.stdout(JSON.stringify(json, null, 2));
  else if (o.mode === 'quiet') o.io.stdout(gateSummaryLine(gate));
  else await o.reporter.close(final);
  return o.writer.finish(!gate.complete ? ExitCode.Interrupted : gatePassed(gate) ? ExitCode.Ok : ExitCode.Violation, o.io);
}

/** A gate case as a part carries it: the report without its model (the renderers never read it), files relative to the part's directory. */
export type PartCase = Omit<GateCase, 'report'> & { readonly report: Omit<CheckReport, 'model'> };

export interface GatePartBody {
  readonly source: string;
  readonly checks: readonly GateCheck[];
  readonly cases: readonly PartCase[];
}

export interface GatePartOptions {
  readonly shard: Shard;
  readonly units: readonly string[];
  readonly started: Date;
  readonly outDir: string;
  readonly cwd: string;
}

/** A shard's part of a gate: its cases, and what must agree with the other parts. */
export function gateShardPart(file: GateFile, gate: GateReport, o: GatePartOptions): Part<GatePartBody> {
  const models: Record<string, string> = {};
  for (const [name, def] of file.models) models[name] = modelVersion(def, file.checks.filter((c) => c.model === name).flatMap((c) => c.configurations));
  const underOut = (p: string) => relative(o.outDir, resolve(o.cwd, p));
  return {
    ...partHeader({
      kind: 'gate',
      input: { source: file.source, sha256: sha256(readFileSync(resolve(o.cwd, file.source), 'utf8')) },
      models,
      shard: o.shard,
      units: o.units,
      complete: gate.complete,
      startedAt: o.started.toISOString(),
      elapsedMs: gate.elapsedMs,
    }),
    body: {
      source: gate.source,
      checks: gate.checks,
      cases: gate.cases.map(({ report, files, ...rest }) => {
        const { model: _model, ...kept } = report;
        return { ...rest, report: kept, ...(files ? { files: Object.fromEntries(Object.entries(files).map(([k, p]) => [k, underOut(p)])) } : {}) };
      }),
    },
  };
}
