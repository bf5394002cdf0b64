import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/explore/result.js';
import { finalReportSections, finalReportToText, type FinalReport } from '../../src/render/final-report.js';

/** ink-testing-library's terminal width: the summary fits its tables to it, as to a real terminal. */
const TERMINAL_COLUMNS = 100;
import { finishedLine, formatCount, verdictTone, type RunEntry, type RunStart } from '../../src/render/text.js';
import { App } from '../../src/ui/App.js';
import { UiStore } from '../../src/ui/store.js';
import { checkModel } from '../models/helpers.js';
import { plainFrame, plainText } from './frame.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok()` holds (repaints are timer-driven, so a loaded machine may take longer). */
async function waitFor(ok: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function event(states: number, elapsedMs: number): ProgressEvent {
  return { states, transitions: states * 3, depth: 7, frontier: 100, elapsedMs, memoryBytes: 4096 };
}

describe('App', () => {
  it('samples progress instead of repainting per event, prints finished runs once, ends with the summary', async () => {
    const store = new UiStore();
    const { lastFrame, frames, unmount } = render(<App store={store} sampleMs={20} />);
    const params = [{ writers: 2, ctrs: 1 }, { writers: 2, ctrs: 0 }];
    const runs: RunStart[] = params.map((p, i) => ({ model: 'dm-snapshot/semaphore', params: p, index: i + 1, total: 2 }));
    const entries: RunEntry[] = params.map((p) => ({ report: checkModel('dm-snapshot/semaphore', p) }));

    store.start(runs[0]);
    await waitFor(() => plainFrame(lastFrame()).includes('exploring'), 'the live line');
    expect(plainFrame(lastFrame())).toContain('exploring [1/2] dm-snapshot/semaphore writers=2 ctrs=1');
    expect(plainFrame(lastFrame())).toContain('starting');

    // A burst of events as fast as an explorer can send them: no repaint per event.
    const before = frames.length;
    for (let i = 1; i <= 5000; i++) store.progress({ ...event(i * 100, i), run: 1 });
    expect(frames.length).toBe(before);
    await waitFor(() => plainFrame(lastFrame()).includes(`states ${formatCount(500_000)}`), 'the sampled progress');
    expect(frames.length - before).toBeLessThan(20);

    const row = (i: number) => ({ line: finishedLine(runs[i], entries[i].report), tone: verdictTone(entries[i].report) });
    store.finish(row(0));
    store.start(runs[1]);
    store.finish(row(1));
    const final: FinalReport = { kind: 'runs', heading: 'test job', entries, total: 2, complete: true };
    store.end(finalReportSections(final));
    await waitFor(() => !plainFrame(lastFrame()).includes('exploring'), 'the live line to go');
    const frame = plainFrame(lastFrame());
    for (const [i, e] of entries.entries()) {
      const row = finishedLine(runs[i], e.report);
      expect(row.startsWith(`[${i + 1}/2] dm-snapshot/semaphore writers=2 ctrs=${params[i].ctrs}: `)).toBe(true);
      expect(frame.split(row).length - 1, row).toBe(1);
    }
    expect(frame).toContain(plainText(finalReportToText(final, TERMINAL_COLUMNS)));
    expect(frame).not.toContain('exploring');
    unmount();
  });

  it('takes the live line away when the command stops without a report', async () => {
    const store = new UiStore();
    const { lastFrame, unmount } = render(<App store={store} sampleMs={10} />);
    store.start({ model: 'dm-snapshot/semaphore', params: { writers: 2 }, index: 1, total: 1 });
    store.progress({ ...event(1234, 50), run: 1 });
    await waitFor(() => plainFrame(lastFrame()).includes(`states ${formatCount(1234)}`), 'the sampled progress');
    store.stop();
    await waitFor(() => plainFrame(lastFrame()) === '', 'an empty screen');
    unmount();
  });
});
