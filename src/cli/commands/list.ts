/** `interleave list`: the registered models and their parameters. */
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { registeredModels } from '../load-model.js';
import { paramHelp } from './check.js';

export async function listCommand(_argv: readonly string[], io: CliIO): Promise<ExitCode> {
  io.stdout(registeredModels().map(paramHelp).join('\n\n'));
  return ExitCode.Ok;
}
