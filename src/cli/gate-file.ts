/**
 * The gate file (`gate.json`, schema `gate.schema.json`): which checks a CI
 * gate runs and what each must find. Validated field by field; every problem
 * is reported with its path (`checks[3].expect: must be one of ok, deadlock,
 * invariant`), all of them at once, before anything is explored.
 *
 *   {
 *     "$schema": "./gate.schema.json",
 *     "checks": [
 *       { "name": "the fix holds", "model": "dm-snapshot/in-progress",
 *         "params": { "writers": "1..4", "rwsem": ["writer-fair", "reader-preferring"] },
 *         "expect": "ok" }
 *     ]
 *   }
 *
 * Parameter values are expanded like `interleave sweep`'s: a number, a
 * string (`"3"`, `"1..4"`, `"a,b"`, `"0,2..4"`) or an array of those.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXPECTATIONS, type Expectation, type GateAxis, type GateCheck, type GateParams } from '../explain/gate.js';
import { compileModel } from '../explore/compile.js';
import { symmetryProblems } from '../explore/symmetry.js';
import { parseFairness } from '../explore/liveness.js';
import { describeRange, instantiate, resolveParams, type ModelDefinition } from '../model/definition.js';
import { ModelError } from '../model/model-error.js';
import type { Model } from '../model/types.js';
import { formatParams } from '../render/text.js';
import { UsageError } from './io.js';
import { loadModel, modelFileOf, type ModelSource } from './load-model.js';
import { expandGrid, parseParamValues } from './param-grid.js';

/** Where the schema lives, relative to the repository root. */
export const GATE_SCHEMA_FILE = 'gate.schema.json';

/** Upper bound for `workers`, as for `check --workers`. */
const MAX_WORKERS = 64;

/** The path of an issue with the file as a whole (unreadable, not JSON, not an object). */
const FILE = '(file)';

export interface GateFile {
  /** The file as named to the user. */
  readonly source: string;
  readonly description?: string;
  readonly checks: readonly GateCheck[];
  /** The definition of every model the checks name, by `GateCheck.model`. */
  readonly models: ReadonlyMap<string, ModelDefinition>;
  /** The absolute path of each model loaded from a file, by `GateCheck.model` (registered models are absent). */
  readonly modelFiles: ReadonlyMap<string, string>;
}

export interface GateIssue {
  /** JSON path of the offending field: `checks[3].params.writers`, or `(file)`. */
  readonly path: string;
  readonly message: string;
}

/** A gate file that cannot be used; exit code 2 (a UsageError). */
export class GateFileError extends UsageError {
  constructor(readonly source: string, readonly issues: readonly GateIssue[]) {
    // A model's own list of problems stays under its check, indented.
    const line = (i: GateIssue) => (i.path === FILE ? i.message : `${i.path}: ${i.message}`).replace(/\n/g, '\n    ');
    super(
      issues.length === 1
        ? `${source}: ${line(issues[0])}`
        : `${source} has ${issues.length} problems:\n${issues.map((i) => `  ${line(i)}`).join('\n')}`,
      `the gate file's format is described by ${GATE_SCHEMA_FILE}; see interleave gate --help`,
    );
    this.name = 'GateFileError';
  }
}

