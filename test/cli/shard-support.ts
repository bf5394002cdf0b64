/** Helpers shared by the shard and merge tests: the CLI in this process and as a real process, and output with timings blanked. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'interleave.js');
export const REPO_GATE = join(ROOT, 'gate.json');

/** Markdown tables: the cells of columns headed `time` or `states/s` blanked. */
function withoutTimingColumns(text: string): string {
  let timing: number[] = [];
  return text.split('\n').map((line) => {
    if (!line.startsWith('|')) {
      timing = [];
      return line;
    }
    const cells = line.split(' | ');
    if (timing.length === 0 && cells.some((c) => /^(time|states\/s)( \|)?$/.test(c))) {
      timing = cells.flatMap((c, i) => (/^(time|states\/s)( \|)?$/.test(c) ? [i] : []));
      return line;
    }
    if (/^\|[\s\-:|]+$/.test(line)) return line;
    return cells.map((c, i) => (timing.includes(i) ? (c.endsWith(' |') ? 'T |' : 'T') : c)).join(' | ');
  }).join('\n');
}

/** Timings are the only thing allowed to differ: durations, elapsed and per-second figures, JUnit time and timestamp attributes. */
export function withoutTimings(text: string): string {
  return withoutTimingColumns(text)
    .replace(/\b\d+ m \d\d s\b/g, 'T')
    .replace(/\b\d+(\.\d+)? (ms|s)\b/g, 'T')
    .replace(/"(elapsedMs|statesPerSecond)": \d+/g, '"$1": 0')
    .replace(/ (time|timestamp)="[^"]*"/g, ' $1=""');
}

export async function cli(cwd: string, ...argv: string[]) {
  const io = fakeIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.out.join('\n'), err: io.err.join('\n') };
}

/** `node bin/interleave.js ...` as CI runs it (no terminal, CI set). */
export function spawnCli(cwd: string, argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...argv], { cwd, env: { ...process.env, CI: '1' }, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
