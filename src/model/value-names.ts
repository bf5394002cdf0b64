/**
 * Names for the values of a variable or local (`RangeOptions.names`), as a
 * C enum gives them: checked once when the model is built, shown beside the
 * number where a state is displayed (the explorer's state panel, replay, a
 * report's final state).
 */
import type { VarDecl } from './types.js';

/** `BUSY (1)`, or `1` when the declaration names none. */
export function valueText(decl: VarDecl, value: number): string {
  const name = decl.names?.[value - decl.min];
  return name === undefined ? String(value) : `${name} (${value})`;
}

/** `valueText` of the declaration called `name` among `decls`, or the bare number when there is none. */
export function valueTextOf(decls: readonly VarDecl[], name: string, value: number): string {
  const decl = decls.find((d) => d.name === name);
  return decl ? valueText(decl, value) : String(value);
}

/** What is wrong with a declaration's `names` (a model file run through tsx has no type check). */
export function valueNameProblems(decl: VarDecl): string[] {
  const names: unknown = decl.names;
  if (names === undefined) return [];
  const want = decl.max - decl.min + 1;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '')) {
    return [`names must be an array of non-empty strings, one for each value ${decl.min}..${decl.max}`];
  }
  const problems: string[] = [];
  if (names.length !== want) problems.push(`names has ${names.length} entr${names.length === 1 ? 'y' : 'ies'}, but the range ${decl.min}..${decl.max} has ${want} value${want === 1 ? '' : 's'}`);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) problems.push(`names gives ${[...new Set(twice)].map((n) => `'${n}'`).join(', ')} to more than one value`);
  return problems;
}
