/**
 * A swarm job's part (`swarm --job I`) and the merge of all N: the
 * violation with the shortest trace any job found, or how much the jobs
 * covered without finding one.
 */
import { join } from 'node:path';
import type { Counterexample } from '../explain/counterexample.js';
import type { SwarmJobResult } from '../explore/swarm.js';
import type { ModelDefinition } from '../model/definition.js';
import { swarmSummaryLine, swarmToJson, swarmToText, type SwarmJobSummary, type SwarmReport, type SwarmSetup } from '../render/swarm.js';
import { ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import type { OutputWriter } from './out-dir.js';
import { modelVersion, partHeader, sha256, type LoadedPart, type Part } from './part-file.js';
import type { ReportMode } from './reporter.js';

/** What every job of one swarm shares, and the definition its directories are named after. */
export interface SwarmInput extends SwarmSetup {
  readonly definition: string;
}

export interface SwarmPartBody extends SwarmInput {
  readonly result: SwarmJobSummary;
  readonly counterexample?: Counterexample;
}

export function summarizeJob(r: SwarmJobResult): SwarmJobSummary {
  const { discovery, ...rest } = r;
  return { ...rest, ...(discovery ? { found: { property: discovery.property, steps: discovery.path.length } } : {}) };
}

export function swarmJobPart(def: ModelDefinition, input: SwarmInput, result: SwarmJobResult, counterexample: Counterexample | undefined, started: Date): Part<SwarmPartBody> {
  return {
    ...partHeader({
      kind: 'swarm',
      input: { source: `swarm ${input.model}`, sha256: sha256(JSON.stringify(input)) },
      models: { [def.name]: modelVersion(def, [input.params]) },
      shard: { index: result.job + 1, count: input.jobs },
      units: [`job ${result.job + 1}`],
      complete: result.stop !== 'interrupted',
      startedAt: started.toISOString(),
      elapsedMs: result.elapsedMs,
    }),
    body: { ...input, result: summarizeJob(result), ...(counterexample ? { counterexample } : {}) },
  };
}

/** The swarm the jobs make together. */
export function swarmReportOf(parts: ReadonlyArray<Pick<Part<SwarmPartBody>, 'body' | 'complete'>>): SwarmReport {
  const { model, params, jobs, seed, maxMemoryBytes, timeLimitMs } = parts[0].body;
  let found: SwarmReport['found'];
  for (const p of parts) {
    const cx = p.body.counterexample;
    if (cx && (!found || cx.trace.length < found.counterexample.trace.length)) found = { job: p.body.result.job, counterexample: cx };
  }
  return {
    model, params, jobs, seed, maxMemoryBytes,
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    results: parts.map((p) => p.body.result),
    ...(found ? { found } : {}),
    complete: parts.every((p) => p.complete),
  };
}

export function swarmExitCode(s: SwarmReport): ExitCode {
  if (s.found) return ExitCode.Violation;
  return s.complete ? ExitCode.Incomplete : ExitCode.Interrupted;
}

export async function mergeSwarm(
  parts: ReadonlyArray<LoadedPart<SwarmPartBody>>,
  o: { readonly io: CliIO; readonly mode: ReportMode; readonly writer: OutputWriter; readonly outDir: string; readonly relative: (p: string) => string },
): Promise<ExitCode> {
  const swarm = swarmReportOf(parts);
  const json = swarmToJson(swarm);
  const file = join(o.outDir, 'swarm.json');
  const wrote = await o.writer.write(file, `${JSON.stringify(json, null, 2)}\n`);
  if (o.mode === 'json') o.io.stdout(JSON.stringify(json, null, 2));
  else if (o.mode === 'quiet') o.io.stdout(swarmSummaryLine(swarm));
  else o.io.stdout(`${swarmToText(swarm)}${wrote ? `\n\nwrote ${o.relative(file)}` : ''}`);
  return o.writer.finish(swarmExitCode(swarm), o.io);
}
