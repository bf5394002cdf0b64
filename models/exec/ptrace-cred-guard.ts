/**
 * execve() against a tracer: the exec'ing thread holds cred_guard_mutex while
 * de_thread() waits for its sibling threads to be released; a traced sibling
 * killed by zap_other_threads stops at PTRACE_EVENT_EXIT until its tracer
 * resumes it, and becomes a zombie only the tracer reaps; the tracer sleeps
 * on cred_guard_mutex first.
 *
 * Designs:
 * - bug (v5.6.4): the tracer reads the tracee's memory with process_vm_readv;
 *   mm_access takes cred_guard_mutex (mutex_lock_killable). The hang of
 *   3e74fabd3971 ("exec: Fix a deadlock in strace", Bernd Edlinger): strace
 *   in mm_access, expect in flush_old_exec.
 * - exec-update-mutex (v5.7.14): eea9673250db ("exec: Add exec_update_mutex
 *   to replace cred_guard_mutex") adds exec_update_mutex, which exec takes in
 *   exec_mmap, after de_thread; 3e74fabd3971 makes mm_access take it instead
 *   of cred_guard_mutex.
 * - rwsem (v5.11): f7cfd871ae0c ("exec: Transform exec_update_mutex into a
 *   rw_semaphore"): mm_access takes exec_update_lock for read, exec for write.
 *   In this (ptrace) scenario it must just stay quiet; the lockdep cycle
 *   through perf_event_open it was written for is `--scenario perf`
 *   (perf-event-open.ts).
 *
 * Mutant update-before-de-thread (designs exec-update-mutex, rwsem): exec
 * takes the new lock beside cred_guard_mutex, before de_thread, as a backport
 * that put it next to the old lock would; the tracer's mm_access then waits
 * for it while de_thread waits for the tracer.
 * - attach (v5.11): the tracer calls PTRACE_ATTACH on the exec'ing task, as
 *   tools/testing/selftests/ptrace/vmaccess.c's test "attach" does;
 *   ptrace_attach still takes cred_guard_mutex (mutex_lock_interruptible).
 *   The sibling there is traced with PTRACE_TRACEME and no options, so it
 *   does not stop at PTRACE_EVENT_EXIT; it only waits to be reaped.
 *
 * Processes: the exec'ing thread, one sibling thread (traced), the tracer
 * (one memory access or attach, then the sibling's events in order).
 *
 * Abstracted: signals other than the zap's SIGKILL (every sleep here is
 * killable or interruptible: the real hang ends when someone is killed, and
 * the model reports the hang itself); siglock and tasklist_lock (short
 * sections, one step each); the thread-group leader (the exec'ing thread is
 * the leader, so de_thread waits only for notify_count); the rest of exec
 * between the steps shown; the tracer doing its access after handling the
 * events (it then never sleeps on a lock while an event is pending).
 */
import { defineModel, enumParam } from '../../src/model/definition.js';
import { set } from '../../src/model/expr.js';
import { ModelBuilder, type ProcessBuilder } from '../../src/model/builder.js';
import { ModelError } from '../../src/model/model-error.js';
import { addPerfScenario } from './perf-event-open.js';
import { sourceIn } from '../../src/model/source-ref.js';

const EXEC = 'fs/exec.c';
const FORK = 'kernel/fork.c';
const PTRACE = 'kernel/ptrace.c';
const SIGNAL = 'kernel/signal.c';
const EXIT = 'kernel/exit.c';
const VM = 'mm/process_vm_access.c';

