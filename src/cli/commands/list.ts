/** `interleave list`: the registered models and their parameters. */
import { parseArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { paramHelp } from './check.js';

export const LIST_USAGE = `usage: interleave list

Lists the registered models, each with its parameters, their ranges and defaults.`;

export async function listCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['help']));
  if (args.switches.has('help')) {
    io.stdout(LIST_USAGE);
    return ExitCode.Ok;
  }
  const extra = args.positionals[0] !== undefined ? `argument ${JSON.stringify(args.positionals[0])}` : args.values.size > 0 ? `option --${[...args.values.keys()][0]}` : undefined;
  if (extra) throw new UsageError(`list takes no ${extra}`, 'see interleave list --help');
  io.stdout(io.models.registry.map(paramHelp).join('\n\n'));
  return ExitCode.Ok;
}
