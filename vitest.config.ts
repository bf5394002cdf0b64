import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects (`npm test` runs both; README "Tests" says how long each takes):
 * - unit: one module at a time on small models, `npm run test:unit`, well
 *   under a minute;
 * - acceptance: end to end and over grids -- the command line as a user runs
 *   it, the docs' examples, SPIN agreement, the models' verdict grids, the
 *   reductions and workers against plain search, the browser explorer.
 */
const ACCEPTANCE = [
  'test/cli/**/*.test.ts',
  'test/docs/**/*.test.ts',
  'test/spin/**/*.test.ts',
  'test/models/**/*.test.ts',
  'test/explore/symmetry.test.ts',
  'test/explore/parallel.test.ts',
  'test/explore/differential.test.ts',
  'test/explore/por.test.ts',
  'test/explain/saved-trace.test.ts',
  'test/render/explorer/browser.test.ts',
];
const ALL = ['test/**/*.test.ts', 'test/**/*.test.tsx'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // vitest's default is one worker fewer than the cores: on a 2-core CI
    // machine that is one worker, the files ran one after another and a core
    // sat mostly idle (npm test 5 min 11 s idle; 4 min 10 s with two).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The JSON copy lets .ci/run end with one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'out/test-results.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: ACCEPTANCE,
          // Pure modules, no vi.mock, no process-wide state: each worker
          // imports src once for all its files instead of once per file
          // (the imports were half the project's CPU: 66 s -> 27 s with
          // threads, measured on the shared machine, 2026-11-27).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'acceptance',
          include: ACCEPTANCE,
          // Grid tests take 1-2 minutes of CPU each; on a shared 2-core
          // machine (load 25+) three of them passed 120 s of wall time.
          testTimeout: 600_000,
          // Builds dist/ from the current sources first: tests that start
          // bin/interleave.js run the compiled code a user runs.
          globalSetup: ['test/support/build-once.ts'],
        },
      },
    ],
  },
});
