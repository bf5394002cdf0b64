import { catalog } from '../../models/index.js';
import type { CliIO } from '../../src/cli/io.js';

export interface FakeIO extends CliIO {
  readonly out: string[];
  readonly err: string[];
}

/**
 * A CliIO that records what is printed. Model files are imported with a plain
 * import: the test runner's own loader compiles TypeScript.
 */
export function fakeIO(cwd = process.cwd()): FakeIO {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), interactive: false, signal: { aborted: false }, cwd,
    models: catalog, importModule: (url) => import(url),
  };
}