/** The lines each tree cites (see SOURCES.md). */
const TREES = {
  'v5.6.4': {
    credLock: 1412, flush: 'flush_old_exec', deThread: 1269, zap: 1087, schedule: 1094, updateLock: 0, credUnlockFn: 'install_exec_creds', updateUnlock: 0, credUnlock: 1476,
    sigkill: 1361, exitEvent: 735, cldstop: 2201, traced: 2215, notifyParent: 663,
    vmAccess: 205, mmLock: 1227, mmUnlock: 1237, attachLock: 395, attachUnlock: 450, resume: 855, release: 1084, exitSignal: 128, doWait: 1463,
  },
  'v5.7.14': {
    credLock: 1467, flush: 'flush_old_exec', deThread: 1309, zap: 1125, schedule: 1132, updateLock: 1055, credUnlockFn: 'install_exec_creds', updateUnlock: 1533, credUnlock: 1534,
    sigkill: 1361, exitEvent: 744, cldstop: 2201, traced: 2215, notifyParent: 658,
    vmAccess: 205, mmLock: 1230, mmUnlock: 1240, attachLock: 395, attachUnlock: 450, resume: 855, release: 1086, exitSignal: 119, doWait: 1465,
  },
  'v5.11': {
    credLock: 1462, flush: 'begin_new_exec', deThread: 1257, zap: 1061, schedule: 1068, updateLock: 985, credUnlockFn: 'setup_new_exec', updateUnlock: 1439, credUnlock: 1440,
    sigkill: 1362, exitEvent: 765, cldstop: 2202, traced: 2216, notifyParent: 679,
    vmAccess: 203, mmLock: 1227, mmUnlock: 1237, attachLock: 389, attachUnlock: 444, resume: 849, release: 1107, exitSignal: 119, doWait: 1486,
  },
} as const;

const TREE_OF = { bug: 'v5.6.4', 'exec-update-mutex': 'v5.7.14', rwsem: 'v5.11', attach: 'v5.11' } as const;

