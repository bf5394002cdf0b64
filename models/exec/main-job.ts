/** The exec/ptrace configurations `npm start` checks: the bug, its fix, the rw_semaphore, and PTRACE_ATTACH (still open). */
import type { RunSpec } from '../../src/model/definition.js';

export const execRuns: readonly RunSpec[] = [
  { title: 'exec: de_thread under cred_guard_mutex against strace in mm_access, before 3e74fabd3971', model: 'exec/ptrace-cred-guard', params: { design: 'bug' } },
  { title: 'exec: mm_access takes exec_update_mutex (eea9673250db + 3e74fabd3971)', model: 'exec/ptrace-cred-guard', params: { design: 'exec-update-mutex' } },
  { title: 'exec: exec_update_lock as a rw_semaphore (f7cfd871ae0c)', model: 'exec/ptrace-cred-guard', params: { design: 'rwsem' } },
  { title: 'exec: PTRACE_ATTACH still takes cred_guard_mutex (selftest ptrace/vmaccess "attach")', model: 'exec/ptrace-cred-guard', params: { design: 'attach' } },
];
