/**
 * `interleave diff <modelA> <modelB> [--<param> VALUES ...]`: both designs over
 * the same grid, and the configurations where their verdicts differ. A model
 * may carry fixed parameters after a colon, so the fix can be compared with
 * its mutants: `dm-snapshot/in-progress:mutant=lost-wakeup`.
 */
import { join, resolve } from 'node:path';
import type { CheckReport } from '../../explain/report.js';
import { resolveParams, type ModelDefinition } from '../../model/definition.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel, type ModelSource } from '../load-model.js';
import { takeModelParams } from '../model-command.js';
import { checkOutputDir, OutputWriter } from '../out-dir.js';
import { buildParamGrid, expandGrid } from '../param-grid.js';
import { diffOutcome, finishDiff, type DiffPartBody, type DiffRow } from '../grid-outputs.js';
import { modelVersion, partHeader, sha256, writePart, type Part } from '../part-file.js';
import { shardText, takeShardOptions, unitKey, unitsOf } from '../shard.js';
import { createReporter } from '../reporter.js';
import { checkOne, signalTurns } from '../grid-runner.js';

export const DIFF_USAGE = `usage: interleave diff <modelA> <modelB> [--<param> VALUES ...] [--json] [--out DIR] [--shard I/N [--costs FILE]]

Checks two designs over the same parameter grid and lists the configurations
where their verdicts differ. A model may fix parameters of its own after a
colon: NAME:param=value,param=value.

examples:
  interleave diff dm-snapshot/semaphore dm-snapshot/in-progress --writers 1..3 --cow-threshold 0..2 --ctrs 0..2
  interleave diff dm-snapshot/in-progress dm-snapshot/in-progress:mutant=lost-wakeup --writers 2..3 --cow-threshold 0..1 --ctrs 0..1

Both models must accept every parameter of the grid, of at most 1,000,000
configurations. Uses symmetry reduction
where it is sound. Writes DIR/<a>-vs-<b>.json (default out/diff/). With --shard I/N,
checks only shard I of N of the grid (balanced by estimated cost) and writes
DIR/part.json; \`interleave merge\` of all N parts writes the same diff as one
run. Exit codes: 0 done, 2 bad usage or model, 130 interrupted.`;

interface Side {
  readonly spec: string;
  readonly def: ModelDefinition;
  readonly fixed: Record<string, string>;
}

async function loadSide(spec: string, from: ModelSource): Promise<Side> {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const fixed: Record<string, string> = {};
  if (colon >= 0) {
    for (const item of spec.slice(colon + 1).split(',')) {
      const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(item.trim());
      if (!m) throw new UsageError(`malformed model parameters in ${JSON.stringify(spec)}`, 'write NAME:param=value,param=value');
      fixed[m[1]] = m[2];
    }
  }
  const def = await loadModel(name, from);
  resolveParams(def, fixed);
  return { spec, def, fixed };
}

export async function diffCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  if (args.switches.has('help')) {
    io.stdout(DIFF_USAGE);
    return ExitCode.Ok;
  }
  if (args.positionals.length !== 2) throw new UsageError('diff needs two models', 'e.g. interleave diff dm-snapshot/semaphore dm-snapshot/in-progress --writers 1..3');
  const outText = takeString(args, 'out');
  const { shard, costs } = takeShardOptions(args, io.cwd);
  const sides = [await loadSide(args.positionals[0], io), await loadSide(args.positionals[1], io)] as const;
  const grids = sides.map((s) => buildParamGrid(s.def, takeModelParams(s.def, args, 'diff')));
  const combos = expandGrid(grids[0]);
  for (const side of sides) {
    for (const c of combos) {
      const overlap = Object.keys(c).find((p) => Object.hasOwn(side.fixed, p));
      if (overlap) throw new UsageError(`--${overlap} is fixed by ${side.spec} and swept too`, 'drop one of them');
      resolveParams(side.def, { ...side.fixed, ...c });
    }
  }
  const outDir = resolve(io.cwd, outText ?? join('out', 'diff'));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : outDir);
  const writer = new OutputWriter();
  const json = args.switches.has('json');
  const label = `${sides[0].spec} vs ${sides[1].spec}`;
  const units = combos.map((c) => ({ key: unitKey(label, c), model: label, params: c }));
  const mine = shard ? unitsOf(units, shard, costs) : undefined;
  const dealt = combos.map((_, i) => i).filter((i) => !mine || mine.has(units[i].key));
  const reporter = await createReporter(io, { mode: json ? 'json' : 'human', multiRun: true });
  const rows: DiffRow[] = [];
  let interrupted = false;
  const started = Date.now();
  const letSignalsIn = signalTurns();
  try {
    for (const [n, i] of dealt.entries()) {
      await letSignalsIn();
      const c = combos[i];
      const reports: CheckReport[] = [];
      for (const [k, side] of sides.entries()) {
        const r = await checkOne(side.def, { ...side.fixed, ...c }, reporter, io.signal, n * 2 + k + 1, dealt.length * 2);
        if (r.result.completion === 'interrupted') interrupted = true;
        reports.push(r);
      }
      if (interrupted) break;
      rows.push({ index: i, params: c, a: diffOutcome(reports[0]), b: diffOutcome(reports[1]) });
    }
  } finally {
    await reporter.dispose();
  }
  const result = { a: sides[0].spec, b: sides[1].spec, axes: grids[0].axes, rows, complete: !interrupted, elapsedMs: Date.now() - started };
  if (shard) {
    const part: Part<DiffPartBody> = {
      ...partHeader({
        kind: 'diff',
        input: { source: `diff ${label}`, sha256: sha256(JSON.stringify([result.a, result.b, result.axes])) },
        models: Object.fromEntries(sides.map((s) => [s.spec, modelVersion(s.def, combos.map((c) => ({ ...s.fixed, ...c })))])),
        shard,
        units: dealt.map((i) => units[i].key),
        complete: !interrupted,
        startedAt: new Date(started).toISOString(),
        elapsedMs: result.elapsedMs,
      }),
      body: { a: result.a, b: result.b, axes: result.axes, dealt, rows },
    };
    const file = await writer.attempt(join(outDir, 'part.json'), () => writePart(outDir, part));
    io.stdout(`interleave diff ${label} shard ${shardText(shard)}: ${interrupted ? 'INTERRUPTED after ' : ''}${rows.length} of ${dealt.length} configurations${file ? `; wrote ${file}: merge all ${shard.count} parts with interleave merge` : ''}`);
    return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
  }
  return finishDiff(result, { io, json, writer, outDir });
}
