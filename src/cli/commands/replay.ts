/** `interleave replay <trace.json>`: re-execute a saved counterexample against its model. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseSavedTrace, replaySavedTrace, TraceFormatError } from '../../explain/saved-trace.js';
import { compileModel } from '../../explore/compile.js';
import { instantiate, type ModelDefinition } from '../../model/definition.js';
import { replayToText, replayVerdictLine } from '../../render/replay.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { reason } from '../out-dir.js';

export const REPLAY_USAGE = `usage: interleave replay <trace.json> [--model NAME|FILE] [--quiet]

Re-executes a saved counterexample against the model it names: the JSON of
\`interleave check --json\` (or DIR/result.json from --out) or of
\`interleave simulate --json\`/--out. Each row's (process, step) is mapped to
that step of the freshly built model and run; every step must be enabled
where the trace runs it and sleep or wake as recorded, and the end must be
the saved final state and the reported violation. Prints every state.

--model NAME|FILE    the model to replay against, if not the one the file
                     names (a registered model, or the model file a check
                     or simulation recorded as "modelFile")
--quiet              print only the verdict line

exit codes: 0 the trace replays as saved, 1 it does not (the first step
            that is not enabled, or what differs, is named), 2 unreadable or
            malformed file, unknown model or bad parameters`;

/** The registered definition a saved model name comes from: `dm-snapshot/in-progress[lost-wakeup]` -> `dm-snapshot/in-progress`. */
function definitionFor(name: string, defs: readonly ModelDefinition[]): ModelDefinition | undefined {
  return defs.find((d) => d.name === name) ??
    defs.filter((d) => name.startsWith(`${d.name}[`)).sort((a, b) => b.name.length - a.name.length)[0];
}

export async function replayCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['quiet', 'help']));
  if (args.switches.has('help')) {
    io.stdout(REPLAY_USAGE);
    return ExitCode.Ok;
  }
  const modelArg = takeString(args, 'model');
  if (args.values.size > 0) throw new UsageError(`unknown option --${[...args.values.keys()][0]}`, 'see interleave replay --help');
  if (args.positionals.length !== 1) throw new UsageError('replay needs one trace file', 'e.g. interleave replay out/dm-snapshot-semaphore--writers-2/result.json');
  const file = resolve(io.cwd, args.positionals[0]);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${args.positionals[0]}: ${reason(e)}`);
  }
  let trace;
  try {
    trace = parseSavedTrace(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`${args.positionals[0]} is not JSON: ${e.message}`);
    if (e instanceof TraceFormatError) throw new UsageError(`${args.positionals[0]} is not a saved trace: ${e.message}`, 'replay reads the JSON of interleave check --json/--out or interleave simulate --json/--out');
    throw e;
  }
  // A check or simulation of a model file records the file (absolute); a moved folder is looked up beside the trace.
  const recorded = (JSON.parse(text) as { modelFile?: unknown }).modelFile;
  const modelFile = typeof recorded === 'string' && recorded !== ''
    ? [recorded, resolve(dirname(file), basename(recorded))].find((p) => existsSync(p))
    : undefined;
  if (modelArg === undefined && typeof recorded === 'string' && !modelFile && !definitionFor(trace.model, io.models.registry)) {
    throw new UsageError(`the trace was made from the model file ${recorded}, which is no longer there`, 'give the model with --model path/to/model.ts');
  }
  const def = modelArg !== undefined ? await loadModel(modelArg, io)
    : modelFile !== undefined ? await loadModel(modelFile, io)
    : definitionFor(trace.model, io.models.registry);
  if (!def) {
    throw new UsageError(`the trace names model ${JSON.stringify(trace.model)}, which is not registered`, 'give the model with --model NAME or --model path/to/model.ts');
  }
  const cm = compileModel(instantiate(def, trace.params));
  const replay = replaySavedTrace(cm, trace);
  io.stdout(args.switches.has('quiet') ? replayVerdictLine(trace, replay, cm.model.name) : replayToText(cm, trace, replay));
  return replay.problem ? ExitCode.Violation : ExitCode.Ok;
}
