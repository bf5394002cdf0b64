/**
 * `interleave sweep <model> --writers 1..4 --ctrs 0..2 ...`: checks every
 * combination of the given parameter values and prints the matrix of
 * verdicts, so a kernel developer sees under which conditions a design
 * fails. Writes the same as Markdown and JSON under --out.
 */
import { takeFairness, takeMaxMemory, takeModelArgument, takeModelParams } from '../model-command.js';
import { join, relative, resolve } from 'node:path';
import { resolveParams } from '../../model/definition.js';
import type { SweepReport, SweepRun } from '../../render/sweep.js';
import type { RunEntry, RunStart } from '../../render/text.js';
import { parseArgs, takeInt, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { checkOutputDir, clearOldRunFolders, OutputWriter, runSlug } from '../out-dir.js';
import { writePart } from '../part-file.js';
import { shardText, takeShardOptions, unitsOf } from '../shard.js';
import { finishSweep, sweepShardPart, sweepUnits, type SweepInput } from '../sweep-outputs.js';
import { buildParamGrid, expandGrid } from '../param-grid.js';
import { createReporter } from '../reporter.js';
import { writeReportExplorer } from '../explorer-file.js';
import { EXPLORER_FILE, runCheck } from '../run-check.js';
import { signalTurns } from '../grid-runner.js';

export const SWEEP_USAGE = `usage: interleave sweep <model> [--<param> VALUES ...] [options]

Checks every combination of the given parameter values and prints a matrix of
verdicts: under which conditions does the design fail? Writes the matrix and
one row per run as DIR/sweep.md and DIR/sweep.json, and each counterexample's
interactive explorer as DIR/<configuration>/explorer.html.

<model>              a registered name (see \`interleave list\`) or a model file (.ts/.js)
--<param> VALUES     one value (3), a range (1..4) or a list (a,b or 0,2..4);
                     parameters not given keep their defaults; at most
                     1,000,000 configurations in all
--out DIR            where sweep.md and sweep.json go (default out/sweep/<model>)
--json               print only the sweep JSON (schema interleave/sweep@1)
--quiet              print only the summary line
--max-states N       per configuration: stop after N states (its cell reads unknown)
--max-memory SIZE    per configuration: stop when the state store exceeds SIZE
--shard I/N          run only shard I of N (a CI matrix job), balanced by
                     estimated cost; writes DIR/part.json instead of the matrix;
                     \`interleave merge\` of all N parts writes sweep.md and
                     sweep.json, equal to an unsharded sweep's
--costs FILE         with --shard: balance by an earlier run's sweep.json
--fairness F         liveness fairness (none|weak|strong, or per process), as for check

The matrix's columns are the values of the last parameter given with more than
one value; its rows, every combination of the others.

exit codes: 0 the sweep completed, whatever it found (a sweep reports, it does
            not judge), 2 bad usage or model, 130 interrupted (partial matrix printed),
            4 completed but files under --out could not be written

example:
  interleave sweep dm-snapshot/semaphore --writers 1..4 --cow-threshold 0..2 --ctrs 0..2 --rwsem writer-fair,reader-preferring`;

export async function sweepCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'quiet', 'help']));
  const modelArg = await takeModelArgument(args, io, { command: 'sweep', usage: SWEEP_USAGE, example: 'interleave sweep dm-snapshot/semaphore --writers 1..4 --ctrs 0..2', valuesAre: 'VALUES' });
  if (modelArg === undefined) return ExitCode.Ok;
  const outText = takeString(args, 'out');
  const maxStates = takeInt(args, 'max-states', 1);
  const maxMemoryBytes = takeMaxMemory(args);
  const { shard, costs } = takeShardOptions(args, io.cwd);
  const fairness = takeFairness(args);

  const def = await loadModel(modelArg, io);
  const grid = buildParamGrid(def, takeModelParams(def, args, 'sweep'));
  const combos = expandGrid(grid);
  // Validate every combination before anything runs (and before the UI takes the terminal).
  for (const c of combos) resolveParams(def, c);
  const outDir = resolve(io.cwd, outText ?? join('out', 'sweep', runSlug(def.name, {})));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : outDir);
  const writer = new OutputWriter();
  const mode = args.switches.has('json') ? 'json' : args.switches.has('quiet') ? 'quiet' : 'human';

  const units = sweepUnits(def, combos);
  const mine = shard ? unitsOf(units, shard, costs) : undefined;
  const dealt = combos.map((_, i) => i).filter((i) => !mine || mine.has(units[i].key));
  const started = Date.now();
  const done: Array<{ index: number; entry: RunEntry }> = [];
  const explorers: string[] = [];
  let interrupted = false;
  const reporter = await createReporter(io, { mode, multiRun: true });
  const letSignalsIn = signalTurns();
  // An earlier sweep's explorers would sit beside this one's, for configurations it may not have.
  await writer.attempt(outDir, () => clearOldRunFolders(outDir, EXPLORER_FILE));
  try {
    for (const [n, i] of dealt.entries()) {
      await letSignalsIn();
      const combo = combos[i];
      // Announced with the swept parameters only; the report has them all.
      const run: RunStart = { model: def.name, params: combo, index: n + 1, total: dealt.length };
      reporter.onStart(run);
      const report = await runCheck(def, combo, { maxStates, maxMemoryBytes, signal: io.signal, onProgress: reporter.onProgress, fairness });
      // Each counterexample gets its explorer, in a folder named after the configuration.
      const explorerPath = join(outDir, runSlug(def.name, combo), EXPLORER_FILE);
      const explorer = await writer.attempt(explorerPath, () => writeReportExplorer(explorerPath, report));
      if (explorer) explorers.push(explorer);
      const entry: RunEntry = { report, ...(explorer ? { files: { explorer } } : {}) };
      done.push({ index: i, entry });
      reporter.onFinish(run, entry);
      if (report.result.completion === 'interrupted') {
        interrupted = true;
        break;
      }
    }
    if (shard) {
      const input: SweepInput = { model: def.name, axes: grid.axes, ...(maxStates !== undefined ? { maxStates } : {}), ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}) };
      const part = sweepShardPart(def, input, combos, done, { shard, dealt, units: dealt.map((i) => units[i].key), started: new Date(started), complete: !interrupted, outDir });
      const file = await writer.attempt(join(outDir, 'part.json'), () => writePart(outDir, part));
      await reporter.dispose();
      io.stdout(`interleave sweep ${def.name} shard ${shardText(shard)}: ${interrupted ? 'INTERRUPTED after ' : ''}${done.length} of ${dealt.length} configurations (${((Date.now() - started) / 1000).toFixed(2)} s)${file ? `; wrote ${file}: merge all ${shard.count} parts with interleave merge` : ''}`);
      return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
    }
    const byIndex = new Map(done.map((d) => [d.index, d.entry]));
    const sweep: SweepReport = {
      model: def.name,
      axes: grid.axes,
      runs: combos.map((params, i): SweepRun => { const entry = byIndex.get(i); return entry ? { params, entry } : { params }; }),
      complete: !interrupted,
      elapsedMs: Date.now() - started,
    };
    return await finishSweep(sweep, { io, mode, reporter, writer, outDir, explorers });
  } finally {
    await reporter.dispose();
  }
}

