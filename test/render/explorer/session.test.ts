import { describe, expect, it } from 'vitest';
import { replayPath } from '../../../src/explain/path.js';
import { ExplorerSession } from '../../../src/render/explorer/session.js';
import { stateRows } from '../../../src/render/explorer/state-rows.js';
import { buildReport } from '../../../src/explain/report.js';
import { check } from '../../../src/explore/check.js';
import { compileModel } from '../../../src/explore/compile.js';
import { ModelBuilder } from '../../../src/model/builder.js';
import { sourceIn } from '../../../src/model/source-ref.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../../explain/acceptance-cases.js';
import { flagBeforePrepare } from '../../support/wake-races.js';

const { cm, result } = exploreCase(SEMAPHORE_DEADLOCK);
const recorded = result.discovery!.path;

describe('ExplorerSession', () => {
  it('walks the recorded schedule with the model\'s own states', () => {
    const s = new ExplorerSession(cm, recorded);
    const states = replayPath(cm, recorded);
    s.goTo(recorded.length);
    expect(s.state).toEqual(states[recorded.length]);
    expect(s.enabled()).toEqual([]);
    s.goTo(3);
    expect(s.enabled().map((e) => e.stepId)).toContain(recorded[3]);
  });

  it('branches on another enabled step, continues from it, and goes back', () => {
    const s = new ExplorerSession(cm, recorded);
    s.goTo(6);
    const other = s.enabled().find((e) => e.stepId !== recorded[6])!;
    s.choose(other.stepId);
    expect(s.at).toBe(7);
    expect(s.onRecorded).toBe(false);
    expect(s.recordedPrefix).toBe(6);
    expect(s.path).toEqual([...recorded.slice(0, 6), other.stepId]);
    const again = s.enabled()[0];
    s.choose(again.stepId);
    expect(s.point('h')).toEqual({ hash: 'h', recordedPrefix: 6, chosen: [other.stepId, again.stepId], step: 8 });
    s.back();
    expect(s.path).toEqual([...recorded.slice(0, 6), other.stepId]);
    s.back();
    expect(s.onRecorded).toBe(true);
    expect(s.at).toBe(6);
  });

  it('opens a point from a link, and refuses one whose steps the model cannot take', () => {
    const s = new ExplorerSession(cm, recorded);
    s.open({ hash: 'h', recordedPrefix: recorded.length, chosen: [], step: 4 });
    expect(s.at).toBe(4);
    expect(() => s.open({ hash: 'h', recordedPrefix: 0, chosen: [recorded[5]], step: 1 })).toThrow(/not enabled/);
    expect(s.at).toBe(4);
  });

  it('marks sleeping steps, as the trace does', () => {
    const s = new ExplorerSession(cm, recorded);
    s.goTo(5);
    expect(s.enabled().find((e) => e.stepId === recorded[5])?.sleeps).toBe(true);
  });

  it('marks the wake-up that woke nobody as the trace does, on the recorded path and after a branch back to it', () => {
    const lost = compileModel(flagBeforePrepare());
    const report = buildReport(lost, check(lost).run());
    const path = report.result.discovery!.path;
    const s = new ExplorerSession(lost, path);
    const marks = () => path.map((_, i) => s.wakeNoteAt(i + 1));
    const expected = report.counterexample!.trace.map((t) => (t.wokeNobody ? 'woke nobody' : undefined));
    expect(expected).toContain('woke nobody');
    expect(marks()).toEqual(expected);
    // Branch at step 1 to another enabled step, then come back: the marks are the recorded path's again.
    s.goTo(1);
    const other = s.enabled().find((e) => e.stepId !== path[1])!;
    s.choose(other.stepId);
    s.returnToRecorded();
    expect(marks()).toEqual(expected);
  });
});

describe('stateRows', () => {
  it('marks what changed since the step before, with its old text', () => {
    const states = replayPath(cm, recorded);
    const rows = stateRows(cm, states[6], states[5]);
    const changed = rows.filter((r) => r.was !== undefined);
    expect(changed.map((r) => r.name)).toContain('cow_count');
    expect(changed.find((r) => r.name === 'cow_count')).toMatchObject({ section: 'primitives', text: expect.stringContaining('queue [writer#2]') });
    expect(rows.filter((r) => r.section === 'processes').map((r) => r.name)).toEqual(cm.layout.processes.map((p) => p.name));
    expect(stateRows(cm, states[0]).every((r) => r.was === undefined)).toBe(true);
  });

  it('names a workqueue worker\'s work, none while it is idle (before its first and after each)', () => {
    const at = sourceIn('x.c', 'v6.8');
    const b = new ModelBuilder('t');
    const q = b.workqueue('wq');
    q.work('a_work', (p) => p.step('a', { action: 'a()', source: at(1, 'a_fn') }));
    const bw = q.work('b_work', (p) => p.step('b', { action: 'b()', source: at(2, 'b_fn') }));
    b.process('irq', {}, (p) => p.step('queue', { action: 'queue_work(wq, &b_work)', source: at(3, 'irq'), op: bw.queue() }));
    const wcm = compileModel(b.build());
    const step = (name: string) => wcm.steps.findIndex((cs) => cs.step.name === name);
    const [first, , taken, ran, returned] = replayPath(wcm, [step('queue'), step('idle'), step('b_work.b'), step('b_work.return')]);
    const work = (s: Int32Array) => stateRows(wcm, s).find((r) => r.name === 'wq_worker.work')?.text;
    expect(work(first)).toBe('none (-1)');
    expect(work(taken)).toBe('b_work (1)');
    expect(work(ran)).toBe('b_work (1)');
    // process_one_work clears worker->current_work: idle again is the state it started in, for the worker.
    expect(work(returned)).toBe('none (-1)');
  });
});
