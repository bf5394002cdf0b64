/**
 * The three counterexamples of issue 3's acceptance, found by exploring (no
 * verdict is written down here), plus a helper to explore any registered model.
 */
import { registry } from '../../models/index.js';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel, type CompiledModel } from '../../src/explore/compile.js';
import type { CheckResult } from '../../src/explore/result.js';
import { instantiate } from '../../src/model/definition.js';

export interface Explored {
  readonly cm: CompiledModel;
  readonly result: CheckResult;
  readonly report: CheckReport;
}

export function explore(name: string, params: Record<string, string | number>): Explored {
  const def = registry.find((d) => d.name === name);
  if (!def) throw new Error(`no model ${name}`);
  const cm = compileModel(instantiate(def, params));
  const result = check(cm).run();
  return { cm, result, report: buildReport(cm, result) };
}

/** The dm-snapshot deadlock: 2 writers, a semaphore of 1, one snapshot_ctr. */
export const SEMAPHORE_DEADLOCK = ['dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 }] as const;
/** The fix's mutant that sleeps without dropping _origins_lock. */
export const SLEEP_HOLDING_LOCK = ['dm-snapshot/in-progress', { mutant: 'sleep-holding-lock', 'cow-threshold': 0, ctrs: 1 }] as const;
/** The fix's mutant that checks and joins the wait queue outside the spinlock. */
export const LOST_WAKEUP = ['dm-snapshot/in-progress', { mutant: 'lost-wakeup', 'cow-threshold': 0, ctrs: 0 }] as const;

export const exploreCase = (c: readonly [string, Record<string, string | number>]): Explored => explore(c[0], { ...c[1] });
