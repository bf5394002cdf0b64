/** `interleave check <model> [params] [--json] [--out DIR]`: explore one configuration. */
import { resolveParams } from '../../model/definition.js';
import { checkToJson } from '../../render/json.js';
import { verdictLine, type RunEntry, type RunStart } from '../../render/text.js';
import { parseArgs, takeInt, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel, modelFileOf } from '../load-model.js';
import { paramHelp, takeFairness, takeMaxMemory, takeModelArgument, takeModelParams } from '../model-command.js';
import { checkOutputDir, displayFiles, OutputWriter } from '../out-dir.js';
import { createReporter } from '../reporter.js';
import { exitCodeOf, runCheck, writeCheckOutputs } from '../run-check.js';
import { resolve } from 'node:path';

export const CHECK_USAGE = `usage: interleave check <model> [--<param> <value> ...] [options]

Explores every schedule of one configuration of a model, breadth first, and
reports a shortest counterexample if a deadlock or violated property exists.

<model>              a registered name (see \`interleave list\`) or a model file (.ts/.js)
--<param> <value>    a model parameter, e.g. --writers 2 --cow-threshold 1
--json               print one JSON object (schema interleave/check@1) and nothing else
--quiet              print only the verdict line
--out DIR            also write DIR/result.json and DIR/report.txt; for a
                     counterexample also DIR/explorer.html (a page to step
                     through it) and its diagrams: DIR/waitfor.{dot,svg},
                     DIR/trace.{dot,svg}, DIR/trace-slice.{dot,svg} (the steps
                     that matter) and DIR/states.{dot,svg}, or DIR/states.txt
                     saying why the state graph was too large to draw
--max-nodes N        draw the state graph only up to N states (default 2000)
--max-states N       stop after N states (partial result, exit 3)
--max-memory SIZE    stop when the state store exceeds SIZE (e.g. 512M, 1.5G; MiB if bare; exit 3);
                     default 60% of this machine's memory
--symmetry           store one state per permutation of interchangeable processes
                     (the writers); same verdicts, far fewer states
--compress           keep the seen states tree-compressed: the same states,
                     counts and counterexamples in a little over half the
                     memory, somewhat slower; not with --workers or --bitstate
--por                partial-order reduction: explore only some processes' steps where
                     nothing the others can still do interferes (persistent sets from
                     what the primitives know); keeps deadlocks and invariant
                     violations, not shortest traces
--workers N          expand states in N worker threads; same counts and
                     counterexamples for every N
--bitstate           supertrace: a bit table instead of stored states, for spaces
                     beyond memory; violations are real, "none found" is no proof (exit 3)
--bitstate-bits N    table of 2^N bits (default 30 = 128 MiB; 10..33)
--fairness F         liveness: which schedules count (none, weak: a process
                     enabled for good eventually steps, strong: one enabled
                     infinitely often does), for all or per process, e.g.
                     weak,writer=strong. Default weak when the model declares
                     liveness properties; given for a model without any, it
                     checks that no process starves. Exact search only (no
                     --symmetry, --por or --bitstate); a violation is a lasso
--safety-only        check deadlocks and invariants only, leaving out the
                     model's liveness properties (like SPIN's -DSAFETY), so
                     --symmetry, --por and --bitstate can be used

exit codes: 0 no violation, 1 violation found, 2 bad usage, model or output
            location, 3 stopped at a limit (no verdict), 130 interrupted;
            4, 5, 7: as 0, 1, 3, but files under --out could not be written`;

export { paramHelp };

