import type { CliIO } from '../../src/cli/io.js';

export interface FakeIO extends CliIO {
  readonly out: string[];
  readonly err: string[];
}

export function fakeIO(cwd = process.cwd()): FakeIO {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), interactive: false, signal: { aborted: false }, cwd };
}
