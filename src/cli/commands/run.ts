/**
 * `interleave run` (`npm start`): the main job. Checks every configuration of
 * the main job list, prints a summary, and writes per-run results plus
 * `summary.txt` and `summary.json` under --out (default `out/`).
 */
import { join, resolve } from 'node:path';
import type { CheckReport } from '../../explain/report.js';
import { checkToJson } from '../../render/json.js';
import { finalReportToText, runsVerdictLine, type FinalReport } from '../../render/final-report.js';
import type { RunEntry, RunStart } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { createReporter } from '../reporter.js';
import { checkOutputDir, displayFiles, displayPath, OutputWriter, runSlug } from '../out-dir.js';
import { runCheck, writeCheckOutputs } from '../run-check.js';

export const RUN_USAGE = `usage: interleave run [--out DIR] [--json | --quiet]

The main job: checks each dm-snapshot design (unthrottled, semaphore,
in-progress, workqueue-retry), the fix's mutants and contrasts, and the other
subjects' designs (md, dm-bufio, exec) at small sizes, prints a summary and
writes DIR/summary.txt, DIR/summary.json and one folder per run (default DIR: out)
with report.txt, result.json and, for each counterexample, explorer.html (a
page to step through it) and its diagrams: waitfor.{dot,svg}, trace.{dot,svg},
trace-slice.{dot,svg} and states.{dot,svg} (or states.txt when too large).`;

export async function runCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'quiet', 'help']));
  if (args.switches.has('help')) {
    io.stdout(RUN_USAGE);
    return ExitCode.Ok;
  }
  const outText = takeString(args, 'out');
  const outDir = resolve(io.cwd, outText ?? 'out');
  if (args.values.size > 0 || args.positionals.length > 0) {
    throw new UsageError(`run takes no ${args.positionals[0] ? `argument ${JSON.stringify(args.positionals[0])}` : `option --${[...args.values.keys()][0]}`}`, 'see interleave run --help');
  }
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : 'out');
  const writer = new OutputWriter();
  const mode = args.switches.has('json') ? 'json' : args.switches.has('quiet') ? 'quiet' : 'human';
  const done: Array<{ title: string; report: CheckReport; dir: string }> = [];
  const entries: RunEntry[] = [];
  let interrupted = false;
  const { mainJob } = io.models;
  const reporter = await createReporter(io, { mode, multiRun: true });
  try {
    for (const [i, spec] of mainJob.entries()) {
      const def = await loadModel(spec.model, io);
      const run: RunStart = { model: spec.model, params: spec.params, title: spec.title, index: i + 1, total: mainJob.length };
      reporter.onStart(run);
      const report = await runCheck(def, spec.params, { signal: io.signal, onProgress: reporter.onProgress });
      if (report.result.completion === 'interrupted') {
        // Shown as a partial row; nothing is written for it.
        interrupted = true;
        entries.push({ title: spec.title, report });
        reporter.onFinish(run, entries[entries.length - 1]);
        break;
      }
      const dir = join(outDir, runSlug(spec.model, report.result.params));
      const files = await writer.attempt(dir, () => writeCheckOutputs(dir, report));
      done.push({ title: spec.title, report, dir });
      entries.push({ title: spec.title, report, ...(files ? { files: displayFiles(io.cwd, files) } : {}) });
      reporter.onFinish(run, entries[entries.length - 1]);
    }
    const final: FinalReport = { kind: 'runs', heading: 'interleave main job', entries, total: mainJob.length, complete: !interrupted };
    const json = {
      schema: 'interleave/run@1',
      complete: !interrupted,
      runs: done.map(({ title, report, dir }) => ({ title, dir, ...checkToJson(report) })),
    };
    const written: string[] = [];
    for (const [path, text] of [[join(outDir, 'summary.txt'), `${finalReportToText(final)}\n`], [join(outDir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`]]) {
      if (await writer.write(path, text)) written.push(path);
    }
    if (mode === 'json') io.stdout(JSON.stringify(json, null, 2));
    else if (mode === 'quiet') io.stdout(runsVerdictLine(final));
    else await reporter.close({ ...final, written: written.map((p) => displayPath(io.cwd, p)) });
  } finally {
    await reporter.dispose();
  }
  return writer.finish(interrupted ? ExitCode.Interrupted : ExitCode.Ok, io);
}
