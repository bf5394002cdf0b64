/**
 * For vi.mock of src/cli/run-check.js in the shard tests. Imports nothing
 * that imports run-check itself (the mock factory would wait on itself).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type * as RunCheck from '../../src/cli/run-check.js';

/**
 * runCheck that explores each (model, parameters, options) once per test
 * file: in-process shards reuse the unsharded run's explorations (the
 * explorer is deterministic; real processes show that separately).
 */
export function memoizeRunCheck(actual: typeof RunCheck): typeof RunCheck {
  const memo = new Map<string, ReturnType<typeof actual.runCheck>>();
  // A memoised report's case files (diagrams, explorer page: most of a gate
  // run's time once explorations are shared) are drawn once and copied to
  // every later directory, their paths inside result.json moved with them.
  const drawn = new WeakMap<object, { dir: string; options: string; files: ReturnType<typeof actual.writeCheckOutputs> }>();
  return {
    ...actual,
    writeCheckOutputs: async (dir, report, options = {}) => {
      const first = drawn.get(report);
      if (!first || first.options !== JSON.stringify(options)) {
        const files = actual.writeCheckOutputs(dir, report, options);
        if (!first) drawn.set(report, { dir, options: JSON.stringify(options), files });
        return files;
      }
      const files = await first.files;
      cpSync(first.dir, dir, { recursive: true });
      const json = join(dir, 'result.json');
      if (existsSync(json)) writeFileSync(json, readFileSync(json, 'utf8').replaceAll(first.dir, dir));
      return Object.fromEntries(Object.entries(files).map(([k, p]) => [k, join(dir, relative(first.dir, p))]));
    },
    runCheck: (def, params, options = {}) => {
      const key = JSON.stringify([def.name, params, options.symmetry ?? false, options.workers ?? 1, options.maxStates ?? null, options.maxMemoryBytes ?? null, options.fairness ?? null]);
      if (!memo.has(key)) memo.set(key, actual.runCheck(def, params, options));
      return memo.get(key)!;
    },
  };
}

