/** `interleave list [model]`: the registered models, or one model (a file's), with their parameters. */
import { parseArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { loadModel } from '../load-model.js';
import { paramHelp } from './check.js';

export const LIST_USAGE = `usage: interleave list [<model>]

Lists the registered models, each with its parameters, their ranges and
defaults; given a model (a registered name or a model file), that model's.`;

export async function listCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['help']));
  if (args.switches.has('help')) {
    io.stdout(LIST_USAGE);
    return ExitCode.Ok;
  }
  const extra = args.positionals[1] !== undefined ? `second argument ${JSON.stringify(args.positionals[1])}` : args.values.size > 0 ? `option --${[...args.values.keys()][0]}` : undefined;
  if (extra) throw new UsageError(`list takes no ${extra}`, 'see interleave list --help');
  const one = args.positionals[0];
  // A model file's definition is listed as a registered one is: what a user checks next is its flags.
  io.stdout(one !== undefined ? paramHelp(await loadModel(one, io)) : io.models.registry.map(paramHelp).join('\n\n'));
  return ExitCode.Ok;
}
