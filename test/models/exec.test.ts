/**
 * exec/ptrace-cred-guard: verdicts come from exploring; the shapes pin the
 * commit message of 3e74fabd3971 (strace asleep in mm_access on
 * cred_guard_mutex, expect asleep in de_thread under it) and the selftest
 * ptrace/vmaccess "attach" (PTRACE_ATTACH still takes cred_guard_mutex).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from './helpers.js';

const EXEC = 'exec/ptrace-cred-guard';

describe('exec/ptrace-cred-guard', () => {
  it('deadlocks before 3e74fabd3971: exec waits in de_thread, the tracer on cred_guard_mutex in mm_access', () => {
    const r = checkModel(EXEC, { design: 'bug' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.trace).toHaveLength(7);
    const blocked = Object.fromEntries(cx.blocked.map((b) => [b.process, b.wait?.primitive]));
    expect(blocked).toEqual({ exec: 'group_exit_task', sibling: 'TASK_TRACED', tracer: 'cred_guard_mutex' });
    const stuck = (process: string) => cx.trace.filter((t) => t.process === process && t.outcome === 'blocked').at(-1)?.source;
    expect(stuck('tracer')).toMatchObject({ func: 'mm_access', line: 1227, commit: 'v5.6.4' });
    expect(stuck('exec')).toMatchObject({ func: 'de_thread', line: 1094 });
    expect(cx.analysis.summary).toMatch(/^cycle: exec -> group_exit_task -> tracer -> cred_guard_mutex/);
  });

  it('exec_update_mutex (v5.7.14) and its rw_semaphore (v5.11) never deadlock, and every step runs', () => {
    for (const design of ['exec-update-mutex', 'rwsem']) {
      const r = checkModel(EXEC, { design });
      expect(`${design} ${r.result.verdict} ${r.result.completion}`).toBe(`${design} ok complete`);
      expect(r.unreached).toEqual([]);
    }
  });

  it('PTRACE_ATTACH still deadlocks at v5.11: the tracer sleeps in ptrace_attach on cred_guard_mutex', () => {
    const cx = checkModel(EXEC, { design: 'attach' }).counterexample!;
    expect(cx.trace).toHaveLength(6);
    const stuck = cx.trace.filter((t) => t.process === 'tracer' && t.outcome === 'blocked').at(-1)?.source;
    expect(stuck).toMatchObject({ func: 'ptrace_attach', line: 389, commit: 'v5.11' });
    expect(cx.analysis.summary).toMatch(/^cycle: exec -> group_exit_task -> tracer -> cred_guard_mutex/);
  });

  it('catches a backport that takes the new lock before de_thread (mutant update-before-de-thread), for the mutex and the rwsem', () => {
    for (const design of ['exec-update-mutex', 'rwsem']) {
      const cx = checkModel(EXEC, { design, mutant: 'update-before-de-thread' }).counterexample!;
      expect(cx.analysis.summary).toMatch(/^cycle: exec -> group_exit_task -> tracer -> exec_update_(mutex|lock)/);
      const stuck = cx.trace.filter((t) => t.process === 'tracer' && t.outcome === 'blocked').at(-1)?.source;
      expect(stuck).toMatchObject({ func: 'mm_access' });
    }
  });

  it('finds f7cfd871ae0c\'s perf_event_open chain with exec_update_mutex (v5.7.14), which lockdep could flag and the hung-task detector reports', () => {
    const r = checkModel(EXEC, { design: 'exec-update-mutex', scenario: 'perf' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.analysis.summary).toBe('cycle: perf -> ovl_i_rwsem (write-held by chown) -> chown -> sb_writers (queued behind freezer) -> freezer -> sb_writers (read-held by sendfile) -> sendfile -> exec_update_mutex (held by perf)');
    const d = Object.fromEntries(cx.scenario!.detectors.map((x) => [x.detector, x.reports]));
    expect(d).toEqual({ lockdep: true, DEPT: true, 'hung-task': true });
    expect(cx.scenario!.detectors[2].note).not.toMatch(/sendfile \(/);
  });

  it('keeps the chain quiet at v5.11, and shows f7cfd871ae0c alone does not: a queued exec writer makes the second reader wait', () => {
    const ok = checkModel(EXEC, { design: 'rwsem', scenario: 'perf' });
    expect(`${ok.result.verdict} ${ok.result.completion}`).toBe('ok complete');
    expect(ok.unreached).toEqual([]);
    const cx = checkModel(EXEC, { design: 'rwsem', scenario: 'perf', mutant: 'lock-before-alloc' }).counterexample!;
    expect(cx.analysis.summary).toMatch(/sendfile -> exec_update_lock \(queued behind exec\) -> exec -> exec_update_lock \(read-held by perf\)$/);
  });

  it('refuses the perf scenario for a design without exec_update_mutex', () => {
    expect(() => checkModel(EXEC, { design: 'bug', scenario: 'perf' })).toThrow(/--scenario perf needs --design exec-update-mutex or rwsem/);
  });
});
