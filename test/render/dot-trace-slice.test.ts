import { describe, expect, it } from 'vitest';
import { traceToDot } from '../../src/render/dot-trace.js';
import { exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';
import { hasClass, parseDot } from './parse-dot.js';

describe('traceToDot({ slice: true })', () => {
  it('draws only the slice, keeping step numbers and the job hand-off', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const g = await parseDot(traceToDot(cx, { slice: true }));
    const steps = [...g.nodes.keys()].filter((n) => n.startsWith('step:')).sort();
    expect(steps).toEqual(cx.slice.indices.map((i) => `step:${i}`).sort());
    expect(steps).not.toContain('step:1'); // writer#1's down_read, given back
    const jobs = g.edges.filter((e) => hasClass(e.attrs, 'job'));
    expect(jobs).toHaveLength(1);
    const finalBlocked = [...g.nodes.entries()].filter(([, a]) => hasClass(a, 'final-blocked'));
    expect(finalBlocked).toHaveLength(3);
  });

  it('shows the lost wake-up in four steps', async () => {
    const cx = exploreCase(LOST_WAKEUP).report.counterexample!;
    const g = await parseDot(traceToDot(cx, { slice: true }));
    expect([...g.nodes.keys()].filter((n) => n.startsWith('step:'))).toHaveLength(4);
  });
});
