/**
 * md/suspend-write-start: verdicts come from exploring; the shapes pin the
 * commit message of cc27b0c78c79 (mddev_suspend waits for the request in
 * md_write_start, which waits for a superblock update only the md thread makes).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from './helpers.js';

const MD = 'md/suspend-write-start';

describe('md/suspend-write-start', () => {
  it('deadlocks before cc27b0c78c79: the writer waits for the superblock, the suspender for active_io', () => {
    const r = checkModel(MD, { design: 'bug', writers: 1 });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.trace).toHaveLength(12);
    const blocked = Object.fromEntries(cx.blocked.map((b) => [b.process, b.wait?.primitive]));
    expect(blocked).toEqual({ writer: 'sb_wait', suspender: 'sb_wait' });
    expect(cx.processes.find((p) => p.process === 'md_thread')?.state).toBe('idle');
    const stuck = (process: string) => cx.trace.filter((t) => t.process === process && t.outcome === 'blocked').at(-1)?.source;
    expect(stuck('writer')).toMatchObject({ func: 'md_write_start', line: 7989, commit: 'v4.12.3' });
    expect(stuck('suspender')).toMatchObject({ func: 'mddev_suspend', line: 330 });
    // The md thread ran and gave up because the array was suspended.
    expect(cx.trace.at(-1)).toMatchObject({ process: 'md_thread', step: 'check_recovery/suspended' });
    expect(cx.analysis.summary).toMatch(/^cycle: writer -> sb_wait -> suspender -> sb_wait/);
    // Both sleeps are wait_event()s, which DEPT stages, but the wake-up the writer needs is the idle md thread's (it only trylocks).
    const note = (d: string) => cx.scenario!.detectors.find((x) => x.detector === d)!;
    expect(note('DEPT')).toMatchObject({ reports: false });
    expect(note('DEPT').note).toMatch(/wait_event\(&sb_wait\).*is for md_thread too, which is not asleep/);
    expect(note('hung-task').reports).toBe(true);
  });

  it('the fix never deadlocks, every write completes, and the abort path runs', () => {
    for (const writers of [1, 2]) {
      const r = checkModel(MD, { design: 'fix', writers });
      expect(r.result.verdict).toBe('ok');
      expect(r.result.completion).toBe('complete');
      expect(r.unreached.filter((u) => u.required)).toEqual([]);
    }
  });

  it('catches every mutant of the fix', () => {
    for (const mutant of ['and-suspended', 'no-suspend-wakeup', 'keep-active-io']) {
      const r = checkModel(MD, { design: 'fix', mutant, writers: 1 });
      expect(`${mutant} ${r.result.verdict}`).toBe(`${mutant} deadlock`);
    }
    // keep-active-io: the writer waits for the resume, the suspender for active_io it still holds.
    const k = checkModel(MD, { design: 'fix', mutant: 'keep-active-io', writers: 1 }).counterexample!;
    expect(k.trace.some((t) => t.step === 'aborted/abort')).toBe(true);
  });

  it('refuses a mutant of the fix on the bug design', () => {
    expect(() => checkModel(MD, { design: 'bug', mutant: 'and-suspended' })).toThrow(/use it with --design fix/);
  });
});
