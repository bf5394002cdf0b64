/**
 * `interleave swarm <model> [params] --jobs N --job I`: one job of a swarm
 * verification of a configuration too large to explore (see
 * explore/swarm.ts). Each job of a CI matrix runs its own diversified,
 * memory- and time-bounded search and writes its part; `interleave merge`
 * reports the violation any job found, or that none did.
 */
import { join, relative, resolve } from 'node:path';
import { explainDiscovery } from '../../explain/counterexample.js';
import { compileModel } from '../../explore/compile.js';
import { runSwarmJob } from '../../explore/swarm.js';
import { instantiate } from '../../model/definition.js';
import { swarmToJson, swarmToText } from '../../render/swarm.js';
import { parseArgs, takeInt, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { takeMaxMemory, takeModelArgument, takeModelParams } from '../model-command.js';
import { checkOutputDir, OutputWriter, runSlug } from '../out-dir.js';
import { writePart } from '../part-file.js';
import { swarmExitCode, swarmJobPart, swarmReportOf, type SwarmInput } from '../swarm-outputs.js';

export const DEFAULT_SWARM_MEMORY = 256 * 2 ** 20;
export const DEFAULT_SWARM_SECONDS = 600;

export const SWARM_USAGE = `usage: interleave swarm <model> [--<param> <value> ...] --jobs N --job I [options]

Swarm verification (after SPIN's): for one configuration too large to explore
exhaustively, N small independent searches, each bounded in memory and time
and each diversified (job I's own seeded process order or per-state shuffle,
and its own hash functions), depth-first with a bitstate seen-set. Together
they reach deep violations an exhaustive search runs out of memory before.
Run job I of N in each job of a CI matrix, then \`interleave merge\` the N out
directories: it reports any violation found, with a trace \`interleave replay\`
re-runs, or "no violation found by N jobs covering about X states
(estimated)": verdict unknown, never ok.

--jobs N             how many jobs the swarm has (1..1000)
--job I              which one this is, 1..N
--seed S             the swarm's seed (default 1); job I derives its own
--max-memory SIZE    this job's bit table and stack together (default 256M)
--time SECONDS       stop this job after SECONDS (default ${DEFAULT_SWARM_SECONDS})
--out DIR            where this job's part.json goes (default out/swarm/<model>/job-I)
--json               print this job's findings as JSON (schema interleave/swarm@1)

exit codes: 1 this job found a violation, 3 it found none (no verdict),
            2 bad usage or model, 130 interrupted`;

export async function swarmCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  const modelArg = await takeModelArgument(args, io, { command: 'swarm', usage: SWARM_USAGE, example: 'interleave swarm dm-snapshot/in-progress --mutant lost-wakeup --writers 4 --bios 2 --jobs 4 --job 1' });
  if (modelArg === undefined) return ExitCode.Ok;
  const jobs = takeInt(args, 'jobs', 1);
  const job = takeInt(args, 'job', 1);
  if (jobs === undefined || job === undefined) throw new UsageError('swarm needs --jobs N and --job I', 'e.g. --jobs 4 --job 1 (in GitHub Actions: --job ${{ matrix.job }})');
  if (jobs > 1000) throw new UsageError(`--jobs must be 1..1000, got ${jobs}`);
  if (job > jobs) throw new UsageError(`--job ${job} is beyond --jobs ${jobs}`, 'jobs are numbered 1..N');
  const seed = takeInt(args, 'seed') ?? 1;
  if (seed > 0xffffffff) throw new UsageError(`--seed must be at most 4294967295, got ${seed}`);
  const seconds = takeInt(args, 'time', 1) ?? DEFAULT_SWARM_SECONDS;
  const maxMemoryBytes = takeMaxMemory(args) ?? DEFAULT_SWARM_MEMORY;
  if (maxMemoryBytes < 2 ** 20) throw new UsageError('--max-memory must be at least 1M for a swarm job');
  const outText = takeString(args, 'out');

  const def = await loadModel(modelArg, io);
  const model = instantiate(def, Object.fromEntries(takeModelParams(def, args, 'swarm')));
  const cm = compileModel(model);
  const outDir = resolve(io.cwd, outText ?? join('out', 'swarm', runSlug(def.name, {}), `job-${job}`));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : relative(io.cwd, outDir));
  const input: SwarmInput = { definition: def.name, model: model.name, params: model.params, jobs, seed, maxMemoryBytes, timeLimitMs: seconds * 1000 };
  const started = new Date();
  const result = await runSwarmJob(cm, { job: job - 1, jobs, seed, maxMemoryBytes, timeLimitMs: seconds * 1000 }, {
    signal: io.signal,
    yieldNow: () => new Promise<void>((r) => setImmediate(r)),
  });
  const counterexample = result.discovery ? explainDiscovery(cm, result.discovery) : undefined;
  const part = swarmJobPart(def, input, result, counterexample, started);
  const writer = new OutputWriter();
  const file = await writer.attempt(join(outDir, 'part.json'), () => writePart(outDir, part));
  // This job alone, as the merge would report it.
  const alone = swarmReportOf([part]);
  if (args.switches.has('json')) io.stdout(JSON.stringify(swarmToJson(alone), null, 2));
  else io.stdout(`job ${job}/${jobs}: ${swarmToText(alone)}${file ? `\n\nwrote ${relative(io.cwd, file)}: merge the ${jobs} jobs' directories with interleave merge` : ''}`);
  return writer.finish(swarmExitCode(alone), io);
}
