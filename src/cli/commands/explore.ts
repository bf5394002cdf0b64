/**
 * `interleave explore <model> [params] -o FILE`: the interactive explorer of
 * one configuration with no recorded schedule, for models that have no
 * violation to show: the reader chooses every step from the initial state.
 */
import { resolve } from 'node:path';
import { instantiate, resolveParams } from '../../model/definition.js';
import { explorerDataOfModel } from '../../render/explorer/explorer-data.js';
import { configTitle } from '../../render/text.js';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { takeModelArgument, takeModelParams } from '../model-command.js';
import { runSlug, checkOutputFile, resolveOutputFile } from '../out-dir.js';
import { writeExplorer } from '../explorer-file.js';
import { expandShortOutput } from './export.js';

export const EXPLORE_USAGE = `usage: interleave explore <model> [--<param> <value> ...] [-o FILE]

Writes one self-contained HTML file to step through a configuration in a
browser (no server, no network): pick each next step from the enabled ones,
see every variable and primitive and the wait-for graph at each step, go
back, and share the point reached as a link. A run with --out writes the same
page for its counterexample as explorer.html.

<model>              a registered name (see \`interleave list\`) or a model file (.ts/.js)
--<param> <value>    a model parameter, e.g. --writers 2 --cow-threshold 1
-o, --output FILE    where to write it (default out/explore/<model and params>.html)

exit codes: 0 written, 2 bad usage or model`;

export async function exploreCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(expandShortOutput(argv), new Set(['help']));
  const modelArg = await takeModelArgument(args, io, { command: 'explore', usage: EXPLORE_USAGE, example: 'interleave explore dm-snapshot/in-progress --writers 2 -o explorer.html' });
  if (modelArg === undefined) return ExitCode.Ok;
  const output = takeString(args, 'output');
  const def = await loadModel(modelArg, io);
  const given = Object.fromEntries(takeModelParams(def, args, 'explore'));
  const params = resolveParams(def, given);
  const model = instantiate(def, given);
  const path = resolve(io.cwd, output ?? `out/explore/${runSlug(def.name, params)}.html`);
  checkOutputFile(output !== undefined ? resolveOutputFile(io.cwd, output) : path, output !== undefined ? `-o ${output}` : path);
  try {
    await writeExplorer(path, explorerDataOfModel(model, configTitle(def.name, params)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    throw new UsageError(`cannot write ${path} (${code})`, 'give a writable file with -o FILE');
  }
  io.stdout(`wrote ${path}\nopen it in a browser: choose each next step, ← → Home End to move along the path`);
  return ExitCode.Ok;
}
