/**
 * Parameter grids: `--writers 1..4 --rwsem writer-fair,reader-preferring`
 * turned into every combination, validated against the model definition
 * before anything runs. Shared by `sweep` and (later) `gate`.
 *
 * Value syntax, per parameter:
 *   `3`            one value
 *   `1..4`         an inclusive integer range (int parameters only)
 *   `a,b`          a list; items may be ranges: `0,2..4`
 * Duplicates are dropped, first occurrence wins; order is as written.
 */
import { describeRange, paramSpec, type ModelDefinition, type ParamSpec } from '../model/definition.js';
import { UsageError } from './io.js';

export type ParamValue = string | number;

export interface GridAxis {
  /** Parameter name, as on the command line without dashes. */
  readonly name: string;
  /** The values to try, in the order given; validated against the definition. */
  readonly values: readonly ParamValue[];
}

export interface ParamGrid {
  readonly model: string;
  /** Every parameter given on the command line, in the order given. */
  readonly axes: readonly GridAxis[];
}

/** Parses one parameter's value text into its values; throws a UsageError with the valid range as hint. */
export function parseParamValues(name: string, text: string, spec: ParamSpec, model: string): ParamValue[] {
  const hint = `--${name} accepts ${describeRange(spec)}${spec.kind === 'int' ? ', a range like 1..3 or a list like 0,2' : ', or a list like a,b'}`;
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${model}: --${name} has an empty item in ${JSON.stringify(text)}`, hint);
  const out: ParamValue[] = [];
  const push = (v: ParamValue) => {
    if (!out.includes(v)) out.push(v);
  };
  for (const item of items) {
    if (spec.kind === 'enum') {
      if (!spec.values.includes(item)) throw new UsageError(`${model}: --${name} has no value ${JSON.stringify(item)}`, hint);
      push(item);
      continue;
    }
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(item);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > hi) throw new UsageError(`${model}: --${name} range ${item} is empty (write low..high)`, hint);
      if (lo < spec.min || hi > spec.max) throw new UsageError(`${model}: --${name} range ${item} is outside ${describeRange(spec)}`, hint);
      for (let v = lo; v <= hi; v++) push(v);
      continue;
    }
    if (!/^-?\d+$/.test(item)) throw new UsageError(`${model}: --${name} must be an integer, a range or a list, got ${JSON.stringify(item)}`, hint);
    const v = Number(item);
    if (v < spec.min || v > spec.max) throw new UsageError(`${model}: --${name} ${v} is outside ${describeRange(spec)}`, hint);
    push(v);
  }
  return out;
}

/**
 * Builds the grid from `--name value-text` pairs (in command-line order).
 * Parameters not given keep the model's default and are not axes.
 */
export function buildParamGrid(def: ModelDefinition, given: Iterable<readonly [string, string]>): ParamGrid {
  const axes: GridAxis[] = [];
  for (const [name, text] of given) {
    const spec = paramSpec(def, name);
    if (spec === undefined) {
      const known = Object.keys(def.params);
      throw new UsageError(
        `${def.name}: unknown parameter --${name}`,
        known.length > 0 ? `parameters of ${def.name}: ${known.map((n) => `--${n} (${describeRange(def.params[n])})`).join(', ')}` : `${def.name} has no parameters`,
      );
    }
    axes.push({ name, values: parseParamValues(name, text, spec, def.name) });
  }
  return { model: def.name, axes };
}

/** How many combinations the grid has. */
export function gridSize(grid: ParamGrid): number {
  return grid.axes.reduce((n, a) => n * a.values.length, 1);
}

/** The axes with more than one value: what actually varies. */
export function sweptAxes(grid: ParamGrid): GridAxis[] {
  return grid.axes.filter((a) => a.values.length > 1);
}

/**
 * Every combination, in odometer order: the last axis varies fastest.
 * Each combination has every axis, so it can go straight to `resolveParams`.
 */
export function expandGrid(grid: ParamGrid): Array<Record<string, ParamValue>> {
  let combos: Array<Record<string, ParamValue>> = [{}];
  for (const axis of grid.axes) {
    const next: Array<Record<string, ParamValue>> = [];
    for (const c of combos) for (const v of axis.values) next.push({ ...c, [axis.name]: v });
    combos = next;
  }
  return combos;
}
