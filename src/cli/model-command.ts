/**
 * What every command that takes one model does first: `--help` (with that
 * model's parameters when one is named), exactly one model argument, and the
 * shared search limits.
 */
import { describeRange, paramSpec, type ModelDefinition } from '../model/definition.js';
import { takeString, type ParsedArgs } from './args.js';
import { UsageError, type CliIO } from './io.js';
import { loadModel } from './load-model.js';
import { parseSize } from './run-check.js';
import { parseFairness, type Fairness } from '../explore/liveness.js';

export function paramHelp(def: ModelDefinition): string {
  const rows = Object.entries(def.params).map(([name, spec]) =>
    `  --${name.padEnd(16)} ${describeRange(spec).padEnd(30)} default ${spec.default}. ${spec.description}`);
  return `${def.name}: ${def.description}\nparameters:\n${rows.join('\n') || '  (none)'}`;
}

export interface ModelCommand {
  readonly command: string;
  readonly usage: string;
  /** A full example command line, for the hint when the model is missing. */
  readonly example: string;
  /** How parameter values are written: `value`, or `VALUES` for ranges. */
  readonly valuesAre?: string;
}

/** The model argument, or undefined when `--help` was asked for (and printed). */
export async function takeModelArgument(args: ParsedArgs, io: CliIO, c: ModelCommand): Promise<string | undefined> {
  if (args.switches.has('help')) {
    io.stdout(c.usage);
    if (args.positionals[0]) io.stdout(`\n${paramHelp(await loadModel(args.positionals[0], io))}`);
    return undefined;
  }
  if (args.positionals.length === 0) throw new UsageError(`${c.command} needs a model`, `e.g. ${c.example}`);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[1])}`, `parameters are given as --name ${c.valuesAre ?? 'value'}`);
  return args.positionals[0];
}

/**
 * The model's parameters from the command line: the flags the command did
 * not take as its own. A parameter named like one of the command's options
 * (`workers` for check's threads, `out`) cannot be told apart from it when
 * that flag is given, and the option would silently win; that is refused,
 * naming both, rather than guessed. The command's option names are a
 * contract, so the hint is to rename the parameter. Not given, the flag is
 * no ambiguity: the parameter keeps its default, as everywhere else.
 */
export function takeModelParams(def: ModelDefinition, args: ParsedArgs, command: string): Map<string, string> {
  for (const name of Object.keys(def.params)) {
    const given = args.taken.has(name) ? `--${name} ${args.taken.get(name)}` : args.switches.has(name) ? `--${name}` : undefined;
    if (given === undefined) continue;
    throw new UsageError(
      `${def.name}: parameter ${name} has the name of ${command}'s own option --${name}, so ${given} is ambiguous: ${command} would take it as its option, never as the parameter`,
      `rename the parameter ${name} in the model's defineModel params; ${command}'s --${name} keeps its meaning`,
    );
  }
  for (const [name, value] of args.values) if (value === '' && paramSpec(def, name) !== undefined) throw new UsageError(`--${name} needs a value`);
  return args.values;
}

/** `--max-memory SIZE` in bytes. */
export function takeMaxMemory(args: ParsedArgs): number | undefined {
  const text = takeString(args, 'max-memory');
  if (text === undefined) return undefined;
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`--max-memory wants a size like 512M, 2G or 1.5G (a bare number is MiB), got ${JSON.stringify(text)}`);
  // A limit no search can stay under stops every search at its first state: surely a slip.
  if (bytes < 2 ** 10) throw new UsageError(`--max-memory must be at least 1K, got ${JSON.stringify(text)}`);
  return bytes;
}

/** `--fairness weak|strong|none`, optionally per process: `weak,writer=strong`. */
export function takeFairness(args: ParsedArgs): Fairness | undefined {
  const text = takeString(args, 'fairness');
  if (text === undefined) return undefined;
  try {
    return parseFairness(text);
  } catch (e) {
    throw new UsageError(`--fairness: ${(e as Error).message}`, 'e.g. --fairness weak, --fairness strong, or --fairness weak,writer=strong');
  }
}
