/** The exec/ptrace configurations `npm start` checks: the bug, its fix, the rw_semaphore, PTRACE_ATTACH (still open), and f7cfd871ae0c's perf_event_open chain. */
import type { RunSpec } from '../../src/model/definition.js';

export const execRuns: readonly RunSpec[] = [
  { title: 'exec: de_thread under cred_guard_mutex against strace in mm_access, before 3e74fabd3971', model: 'exec/ptrace-cred-guard', params: { design: 'bug' } },
  { title: 'exec: mm_access takes exec_update_mutex (eea9673250db + 3e74fabd3971)', model: 'exec/ptrace-cred-guard', params: { design: 'exec-update-mutex' } },
  { title: 'exec: exec_update_lock as a rw_semaphore (f7cfd871ae0c)', model: 'exec/ptrace-cred-guard', params: { design: 'rwsem' } },
  { title: 'exec: PTRACE_ATTACH still takes cred_guard_mutex (selftest ptrace/vmaccess "attach")', model: 'exec/ptrace-cred-guard', params: { design: 'attach' } },
  { title: 'exec: perf_event_open -> chown -> sendfile -> proc_pid_syscall under a freeze, exec_update_mutex (v5.7.14)', model: 'exec/ptrace-cred-guard', params: { design: 'exec-update-mutex', scenario: 'perf' } },
  { title: 'exec: the same chain at v5.11 (rw_semaphore, lock taken after perf_event_alloc)', model: 'exec/ptrace-cred-guard', params: { design: 'rwsem', scenario: 'perf' } },
];
