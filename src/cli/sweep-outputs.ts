/**
 * What a sweep writes and prints at its end, from a SweepReport: one path
 * for an unsharded `interleave sweep` and for `interleave merge` of its
 * shards. Also a shard's part of a sweep and the merge of such parts.
 */
import { cpSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CheckReport } from '../explain/report.js';
import { resolveParams, type ModelDefinition } from '../model/definition.js';
import type { FinalReport } from '../render/final-report.js';
import { sweepSummaryLine, sweepToJson, sweepToMarkdown, type SweepAxis, type SweepReport, type SweepRun } from '../render/sweep.js';
import type { RunEntry } from '../render/text.js';
import { ExitCode } from './exit-codes.js';
import { UsageError, type CliIO } from './io.js';
import { expandGrid } from './param-grid.js';
import { displayPath, type OutputWriter } from './out-dir.js';
import { modelVersion, partHeader, sha256, type LoadedPart, type Part } from './part-file.js';
import type { Reporter, ReportMode } from './reporter.js';
import { unitKey, type Shard, type ShardUnit } from './shard.js';

export interface FinishSweepOptions {
  readonly io: CliIO;
  readonly mode: ReportMode;
  readonly reporter: Reporter;
  /** Collects a failed write instead of losing the report to it. */
  readonly writer: OutputWriter;
  readonly outDir: string;
  /** The explorer files written for the counterexamples, to list with the rest. */
  readonly explorers: readonly string[];
}

/** Writes sweep.md and sweep.json, prints the final report, and returns the sweep's exit code. */
export async function finishSweep(sweep: SweepReport, o: FinishSweepOptions): Promise<ExitCode> {
  const json = sweepToJson(sweep);
  const written: string[] = [];
  // Links in sweep.md resolve from its own folder.
  for (const [path, text] of [[join(o.outDir, 'sweep.md'), sweepToMarkdown(sweep, { link: (p) => relative(o.outDir, p) })], [join(o.outDir, 'sweep.json'), `${JSON.stringify(json, null, 2)}\n`]]) {
    if (await o.writer.write(path, text)) written.push(path);
  }
  written.push(...o.explorers);
  const final: FinalReport = { kind: 'sweep', sweep, written: written.map((p) => displayPath(o.io.cwd, p)) };
  if (o.mode === 'json') o.io.stdout(JSON.stringify(json, null, 2));
  else if (o.mode === 'quiet') o.io.stdout(sweepSummaryLine(sweep));
  else await o.reporter.close(final);
  return o.writer.finish(sweep.complete ? ExitCode.Ok : ExitCode.Interrupted, o.io);
}

/** A sweep's units: one per combination, keyed by its full parameters (as sweep.json records them, for --costs). */
export function sweepUnits(def: ModelDefinition, combos: ReadonlyArray<Readonly<Record<string, string | number>>>): ShardUnit[] {
  return combos.map((c) => ({ key: unitKey(def.name, resolveParams(def, c)), model: def.name, params: c }));
}

/** What must be the same for two sweep shards to be parts of one sweep. */
export interface SweepInput {
  readonly model: string;
  readonly axes: readonly SweepAxis[];
  readonly maxStates?: number;
  readonly maxMemoryBytes?: number;
}

export interface SweepPartBody {
  readonly input: SweepInput;
  /** Indexes (grid order) of the combinations dealt to this shard. */
  readonly dealt: readonly number[];
  /** The runs this shard did, by their index in grid order; reports without their model. */
  readonly runs: ReadonlyArray<{ readonly index: number; readonly entry: { readonly report: Omit<CheckReport, 'model'>; readonly files?: Readonly<Record<string, string>> } }>;
}

export function sweepShardPart(
  def: ModelDefinition,
  input: SweepInput,
  combos: ReadonlyArray<Readonly<Record<string, string | number>>>,
  done: ReadonlyArray<{ readonly index: number; readonly entry: RunEntry }>,
  o: { readonly shard: Shard; readonly dealt: readonly number[]; readonly units: readonly string[]; readonly started: Date; readonly complete: boolean; readonly outDir: string },
): Part<SweepPartBody> {
  const source = `sweep ${input.model} ${input.axes.map((a) => `--${a.name} ${a.values.join(',')}`).join(' ')}`.trim();
  return {
    ...partHeader({
      kind: 'sweep',
      input: { source, sha256: sha256(JSON.stringify(input)) },
      models: { [def.name]: modelVersion(def, combos) },
      shard: o.shard,
      units: o.units,
      complete: o.complete,
      startedAt: o.started.toISOString(),
      elapsedMs: Date.now() - o.started.getTime(),
    }),
    body: {
      input,
      dealt: o.dealt,
      runs: done.map(({ index, entry }) => {
        const { model: _model, ...report } = entry.report;
        // Files (a counterexample's explorer) relative to the part's directory, which merge copies from.
        return { index, entry: { report, ...(entry.files ? { files: Object.fromEntries(Object.entries(entry.files).map(([k, p]) => [k, relative(o.outDir, p)])) } : {}) } };
      }),
    },
  };
}

/** The sweep the parts make together, in grid order; stops at the first run missing (an interrupted shard). Copies each counterexample's explorer. */
export async function mergeSweep(parts: ReadonlyArray<LoadedPart<SweepPartBody>>, o: Omit<FinishSweepOptions, 'explorers'>): Promise<ExitCode> {
  const { input } = parts[0].body;
  const combos = expandGrid({ model: input.model, axes: input.axes });
  const dealt = new Array<number>(combos.length).fill(0);
  for (const p of parts) for (const i of p.body.dealt) dealt[i] = (dealt[i] ?? 0) + 1;
  if (dealt.length !== combos.length || dealt.some((n) => n !== 1)) {
    throw new UsageError('merge: the shards did not split the sweep the same way (some combinations were dealt to no shard or to two)', 'run every shard with the same --costs file, or none');
  }
  const byIndex = new Map<number, { entry: SweepPartBody['runs'][number]['entry']; part: LoadedPart<SweepPartBody> }>();
  for (const part of parts) for (const r of part.body.runs) byIndex.set(r.index, { entry: r.entry, part });
  let complete = parts.every((p) => p.complete);
  let stopped = false;
  const explorers: string[] = [];
  const runs: SweepRun[] = [];
  for (const [i, params] of combos.entries()) {
    const hit = stopped ? undefined : byIndex.get(i);
    if (!hit) {
      stopped = true;
      complete = false;
      runs.push({ params });
      continue;
    }
    const { entry, part } = hit;
    if (entry.report.result.completion === 'interrupted') stopped = true;
    let files: Record<string, string> | undefined;
    if (entry.files) {
      files = {};
      for (const [kind, p] of Object.entries(entry.files)) {
        const to = join(o.outDir, p);
        await o.writer.attempt(to, () => cpSync(join(part.dir, dirname(p)), dirname(to), { recursive: true }));
        files[kind] = to;
        explorers.push(to);
      }
    }
    runs.push({ params, entry: { report: entry.report, ...(files ? { files } : {}) } });
  }
  const sweep: SweepReport = { model: input.model, axes: input.axes, runs, complete, elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)) };
  return finishSweep(sweep, { ...o, explorers });
}
