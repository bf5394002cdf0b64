/**
 * The built CLI with no terminal (pipes, as in CI or `| tee`): no animation,
 * no escape codes, the same final report; --json prints only JSON, --quiet
 * only the verdict line. Runs `node bin/interleave.js` as a user would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceTable, verdictLine } from '../../src/render/text.js';
import { checkModel } from '../models/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'interleave.js');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with piped stdio and without CI set, so only the missing TTY makes it plain. */
function cli(args: readonly string[]): Promise<Ran> {
  const { CI: _ci, FORCE_COLOR: _fc, ...env } = process.env;
  const cwd = mkdtempSync(join(tmpdir(), 'interleave-plain-'));
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      done({ code, stdout, stderr });
    });
  });
}

const ESC = '\u001b';
const deadlock = { writers: 2, 'cow-threshold': 1, ctrs: 1 };
const deadlockArgs = ['dm-snapshot/semaphore', '--writers', '2', '--cow-threshold', '1', '--ctrs', '1'];
/** The verdict line without its timing, which varies run to run. */
const untimed = (line: string) => line.replace(/, [\d.]+ s\)$/, '');

describe.concurrent('interleave without a TTY', () => {
  it('check prints the plain final report: verdict, run table, shortest trace, cycle; exit 1', async () => {
    const { code, stdout, stderr } = await cli(['check', ...deadlockArgs]);
    const report = checkModel('dm-snapshot/semaphore', deadlock);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).not.toContain(ESC);
    const lines = stdout.split('\n');
    expect(untimed(lines[0])).toBe(untimed(verdictLine(report)));
    expect(stdout).toMatch(/^model\s+parameters\s+verdict\s+states\s+transitions\s+depth\s+time\s+states\/s$/m);
    expect(stdout).toMatch(new RegExp(`^dm-snapshot/semaphore\\s+writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission\\s+deadlock \\(${report.counterexample!.trace.length} steps\\)\\s+${report.result.stats.states}\\s`, 'm'));
    expect(stdout).toContain(traceTable(report.counterexample!.trace));
    expect(stdout).toContain(report.counterexample!.analysis.summary);
  });

  it('sweep prints per-run lines on stderr and the matrix on stdout, with no escape codes; exit 0', async () => {
    const { code, stdout, stderr } = await cli(['sweep', 'dm-snapshot/semaphore', '--writers', '1..2', '--ctrs', '0..1', '--out', 'o']);
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(ESC);
    expect(stderr.trim().split('\n')).toHaveLength(4);
    for (const [i, p] of [{ writers: 1, ctrs: 0 }, { writers: 1, ctrs: 1 }, { writers: 2, ctrs: 0 }, { writers: 2, ctrs: 1 }].entries()) {
      const report = checkModel('dm-snapshot/semaphore', p);
      const verdict = report.result.verdict === 'ok' ? 'ok' : `${report.result.verdict} (${report.counterexample!.trace.length} steps)`;
      expect(stderr.trim().split('\n')[i]).toMatch(new RegExp(`^\\[${i + 1}/4\\] dm-snapshot/semaphore writers=${p.writers} ctrs=${p.ctrs}: ${verdict.replace(/[()]/g, '\\$&')}, ${report.result.stats.states} states, \\d+ ms$`));
    }
    expect(stdout).toMatch(/^dm-snapshot\/semaphore: 4 configurations in /);
    expect(stdout).toMatch(/^writers\s+ctrs=0\s+ctrs=1$/m);
    expect(stdout).toMatch(/wrote (.*\/)?o\/sweep\.md, (.*\/)?o\/sweep\.json/);
  });

  it('--json prints one JSON document and nothing else', async () => {
    const { code, stdout, stderr } = await cli(['check', ...deadlockArgs, '--json']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ schema: 'interleave/check@1', verdict: checkModel('dm-snapshot/semaphore', deadlock).result.verdict });
  });

  it('--quiet prints only the verdict line', async () => {
    const { stdout, stderr } = await cli(['check', ...deadlockArgs, '--quiet']);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(untimed(stdout.trim())).toBe(untimed(verdictLine(checkModel('dm-snapshot/semaphore', deadlock))));
  });

  it('a usage error is one line and a hint on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await cli(['sweep', 'dm-snapshot/semaphore', '--writers', '1..9']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('interleave: dm-snapshot/semaphore: --writers range 1..9 is outside 1..8\nhint: --writers accepts 1..8, a range like 1..3 or a list like 0,2\n');
  });
});
