/** `interleave simulate <model> [params] --seed S --runs N`: seeded random schedules. */
import { takeModelArgument, takeModelParams } from '../model-command.js';
import { resolve } from 'node:path';
import { explainDiscovery } from '../../explain/counterexample.js';
import { compileModel } from '../../explore/compile.js';
import { createSimulation, DEFAULT_MAX_STEPS } from '../../explore/simulate.js';
import { instantiate } from '../../model/definition.js';
import { formatCount, plural } from '../../render/count.js';
import { simulationToJson, simulationToText, type SimulationReport } from '../../render/simulation.js';
import { parseArgs, takeInt, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel, modelFileOf } from '../load-model.js';
import { checkOutputFile, OutputWriter, resolveOutputFile } from '../out-dir.js';

export const SIMULATE_USAGE = `usage: interleave simulate <model> [--<param> <value> ...] [options]

Runs random schedules: each run starts from the initial state and takes a
uniformly random enabled step until it hits a deadlock or violated property,
until every process has stopped, or until --max-steps. Reports how many runs
hit a violation and shows the first. Proves nothing (use \`check\` for that),
but reaches deep states of spaces too large to explore.

Run i uses seed S+i, so any run is reproduced on its own with --seed S+i --runs 1.

<model>              a registered name (see \`interleave list\`) or a model file (.ts/.js)
--<param> <value>    a model parameter, e.g. --writers 2 --cow-threshold 1
--seed S             seed of run 0, 0..4294967295 (default: from the clock, printed)
--runs N             number of runs (default 100)
--max-steps K        steps per run before giving up on it (default ${DEFAULT_MAX_STEPS})
--json               print one JSON object (schema interleave/simulate@1)
--out FILE           also write that JSON to FILE (\`interleave replay FILE\` re-runs the first violation)

exit codes: 0 no run hit a violation, 1 some run did (also when interrupted
            after that), 2 bad usage or model, 130 interrupted before any did`;

/** Without --json, a line on stderr this often, so a long simulation in a CI log is seen to be running. */
const PROGRESS_MS = 5000;

const YIELD_MS = 25;

export async function simulateCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  const modelArg = await takeModelArgument(args, io, { command: 'simulate', usage: SIMULATE_USAGE, example: 'interleave simulate dm-snapshot/semaphore --writers 2 --seed 1 --runs 100' });
  if (modelArg === undefined) return ExitCode.Ok;
  const seedArg = takeInt(args, 'seed');
  if (seedArg !== undefined && seedArg > 0xffffffff) throw new UsageError(`--seed must be at most 4294967295, got ${seedArg}`);
  const runs = takeInt(args, 'runs', 1) ?? 100;
  const maxSteps = takeInt(args, 'max-steps', 1) ?? DEFAULT_MAX_STEPS;
  const out = takeString(args, 'out');
  const seed = seedArg ?? (Date.now() >>> 0);

  const def = await loadModel(modelArg, io);
  const model = instantiate(def, Object.fromEntries(takeModelParams(def, args, 'simulate')));
  const outFile = out !== undefined ? resolve(io.cwd, out) : undefined;
  if (out !== undefined) checkOutputFile(resolveOutputFile(io.cwd, out), `--out ${out}`);
  const writer = new OutputWriter();
  const cm = compileModel(model);
  const sim = createSimulation(cm, { seed, runs, maxSteps });
  const started = Date.now();
  let lastYield = started;
  let lastProgress = started;
  while (!io.signal.aborted && !sim.advance(16)) {
    if (Date.now() - lastYield >= YIELD_MS) {
      lastYield = Date.now();
      await new Promise<void>((r) => setImmediate(r));
    }
    if (!args.switches.has('json') && Date.now() - lastProgress >= PROGRESS_MS) {
      lastProgress = Date.now();
      const so = sim.result();
      io.stderr(`progress: ${model.name}: ${formatCount(so.runs)} of ${plural(runs, 'run')}, ${plural(so.violations, 'violating run')}, elapsed ${Math.round((lastProgress - started) / 1000)} s`);
    }
  }
  const result = sim.result();
  const report: SimulationReport = {
    model: model.name,
    params: model.params,
    result,
    ...(result.first?.discovery ? { counterexample: explainDiscovery(cm, result.first.discovery) } : {}),
    elapsedMs: Date.now() - started,
  };
  const modelFile = modelFileOf(modelArg, io);
  const json = { ...simulationToJson(report), ...(modelFile ? { modelFile } : {}) };
  const wrote = outFile !== undefined && await writer.write(outFile, `${JSON.stringify(json, null, 2)}\n`);
  if (args.switches.has('json')) io.stdout(JSON.stringify(json, null, 2));
  else io.stdout(`${simulationToText(report)}${wrote ? `\n\nwrote ${out}` : ''}`);
  return writer.finish(result.violations > 0 ? ExitCode.Violation : result.interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
}
