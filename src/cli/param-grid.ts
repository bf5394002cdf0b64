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
import { formatCount } from '../render/count.js';

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

/**
 * The most configurations one grid may have. Beyond this a grid would run for
 * days and its list of configurations alone takes gigabytes (a typo'd
 * `--n 0..2000000000` sat silent for a minute before a single run), so it is
 * refused up front, before anything is expanded.
 */
export const MAX_GRID_CONFIGURATIONS = 1_000_000;

/** One item of a value text, validated: an enum value, or an inclusive integer range (`3` is 3..3). */
type ValueItem = string | { readonly lo: number; readonly hi: number };

/** Parses one parameter's value text into its values; throws a UsageError with the valid range as hint. */
export function parseParamValues(name: string, text: string, spec: ParamSpec, model: string): ParamValue[] {
  const items = parseValueItems(name, text, spec, model);
  checkGridSize(model, [[name, countValues(items)]]);
  return valuesOf(items);
}

/** How many distinct values a value text gives, without listing them. */
export function countParamValues(name: string, text: string, spec: ParamSpec, model: string): number {
  return countValues(parseValueItems(name, text, spec, model));
}

/** The items' values in order, each once. A set, not includes(): a range of many thousand values would be quadratic. */
function valuesOf(items: readonly ValueItem[]): ParamValue[] {
  const out = new Set<ParamValue>();
  for (const item of items) {
    if (typeof item === 'string') out.add(item);
    else for (let v = item.lo; v <= item.hi; v++) out.add(v);
  }
  return [...out];
}

function parseValueItems(name: string, text: string, spec: ParamSpec, model: string): ValueItem[] {
  const hint = `--${name} accepts ${describeRange(spec)}${spec.kind === 'int' ? ', a range like 1..3 or a list like 0,2' : ', or a list like a,b'}`;
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${model}: --${name} has an empty item in ${JSON.stringify(text)}`, hint);
  return items.map((item): ValueItem => {
    if (spec.kind === 'enum') {
      if (!spec.values.includes(item)) throw new UsageError(`${model}: --${name} has no value ${JSON.stringify(item)}`, hint);
      return item;
    }
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(item);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > hi) throw new UsageError(`${model}: --${name} range ${item} is empty (write low..high)`, hint);
      if (lo < spec.min || hi > spec.max) throw new UsageError(`${model}: --${name} range ${item} is outside ${describeRange(spec)}`, hint);
      return { lo, hi };
    }
    if (!/^-?\d+$/.test(item)) throw new UsageError(`${model}: --${name} must be an integer, a range or a list, got ${JSON.stringify(item)}`, hint);
    const v = Number(item);
    if (v < spec.min || v > spec.max) throw new UsageError(`${model}: --${name} ${v} is outside ${describeRange(spec)}`, hint);
    return { lo: v, hi: v };
  });
}

/** Distinct values of the items: overlapping ranges (`0..5,3..8`) count once. */
function countValues(items: readonly ValueItem[]): number {
  const names = new Set(items.filter((i) => typeof i === 'string')).size;
  const ranges = items.filter((i) => typeof i !== 'string').sort((a, b) => a.lo - b.lo);
  let count = names;
  let covered = -Infinity; // the highest value counted so far
  for (const { lo, hi } of ranges) {
    if (hi > covered) count += hi - Math.max(lo, covered + 1) + 1;
    covered = Math.max(covered, hi);
  }
  return count;
}

/** Refuses a grid of more than MAX_GRID_CONFIGURATIONS, given each axis's number of values. */
export function checkGridSize(model: string, counts: ReadonlyArray<readonly [string, number]>): void {
  const total = counts.reduce((n, [, c]) => n * c, 1);
  if (total <= MAX_GRID_CONFIGURATIONS) return;
  const axes = counts.filter(([, c]) => c > 1).map(([name, c]) => `${name} ${formatCount(c)}`).join(' x ');
  throw new UsageError(
    `${model}: the grid has ${formatCount(total)} configurations (${axes}), more than the limit of ${formatCount(MAX_GRID_CONFIGURATIONS)}`,
    `narrow the ranges, or split the grid into runs of at most ${formatCount(MAX_GRID_CONFIGURATIONS)} configurations`,
  );
}

/**
 * Builds the grid from `--name value-text` pairs (in command-line order).
 * Parameters not given keep the model's default and are not axes.
 */
export function buildParamGrid(def: ModelDefinition, given: Iterable<readonly [string, string]>): ParamGrid {
  const parsed: Array<readonly [string, ValueItem[]]> = [];
  for (const [name, text] of given) {
    const spec = paramSpec(def, name);
    if (spec === undefined) {
      const known = Object.keys(def.params);
      throw new UsageError(
        `${def.name}: unknown parameter --${name}`,
        known.length > 0 ? `parameters of ${def.name}: ${known.map((n) => `--${n} (${describeRange(def.params[n])})`).join(', ')}` : `${def.name} has no parameters`,
      );
    }
    parsed.push([name, parseValueItems(name, text, spec, def.name)]);
  }
  // Counted before any axis is listed: an absurd grid is refused without allocating it.
  checkGridSize(def.name, parsed.map(([name, items]) => [name, countValues(items)]));
  return { model: def.name, axes: parsed.map(([name, items]) => ({ name, values: valuesOf(items) })) };
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
