/**
 * How much of a deadlocking sweep goes to explaining: every configuration of
 * semaphore, writers 1..4, threshold 0..2, ctrs 0..2, both rw_semaphore
 * policies, as `interleave sweep` runs them (search, then the report with
 * its fewest-switch schedule). Prints one JSON line.
 * Usage: node --import tsx bench/explain.ts
 */
import { registry } from '../models/index.js';
import { buildReport } from '../src/explain/report.js';
import type { ExploredLevels } from '../src/explore/bfs.js';
import { check } from '../src/explore/check.js';
import { instantiate } from '../src/model/definition.js';

const def = registry.find((d) => d.name === 'dm-snapshot/semaphore')!;
let searchMs = 0;
let explainMs = 0;
let runs = 0;
let violations = 0;
for (const rwsem of ['writer-fair', 'reader-preferring']) {
  for (let writers = 1; writers <= 4; writers++) {
    for (let t = 0; t <= 2; t++) {
      for (let ctrs = 0; ctrs <= 2; ctrs++) {
        const checker = check(instantiate(def, { writers, 'cow-threshold': t, ctrs, rwsem }));
        const a = performance.now();
        let explored: ExploredLevels | undefined;
        const result = await checker.runAsync({ onExplored: (levels) => { explored = levels; } });
        const b = performance.now();
        buildReport(checker.compiled, result, explored);
        const c = performance.now();
        searchMs += b - a;
        explainMs += c - b;
        runs++;
        if (result.discovery) violations++;
      }
    }
  }
}
process.stdout.write(`${JSON.stringify({ runs, violations, searchMs, explainMs, explainShare: explainMs / (searchMs + explainMs) })}\n`);
