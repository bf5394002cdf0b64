import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { check } from '../../src/explore/check.js';
import type { ProgressEvent } from '../../src/explore/result.js';
import { instantiate } from '../../src/model/definition.js';
import { formatBytes, formatCount, formatDuration, type RunStart } from '../../src/render/text.js';
import { Progress } from '../../src/ui/Progress.js';
import { plainFrame } from './frame.js';

const def = registry.find((d) => d.name === 'dm-snapshot/in-progress')!;
const params = { writers: 3, 'cow-threshold': 1, ctrs: 2 };
const run: RunStart = { model: def.name, params, index: 2, total: 5 };

/** Real progress events from exploring a model (every chunk reports). */
async function exploreWithProgress(): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  await check(instantiate(def, params)).runAsync({ onProgress: (e) => events.push(e), progressIntervalMs: 0 });
  return events;
}

describe('Progress', () => {
  it('shows states, transitions, states/s, depth, frontier, memory and elapsed time of the sample', async () => {
    const events = await exploreWithProgress();
    expect(events.length).toBeGreaterThan(1);
    const mid = events[Math.floor(events.length / 2)];
    const { lastFrame, unmount } = render(<Progress run={run} sample={{ ...mid, rssBytes: 200 * 2 ** 20, run: 2 }} />);
    const frame = plainFrame(lastFrame());
    expect(frame).toContain('exploring [2/5] dm-snapshot/in-progress writers=3 cow-threshold=1 ctrs=2');
    expect(frame).toContain(`states ${formatCount(mid.states)}`);
    expect(frame).toContain(`transitions ${formatCount(mid.transitions)}`);
    expect(frame).toContain(`states/s ${formatCount(Math.round((mid.states * 1000) / mid.elapsedMs))}`);
    expect(frame).toContain(`depth ${mid.depth}`);
    expect(frame).toContain(`frontier ${formatCount(mid.frontier)}`);
    expect(frame).toContain(`memory ${formatBytes(mid.memoryBytes)} (rss 200 MiB)`);
    expect(frame).toContain(`elapsed ${formatDuration(mid.elapsedMs)}`);
    expect(frame).toContain('Ctrl-C stops the search and prints a partial report');
    unmount();
  });

  it('says it is starting, not stale numbers, when the sample belongs to another run', async () => {
    const [first] = await exploreWithProgress();
    const { lastFrame, unmount } = render(<Progress run={run} sample={{ ...first, run: 1 }} />);
    const frame = plainFrame(lastFrame());
    expect(frame).toContain('starting');
    expect(frame).not.toContain(`states ${formatCount(first.states)}`);
    unmount();
  });
});
