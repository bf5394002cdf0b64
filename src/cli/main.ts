/**
 * argv -> command -> exit code. Errors the user can fix (usage, malformed
 * models) become one line plus a hint and exit code 2; anything else is a
 * bug in interleave and says so.
 */
import type { ModelRuntimeError } from '../explore/compile.js';
import { ModelError } from '../model/model-error.js';
import { ExitCode } from './exit-codes.js';
import { UsageError, type CliIO } from './io.js';
import { packageJson } from './package-info.js';

type Command = (argv: readonly string[], io: CliIO) => Promise<ExitCode>;

// Each command is imported when it runs: a start of the CLI loads only the
// modules of the one command it was asked for.
/**
 * `stops`: the command watches `io.signal` and ends a run cut short by
 * Ctrl-C, SIGTERM or SIGHUP with its partial report; the others are
 * short or write each file whole, so a signal simply ends them.
 */
const commands: Record<string, { load: () => Promise<Command>; summary: string; stops?: true }> = {
  check: { load: async () => (await import('./commands/check.js')).checkCommand, summary: 'explore one model configuration and report a shortest counterexample', stops: true },
  run: { load: async () => (await import('./commands/run.js')).runCommand, summary: 'the main job: check every dm-snapshot design, write results under out/', stops: true },
  sweep: { load: async () => (await import('./commands/sweep.js')).sweepCommand, summary: 'check every combination of parameter ranges; print the matrix of verdicts', stops: true },
  export: { load: async () => (await import('./commands/export.js')).exportCommand, summary: 'write a configuration as a Promela model for SPIN' },
  explore: { load: async () => (await import('./commands/explore.js')).exploreCommand, summary: 'write an interactive explorer (one HTML file) to step through a configuration in a browser' },
  simulate: { load: async () => (await import('./commands/simulate.js')).simulateCommand, summary: 'random schedules from a seed: how many runs hit a violation, and the first', stops: true },
  replay: { load: async () => (await import('./commands/replay.js')).replayCommand, summary: 're-execute a saved trace (check/simulate JSON) step by step and print the states' },
  minimize: { load: async () => (await import('./commands/minimize.js')).minimizeCommand, summary: 'the smallest parameter configurations that fail, and why (traces in its JSON)', stops: true },
  diff: { load: async () => (await import('./commands/diff.js')).diffCommand, summary: 'two designs over one parameter grid: where their verdicts differ', stops: true },
  gate: { load: async () => (await import('./commands/gate.js')).gateCommand, summary: 'the CI proof gate: every expectation in gate.json must hold; JUnit and Markdown under out/gate', stops: true },
  init: { load: async () => (await import('./commands/init.js')).initCommand, summary: 'start a model project in a new folder: package.json, tsconfig.json, an example model and a gate file' },
  merge: { load: async () => (await import('./commands/merge.js')).mergeCommand, summary: 'combine the parts of a sharded gate or sweep, or of a swarm, into one result' },
  swarm: { load: async () => (await import('./commands/swarm.js')).swarmCommand, summary: 'one job of a swarm: a bounded, diversified search of a configuration too big to explore', stops: true },
  list: { load: async () => (await import('./commands/list.js')).listCommand, summary: 'list the registered models and their parameters, or those of one model file' },
};

/** Whether `argv`'s command ends a run cut short by a signal with its partial report (bin/interleave.js then catches the signal). */
export function stopsOnSignal(argv: readonly string[]): boolean {
  return argv.length > 0 && Object.hasOwn(commands, argv[0]) && commands[argv[0]].stops === true;
}

export const USAGE = `usage: interleave <command> [options]

commands:
${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`).join('\n')}

\`interleave <command> --help\` describes each. Ctrl-C stops a search (check, run,
sweep, simulate, minimize, diff, gate, swarm) with its partial report (exit 130;
143 for SIGTERM, 129 for SIGHUP); a second one stops at once.
Examples:
  interleave check dm-snapshot/semaphore --writers 2 --cow-threshold 1 --ctrs 1
  interleave check dm-snapshot/in-progress --writers 3 --json
  interleave sweep dm-snapshot/semaphore --writers 1..4 --cow-threshold 0..2 --ctrs 0..2
  interleave run`;

export async function main(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  // `interleave help check` is `interleave check --help`.
  const [name, ...rest] = argv[0] === 'help' && argv.length === 2 && Object.hasOwn(commands, argv[1]) ? [argv[1], '--help'] : argv;
  try {
    // `help --help` and `help help` ask for the usage itself.
    if (name === 'help' && rest.length > 0 && !(rest.length === 1 && ['--help', '-h', 'help'].includes(rest[0]))) {
      const [asked, ...extra] = rest;
      if (!Object.hasOwn(commands, asked)) throw new UsageError(`help: unknown command ${JSON.stringify(asked)}`, `commands: ${Object.keys(commands).join(', ')}`);
      throw new UsageError(`help takes one command, got ${rest.length}: ${[asked, ...extra].join(' ')}`, `interleave help ${asked}`);
    }
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.stdout(USAGE);
      return name === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    if (name === '--version') {
      io.stdout(`interleave ${packageJson().version}`);
      return ExitCode.Ok;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`, `commands: ${Object.keys(commands).join(', ')}`);
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = e.hint ?? (commands[name] ? `see interleave ${name} --help` : undefined);
      io.stderr(`interleave: ${e.message}${hint ? `\nhint: ${hint}` : ''}`);
      return ExitCode.Usage;
    }
    if (e instanceof ModelError) {
      io.stderr(`interleave: ${e.message}`);
      return ExitCode.Usage;
    }
    // A search reports a step failing at run time as a violation; one that
    // escapes elsewhere (building a report, a diagram) is still the model's
    // fault, not interleave's: the model's exit code, the step named. Known
    // by name: the search core loads only with a command.
    if (e instanceof Error && e.name === 'ModelRuntimeError') {
      io.stderr(`interleave: model error: ${(e as ModelRuntimeError).where} fails: ${e.message}`);
      return ExitCode.Usage;
    }
    throw e;
  }
}
