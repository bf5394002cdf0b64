/**
 * Vitest global setup: compiles the current sources (`npm run build`) before
 * any test runs, so every test that starts bin/interleave.js runs compiled
 * code of exactly the source under test. (bin/interleave.js rebuilds by itself
 * if a source is edited during the run.)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function build(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
