/**
 * Counts in prose: `1 step`, `2 steps`, `1,024 states`. Every report that
 * prints how many of something says it through here, so none reads
 * "after 1 steps". No imports: `explain/` (a gate's reasons, a replay's
 * verdict) words counts with it too without pulling in the renderers.
 */

/**
 * `488,692`: a count with thousands separators. Written out rather than with
 * toLocaleString, whose first call loads ICU's locale data (about 60 ms of
 * CPU, a sixth of the CLI's start-up).
 */
export function formatCount(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** `1 step`, `3 steps`, `2 context switches` (with `many`): singular for exactly one. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * `after 3 steps`, `after 1 step`; for none, `in the initial state` (a step
 * that fails from there, an invariant false there). `?` when unknown.
 */
export function afterSteps(n: number | undefined): string {
  if (n === undefined) return 'after ? steps';
  return n === 0 ? 'in the initial state' : `after ${plural(n, 'step')}`;
}
