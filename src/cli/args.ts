/**
 * A small argv parser: `--name value`, `--name=value`, boolean switches, and
 * positionals. Model parameters are not known until the model is, so unknown
 * flags are collected and validated by the model definition.
 */
import { UsageError } from './io.js';

export interface ParsedArgs {
  readonly positionals: string[];
  /** Flags with a value, by name (without dashes). */
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
  /**
   * The command's own options taken out of `values` (with `takeInt`,
   * `takeString`), as given: what is left in `values` is the model's, and a
   * model parameter of the same name would never see its flag.
   */
  readonly taken: Map<string, string>;
}

/** `switches` never take a value; every other flag does. */
export function parseArgs(argv: readonly string[], switches: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const on = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      on.add('help');
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) throw new UsageError(`unknown option ${a}`, 'options are spelled --name or --name=value');
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`malformed option ${a}`);
    if (switches.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      on.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    // Kept without its value rather than refused here: only the command knows whether it has such an
    // option at all, and "--bogus needs a value" misleads about a misspelt one (`takeString` refuses it).
    values.set(name, value ?? '');
  }
  return { positionals, values, switches: on, taken: new Map() };
}

/** Takes a non-negative integer flag out of `values`. */
export function takeInt(args: ParsedArgs, name: string, min = 0): number | undefined {
  const raw = takeString(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function takeString(args: ParsedArgs, name: string): string | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  args.values.delete(name);
  args.taken.set(name, raw);
  if (raw === '') throw new UsageError(`--${name} needs a value`);
  return raw;
}