export async function checkCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'quiet', 'help', 'symmetry', 'bitstate', 'por', 'safety-only', 'compress']));
  const modelArg = await takeModelArgument(args, io, { command: 'check', usage: CHECK_USAGE, example: 'interleave check dm-snapshot/semaphore --writers 2' });
  if (modelArg === undefined) return ExitCode.Ok;
  const out = takeString(args, 'out');
  const maxStates = takeInt(args, 'max-states', 1);
  const workers = takeInt(args, 'workers', 1);
  const bitsGiven = takeInt(args, 'bitstate-bits', 10);
  if (bitsGiven !== undefined && bitsGiven > 33) throw new UsageError(`--bitstate-bits ${bitsGiven} is too large`, 'use 10..33 (2^33 bits = 1 GiB)');
  if (bitsGiven !== undefined && !args.switches.has('bitstate')) throw new UsageError('--bitstate-bits needs --bitstate');
  const bitstateBits = args.switches.has('bitstate') ? bitsGiven ?? 30 : undefined;
  if (bitstateBits !== undefined && workers !== undefined && workers > 1) throw new UsageError('--bitstate runs on one thread', 'drop --workers');
  const porClash = [...((workers ?? 1) > 1 ? [`--workers ${workers}`] : []), ...(bitstateBits !== undefined ? ['--bitstate'] : [])];
  if (args.switches.has('por') && porClash.length > 0) throw new UsageError(`--por works with the exhaustive search on one thread, not with ${porClash.join(' or ')}`, `drop ${porClash.map((f) => f.split(' ')[0]).join(' and ')}, or --por`);
  const compress = args.switches.has('compress');
  if (compress && bitstateBits !== undefined) throw new UsageError('--compress and --bitstate cannot be used together: --compress keeps every state (compressed), --bitstate keeps none', 'drop one of them');
  if (compress && (workers ?? 1) > 1) throw new UsageError(`--compress and --workers ${workers} cannot be used together: the compressed store is not shared between threads`, 'drop --workers or --compress');
  if (workers !== undefined && workers > 64) throw new UsageError(`--workers ${workers} is too many`, 'use at most 64 (this machine has few cores; 2 is plenty)');
  const maxNodes = takeInt(args, 'max-nodes', 1);
  const maxMemoryBytes = takeMaxMemory(args);
  const fairness = takeFairness(args);
  const safetyOnly = args.switches.has('safety-only');
  if (safetyOnly && fairness !== undefined) throw new UsageError('--safety-only leaves liveness out, and --fairness asks for it', 'give one of them');

  const def = await loadModel(modelArg, io);
  const given = Object.fromEntries(takeModelParams(def, args, 'check'));
  const run: RunStart = { model: def.name, params: resolveParams(def, given), index: 1, total: 1 };
  const outDir = out !== undefined ? resolve(io.cwd, out) : undefined;
  if (outDir !== undefined) checkOutputDir(outDir, `--out ${out}`);
  const writer = new OutputWriter();
  const mode = args.switches.has('json') ? 'json' : args.switches.has('quiet') ? 'quiet' : 'human';
  const reporter = await createReporter(io, { mode, multiRun: false });
  try {
    reporter.onStart(run);
    const report = await runCheck(def, given, { maxStates, maxMemoryBytes, signal: io.signal, onProgress: reporter.onProgress, symmetry: args.switches.has('symmetry'), por: args.switches.has('por'), workers, bitstateBits, fairness, safetyOnly, compress });
    const modelFile = modelFileOf(modelArg, io);
    const files = outDir !== undefined ? await writer.attempt(outDir, () => writeCheckOutputs(outDir, report, { maxNodes, modelFile })) : undefined;
    const shown = files ? displayFiles(io.cwd, files) : undefined;
    const entry: RunEntry = { report, ...(shown ? { files: shown } : {}) };
    reporter.onFinish(run, entry);
    if (mode === 'json') io.stdout(JSON.stringify(checkToJson(report, { ...(modelFile ? { modelFile } : {}), ...(files ? { files } : {}) }), null, 2));
    else if (mode === 'quiet') io.stdout(verdictLine(report));
    else await reporter.close({ kind: 'check', entry, ...(shown ? { written: Object.values(shown) } : {}) });
    return writer.finish(exitCodeOf(report), io);
  } finally {
    await reporter.dispose();
  }
}
