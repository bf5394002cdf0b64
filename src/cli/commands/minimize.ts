/**
 * `interleave minimize <model> --writers 1..8 --cow-threshold 0..4 --ctrs 0..2`:
 * the smallest configurations that fail. Configurations are tried in order
 * of size (the sum of the integer parameters, then in the order given); one
 * that is at least as large as a known failure in every integer parameter,
 * with the same choice for every other parameter, is not minimal and is skipped.
 */
import { join, resolve } from 'node:path';
import { resolveParams } from '../../model/definition.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { checkOutputDir, OutputWriter, runSlug } from '../out-dir.js';
import { buildParamGrid, expandGrid } from '../param-grid.js';
import { comboSize, dominates, finishMinimize, minimizeFailure, type MinimizeFailure, type MinimizePartBody } from '../grid-outputs.js';
import { modelVersion, partHeader, sha256, writePart, type Part } from '../part-file.js';
import { shardText, takeShardOptions, unitKey, unitsOf } from '../shard.js';
import { createReporter } from '../reporter.js';
import { checkOne, failed, signalTurns } from '../grid-runner.js';
import { takeModelArgument, takeModelParams } from '../model-command.js';

export const MINIMIZE_USAGE = `usage: interleave minimize <model> [--<param> VALUES ...] [--json] [--out DIR] [--shard I/N [--costs FILE]]

Finds the smallest failing configurations: tries the grid in order of size
(sum of the integer parameters) and skips any configuration that is at least
as large as a known failure in every integer parameter (with the same value
for the others). Prints each minimal failure with its verdict, the length of
its shortest counterexample and why it fails (the cycle or dead end); the
counterexamples themselves (traces) are in DIR/minimize.json, and
\`interleave check\` with that configuration shows one in full. A grid may
have at most 1,000,000 configurations.

example:
  interleave minimize dm-snapshot/semaphore --writers 1..8 --cow-threshold 0..4 --ctrs 0..2

Uses symmetry reduction where it is sound (same verdicts, far fewer states).
Writes DIR/minimize.json (default out/minimize/<model>). Exit codes: 0 done,
2 bad usage or model, 130 interrupted.`;

export async function minimizeCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  const modelArg = await takeModelArgument(args, io, { command: 'minimize', usage: MINIMIZE_USAGE, example: 'interleave minimize dm-snapshot/semaphore --writers 1..4 --ctrs 0..2', valuesAre: 'VALUES' });
  if (modelArg === undefined) return ExitCode.Ok;
  const outText = takeString(args, 'out');
  const { shard, costs } = takeShardOptions(args, io.cwd);
  const def = await loadModel(modelArg, io);
  const grid = buildParamGrid(def, takeModelParams(def, args, 'minimize'));
  const combos = expandGrid(grid);
  for (const c of combos) resolveParams(def, c);
  const units = combos.map((c) => ({ key: unitKey(def.name, c), model: def.name, params: c }));
  const mine = shard ? unitsOf(units, shard, costs) : undefined;
  const dealt = combos.map((_, i) => i).filter((i) => !mine || mine.has(units[i].key));
  // Stable sort: by size, then as the grid enumerates them.
  const ordered = [...dealt].sort((a, b) => comboSize(combos[a]) - comboSize(combos[b]) || a - b);
  const outDir = resolve(io.cwd, outText ?? join('out', 'minimize', runSlug(def.name, {})));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : outDir);
  const writer = new OutputWriter();
  const json = args.switches.has('json');
  const reporter = await createReporter(io, { mode: json ? 'json' : 'human', multiRun: true });
  const failures: MinimizeFailure[] = [];
  let checked = 0;
  let skipped = 0;
  let interrupted = false;
  const started = Date.now();
  const letSignalsIn = signalTurns();
  try {
    for (const i of ordered) {
      await letSignalsIn();
      const combo = combos[i];
      if (failures.some((m) => dominates(combo, m.params))) {
        skipped++;
        continue;
      }
      const report = await checkOne(def, combo, reporter, io.signal, checked + skipped + 1, ordered.length);
      checked++;
      if (report.result.completion === 'interrupted') {
        interrupted = true;
        break;
      }
      if (failed(report)) failures.push(minimizeFailure(i, combo, report));
    }
  } finally {
    await reporter.dispose();
  }
  const elapsedMs = Date.now() - started;
  if (shard) {
    const part: Part<MinimizePartBody> = {
      ...partHeader({
        kind: 'minimize',
        input: { source: `minimize ${def.name} ${grid.axes.map((a) => `--${a.name} ${a.values.join(',')}`).join(' ')}`, sha256: sha256(JSON.stringify([def.name, grid.axes])) },
        models: { [def.name]: modelVersion(def, combos) },
        shard,
        units: dealt.map((i) => units[i].key),
        complete: !interrupted,
        startedAt: new Date(started).toISOString(),
        elapsedMs,
      }),
      body: { model: def.name, axes: grid.axes, dealt, failures, checked, skipped },
    };
    const file = await writer.attempt(join(outDir, 'part.json'), () => writePart(outDir, part));
    io.stdout(`interleave minimize ${def.name} shard ${shardText(shard)}: ${interrupted ? 'INTERRUPTED: ' : ''}${checked} checked, ${skipped} skipped, ${failures.length} failing${file ? `; wrote ${file}: merge all ${shard.count} parts with interleave merge` : ''}`);
    return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
  }
  return finishMinimize({ model: def.name, axes: grid.axes, failures, checked, skipped, complete: !interrupted, elapsedMs }, { io, json, writer, outDir });
}
