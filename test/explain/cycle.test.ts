import { describe, expect, it } from 'vitest';
import { analyzeWaitFor, findCycle } from '../../src/explain/cycle.js';
import { buildWaitForGraph } from '../../src/explain/wait-for.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import type { Model } from '../../src/model/types.js';
import { explore, exploreCase, LOST_WAKEUP, SEMAPHORE_DEADLOCK, SLEEP_HOLDING_LOCK } from './acceptance-cases.js';
import { abba, deadGuard, guardedLock, selfFlush, semaphoreBehindLock } from './small-models.js';

const analyzeModel = (m: Model) => {
  const cm = compileModel(m);
  const r = check(cm).run();
  return { verdict: r.verdict, ...analyzeWaitFor(buildWaitForGraph(cm, r.discovery!.state)) };
};

describe('findCycle', () => {
  it('names the dm-snapshot cycle by processes and resources, starting at the writer', () => {
    const { report } = exploreCase(SEMAPHORE_DEADLOCK);
    expect(report.result.verdict).toBe('deadlock');
    const cycle = report.counterexample!.analysis.cycle!;
    expect(cycle.text).toBe(
      'writer#2 -> cow_count -> copy(chunk 0) -> kcopyd -> _origins_lock (queued behind snapshot_ctr) -> snapshot_ctr -> _origins_lock (read-held by writer#2)',
    );
    expect(cycle.names).toEqual(['writer#2', 'cow_count', 'copy(chunk 0)', 'kcopyd', '_origins_lock', 'snapshot_ctr', '_origins_lock']);
    expect(cycle.steps.map((s) => s.kind)).toEqual(['process', 'resource', 'job', 'process', 'resource', 'process', 'resource']);
  });

  it('follows graph edges that really close: each edge starts where the previous one ended', () => {
    const { report } = exploreCase(SEMAPHORE_DEADLOCK);
    const { waitFor, analysis } = report.counterexample!;
    const edges = analysis.cycle!.edges.map((i) => waitFor.edges[i]);
    edges.forEach((e, i) => expect(e.from).toBe(edges[(i + edges.length - 1) % edges.length].to));
    expect(new Set(edges.map((e) => e.kind))).toEqual(new Set(['waits', 'released-by', 'runs-on', 'queued-behind', 'holds']));
  });

  it('finds the cycle through the wait queue for the sleep-holding-lock mutant', () => {
    const { report } = exploreCase(SLEEP_HOLDING_LOCK);
    const cycle = report.counterexample!.analysis.cycle!;
    expect(cycle.names).toContain('in_progress_wait');
    expect(cycle.names).not.toContain('cow_count');
    expect(cycle.text).toBe(
      'writer#2 -> in_progress_wait -> copy(chunk 0) -> kcopyd -> _origins_lock (queued behind snapshot_ctr) -> snapshot_ctr -> _origins_lock (read-held by writer#2)',
    );
  });

  it('finds no cycle without snapshot_ctr queued for write (the semaphore design runs through)', () => {
    const { report } = explore('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 0 });
    expect(report.result.verdict).toBe('ok');
    expect(report.counterexample).toBeUndefined();
  });

  it('finds the two-lock cycle of an ABBA deadlock, from the lower pid', () => {
    const a = analyzeModel(abba());
    expect(a.verdict).toBe('deadlock');
    expect(a.cycle?.text).toBe('p -> B (held by q) -> q -> A (held by p)');
  });

  it('goes through a plain process that alone can up a semaphore', () => {
    expect(analyzeModel(semaphoreBehindLock()).cycle?.text).toBe('waiter -> S -> poster -> M (held by waiter)');
  });
});

describe('analyzeWaitFor', () => {
  it('reports no cycle and an explicit "no waker" for the lost-wakeup mutant', () => {
    const { report } = exploreCase(LOST_WAKEUP);
    expect(report.result.verdict).toBe('deadlock');
    const { analysis, waitFor } = report.counterexample!;
    expect(findCycle(waitFor)).toBeUndefined();
    expect(analysis.cycle).toBeUndefined();
    expect(analysis.findings).toEqual([{
      kind: 'no-waker',
      process: 'writer#2',
      resource: 'in_progress_wait',
      text: expect.stringMatching(/^no waker: writer#2 waits for a wake-up on in_progress_wait, which no process left can bring about .*kcopyd is idle with no copy in flight/),
    }]);
    expect(analysis.summary).toMatch(/^no cycle; no waker: /);
  });

  it('reports a guard nothing can make true as a condition finding', () => {
    const a = analyzeModel(deadGuard());
    expect(a.verdict).toBe('deadlock');
    expect(a.cycle).toBeUndefined();
    expect(a.findings).toEqual([expect.objectContaining({ kind: 'condition', process: 'waiter', text: expect.stringContaining('flag == 1') })]);
  });

  it('blames the guard, not the free lock, when a guarded lock call can never run', () => {
    const a = analyzeModel(guardedLock());
    expect(a.verdict).toBe('deadlock');
    expect(a.findings).toEqual([expect.objectContaining({ kind: 'condition', process: 'waiter', text: expect.stringContaining('flag == 1') })]);
  });

  it('says nobody is blocked for an invariant violation where everyone can still run', () => {
    const { report } = explore('dm-snapshot/unthrottled', { writers: 3, ctrs: 1, 'max-inflight': 2 });
    expect(report.result.verdict).toBe('invariant');
    expect(report.counterexample!.analysis).toEqual({ findings: [], summary: 'no cycle: no process is blocked' });
  });
});

describe('a flush nobody can end', () => {
  it('says the work must finish, and that only the flusher\'s own code finishes it', () => {
    const a = analyzeModel(selfFlush(1));
    expect(a.verdict).toBe('deadlock');
    expect(a.findings.map((f) => f.text)).toEqual([
      "no waker: mywq_worker waits for reset_work on mywq to finish, which no process left can bring about (only mywq_worker's own code does it, after this wait)",
    ]);
  });
});
