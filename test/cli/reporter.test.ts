import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createReporter, inkReporter, plainReporter, silentReporter } from '../../src/cli/reporter.js';
import type { ProgressEvent } from '../../src/explore/result.js';
import { finalReportToText, type FinalReport } from '../../src/render/final-report.js';
import { finishedLine, progressLine, type RunStart } from '../../src/render/text.js';
import { checkModel } from '../models/helpers.js';
import { plainFrame, plainText } from '../ui/frame.js';
import { fakeIO } from './fake-io.js';

const run: RunStart = { model: 'dm-snapshot/semaphore', params: { writers: 2, ctrs: 1 }, index: 1, total: 3 };
const event = (elapsedMs: number): ProgressEvent => ({ states: elapsedMs * 10, transitions: elapsedMs * 30, depth: 5, frontier: 9, elapsedMs, memoryBytes: 1 << 20 });

/** Enough of a terminal for ink: collects what is written. */
class FakeTerminal extends EventEmitter {
  readonly chunks: string[] = [];
  readonly isTTY = true;
  readonly columns = 200;
  readonly rows = 50;
  write = (chunk: string) => {
    this.chunks.push(chunk);
    return true;
  };
}

describe('createReporter', () => {
  it('is silent for --json and --quiet, even on a terminal', async () => {
    const io = { ...fakeIO(), interactive: true };
    expect(await createReporter(io, { mode: 'json', multiRun: false })).toBe(silentReporter);
    expect(await createReporter(io, { mode: 'quiet', multiRun: false })).toBe(silentReporter);
  });

  it('prints the plain report on stdout when not interactive', async () => {
    const io = fakeIO();
    const reporter = await createReporter(io, { mode: 'human', multiRun: false });
    const report = checkModel('dm-snapshot/semaphore', { writers: 2, ctrs: 1 });
    const final: FinalReport = { kind: 'check', entry: { report } };
    await reporter.close(final);
    expect(io.out).toEqual([finalReportToText(final)]);
    expect(io.err).toEqual([]);
  });
});

describe('plainReporter', () => {
  it('prints a progress line at most every interval, and a verdict line per finished run', () => {
    const io = fakeIO();
    const reporter = plainReporter(io, { multiRun: true, plainProgressMs: 5000 });
    reporter.onStart(run);
    for (const t of [0, 1000, 5000, 6000, 9999, 10_000]) reporter.onProgress(event(t));
    expect(io.err).toEqual([
      `progress: [1/3] dm-snapshot/semaphore writers=2 ctrs=1: ${progressLine(event(5000))}`,
      `progress: [1/3] dm-snapshot/semaphore writers=2 ctrs=1: ${progressLine(event(10_000))}`,
    ]);
    const report = checkModel('dm-snapshot/semaphore', { writers: 2, ctrs: 1 });
    reporter.onFinish(run, { report });
    expect(io.err[2]).toBe(finishedLine(run, report));
    expect(io.err[2]).toMatch(new RegExp(`^\\[1/3\\] dm-snapshot/semaphore writers=2 ctrs=1: deadlock \\(${report.counterexample!.trace.length} steps\\), ${report.result.stats.states} states, `));
    expect(io.out).toEqual([]);
  });
});

describe('inkReporter', () => {
  it('runs the UI in a worker thread: live progress, then the final report left on the terminal', async () => {
    const terminal = new FakeTerminal();
    const stream = terminal as unknown as NodeJS.WriteStream;
    const fallback: string[] = [];
    const reporter = await inkReporter({ stdout: stream, stderr: stream }, { multiRun: true, sampleMs: 10 }, (t) => fallback.push(t));
    const report = checkModel('dm-snapshot/semaphore', { writers: 2, ctrs: 1 });
    reporter.onStart(run);
    reporter.onProgress(event(1234));
    const until = Date.now() + 5000;
    while (!plainFrame(terminal.chunks.join('')).includes('states 12,340') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(plainFrame(terminal.chunks.join(''))).toContain('exploring [1/3] dm-snapshot/semaphore writers=2 ctrs=1');
    expect(plainFrame(terminal.chunks.join(''))).toContain(`states 12,340`);
    reporter.onFinish(run, { report });
    const final: FinalReport = { kind: 'runs', heading: 'test', entries: [{ report }], total: 3, complete: false };
    await reporter.close(final);
    const screen = plainFrame(terminal.chunks.join(''));
    expect(screen).toContain(finishedLine(run, report));
    expect(screen).toContain(plainText(finalReportToText(final)));
    expect(fallback).toEqual([]);
    await reporter.dispose(); // harmless after close
  });

  it('prints the plain report when the UI thread cannot start', async () => {
    const terminal = new FakeTerminal();
    const stream = terminal as unknown as NodeJS.WriteStream;
    const fallback: string[] = [];
    const broken = new URL('./no-such-ui-entry.mjs', import.meta.url);
    const reporter = await inkReporter({ stdout: stream, stderr: stream }, { multiRun: false, workerEntry: broken }, (t) => fallback.push(t));
    const report = checkModel('dm-snapshot/semaphore', { writers: 2, ctrs: 1 });
    reporter.onStart({ ...run, total: 1 });
    const final: FinalReport = { kind: 'check', entry: { report } };
    await reporter.close(final);
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toMatch(/^\(the terminal UI failed: .*; plain report follows\)\n/);
    expect(fallback[0]).toContain(finalReportToText(final));
  });
});
