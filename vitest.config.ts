import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Builds dist/ from the current sources first: tests that start
    // bin/interleave.js run the compiled code a user runs.
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON copy lets .ci/run end with one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'out/test-results.json' }]],
  },
});
