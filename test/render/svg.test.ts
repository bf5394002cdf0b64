import { describe, expect, it } from 'vitest';
import { waitForToDot } from '../../src/render/dot-wait-for.js';
import { dotToSvg } from '../../src/render/svg.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';

describe('dotToSvg', () => {
  it('lays out a wait-for graph in-process and keeps node ids and classes in the SVG', async () => {
    const cx = exploreCase(SEMAPHORE_DEADLOCK).report.counterexample!;
    const svg = await dotToSvg(waitForToDot(cx.waitFor, cx.analysis));
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\s*$/);
    expect(svg).toContain('<title>process:writer#2</title>');
    expect(svg).toContain('class="node process blocked"');
    expect(svg.match(/class="edge [^"]*cycle"/g)).toHaveLength(7);
  });

  it('rejects DOT it cannot parse', async () => {
    await expect(dotToSvg('digraph { a -> }')).rejects.toThrow();
  });
});
