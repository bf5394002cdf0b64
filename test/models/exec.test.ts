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
});
