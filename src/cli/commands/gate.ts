/**
 * `interleave gate [--config FILE]`: the CI proof gate. Runs every check of
 * a gate file (default `gate.json`) and judges each configuration against
 * its expectation (ok, deadlock, invariant), so CI fails both when a design
 * regresses and when a model rots (a known deadlock or a mutant no longer
 * found). Writes `junit.xml`, `summary.md` and `gate.json` under --out
 * (default `out/gate`), plus result, report and diagrams for every failure
 * and for the first counterexample of each check that expects one, and says
 * what it proved within which bounds.
 */
import { join, relative, resolve } from 'node:path';
import { judgeCase, type GateCase, type GateReport } from '../../explain/gate.js';
import type { CheckReport } from '../../explain/report.js';
import { configTitle, formatCount, formatDuration, type RunStart } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { loadGateFile } from '../gate-file.js';
import { clearOldCases, finishGate, gateShardPart, gateUnitKey, gateUnits } from '../gate-outputs.js';
import { UsageError, type CliIO } from '../io.js';
import { checkOutputDir, OutputWriter, runSlug } from '../out-dir.js';
import { writePart } from '../part-file.js';
import { createReporter } from '../reporter.js';
import { runCheck, writeCheckOutputs } from '../run-check.js';
import { shardText, takeShardOptions, unitsOf } from '../shard.js';
import { parseFairness } from '../../explore/liveness.js';
import { signalTurns } from '../grid-runner.js';

export const GATE_USAGE = `usage: interleave gate [--config FILE] [--out DIR] [--json | --quiet] [--shard I/N [--costs FILE]]

The CI proof gate: runs every check of a gate file and judges each
configuration against what the check expects the explorer to find. It fails
when a design regresses (the fix stops holding) and when a model rots (the
known deadlock, or a mutant of the fix, is no longer found).

--config FILE   the gate file (default: gate.json in the current directory).
                JSON, format in gate.schema.json: a "checks" array, each with
                "name", "model", "params" (a value, a range "1..4", a list
                "a,b" or an array, expanded like sweep's, at most
                1,000,000 configurations a check), "expect" (ok,
                deadlock, invariant or liveness) and optionally "property"
                (the invariant or liveness property that must fail),
                "fairness" (for liveness: none, weak, strong, or per process),
                "requireSteps" (ok only if every step marked required ran),
                "symmetry", "compress" and "workers"
--out DIR       where results go (default out/gate): junit.xml (one test case
                per configuration), summary.md (for a CI job summary),
                gate.json, and cases/<run>/ holding result.json, report.txt
                and diagrams for each failure and for the first
                counterexample of each check that expects one
--json          print only the gate's JSON (schema interleave/gate@1)
--quiet         print only the summary line
--shard I/N     run only shard I of N (a CI matrix job): its share of the
                configurations, balanced by estimated cost; writes DIR/part.json
                (and the cases' files) instead of junit.xml, summary.md and
                gate.json; \`interleave merge\` of all N parts writes those,
                equal to an unsharded run's. Exit code: this shard's own
--costs FILE    with --shard: balance by the state counts in an earlier
                run's gate.json instead of a size heuristic

The report ends with what the gate proved and within which bounds: "no
deadlock for writers 1..4" is a bounded proof and says nothing about writers 5.

exit codes: 0 every expectation holds, 1 some expectation does not hold,
            2 bad usage or a malformed gate file, 130 interrupted;
            4, 5: as 0, 1, but files under --out could not be written`;

