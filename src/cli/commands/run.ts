/**
 * `interleave run` (`npm start`): the main job. Checks every configuration of
 * the main job list, prints a summary, and writes per-run results plus
 * `summary.txt` and `summary.json` under --out (default `out/`).
 */
import { join, resolve } from 'node:path';
import { mainJob } from '../../../models/index.js';
import type { CheckReport } from '../../explain/report.js';
import { checkToJson } from '../../render/json.js';
import { formatCount, formatParams, table, verdictLine } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { writeFileAtomic, runSlug } from '../out-dir.js';
import { runCheck, writeCheckOutputs } from '../run-check.js';

export const RUN_USAGE = `usage: interleave run [--out DIR] [--json]

The main job: checks each dm-snapshot design (unthrottled, semaphore,
in-progress) and the fix's mutants at small sizes, prints a summary and
writes DIR/summary.txt, DIR/summary.json and one folder per run (default DIR: out).`;

export async function runCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'help']));
  if (args.switches.has('help')) {
    io.stdout(RUN_USAGE);
    return ExitCode.Ok;
  }
  const outDir = resolve(io.cwd, takeString(args, 'out') ?? 'out');
  if (args.values.size > 0 || args.positionals.length > 0) {
    throw new UsageError(`run takes no ${args.positionals[0] ? `argument ${JSON.stringify(args.positionals[0])}` : `option --${[...args.values.keys()][0]}`}`, 'see interleave run --help');
  }
  const done: Array<{ title: string; report: CheckReport; dir: string }> = [];
  let interrupted = false;
  for (const spec of mainJob) {
    const def = await loadModel(spec.model, io.cwd);
    const report = await runCheck(def, spec.params, { signal: io.signal });
    if (report.result.completion === 'interrupted') {
      interrupted = true;
      break;
    }
    const dir = join(outDir, runSlug(spec.model, report.result.params));
    writeCheckOutputs(dir, report);
    done.push({ title: spec.title, report, dir });
    if (!args.switches.has('json')) io.stderr(`${verdictLine(report)}`);
  }
  const rows = done.map(({ title, report }) => {
    const r = report.result;
    return [title, r.model.replace('dm-snapshot/', ''), formatParams(r.params), r.verdict, formatCount(r.stats.states),
      formatCount(r.stats.transitions), String(r.stats.depth), `${(r.stats.elapsedMs / 1000).toFixed(2)}`];
  });
  const summary = [
    `interleave main job: ${done.length} of ${mainJob.length} runs${interrupted ? ' (INTERRUPTED: partial)' : ''}`,
    '',
    table(['run', 'design', 'parameters', 'verdict', 'states', 'transitions', 'depth', 's'], rows),
    '',
    ...done.filter((d) => d.report.counterexample).map(({ title, report, dir }) => {
      const cx = report.counterexample!;
      const stuck = cx.blocked.map((b) => `    ${b.process}: ${b.wait?.summary ?? ''}`).join('\n');
      return `${title}: ${cx.kind === 'deadlock' ? 'deadlock' : `violates "${cx.property}"`} in ${cx.trace.length} steps (${join(dir, 'report.txt')})${stuck ? `\n${stuck}` : ''}`;
    }),
  ].join('\n');
  writeFileAtomic(join(outDir, 'summary.txt'), `${summary}\n`);
  const json = {
    schema: 'interleave/run@1',
    complete: !interrupted,
    runs: done.map(({ title, report, dir }) => ({ title, dir, ...checkToJson(report) })),
  };
  writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`);
  io.stdout(args.switches.has('json') ? JSON.stringify(json, null, 2) : `${summary}\nwrote ${join(outDir, 'summary.txt')}`);
  return interrupted ? ExitCode.Interrupted : ExitCode.Ok;
}
