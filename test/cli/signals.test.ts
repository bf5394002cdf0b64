/**
 * bin/interleave.js stops a run on SIGTERM (a CI job cancelled) and SIGHUP
 * (a terminal closed) as on Ctrl-C: the partial report and its files, with
 * the shell's exit code 128 + the signal's number.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsOnSignal } from '../../src/cli/main.js';

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin', 'interleave.js');

/** A search of seconds (at most 5 million states), stopped by `sig` once it has started (its --out folder is made before the search, after the handlers are set). */
function stopped(sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'interleave-sig-')), 'out');
  const child = spawn(process.execPath, [BIN, 'check', 'dm-snapshot/in-progress', '--writers', '6', '--ctrs', '2', '--cow-threshold', '2', '--max-states', '5000000', '--out', dir], { env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const poll = setInterval(() => {
    if (!existsSync(dir)) return;
    clearInterval(poll);
    // A moment into the search, so there is something to report.
    setTimeout(() => child.kill(sig), 300);
  }, 20);
  // Should the signal be missed, the run still ends (--max-states) and is ended before the test times out.
  const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((done) => child.on('close', (code, signal) => {
    clearInterval(poll);
    clearTimeout(guard);
    done({ code, signal, stdout, stderr, dir });
  }));
}

describe('a run stopped by a signal', () => {
  it.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s gives the partial report and files, exit %i', async (sig, code) => {
    const r = await stopped(sig);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(code);
    expect(r.stdout).toMatch(/INTERRUPTED: partial report/);
    expect(existsSync(join(r.dir, 'report.txt'))).toBe(true);
    expect(JSON.parse(readFileSync(join(r.dir, 'result.json'), 'utf8')).completion).toBe('interrupted');
  }, 60_000);
});

describe('stopsOnSignal', () => {
  it('is true exactly for the commands that watch io.signal (the others are ended by a signal, as by default)', () => {
    const dir = join(resolve(import.meta.dirname, '../..'), 'src', 'cli', 'commands');
    for (const file of readdirSync(dir)) {
      const name = file.replace(/\.ts$/, '');
      const watches = /io\.signal/.test(readFileSync(join(dir, file), 'utf8'));
      expect(stopsOnSignal([name]), name).toBe(watches);
    }
    expect(stopsOnSignal(['help', 'check'])).toBe(false);
    expect(stopsOnSignal([])).toBe(false);
  });
});
