import { describe, expect, it } from 'vitest';
import { waitForToDot } from '../../src/render/dot-wait-for.js';
import { exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK, SLEEP_HOLDING_LOCK } from '../explain/acceptance-cases.js';
import { hasClass, parseDot, type ParsedDot } from './parse-dot.js';

const dotOf = (c: typeof SEMAPHORE_DEADLOCK | typeof SLEEP_HOLDING_LOCK | typeof LOST_WAKEUP) => {
  const cx = exploreCase(c).report.counterexample!;
  return waitForToDot(cx.waitFor, cx.analysis, { title: 'test' });
};

/**
 * Names (node ids without their kind prefix) on the edges drawn as the cycle,
 * after checking those edges form one closed walk: every node is entered as
 * often as it is left (a resource may be passed twice), and they are connected.
 */
function drawnCycle(g: ParsedDot): string[] {
  const edges = g.edges.filter((e) => hasClass(e.attrs, 'cycle'));
  expect(edges.length).toBeGreaterThan(0);
  const balance = new Map<string, number>();
  for (const e of edges) {
    balance.set(e.tail, (balance.get(e.tail) ?? 0) + 1);
    balance.set(e.head, (balance.get(e.head) ?? 0) - 1);
  }
  for (const [, b] of balance) expect(b).toBe(0);
  const nodes = [...balance.keys()];
  const reached = new Set([nodes[0]]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of edges) {
      if (reached.has(e.tail) && !reached.has(e.head)) { reached.add(e.head); grew = true; }
    }
  }
  expect(reached.size).toBe(nodes.length);
  return nodes.map((id) => id.replace(/^[a-z]+:/, ''));
}

describe('waitForToDot', () => {
  it('draws the semaphore deadlock cycle through a writer, cow_count, kcopyd, _origins_lock and snapshot_ctr', async () => {
    const g = await parseDot(dotOf(SEMAPHORE_DEADLOCK));
    const cycle = drawnCycle(g);
    expect(cycle.some((n) => /^writer#\d$/.test(n))).toBe(true);
    for (const name of ['cow_count', 'kcopyd', '_origins_lock', 'snapshot_ctr']) expect(cycle).toContain(name);
    expect(cycle).toContain('kcopyd:0'); // the in-flight copy job node
    expect(g.attrs.class).toBe('has-cycle');
    expect(g.attrs.label).toContain('cycle: writer#2 -&gt; cow_count');
  });

  it('draws the cycle in a distinct colour and width, and nothing else in it', async () => {
    const g = await parseDot(dotOf(SEMAPHORE_DEADLOCK));
    const inCycle = g.edges.filter((e) => hasClass(e.attrs, 'cycle'));
    const rest = g.edges.filter((e) => !hasClass(e.attrs, 'cycle'));
    expect(inCycle).toHaveLength(7);
    expect(new Set(inCycle.map((e) => e.attrs.color)).size).toBe(1);
    for (const e of rest) expect(e.attrs.color).not.toBe(inCycle[0].attrs.color);
    for (const e of inCycle) expect(Number(e.attrs.penwidth)).toBeGreaterThan(Math.max(...rest.map((r) => Number(r.attrs.penwidth ?? 1))));
  });

  it('labels every edge: holds with its mode, waits with what for, queue order, and the token only a copy can give back', async () => {
    const g = await parseDot(dotOf(SEMAPHORE_DEADLOCK));
    const label = (tail: string, head: string) => g.edges.find((e) => e.tail === tail && e.head === head)?.attrs.label ?? '';
    expect(label('resource:_origins_lock', 'process:writer#2')).toContain('read-held by');
    expect(label('process:writer#2', 'resource:cow_count')).toContain('waits: down');
    expect(label('process:snapshot_ctr', 'resource:_origins_lock')).toContain('waits: write');
    expect(label('resource:_origins_lock', 'process:snapshot_ctr')).toMatch(/queued ahead<br\/>of kcopyd<br\/>\(wants write\)/);
    expect(label('resource:cow_count', 'job:kcopyd:0')).toMatch(/released only by its completion.*holds 1 of 1 token/s);
    expect(label('job:kcopyd:0', 'process:kcopyd')).toContain('completion runs on');
    for (const e of g.edges) expect(e.attrs.label ?? '').not.toBe('');
  });

  it('makes blocked processes look different from finished ones', async () => {
    const g = await parseDot(dotOf(SEMAPHORE_DEADLOCK));
    const blocked = g.nodes.get('process:writer#2')!;
    const done = g.nodes.get('process:writer#1')!;
    expect(hasClass(blocked, 'blocked')).toBe(true);
    expect(hasClass(done, 'done')).toBe(true);
    expect(blocked.fillcolor).not.toBe(done.fillcolor);
    expect(blocked.style).not.toBe(done.style);
    expect(blocked.label).toContain('BLOCKED in down(&amp;cow_count)');
    expect(blocked.label).toContain('start_copy dm-snap.c:1759');
    expect(hasClass(g.nodes.get('resource:kcopyd')!, 'jobqueue')).toBe(true);
  });

  it('draws the sleep-holding-lock cycle through the wait queue', async () => {
    const cycle = drawnCycle(await parseDot(dotOf(SLEEP_HOLDING_LOCK)));
    expect(cycle).toContain('in_progress_wait');
    for (const name of ['writer#2', 'kcopyd', '_origins_lock', 'snapshot_ctr']) expect(cycle).toContain(name);
  });

  it('says there is no cycle for the lost-wakeup mutant and shows the "no waker" finding instead', async () => {
    const g = await parseDot(dotOf(LOST_WAKEUP));
    expect(g.edges.filter((e) => hasClass(e.attrs, 'cycle'))).toEqual([]);
    expect(g.attrs.class).toBe('no-cycle');
    expect(g.attrs.label).toContain('no cycle: no waker for writer#2 (in_progress_wait)');
    const finding = [...g.nodes.entries()].find(([, a]) => hasClass(a, 'no-waker'));
    expect(finding?.[1].label).toContain('NO WAKER');
    expect(g.edges.find((e) => e.head === finding?.[0])).toMatchObject({ tail: 'resource:in_progress_wait' });
  });
});
