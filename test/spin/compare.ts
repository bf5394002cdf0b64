/**
 * Compares what interleave and SPIN say about one configuration, and lays
 * their counterexamples side by side when they disagree.
 */
import type { InterleaveSide } from './interleave-side.js';
import type { SpinOutcome, TrailStep } from './spin-runner.js';

/**
 * Steps SPIN's trail has beyond interleave's path, by the kind of violation:
 * - `assertion` (a model's run-time error, e.g. a primitive misused):
 *   interleave reports the state where the failing step was tried, SPIN's
 *   trail ends with that step, whose assert fails: one more.
 * - a terminal-state (`at-end`) property: SPIN's trail ends with the at_end
 *   monitor's step, which asserts it: one more.
 * - an invariant false in the initial state: interleave's path is empty,
 *   SPIN needs the export's `initial_state` process to take its one step.
 * Other deadlocks and `always` invariants need no offset.
 */
export function trailOffset(il: InterleaveSide): number {
  if (il.property === 'assertion' || il.property === 'atomic-sleep' || initialViolation(il)) return 1;
  if (il.property !== undefined && il.cm.atEndProperties.includes(il.property)) return 1;
  return 0;
}

/** The initial state violates an invariant (the export then adds an `initial_state` process, which changes SPIN's space). */
export function initialViolation(il: InterleaveSide): boolean {
  return il.verdict === 'invariant' && il.trace?.length === 0;
}

/** A SPIN trail step in interleave's trace words: `writer#2 down_cow blocked`. */
export function spinRow(il: InterleaveSide, step: TrailStep): string {
  const name = step.pid < il.cm.layout.processes.length ? il.cm.processName(step.pid) : 'at_end';
  const [stepName, half] = step.tag.split(',').map((s) => s.trim());
  const outcome = half === 'sleeps' ? 'blocked' : half === 'wakes' ? 'woke' : 'ran';
  return `${name} ${stepName} ${outcome}`;
}

/** Two columns, row by row, marking rows that differ. */
export function sideBySide(leftTitle: string, left: readonly string[], rightTitle: string, right: readonly string[]): string {
  const width = Math.max(leftTitle.length, ...left.map((l) => l.length)) + 2;
  const rows = [`    ${leftTitle.padEnd(width)}${rightTitle}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const a = left[i] ?? '';
    const b = right[i] ?? '';
    rows.push(`${String(i + 1).padStart(2)}${a === b ? ' ' : '*'} ${a.padEnd(width)}${b}`);
  }
  return rows.join('\n');
}

/** SPIN prints expressions fully parenthesised, and a conditional as `c ? a : b`. */
const normalize = (expr: string) => expr.replace(/->/g, '?').replace(/[\s()]/g, '');

/**
 * The property whose assertion SPIN reports as violated, by matching its
 * message against the export's `assert(...)  /* always: name *\/` lines;
 * `assertion` for any other assertion (a model's run-time check).
 */
export function violatedProperty(message: string | undefined, pml: string): string | undefined {
  const m = message === undefined ? undefined : /assertion violated (.*?)(?: \(at depth \d+\))?$/.exec(message);
  if (!m) return undefined;
  for (const line of pml.matchAll(/assert\((.*)\);? +\/\* (?:always|at end): (.*) \*\//g)) {
    if (normalize(line[1]) === normalize(m[1])) return line[2];
  }
  return 'assertion';
}

/** Every way the two disagree; empty when they agree. */
export function disagreements(il: InterleaveSide, sp: SpinOutcome, pml?: string): string[] {
  const out: string[] = [];
  if (il.verdict !== sp.verdict) out.push(`verdict: interleave ${il.verdict}, SPIN ${sp.verdict} (${sp.firstError ?? 'no error'})`);
  else if (il.verdict === 'invariant' && pml !== undefined && violatedProperty(sp.firstError, pml) !== il.property) {
    out.push(`violated property: interleave "${il.property}", SPIN "${violatedProperty(sp.firstError, pml)}" (${sp.firstError})`);
  }
  if (il.verdict === 'ok' && il.states !== sp.dfs.stored) out.push(`states: interleave ${il.states}, SPIN ${sp.dfs.stored}`);
  // After a run-time error interleave expands nothing more from that state, while SPIN's
  // -c0 search carries on past the failed assertion; and the initial_state process of a
  // model whose initial state is already wrong adds states: the whole spaces differ by design.
  if (il.runtimeErrors === 0 && !initialViolation(il)) {
    if (il.reachable !== sp.dfs.stored) out.push(`reachable states (search not stopping at violations): interleave ${il.reachable}, SPIN ${sp.dfs.stored}`);
    if (il.otherViolations === 0 && sp.dfs.errors !== il.deadlockStates) {
      out.push(`deadlocked states: interleave ${il.deadlockStates}, SPIN ${sp.dfs.errors} invalid end states`);
    }
  }
  const ilLength = il.trace?.length;
  const spinLength = sp.trail?.length;
  if (ilLength !== spinLength && (ilLength === undefined || spinLength === undefined || spinLength !== ilLength + trailOffset(il))) {
    out.push(`shortest counterexample: interleave ${ilLength ?? 'none'}, SPIN ${spinLength ?? 'none'}${trailOffset(il) ? ` (expected interleave + ${trailOffset(il)}: SPIN's trail ends with the failing check)` : ''}`);
  }
  return out;
}

/** The report printed when they disagree: what differs, then both counterexamples. */
export function disagreementReport(title: string, il: InterleaveSide, sp: SpinOutcome, problems: readonly string[]): string {
  const lines = [`interleave and SPIN disagree on ${title}:`, ...problems.map((p) => `  - ${p}`)];
  if (il.trace || sp.trail) {
    lines.push('', sideBySide('interleave (BFS)', il.trace ?? [], 'SPIN (-DBFS trail)', (sp.trail ?? []).map((s) => spinRow(il, s))));
  }
  return lines.join('\n');
}