export const TOP_FIELDS = ['$schema', 'description', 'checks'] as const;
export const CHECK_FIELDS = ['name', 'description', 'model', 'params', 'expect', 'property', 'requireSteps', 'symmetry', 'workers', 'fairness'] as const;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const typeName = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`);

/** Parses JSON, turning a syntax error into an issue with line and column. */
export function parseGateJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new GateFileError(source, [{ path: FILE, message: `not valid JSON${where}: ${msg.replace(/^JSON\.parse: /, '')}` }]);
  }
}

export interface ValidateOptions {
  /** Finds a model by registered name or path; throws a UsageError or ModelError when it cannot. */
  readonly resolveModel: (name: string) => Promise<ModelDefinition>;
}

/** Turns one parameter's JSON value into the sweep's value text, or says why it cannot. */
function valueText(raw: unknown): string | { error: string } {
  const item = (v: unknown): string | undefined => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : undefined;
    if (typeof v === 'string') return v;
    return undefined;
  };
  if (Array.isArray(raw)) {
    if (raw.length === 0) return { error: 'must not be an empty array' };
    const items = raw.map(item);
    const bad = items.findIndex((t) => t === undefined);
    if (bad >= 0) return { error: `item ${bad} must be an integer or a string, got ${typeName(raw[bad])}` };
    return items.join(',');
  }
  const t = item(raw);
  if (t === undefined) {
    return { error: `must be an integer, a string like "1..4" or "a,b", or an array of them; got ${typeName(raw)}` };
  }
  return t;
}

/**
 * Validates a parsed gate file and expands its checks. Returns every issue
 * found; `checks` only when there are none.
 */
export async function validateGate(json: unknown, options: ValidateOptions): Promise<{ readonly gate?: Omit<GateFile, 'source' | 'modelFiles'>; readonly issues: GateIssue[] }> {
  const issues: GateIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!isObject(json)) {
    issue(FILE, `must be a JSON object with a "checks" array, got ${typeName(json)}`);
    return { issues };
  }
  for (const key of Object.keys(json)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) issue(key, `unknown field (known: ${TOP_FIELDS.join(', ')})`);
  }
  if (json.description !== undefined && typeof json.description !== 'string') issue('description', `must be a string, got ${typeName(json.description)}`);
  if (json.$schema !== undefined && typeof json.$schema !== 'string') issue('$schema', `must be a string, got ${typeName(json.$schema)}`);
  const raw = json.checks;
  if (raw === undefined) {
    issue('checks', 'is required: an array of checks');
    return { issues };
  }
  if (!Array.isArray(raw)) {
    issue('checks', `must be an array of checks, got ${typeName(raw)}`);
    return { issues };
  }
  if (raw.length === 0) issue('checks', 'must hold at least one check');

  const checks: GateCheck[] = [];
  const models = new Map<string, ModelDefinition>();
  const names = new Map<string, number>();
  for (const [i, entry] of raw.entries()) {
    const at = `checks[${i}]`;
    const before = issues.length;
    if (!isObject(entry)) {
      issue(at, `must be an object with name, model and expect, got ${typeName(entry)}`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!(CHECK_FIELDS as readonly string[]).includes(key)) issue(`${at}.${key}`, `unknown field (known: ${CHECK_FIELDS.join(', ')})`);
    }

    const name = entry.name;
    if (name === undefined) issue(`${at}.name`, 'is required: a name for the check (the JUnit classname)');
    else if (typeof name !== 'string' || name.trim() === '') issue(`${at}.name`, `must be a non-empty string, got ${typeName(name)}`);
    else if (names.has(name)) issue(`${at}.name`, `${JSON.stringify(name)} is already the name of checks[${names.get(name)}]; names must be unique`);
    else names.set(name, i);

    if (entry.description !== undefined && typeof entry.description !== 'string') issue(`${at}.description`, `must be a string, got ${typeName(entry.description)}`);

    const expect = entry.expect;
    if (expect === undefined) issue(`${at}.expect`, `is required: one of ${EXPECTATIONS.join(', ')}`);
    else if (!(EXPECTATIONS as readonly unknown[]).includes(expect)) issue(`${at}.expect`, `must be one of ${EXPECTATIONS.join(', ')}, got ${typeName(expect)}`);

    if (entry.property !== undefined) {
      if (typeof entry.property !== 'string' || entry.property === '') issue(`${at}.property`, `must be a non-empty string, got ${typeName(entry.property)}`);
      else if (expect !== 'invariant' && expect !== 'liveness') issue(`${at}.property`, 'only applies to expect "invariant" or "liveness" (the property that must be violated)');
    }
    if (entry.requireSteps !== undefined) {
      if (typeof entry.requireSteps !== 'boolean') issue(`${at}.requireSteps`, `must be true or false, got ${typeName(entry.requireSteps)}`);
      else if (entry.requireSteps && expect !== 'ok') issue(`${at}.requireSteps`, 'only applies to expect "ok" (a search that stops at a violation leaves steps unrun)');
    }
    if (entry.fairness !== undefined) {
      if (typeof entry.fairness !== 'string') issue(`${at}.fairness`, `must be a string like "weak" or "strong,writer=weak", got ${typeName(entry.fairness)}`);
      else {
        try { parseFairness(entry.fairness); } catch (e) { issue(`${at}.fairness`, (e as Error).message); }
      }
    }
    if (entry.symmetry !== undefined && typeof entry.symmetry !== 'boolean') issue(`${at}.symmetry`, `must be true or false, got ${typeName(entry.symmetry)}`);
    const workers = entry.workers;
    if (workers !== undefined && !(typeof workers === 'number' && Number.isInteger(workers) && workers >= 1 && workers <= MAX_WORKERS)) {
      issue(`${at}.workers`, `must be an integer in 1..${MAX_WORKERS}, got ${typeName(workers)}`);
    }

    let def: ModelDefinition | undefined;
    if (entry.model === undefined) issue(`${at}.model`, 'is required: a registered model name (see interleave list) or a model file');
    else if (typeof entry.model !== 'string' || entry.model === '') issue(`${at}.model`, `must be a non-empty string, got ${typeName(entry.model)}`);
    else {
      try {
        def = await options.resolveModel(entry.model);
      } catch (e) {
        if (!(e instanceof UsageError || e instanceof ModelError)) throw e;
        const hint = e instanceof UsageError && e.hint ? ` (${e.hint})` : '';
        issue(`${at}.model`, `${e.message}${hint}`);
      }
    }

    const params = entry.params ?? {};
    const axes: GateAxis[] = [];
    if (!isObject(params)) issue(`${at}.params`, `must be an object of parameter values, got ${typeName(params)}`);
    else if (def) {
      for (const [pname, pvalue] of Object.entries(params)) {
        const path = `${at}.params.${pname}`;
        const spec = def.params[pname];
        if (spec === undefined) {
          const known = Object.entries(def.params).map(([n, s]) => `${n} ${describeRange(s)}`).join(', ');
          issue(path, `${def.name} has no parameter ${JSON.stringify(pname)} (known: ${known || 'none'})`);
          continue;
        }
        const text = valueText(pvalue);
        if (typeof text !== 'string') {
          issue(path, text.error);
          continue;
        }
        try {
          axes.push({ name: pname, values: parseParamValues(pname, text, spec, def.name) });
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          const message = e.message.replace(`${def.name}: --${pname} `, '');
          issue(path, `${message} (${def.name} accepts ${describeRange(spec)})`);
        }
      }
    }

    if (issues.length > before || !def) continue;
    const configurations: GateParams[] = [];
    for (const combo of expandGrid({ model: def.name, axes })) {
      try {
        configurations.push(resolveParams(def, combo) as GateParams);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        issue(`${at}.params`, e.message);
        break;
      }
    }
    if (issues.length > before) continue;
    // Build every configuration now: a model that cannot be built, a property
    // it does not have, or required steps it does not mark are gate-file
    // errors, found before anything is explored.
    const built: Model[] = [];
    for (const params of configurations) {
      try {
        built.push(instantiate(def, params));
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        issue(`${at}.model`, `${entry.model}${Object.keys(params).length > 0 ? ` with ${formatParams(params)}` : ''}: ${e.message}`);
        break;
      }
    }
    if (issues.length > before) continue;
    if (typeof entry.property === 'string') {
      // Safety properties and liveness ones (a liveness check names the latter).
      const names = (m: Model) => [...m.properties, ...(m.liveness ?? [])].map((p) => p.name);
      const lacking = built.findIndex((m) => !names(m).includes(entry.property as string));
      if (lacking >= 0) {
        const known = names(built[lacking]).map((n) => JSON.stringify(n)).join(', ');
        issue(`${at}.property`, `${def.name} has no property ${JSON.stringify(entry.property)}${configurations.length > 1 ? ` with ${formatParams(configurations[lacking])}` : ''} (its properties: ${known || 'none'})`);
      }
    }
    if (entry.requireSteps === true) {
      const none = built.findIndex((m) => !m.processes.some((p) => p.locations.some((l) => l.steps.some((st) => st.required))));
      if (none >= 0) {
        issue(`${at}.requireSteps`, `${def.name} marks no step required${configurations.length > 1 ? ` with ${formatParams(configurations[none])}` : ''}, so nothing could show the proof is not vacuous (mark the steps that must run with \`required: true\`, or drop requireSteps)`);
      }
    }
    if (issues.length > before) continue;
    if (entry.symmetry === true) {
      // Unsound symmetry is refused by the explorer; say so now, naming the field.
      for (const model of built) {
        let problems: string[];
        try {
          problems = symmetryProblems(compileModel(model));
        } catch (e) {
          if (!(e instanceof ModelError)) throw e;
          problems = [e.message];
        }
        if (problems.length > 0) {
          issue(`${at}.symmetry`, `cannot be used here: ${problems[0]}`);
          break;
        }
      }
      if (issues.length > before) continue;
    }
    const same = models.get(def.name);
    if (same !== undefined && same !== def) {
      issue(`${at}.model`, `another model file of this gate is also named ${JSON.stringify(def.name)}; model names must be unique`);
      continue;
    }
    models.set(def.name, def);
    checks.push({
      name: name as string,
      ...(typeof entry.description === 'string' ? { description: entry.description } : {}),
      model: def.name,
      paramSpecs: def.params,
      axes,
      configurations,
      expect: expect as Expectation,
      ...(typeof entry.property === 'string' ? { property: entry.property } : {}),
      requireSteps: entry.requireSteps === true,
      ...(typeof entry.fairness === 'string' ? { fairness: entry.fairness } : {}),
      symmetry: entry.symmetry === true,
      workers: typeof workers === 'number' ? workers : 1,
    });
  }
  if (issues.length > 0) return { issues };
  return { gate: { ...(typeof json.description === 'string' ? { description: json.description } : {}), checks, models }, issues };
}