export async function gateCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'quiet', 'help']));
  if (args.switches.has('help')) {
    io.stdout(GATE_USAGE);
    return ExitCode.Ok;
  }
  const configText = takeString(args, 'config');
  const outText = takeString(args, 'out');
  const { shard, costs } = takeShardOptions(args, io.cwd);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`, 'the gate file is given with --config FILE');
  if (args.values.size > 0) throw new UsageError(`gate takes no option --${[...args.values.keys()][0]}`, 'see interleave gate --help');
  const source = configText ?? 'gate.json';
  const gateFile = await loadGateFile(resolve(io.cwd, source), source, io);

  const outDir = resolve(io.cwd, outText ?? join('out', 'gate'));
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : relative(io.cwd, outDir));
  const writer = new OutputWriter();
  const casesDir = join(outDir, 'cases');
  const rel = (p: string) => relative(io.cwd, p) || '.';
  const mode = args.switches.has('json') ? 'json' : args.switches.has('quiet') ? 'quiet' : 'human';
  const ink = mode === 'human' && io.interactive && io.terminal !== undefined;
  const units = gateUnits(gateFile);
  // A shard runs every case of the explorations dealt to it, so a configuration shared by two checks stays explored once.
  const mine = shard ? unitsOf(units, shard, costs) : undefined;
  const total = gateFile.checks.reduce((n, c) => n + c.configurations.filter((p) => !mine || mine.has(gateUnitKey(c, p))).length, 0);

  const started = new Date();
  const cases: GateCase[] = [];
  // One exploration per (model, parameters, reduction): checks may overlap.
  const explored = new Map<string, { report: CheckReport; files?: Record<string, string> }>();
  let interrupted = false;
  const reporter = await createReporter(io, { mode, multiRun: ink });
  const letSignalsIn = signalTurns();
  try {
    await writer.attempt(casesDir, () => clearOldCases(casesDir));
    let index = 0;
    for (const [ci, check] of gateFile.checks.entries()) {
      const def = gateFile.models.get(check.model)!;
      for (const params of check.configurations) {
        const key = gateUnitKey(check, params);
        if (mine && !mine.has(key)) continue;
        await letSignalsIn();
        index++;
        const run: RunStart = { model: check.model, params, title: check.name, index, total };
        let done = explored.get(key);
        const reused = done !== undefined;
        reporter.onStart(run);
        if (!done) {
          const report = await runCheck(def, params, { signal: io.signal, onProgress: reporter.onProgress, symmetry: check.symmetry, workers: check.workers, compress: check.compress, ...(check.fairness !== undefined ? { fairness: parseFairness(check.fairness) } : {}) });
          done = { report };
          if (report.result.completion !== 'interrupted') explored.set(key, done);
        }
        const { report } = done;
        const judgement = judgeCase(report, check);
        if (report.result.completion === 'interrupted') {
          interrupted = true;
          break;
        }
        // Evidence: every failure, and the first counterexample each check expected (the bug, drawn once).
        const firstFound = report.counterexample !== undefined && !cases.some((c) => c.check === ci && c.report.counterexample);
        if ((firstFound || !judgement.passed) && !done.files) {
          const caseDir = join(casesDir, runSlug(check.model, params));
          const written = await writer.attempt(caseDir, () => writeCheckOutputs(caseDir, report, { modelFile: gateFile.modelFiles.get(check.model) }));
          if (written) done.files = Object.fromEntries(Object.entries(written).map(([k, p]) => [k, rel(p)]));
        }
        const gateCase: GateCase = { check: ci, params, report, judgement, reused, ...(done.files ? { files: done.files } : {}) };
        cases.push(gateCase);
        reporter.onFinish(run, { report, title: check.name, ...(done.files ? { files: done.files } : {}) });
        if (mode === 'human' && !ink) {
          const r = report.result;
          const cost = reused ? 'explored for an earlier check' : `${formatCount(r.stats.states)} states, ${formatDuration(r.stats.elapsedMs)}`;
          io.stderr(`[${index}/${total}] ${judgement.passed ? 'pass' : 'FAIL'} ${check.name}: ${configTitle(check.model, params)}: ${judgement.reason} (${cost})`);
        }
      }
      if (interrupted) break;
    }

    const gate: GateReport = {
      source,
      checks: gateFile.checks,
      cases,
      complete: !interrupted,
      elapsedMs: Date.now() - started.getTime(),
    };
    if (shard) {
      const file = await writer.attempt(join(outDir, 'part.json'), () => writePart(outDir, gateShardPart(gateFile, gate, { shard, units: [...mine!], started, outDir, cwd: io.cwd })));
      const failed = cases.filter((c) => !c.judgement.passed).length;
      await reporter.dispose();
      if (mode === 'json') io.stdout(JSON.stringify({ shard, configurations: cases.length, failed, complete: !interrupted, ...(file ? { part: rel(file) } : {}) }, null, 2));
      else io.stdout(`interleave gate ${source} shard ${shardText(shard)}: ${interrupted ? 'INTERRUPTED after ' : ''}${cases.length} of ${total} configurations${failed > 0 ? `, ${failed} FAILED` : interrupted ? (cases.length > 0 ? ', every expectation holds in those' : '') : ', every expectation holds'} (${formatDuration(gate.elapsedMs)})${file ? `; wrote ${rel(file)}: merge all ${shard.count} parts with interleave merge` : ''}`);
      return writer.finish(interrupted ? ExitCode.Interrupted : failed > 0 ? ExitCode.Violation : ExitCode.Ok, io);
    }
    return await finishGate(gate, { io, mode, reporter, writer, outDir, started, relative: rel });
  } finally {
    await reporter.dispose();
  }
}
