/**
 * Everything the renderers need about one check, as plain data: the
 * explorer's result plus its explanation. Pure; renderers only format it.
 */
import type { ExploredLevels } from '../explore/bfs.js';
import { BUILT_IN_PROPERTIES, type CompiledModel } from '../explore/compile.js';
import type { CheckResult } from '../explore/result.js';
import type { Model } from '../model/types.js';
import { locksHeldAtEnd } from '../model/validate.js';
import { explainDiscovery, type Counterexample } from './counterexample.js';
import { unreachedSteps, type UnreachedStep } from './coverage.js';
import { fewestSwitches } from './fewest-switches.js';

export interface CheckReport {
  readonly result: CheckResult;
  /** The properties that were checked, deadlock freedom first. */
  readonly properties: readonly string[];
  /** Declared properties the run did not check, each with why (a liveness property after a deadlock, say). */
  readonly notChecked: ReadonlyArray<{ readonly property: string; readonly reason: string }>;
  readonly counterexample?: Counterexample;
  readonly unreached: readonly UnreachedStep[];
  readonly statesPerSecond: number;
  /** The model that was checked (plain data), so diagrams can re-explore it. */
  readonly model?: Model;
  /** What the model does that the kernel would warn of without a deadlock (a lock held when a process ends). */
  readonly warnings?: readonly string[];
  /** The limits the search ran under, so a stop at one can name it. */
  readonly limits?: { readonly maxStates?: number; readonly maxMemoryBytes?: number };
}

/** `weak fairness`, `strong,writer=weak fairness`; `no fairness` for `none` (not "none fairness"). */
export function fairnessPhrase(fairness: string | undefined): string {
  return fairness === 'none' ? 'no fairness' : `${fairness ?? '?'} fairness`;
}

/** `under weak fairness`, or `without fairness`. */
export function underFairness(fairness: string | undefined): string {
  return fairness === 'none' ? 'without fairness' : `under ${fairnessPhrase(fairness)}`;
}

/**
 * The counterexample shown is a shortest one with the fewest context switches
 * (see fewest-switches.ts); the report's result carries that schedule too, so
 * every view of it (trace, diagrams, JSON) shows the same one. `explored`:
 * the search's own levels, if it kept them (see `RunAsyncOptions.onExplored`).
 */
export function buildReport(cm: CompiledModel, found: CheckResult, explored?: ExploredLevels): CheckReport {
  // A lasso's order is its meaning (the cycle must return to where it began): keep it. A trace found
  // with partial-order reduction need not be a shortest one, so "fewest switches among the shortest" would not apply.
  const reorder = found.discovery && found.discovery.kind !== 'liveness' && !found.reductions.includes('por');
  const better = reorder ? fewestSwitches(cm, found.discovery!.path, undefined, explored) : undefined;
  const result: CheckResult = found.discovery && better ? { ...found, discovery: { ...found.discovery, path: better.path } } : found;
  return {
    result,
    properties: [
      'no deadlock', ...cm.builtInProperties.map((p) => `always: ${p} (${BUILT_IN_PROPERTIES[p]})`), ...cm.alwaysProperties.map((p) => `always: ${p}`), ...cm.atEndProperties.map((p) => `at end: ${p}`),
      ...(found.liveness?.properties.map((p) => `liveness (${fairnessPhrase(found.liveness!.fairness)}): ${p}`) ?? []),
    ],
    notChecked: livenessNotChecked(cm, found),
    ...(result.discovery
      ? { counterexample: { ...explainDiscovery(cm, result.discovery), ...(better ? { switches: better.switches, bfsSwitches: better.bfsSwitches } : {}) } }
      : {}),
    unreached: unreachedSteps(cm, result.covered),
    ...heldAtEndWarnings(cm),
    model: cm.model,
    statesPerSecond: result.stats.elapsedMs > 0 ? Math.round((result.stats.states * 1000) / result.stats.elapsedMs) : result.stats.states,
  };
}

/** A lock a process surely holds when it ends: no deadlock if nobody else wants it, but lockdep warns at the task's exit. */
function heldAtEndWarnings(cm: CompiledModel): { warnings?: string[] } {
  const warnings = locksHeldAtEnd(cm.model).map(({ process, primitive, mode }) =>
    `process ${process} ends holding ${primitive} (${mode}) on every path: lockdep warns when a task exits or returns to user space holding a lock ("lock held when returning to user space!", debug_check_no_locks_held() in do_exit()); release it before the end, unless the model stops the thread mid-path on purpose`);
  return warnings.length > 0 ? { warnings } : {};
}

/**
 * The model's liveness properties, when the liveness pass did not run: it
 * runs only over a complete search that found no safety violation.
 */
function livenessNotChecked(cm: CompiledModel, found: CheckResult): CheckReport['notChecked'] {
  if (found.liveness) return [];
  const d = found.discovery;
  const reason = found.safetyOnly ? 'left out by --safety-only'
    : d?.kind === 'deadlock' ? 'the search found a deadlock first'
    : d ? `the search found a violation of "${d.property}" first`
    : found.completion !== 'complete' ? `the search did not complete (${found.completion})`
    : 'no liveness pass ran';
  const why = found.safetyOnly ? reason : `${reason}; liveness is checked only after a complete search finds no deadlock or violation`;
  return (cm.model.liveness ?? []).map((p) => ({ property: `liveness: ${p.name}`, reason: why }));
}
