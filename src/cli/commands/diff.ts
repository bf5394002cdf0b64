/**
 * `interleave diff <modelA> <modelB> [--<param> VALUES ...]`: both designs over
 * the same grid, and the configurations where their verdicts differ. A model
 * may carry fixed parameters after a colon, so the fix can be compared with
 * its mutants: `dm-snapshot/in-progress:mutant=lost-wakeup`.
 */
import { join, resolve } from 'node:path';
import type { CheckReport } from '../../explain/report.js';
import { resolveParams, type ModelDefinition } from '../../model/definition.js';
import { formatParams, table } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel, type ModelSource } from '../load-model.js';
import { checkOutputDir, displayPath, OutputWriter, runSlug } from '../out-dir.js';
import { buildParamGrid, expandGrid, type ParamValue } from '../param-grid.js';
import { createReporter } from '../reporter.js';
import { checkOne } from '../grid-runner.js';

export const DIFF_USAGE = `usage: interleave diff <modelA> <modelB> [--<param> VALUES ...] [--json] [--out DIR]

Checks two designs over the same parameter grid and lists the configurations
where their verdicts differ. A model may fix parameters of its own after a
colon: NAME:param=value,param=value.

examples:
  interleave diff dm-snapshot/semaphore dm-snapshot/in-progress --writers 1..3 --cow-threshold 0..2 --ctrs 0..2
  interleave diff dm-snapshot/in-progress dm-snapshot/in-progress:mutant=lost-wakeup --writers 2..3 --cow-threshold 0..1 --ctrs 0..1

Both models must accept every parameter of the grid. Uses symmetry reduction
where it is sound. Writes DIR/diff.json (default out/diff/). Exit codes: 0 done,
2 bad usage or model, 130 interrupted.`;

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

const verdictOf = (r: CheckReport) => r.result.verdict === 'invariant' ? `invariant (${r.counterexample?.property})` : r.result.verdict;

export async function diffCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  if (args.switches.has('help')) {
    io.stdout(DIFF_USAGE);
    return ExitCode.Ok;
  }
  if (args.positionals.length !== 2) throw new UsageError('diff needs two models', 'e.g. interleave diff dm-snapshot/semaphore dm-snapshot/in-progress --writers 1..3');
  const outText = takeString(args, 'out');
  const sides = [await loadSide(args.positionals[0], io), await loadSide(args.positionals[1], io)] as const;
  const grids = sides.map((s) => buildParamGrid(s.def, args.values));
  const combos = expandGrid(grids[0]);
  for (const [k, side] of sides.entries()) {
    for (const c of combos) {
      const overlap = Object.keys(c).find((p) => p in side.fixed);
      if (overlap) throw new UsageError(`--${overlap} is fixed by ${side.spec} and swept too`, 'drop one of them');
      resolveParams(side.def, { ...side.fixed, ...c });
    }
    void k;
  }
  const outDir = resolve(io.cwd, outText ?? join('out', 'diff'));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : outDir);
  const writer = new OutputWriter();
  const json = args.switches.has('json');
  const reporter = await createReporter(io, { mode: json ? 'json' : 'human', multiRun: true });
  const rows: Array<{ params: Record<string, ParamValue>; a: CheckReport; b: CheckReport }> = [];
  let interrupted = false;
  const started = Date.now();
  try {
    for (const [i, c] of combos.entries()) {
      const reports: CheckReport[] = [];
      for (const [k, side] of sides.entries()) {
        const r = await checkOne(side.def, { ...side.fixed, ...c }, reporter, io.signal, i * 2 + k + 1, combos.length * 2);
        if (r.result.completion === 'interrupted') interrupted = true;
        reports.push(r);
      }
      if (interrupted) break;
      rows.push({ params: c, a: reports[0], b: reports[1] });
    }
  } finally {
    await reporter.dispose();
  }
  const differing = rows.filter((r) => verdictOf(r.a) !== verdictOf(r.b));
  const doc = {
    schema: 'interleave/diff@1',
    a: sides[0].spec,
    b: sides[1].spec,
    axes: grids[0].axes,
    complete: !interrupted,
    configurations: rows.length,
    elapsedMs: Date.now() - started,
    differences: differing.map((r) => ({
      params: r.params,
      a: { verdict: r.a.result.verdict, property: r.a.counterexample?.property ?? null, steps: r.a.counterexample?.trace.length ?? null },
      b: { verdict: r.b.result.verdict, property: r.b.counterexample?.property ?? null, steps: r.b.counterexample?.trace.length ?? null },
    })),
  };
  const file = join(outDir, `${runSlug(`${sides[0].spec}-vs-${sides[1].spec}`, {})}.json`);
  const wrote = await writer.write(file, `${JSON.stringify(doc, null, 2)}\n`);
  if (json) {
    io.stdout(JSON.stringify(doc, null, 2));
  } else {
    const lines = [
      `${sides[0].spec} vs ${sides[1].spec}: verdicts differ in ${differing.length} of ${rows.length} configurations` +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s)${interrupted ? ' INTERRUPTED: partial' : ''}`,
    ];
    if (differing.length > 0) {
      lines.push('', table(['configuration', sides[0].spec, sides[1].spec], differing.map((r) => [formatParams(r.params), verdictOf(r.a), verdictOf(r.b)])));
    }
    if (wrote) lines.push('', `wrote ${displayPath(io.cwd, file)}`);
    io.stdout(lines.join('\n'));
  }
  return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
}
