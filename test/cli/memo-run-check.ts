/**
 * For vi.mock of src/cli/run-check.js in the shard tests. Imports nothing
 * that imports run-check itself (the mock factory would wait on itself).
 */
import type * as RunCheck from '../../src/cli/run-check.js';

/**
 * runCheck that explores each (model, parameters, options) once per test
 * file: in-process shards reuse the unsharded run's explorations (the
 * explorer is deterministic; real processes show that separately).
 */
export function memoizeRunCheck(actual: typeof RunCheck): typeof RunCheck {
  const memo = new Map<string, ReturnType<typeof actual.runCheck>>();
  return {
    ...actual,
    runCheck: (def, params, options = {}) => {
      const key = JSON.stringify([def.name, params, options.symmetry ?? false, options.workers ?? 1, options.maxStates ?? null, options.maxMemoryBytes ?? null, options.fairness ?? null]);
      if (!memo.has(key)) memo.set(key, actual.runCheck(def, params, options));
      return memo.get(key)!;
    },
  };
}