/**
 * Reads and validates a gate file. Model files named in it are found
 * relative to the gate file. Throws a GateFileError listing every problem.
 */
export async function loadGateFile(path: string, source: string, models: ModelSource): Promise<GateFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateFileError(source, [{ path: FILE, message: code === 'ENOENT' ? 'no such file (give the gate file with --config FILE)' : `cannot read it (${code ?? String(e)})` }]);
  }
  const json = parseGateJson(text, source);
  const base = dirname(path);
  // One load per model file: two checks of the same file (the bug found with
  // one parameter set, the fix holding with another) share its definition.
  const loaded = new Map<string, Promise<ModelDefinition>>();
  const fileOf = new Map<ModelDefinition, string>();
  const from = { ...models, cwd: base };
  const resolveModel = (name: string) => {
    const key = resolve(base, name);
    if (!loaded.has(key)) {
      loaded.set(key, loadModel(name, from).then((def) => {
        const file = modelFileOf(name, from);
        if (file !== undefined) fileOf.set(def, file);
        return def;
      }));
    }
    return loaded.get(key)!;
  };
  const { gate, issues } = await validateGate(json, { resolveModel });
  if (!gate) throw new GateFileError(source, issues);
  // Recorded in each case's result.json, so `replay` of a gate case needs no --model.
  const modelFiles = new Map([...gate.models].flatMap(([name, def]) => (fileOf.has(def) ? [[name, fileOf.get(def)!] as const] : [])));
  return { source, ...gate, modelFiles };
}