export default defineModel({
  name: 'exec/ptrace-cred-guard',
  description: 'execve holding cred_guard_mutex in de_thread against a tracer that must reap the exiting sibling (3e74fabd3971, eea9673250db, f7cfd871ae0c)',
  params: {
    design: enumParam(['bug', 'exec-update-mutex', 'rwsem', 'attach'], 'bug',
      'bug: v5.6.4 (mm_access takes cred_guard_mutex); exec-update-mutex: v5.7.14 (eea9673250db + 3e74fabd3971); rwsem: v5.11 (f7cfd871ae0c); attach: v5.11 with PTRACE_ATTACH (still cred_guard_mutex)'),
    scenario: enumParam(['ptrace', 'perf'], 'ptrace',
      'ptrace: the tracer against de_thread (3e74fabd3971); perf: f7cfd871ae0c\'s lockdep chain perf_event_open -> chown -> sendfile -> proc_pid_syscall, with a freeze (designs exec-update-mutex, rwsem)',
      { omitDefault: true }),
    mutant: enumParam(['none', 'update-before-de-thread', 'lock-before-alloc'], 'none',
      'update-before-de-thread: exec takes the new lock before de_thread (scenario ptrace, designs exec-update-mutex, rwsem); lock-before-alloc: perf_event_open takes exec_update_lock before perf_event_alloc, f7cfd871ae0c without the perf reordering (scenario perf, design rwsem)',
      { omitDefault: true }),
  },
  build(p) {
    const design = p.design;
    const scenario = p.scenario ?? 'ptrace';
    const mutant = p.mutant ?? 'none';
    const tree = TREE_OF[design];
    const L = TREES[tree];
    const at = (file: string) => sourceIn(file, tree);
    const exec = at(EXEC);
    const fixed = design === 'exec-update-mutex' || design === 'rwsem';
    if (scenario === 'perf' && !fixed) throw new ModelError(`exec/ptrace-cred-guard: --scenario perf needs --design exec-update-mutex or rwsem (the lock perf_event_open and lock_trace share), got ${design}`);
    if (mutant === 'update-before-de-thread' && (scenario !== 'ptrace' || !fixed)) throw new ModelError('exec/ptrace-cred-guard: --mutant update-before-de-thread needs --scenario ptrace and --design exec-update-mutex or rwsem');
    if (mutant === 'lock-before-alloc' && (scenario !== 'perf' || design !== 'rwsem')) throw new ModelError('exec/ptrace-cred-guard: --mutant lock-before-alloc needs --scenario perf and --design rwsem');
    const tags = [design, ...(scenario === 'perf' ? ['perf'] : []), ...(mutant !== 'none' ? [mutant] : [])];
    const b = new ModelBuilder(`exec/ptrace-cred-guard[${tags.join(',')}]`);

    if (scenario === 'perf') {
      addPerfScenario(b, {
        tree: design === 'rwsem' ? 'v5.11' : 'v5.7.14',
        update: design === 'rwsem' ? { kind: 'rwsem', lock: b.rwsem('exec_update_lock', { policy: 'writer-fair' }) } : { kind: 'mutex', lock: b.mutex('exec_update_mutex') },
        lockBeforeAlloc: design === 'exec-update-mutex' || mutant === 'lock-before-alloc',
      });
      return b.build();
    }

    const credGuard = b.mutex('cred_guard_mutex');
    const updateMutex = design === 'exec-update-mutex' ? b.mutex('exec_update_mutex') : undefined;
    const updateLock = design === 'rwsem' || design === 'attach' ? b.rwsem('exec_update_lock', { policy: 'writer-fair' }) : undefined;
    const sigkill = b.var('SIGKILL_pending', 0, { max: 1 });
    // de_thread sleeps until __exit_signal drops notify_count to 0 and wake_up_process()es it.
    const groupExit = b.completion('group_exit_task', { max: 1 });
    // The tracer's do_wait sleeps until the sibling reports a stop or its exit.
    const chldexit = b.completion('wait_chldexit', { max: 2 });
    // The sibling in ptrace_stop sleeps in TASK_TRACED until ptrace_resume wakes it.
    const traced = b.completion('TASK_TRACED', { max: 1 });
    const traceExit = design !== 'attach';

    const early = mutant === 'update-before-de-thread';
    const takeUpdate = (e: ProcessBuilder, note: string) => {
      if (updateMutex) {
        e.step('exec_mmap', { action: `${note}${L.flush} -> exec_mmap: mutex_lock_killable(&tsk->signal->exec_update_mutex)`, source: exec(L.updateLock, 'exec_mmap'), op: updateMutex.lock(), sleep: 'killable' });
      } else if (updateLock) {
        e.step('exec_mmap', { action: `${note}${L.flush} -> exec_mmap: down_write_killable(&tsk->signal->exec_update_lock)`, source: exec(L.updateLock, 'exec_mmap'), op: updateLock.downWrite(), sleep: 'killable' });
      }
    };
    b.process('exec', {}, (e) => {
      e.step('cred_guard', { action: 'execve -> prepare_bprm_creds: mutex_lock_interruptible(&current->signal->cred_guard_mutex)', source: exec(L.credLock, 'prepare_bprm_creds'), op: credGuard.lock(), sleep: 'interruptible' });
      if (early) takeUpdate(e, 'MUTANT (taken before de_thread, beside cred_guard_mutex): ');
      e.step('zap', {
          action: `${L.flush} -> de_thread: sig->notify_count = zap_other_threads(tsk) (SIGKILL to the sibling)`,
          source: exec(L.zap, 'de_thread'),
          effects: [set(sigkill, 1)],
        })
        .step('de_thread', { action: 'de_thread: while (sig->notify_count) { __set_current_state(TASK_KILLABLE); schedule(); }', source: exec(L.schedule, 'de_thread'), op: groupExit.wait(), sleep: 'killable', kernelWait: 'schedule' });
      if (!early) takeUpdate(e, '');
      if (updateMutex) {
        e.step('update_unlock', { action: `${L.credUnlockFn}: mutex_unlock(&current->signal->exec_update_mutex)`, source: exec(L.updateUnlock, L.credUnlockFn), op: updateMutex.unlock() });
      } else if (updateLock) {
        e.step('update_unlock', { action: `${L.credUnlockFn}: up_write(&me->signal->exec_update_lock)`, source: exec(L.updateUnlock, L.credUnlockFn), op: updateLock.upWrite() });
      }
      e.step('cred_unlock', { action: `${L.credUnlockFn}: mutex_unlock(&current->signal->cred_guard_mutex)`, source: exec(L.credUnlock, L.credUnlockFn), op: credGuard.unlock(), required: true });
    });

    b.process('sibling', {}, (s) => {
      s.step('killed', {
        action: 'get_signal: SIGKILL from zap_other_threads -> do_group_exit -> do_exit',
        source: at(SIGNAL)(L.sigkill, 'zap_other_threads'),
        guard: sigkill,
        validEnd: true,
      });
      if (traceExit) {
        s.step('event_exit', {
          action: 'do_exit -> ptrace_event(PTRACE_EVENT_EXIT) -> ptrace_stop: do_notify_parent_cldstop (wakes the tracer\'s wait)',
          source: at(SIGNAL)(L.cldstop, 'ptrace_stop'),
          op: chldexit.complete(),
        })
          .step('traced', { action: 'ptrace_stop: set_special_state(TASK_TRACED); freezable_schedule() until the tracer resumes it', source: at(SIGNAL)(L.traced, 'ptrace_stop'), op: traced.wait(), sleep: 'traced', kernelWait: 'schedule' });
      }
      s.step('exit_notify', {
        action: 'do_exit -> exit_notify: traced thread, do_notify_parent(SIGCHLD), not autoreaped: a zombie until the tracer reaps it',
        source: at(EXIT)(L.notifyParent, 'exit_notify'),
        op: chldexit.complete(),
      });
    });

    b.process('tracer', {}, (t) => {
      if (design === 'attach') {
        t.step('access', { action: 'ptrace(PTRACE_ATTACH) -> ptrace_attach: mutex_lock_interruptible(&task->signal->cred_guard_mutex)', source: at(PTRACE)(L.attachLock, 'ptrace_attach'), op: credGuard.lock(), sleep: 'interruptible' })
          .step('access_done', { action: 'ptrace_attach: mutex_unlock(&task->signal->cred_guard_mutex)', source: at(PTRACE)(L.attachUnlock, 'ptrace_attach'), op: credGuard.unlock() });
      } else {
        const lockName = design === 'bug' ? 'mutex_lock_killable(&task->signal->cred_guard_mutex)'
          : design === 'exec-update-mutex' ? 'mutex_lock_killable(&task->signal->exec_update_mutex)' : 'down_read_killable(&task->signal->exec_update_lock)';
        const unlockName = design === 'bug' ? 'mutex_unlock(&task->signal->cred_guard_mutex)'
          : design === 'exec-update-mutex' ? 'mutex_unlock(&task->signal->exec_update_mutex)' : 'up_read(&task->signal->exec_update_lock)';
        const lockOp = updateMutex ? updateMutex.lock() : updateLock ? updateLock.downRead() : credGuard.lock();
        const unlockOp = updateMutex ? updateMutex.unlock() : updateLock ? updateLock.upRead() : credGuard.unlock();
        t.step('access', { action: `process_vm_readv -> process_vm_rw_core -> mm_access: ${lockName}`, source: at(FORK)(L.mmLock, 'mm_access'), op: lockOp, sleep: 'killable', required: true })
          .step('access_done', { action: `mm_access: ${unlockName}`, source: at(FORK)(L.mmUnlock, 'mm_access'), op: unlockOp });
      }
      if (traceExit) {
        t.step('wait_stop', { action: 'waitpid -> do_wait: the sibling stopped at PTRACE_EVENT_EXIT', source: at(EXIT)(L.doWait, 'do_wait'), op: chldexit.wait(), sleep: 'interruptible', kernelWait: 'schedule' })
          .step('cont', { action: 'ptrace(PTRACE_CONT) -> ptrace_resume: wake_up_state(child, __TASK_TRACED)', source: at(PTRACE)(L.resume, 'ptrace_resume'), op: traced.complete() });
      }
      t.step('wait_exit', { action: 'waitpid -> do_wait: the sibling exited (WIFEXITED)', source: at(EXIT)(L.doWait, 'do_wait'), op: chldexit.wait(), sleep: 'interruptible', kernelWait: 'schedule' })
        .step('reap', {
          action: 'wait_task_zombie -> release_task -> __exit_signal: --notify_count == 0: wake_up_process(sig->group_exit_task)',
          source: at(EXIT)(L.exitSignal, '__exit_signal'),
          op: groupExit.complete(),
          required: true,
        });
    });

    return b.build();
  },
});
