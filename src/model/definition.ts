/**
 * A model definition: a named family of models with typed parameters, like a
 * TLA+ spec with its constants. `build` turns checked parameter values into a
 * Model. Parameter names are the command-line flags (`cow-threshold`).
 */
import { ModelError } from './model-error.js';
import { isObject } from './plain-object.js';
import type { Model, Params } from './types.js';

export type ParamSpec =
  | {
      readonly kind: 'int';
      readonly min: number;
      readonly max: number;
      readonly default: number;
      readonly description: string;
    }
  | {
      readonly kind: 'enum';
      readonly values: readonly string[];
      readonly default: string;
      readonly description: string;
      /**
       * Left out of the resolved parameters while it has its default, so
       * configurations from before it existed read (and replay) the same; the
       * model's build then sees it absent and must treat that as the default.
       */
      readonly omitDefault?: boolean;
    };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamValues<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends { kind: 'int' } ? number : S[K] extends { values: readonly (infer V)[] } ? V : never;
};

export interface ModelDefinition<S extends ParamSpecs = ParamSpecs> {
  /** Registered name, e.g. `dm-snapshot/semaphore`. */
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  readonly params: S;
  build(params: ParamValues<S>): Model;
}

/** One configuration of the main job (`interleave run`, `npm start`). */
export interface RunSpec {
  readonly title: string;
  readonly model: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** What a caller of the CLI hands it: the models known by name, and the main job. */
export interface ModelCatalog {
  readonly registry: readonly ModelDefinition[];
  readonly mainJob: readonly RunSpec[];
}

/**
 * Freezes a definition, after checking its parameters: a default outside its
 * own range would be used by every run that leaves the flag out, while the
 * same value given on the command line is refused. Every problem is listed,
 * as `build()` lists a model's.
 */
export function defineModel<const S extends ParamSpecs>(def: ModelDefinition<S>): ModelDefinition<S> {
  const problems = Object.entries(def.params ?? {}).flatMap(([name, spec]) => paramProblems(spec).map((p) => `${def.name}: parameter ${name}: ${p}`));
  if (problems.length > 0) throw new ModelError(`model ${def.name} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return Object.freeze(def);
}

function paramProblems(spec: ParamSpec): string[] {
  if (spec.kind === 'int') {
    const bounds = [['min', spec.min], ['max', spec.max], ['default', spec.default]] as const;
    const notInt = bounds.filter(([, v]) => !Number.isInteger(v)).map(([what, v]) => `${what} ${String(v)} is not an integer`);
    if (notInt.length > 0) return notInt;
    if (spec.min > spec.max) return [`its range ${describeRange(spec)} is empty (intParam takes min, max, default, description)`];
    if (spec.default < spec.min || spec.default > spec.max) {
      return [`default ${spec.default} is outside its range ${describeRange(spec)} (intParam takes min, max, default, description)`];
    }
    return [];
  }
  if (spec.values.length === 0) return ['has no values'];
  return spec.values.includes(spec.default) ? [] : [`default ${JSON.stringify(spec.default)} is not one of its values ${describeRange(spec)}`];
}

export function intParam(min: number, max: number, dflt: number, description: string): ParamSpec {
  return { kind: 'int', min, max, default: dflt, description };
}

export function enumParam<const V extends string>(values: readonly V[], dflt: V, description: string, options: { omitDefault?: boolean } = {}) {
  return { kind: 'enum', values, default: dflt, description, ...(options.omitDefault ? { omitDefault: true } : {}) } as const;
}

/**
 * The spec of the parameter called `name`, or undefined when the model has
 * none. Own properties only: `def.params[name]` and `name in def.params` see
 * Object.prototype too, so `--constructor` or a gate file's `__proto__` read
 * as a parameter whose spec is a function or an object.
 */
export function paramSpec(def: ModelDefinition, name: string): ParamSpec | undefined {
  return Object.hasOwn(def.params, name) ? def.params[name] : undefined;
}

/** The accepted values of a parameter, for error hints and help text. */
export function describeRange(spec: ParamSpec): string {
  return spec.kind === 'int' ? `${spec.min}..${spec.max}` : spec.values.join('|');
}

/**
 * Checks given values (numbers, or strings from the command line) against the
 * definition and fills in defaults. Throws a ModelError naming the model and
 * the parameter for unknown names, non-integers and values out of range.
 */
export function resolveParams<S extends ParamSpecs>(
  def: ModelDefinition<S>,
  given: Readonly<Record<string, string | number>>,
): ParamValues<S> {
  const out: Record<string, string | number> = {};
  for (const name of Object.keys(given)) {
    if (paramSpec(def, name) === undefined) {
      const known = Object.keys(def.params).map((n) => `--${n}`).join(', ');
      throw new ModelError(`${def.name}: unknown parameter --${name} (known: ${known || 'none'})`);
    }
  }
  for (const [name, spec] of Object.entries(def.params)) {
    // Own properties only, as for the names: a parameter called `constructor` left out is not Object.
    const raw = Object.hasOwn(given, name) ? given[name] : undefined;
    if (raw === undefined || (spec.kind === 'enum' && spec.omitDefault && String(raw) === spec.default)) {
      if (!(spec.kind === 'enum' && spec.omitDefault)) out[name] = spec.default;
      continue;
    }
    if (spec.kind === 'int') {
      const v = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isInteger(v)) throw new ModelError(`${def.name}: --${name} must be an integer in ${describeRange(spec)}, got ${JSON.stringify(raw)}`);
      // The value as given: a number too big for a double would be echoed rounded (1e20 for 99999999999999999999).
      if (v < spec.min || v > spec.max) throw new ModelError(`${def.name}: --${name} ${typeof raw === 'string' ? raw.trim() : v} is out of range ${describeRange(spec)}`);
      out[name] = v;
    } else {
      const v = String(raw);
      if (!spec.values.includes(v)) throw new ModelError(`${def.name}: --${name} must be one of ${describeRange(spec)}, got ${JSON.stringify(v)}`);
      out[name] = v;
    }
  }
  return out as ParamValues<S>;
}

/** Resolves parameters and builds, so every model is built from checked values. */
export function instantiate<S extends ParamSpecs>(
  def: ModelDefinition<S>,
  given: Readonly<Record<string, string | number>> = {},
): Model {
  const values = resolveParams(def, given);
  const model: unknown = def.build(values);
  // A model file runs without type checks: a build that forgot its return would crash far from here.
  if (!isObject(model) || !Array.isArray(model.processes) || !Array.isArray(model.vars) || !Array.isArray(model.primitives)) {
    const got = model === undefined ? 'nothing (undefined)' : model === null ? 'null' : Array.isArray(model) ? 'an array' : typeof model === 'object' ? 'an object that is not a built model' : `${typeof model} ${String(model)}`;
    throw new ModelError(`${def.name}: build() returned ${got}, not a model: end it with return b.build()`);
  }
  return { ...(model as unknown as Model), params: values as unknown as Params };
}
