import { describe, expect, it } from 'vitest';
import { buildWaitForGraph, type WaitForGraph, type WaitForNode } from '../../src/explain/wait-for.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK, SLEEP_HOLDING_LOCK } from './acceptance-cases.js';
import { semaphoreBehindLock } from './small-models.js';

const node = (g: WaitForGraph, id: string): WaitForNode => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in ${g.nodes.map((x) => x.id).join(', ')}`);
  return n;
};
const edgesOf = (g: WaitForGraph, kind: string) => g.edges.filter((e) => e.kind === kind).map((e) => `${e.from} -> ${e.to}`);

describe('buildWaitForGraph', () => {
  it('draws the semaphore deadlock: holds, waits, writer-fair queue order and the in-flight copy only kcopyd can finish', () => {
    const { cm, result } = exploreCase(SEMAPHORE_DEADLOCK);
    const g = buildWaitForGraph(cm, result.discovery!.state);

    expect(g.nodes.filter((n) => n.kind === 'process').map((n) => [n.name, n.kind === 'process' && n.state]))
      .toEqual([['writer#1', 'done'], ['writer#2', 'blocked'], ['kcopyd', 'blocked'], ['snapshot_ctr', 'blocked']]);
    expect(node(g, 'resource:_origins_lock')).toMatchObject({ primitive: 'rwsem', policy: 'writer-fair' });
    expect(node(g, 'resource:cow_count')).toMatchObject({ primitive: 'semaphore', tokens: { available: 0, initial: 1 } });
    // kcopyd took writer#1's copy and has not finished it: a running job, named from the queue's declaration.
    const jobs = g.nodes.filter((n) => n.kind === 'job');
    expect(jobs).toEqual([expect.objectContaining({ name: 'copy(chunk 0)', status: 'running', workers: ['kcopyd'] })]);

    expect(edgesOf(g, 'waits').sort()).toEqual([
      'process:kcopyd -> resource:_origins_lock',
      'process:snapshot_ctr -> resource:_origins_lock',
      'process:writer#2 -> resource:cow_count',
    ]);
    expect(edgesOf(g, 'holds')).toEqual(['resource:_origins_lock -> process:writer#2']);
    expect(edgesOf(g, 'queued-behind')).toEqual(['resource:_origins_lock -> process:snapshot_ctr']);
    expect(edgesOf(g, 'released-by')).toEqual([`resource:cow_count -> ${jobs[0].id}`]);
    expect(edgesOf(g, 'runs-on')).toEqual([`${jobs[0].id} -> process:kcopyd`]);
    const token = g.edges.find((e) => e.kind === 'released-by')!;
    expect(token.label).toMatch(/holds 1 of 1 token/);
  });

  it('does not let a reader be held up by another reader: only the queued writer blocks kcopyd', () => {
    const { cm, result } = exploreCase(SEMAPHORE_DEADLOCK);
    const g = buildWaitForGraph(cm, result.discovery!.state);
    const held = g.edges.find((e) => e.kind === 'holds')!;
    expect(held.mode).toBe('read');
    expect(held.blocks).toEqual(['process:snapshot_ctr']);
    expect(g.edges.find((e) => e.kind === 'queued-behind')!.blocks).toEqual(['process:kcopyd']);
  });

  it('routes a wait-queue sleeper through the copy whose completion would wake it (sleep-holding-lock)', () => {
    const { cm, result } = exploreCase(SLEEP_HOLDING_LOCK);
    const g = buildWaitForGraph(cm, result.discovery!.state);
    const wake = g.edges.find((e) => e.kind === 'waits' && e.from === 'process:writer#2')!;
    expect(wake).toMatchObject({ to: 'resource:in_progress_wait', mode: 'wake-up' });
    const released = g.edges.filter((e) => e.from === 'resource:in_progress_wait' && e.kind === 'released-by');
    expect(released.map((e) => node(g, e.to).name)).toEqual(['copy(chunk 0)']);
    expect(released[0].blocks).toEqual(['process:writer#2']);
  });

  it('leaves a sleeper with no way out when its only waker is idle with nothing in flight (lost-wakeup)', () => {
    const { cm, result } = exploreCase(LOST_WAKEUP);
    const g = buildWaitForGraph(cm, result.discovery!.state);
    expect(node(g, 'process:kcopyd')).toMatchObject({ state: 'idle' });
    expect(g.nodes.filter((n) => n.kind === 'job')).toEqual([]);
    expect(g.edges.filter((e) => e.from === 'resource:in_progress_wait')).toEqual([]);
    expect(g.blocked).toEqual([expect.objectContaining({
      process: 'writer#2',
      resource: 'resource:in_progress_wait',
      needsRelease: true,
      releasers: [{ process: 'kcopyd', state: 'idle', viaJobs: 'kcopyd' }],
    })]);
  });

  it('points an owner-less resource at a plain (non-worker) releaser process', () => {
    const cm = compileModel(semaphoreBehindLock());
    const g = buildWaitForGraph(cm, check(cm).run().discovery!.state);
    expect(edgesOf(g, 'released-by')).toEqual(['resource:S -> process:poster']);
    expect(g.edges.find((e) => e.kind === 'holds')).toMatchObject({ from: 'resource:M', to: 'process:waiter', label: 'held by', blocks: ['process:poster'] });
  });
});
