/**
 * What interleave says about one configuration, in the terms the SPIN suite
 * compares: the plain BFS check (verdict, states, shortest counterexample)
 * and, when that search stopped at a violation, the whole reachable space.
 */
import { registry } from '../../models/index.js';
import { buildTrace } from '../../src/explain/trace.js';
import { check } from '../../src/explore/check.js';
import { compileModel, ModelRuntimeError, type CompiledModel } from '../../src/explore/compile.js';
import type { Verdict } from '../../src/explore/result.js';
import { instantiate } from '../../src/model/definition.js';
import type { SpinConfig } from './configs.js';

export interface InterleaveSide {
  readonly cm: CompiledModel;
  readonly verdict: Verdict;
  /** The property a violation broke (`deadlock`, an invariant's name, `assertion`). */
  readonly property?: string;
  /** States of the plain search (it stops at the first violation). */
  readonly states: number;
  /** Every reachable state, the search not stopping at violations. */
  readonly reachable: number;
  /** Reachable states with no step enabled and some process not at a valid end. */
  readonly deadlockStates: number;
  /** Reachable states violating an invariant or a terminal property. */
  readonly otherViolations: number;
  /** Reachable states whose expansion hits a model's run-time error (a primitive misused, a value out of range). */
  readonly runtimeErrors: number;
  /** The shortest counterexample as `process step outcome` rows. */
  readonly trace?: readonly string[];
}

export function compileConfig(c: SpinConfig): CompiledModel {
  const def = registry.find((d) => d.name === c.model);
  if (!def) throw new Error(`no model ${c.model}`);
  return compileModel(instantiate(def, c.params));
}

export interface WholeSpace {
  readonly reachable: number;
  readonly deadlockStates: number;
  readonly otherViolations: number;
  readonly runtimeErrors: number;
}

/**
 * Every reachable state, by a plain depth-first walk over the compiled
 * transition function that goes on past violations (a state whose expansion
 * throws a model run-time error counts as a violation and is not expanded).
 */
export function exploreAll(cm: CompiledModel): WholeSpace {
  const seen = new Set<string>();
  const init = cm.initialState();
  seen.add(init.join(','));
  const todo: Int32Array[] = [init];
  const out = new Int32Array(cm.slotCount);
  let deadlockStates = 0;
  let otherViolations = 0;
  let runtimeErrors = 0;
  while (todo.length > 0) {
    const s = todo.pop()!;
    if (cm.violatedAlways(s) >= 0) otherViolations++;
    let n: number;
    try {
      n = cm.successors(s, out, () => {
        const key = out.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          todo.push(out.slice());
        }
      });
    } catch (e) {
      if (!(e instanceof ModelRuntimeError)) throw e;
      runtimeErrors++;
      continue;
    }
    if (n === 0 && !cm.allAtValidEnd(s)) deadlockStates++;
    else if (n === 0 && cm.violatedAtEnd(s) >= 0) otherViolations++;
  }
  return { reachable: seen.size, deadlockStates, otherViolations, runtimeErrors };
}

export function checkWithInterleave(c: SpinConfig): InterleaveSide {
  return checkCompiled(compileConfig(c));
}

export function checkCompiled(cm: CompiledModel): InterleaveSide {
  const result = check(cm).run();
  const d = result.discovery;
  const all = d ? exploreAll(cm) : { reachable: result.stats.states, deadlockStates: 0, otherViolations: 0, runtimeErrors: 0 };
  return {
    cm,
    verdict: result.verdict,
    property: d?.property,
    states: result.stats.states,
    reachable: all.reachable,
    deadlockStates: all.deadlockStates,
    otherViolations: all.otherViolations,
    runtimeErrors: all.runtimeErrors,
    trace: d ? buildTrace(cm, d.path).map((r) => `${r.process} ${r.step} ${r.outcome}`) : undefined,
  };
}
