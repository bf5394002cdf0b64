/**
 * The gate file (`gate.json`, schema `gate.schema.json`): which checks a CI
 * gate runs and what each must find. Its shape is checked against the schema
 * (`gate-schema.ts`), then what needs the models here; every problem is
 * reported with its path (`checks[3].expect: must be one of ok, deadlock,
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
import { describeRange, instantiate, paramSpec, resolveParams, type ModelDefinition } from '../model/definition.js';
import { ModelError } from '../model/model-error.js';
import type { Model } from '../model/types.js';
import { formatParams } from '../render/text.js';
import { UsageError } from './io.js';
import { loadModel, modelFileOf, type ModelSource } from './load-model.js';
import { checkGridSize, expandGrid, parseParamValues } from './param-grid.js';
import { GATE_SCHEMA_FILE, schemaIssues, typeName } from './gate-schema.js';
import { reason } from './out-dir.js';
import { isObject } from '../model/plain-object.js';

export { GATE_SCHEMA_FILE };

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

/** One parameter's JSON value as the sweep's value text; undefined when the schema already refused it. */
function valueText(raw: unknown): string | undefined {
  const item = (v: unknown): string | undefined => (typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' && v !== '' ? v : undefined);
  if (!Array.isArray(raw)) return item(raw);
  const items = raw.map(item);
  return items.length === 0 || items.includes(undefined) ? undefined : items.join(',');
}

/** The check an issue is about (-1 for the file's own fields), to list issues check by check. */
const checkIndex = (path: string) => Number(/^checks\[(\d+)\]/.exec(path)?.[1] ?? -1);

/**
 * Validates a parsed gate file and expands its checks. Returns every issue
 * found; `checks` only when there are none. The shape (fields, types,
 * expectations, which field goes with which expectation) is the schema's;
 * what needs the models (they exist, parameters and ranges, property names,
 * required steps, symmetry) is checked here.
 */
export async function validateGate(json: unknown, options: ValidateOptions): Promise<{ readonly gate?: Omit<GateFile, 'source' | 'modelFiles'>; readonly issues: GateIssue[] }> {
  const shape = schemaIssues(json).map((i) => ({ path: i.path === '' ? FILE : i.path, message: i.message }));
  const found: GateIssue[] = [];
  const issue = (path: string, message: string) => found.push({ path, message });
  // At one path, say one thing: a check made here knows more than the schema
  // (a blank name, a fairness naming no process kind).
  const all = () => [...shape.filter((s) => !found.some((f) => f.path === s.path)), ...found].sort((a, b) => checkIndex(a.path) - checkIndex(b.path));
  const shapeBroken = (at: string) => shape.some((s) => s.path === at || s.path.startsWith(`${at}.`));
  if (!isObject(json) || !Array.isArray(json.checks)) return { issues: all() };
  const raw: unknown[] = json.checks;

  const checks: GateCheck[] = [];
  const models = new Map<string, ModelDefinition>();
  const names = new Map<string, number>();
  for (const [i, entry] of raw.entries()) {
    const at = `checks[${i}]`;
    if (!isObject(entry)) continue;
    const before = found.length;

    const name = entry.name;
    if (typeof name === 'string') {
      if (name.trim() === '') issue(`${at}.name`, 'must not be blank');
      else if (names.has(name)) issue(`${at}.name`, `${JSON.stringify(name)} is already the name of checks[${names.get(name)}]; names must be unique`);
      else names.set(name, i);
    }
    const expect = entry.expect;
    if (typeof entry.fairness === 'string') {
      try { parseFairness(entry.fairness); } catch (e) { issue(`${at}.fairness`, (e as Error).message); }
    }
    const workers = entry.workers;
    if (entry.compress === true && typeof workers === 'number' && workers > 1) {
      issue(`${at}.compress`, `cannot be used with workers ${workers}: the compressed store is not shared between threads; drop one of them`);
    }

    let def: ModelDefinition | undefined;
    if (typeof entry.model === 'string' && entry.model !== '') {
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
    if (isObject(params) && def) {
      for (const [pname, pvalue] of Object.entries(params)) {
        const path = `${at}.params.${pname}`;
        const spec = paramSpec(def, pname);
        if (spec === undefined) {
          const known = Object.entries(def.params).map(([n, s]) => `${n} ${describeRange(s)}`).join(', ');
          issue(path, `${def.name} has no parameter ${JSON.stringify(pname)} (known: ${known || 'none'})`);
          continue;
        }
        const text = valueText(pvalue);
        if (text === undefined) continue;
        try {
          axes.push({ name: pname, values: parseParamValues(pname, text, spec, def.name) });
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          const prefix = `${def.name}: --${pname} `;
          // A value's error gets the valid range; a grid too large is not about the range.
          issue(path, e.message.startsWith(prefix) ? `${e.message.slice(prefix.length)} (${def.name} accepts ${describeRange(spec)})` : e.message);
        }
      }
      try {
        if (found.length === before) checkGridSize(def.name, axes.map((a) => [a.name, a.values.length]));
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        issue(`${at}.params`, e.message);
      }
    }

    if (found.length > before || shapeBroken(at) || !def) continue;
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
    if (found.length > before) continue;
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
    if (found.length > before) continue;
    if (typeof entry.property === 'string') {
      // Safety properties and liveness ones (a liveness check names the latter), and the
      // checker's own invariants the model can violate (atomic-sleep), known once compiled.
      const builtIn = (m: Model): readonly string[] => {
        try {
          return compileModel(m).builtInProperties;
        } catch (e) {
          if (!(e instanceof ModelError)) throw e;
          return [];
        }
      };
      const names = (m: Model) => [...[...m.properties, ...(m.liveness ?? [])].map((p) => p.name), ...builtIn(m)];
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
    if (found.length > before) continue;
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
      if (found.length > before) continue;
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
      ...(entry.compress === true ? { compress: true } : {}),
    });
  }
  const issues = all();
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
    // A byte-order mark (some Windows editors write one) is not JSON, and invisible in the parser's complaint.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateFileError(source, [{ path: FILE, message: code === 'ENOENT' ? 'no such file (give the gate file with --config FILE)' : `cannot read it (${reason(e)})` }]);
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
