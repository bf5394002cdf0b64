/**
 * `interleave minimize <model> --writers 1..8 --cow-threshold 0..4 --ctrs 0..2`:
 * the smallest configurations that fail. Configurations are tried in order
 * of size (the sum of the integer parameters, then in the order given); one
 * that is at least as large as a known failure in every integer parameter,
 * with the same choice for every other parameter, is not minimal and is skipped.
 */
import { join, resolve } from 'node:path';
import { resolveParams } from '../../model/definition.js';
import { checkToJson } from '../../render/json.js';
import { formatParams, table } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { checkOutputDir, displayPath, OutputWriter, runSlug } from '../out-dir.js';
import { buildParamGrid, expandGrid, type ParamValue } from '../param-grid.js';
import { createReporter } from '../reporter.js';
import { checkOne, failed, type GridRun } from '../grid-runner.js';
import { takeModelArgument } from '../model-command.js';

export const MINIMIZE_USAGE = `usage: interleave minimize <model> [--<param> VALUES ...] [--json] [--out DIR]

Finds the smallest failing configurations: tries the grid in order of size
(sum of the integer parameters) and skips any configuration that is at least
as large as a known failure in every integer parameter (with the same value
for the others). Prints each minimal failure with its verdict, the length of
its shortest counterexample and why it fails (the cycle or dead end); the
counterexamples themselves (traces) are in DIR/minimize.json, and
\`interleave check\` with that configuration shows one in full.

example:
  interleave minimize dm-snapshot/semaphore --writers 1..8 --cow-threshold 0..4 --ctrs 0..2

Uses symmetry reduction where it is sound (same verdicts, far fewer states).
Writes DIR/minimize.json (default out/minimize/<model>). Exit codes: 0 done,
2 bad usage or model, 130 interrupted.`;

type Combo = Record<string, ParamValue>;

/** `a` is at least `b` in every integer parameter and equal in the others. */
function dominates(a: Combo, b: Combo): boolean {
  return Object.keys(b).every((k) => (typeof b[k] === 'number' ? (a[k] as number) >= (b[k] as number) : a[k] === b[k]));
}

const size = (c: Combo) => Object.values(c).reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0);

export async function minimizeCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  const modelArg = await takeModelArgument(args, io, { command: 'minimize', usage: MINIMIZE_USAGE, example: 'interleave minimize dm-snapshot/semaphore --writers 1..4 --ctrs 0..2', valuesAre: 'VALUES' });
  if (modelArg === undefined) return ExitCode.Ok;
  const outText = takeString(args, 'out');
  const def = await loadModel(modelArg, io);
  const grid = buildParamGrid(def, args.values);
  const combos = expandGrid(grid);
  for (const c of combos) resolveParams(def, c);
  // Stable sort: by size, then as the grid enumerates them.
  const ordered = combos.map((c, i) => ({ c, i })).sort((a, b) => size(a.c) - size(b.c) || a.i - b.i).map((x) => x.c);
  const outDir = resolve(io.cwd, outText ?? join('out', 'minimize', runSlug(def.name, {})));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : outDir);
  const writer = new OutputWriter();
  const json = args.switches.has('json');
  const reporter = await createReporter(io, { mode: json ? 'json' : 'human', multiRun: true });
  const minimal: GridRun[] = [];
  let checked = 0;
  let skipped = 0;
  let interrupted = false;
  const started = Date.now();
  try {
    for (const combo of ordered) {
      if (minimal.some((m) => dominates(combo, m.params as Combo))) {
        skipped++;
        continue;
      }
      const report = await checkOne(def, combo, reporter, io.signal, checked + skipped + 1, ordered.length);
      checked++;
      if (report.result.completion === 'interrupted') {
        interrupted = true;
        break;
      }
      if (failed(report)) minimal.push({ params: combo, report });
    }
  } finally {
    await reporter.dispose();
  }
  const doc = {
    schema: 'interleave/minimize@1',
    model: def.name,
    axes: grid.axes,
    complete: !interrupted,
    checked,
    skipped,
    elapsedMs: Date.now() - started,
    minimal: minimal.map((m) => ({ configuration: m.params, ...checkToJson(m.report) })),
  };
  const wrote = await writer.write(join(outDir, 'minimize.json'), `${JSON.stringify(doc, null, 2)}\n`);
  if (json) {
    io.stdout(JSON.stringify(doc, null, 2));
  } else {
    const lines = [
      `${def.name}: ${minimal.length === 0 ? 'no failing configuration' : `${minimal.length} smallest failing configuration${minimal.length > 1 ? 's' : ''}`} ` +
        `in ${grid.axes.map((a) => `--${a.name} ${a.values.join(',')}`).join(' ')} (${checked} checked, ${skipped} skipped as larger than a failure, ${((Date.now() - started) / 1000).toFixed(1)} s)${interrupted ? ' INTERRUPTED: partial' : ''}`,
    ];
    if (minimal.length > 0) {
      lines.push('', table(['configuration', 'verdict', 'steps', 'why'], minimal.map((m) => {
        const cx = m.report.counterexample!;
        return [formatParams(m.params as Record<string, ParamValue>), cx.kind === 'deadlock' ? 'deadlock' : `violates "${cx.property}"`, String(cx.trace.length), cx.analysis.cycle?.text ?? cx.analysis.summary];
      })));
    }
    if (wrote) lines.push('', `wrote ${displayPath(io.cwd, join(outDir, 'minimize.json'))}`);
    io.stdout(lines.join('\n'));
  }
  return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
}
