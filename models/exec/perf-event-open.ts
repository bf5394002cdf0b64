/**
 * The deadlock f7cfd871ae0c ("exec: Transform exec_update_mutex into a
 * rw_semaphore") was written for, as its commit message gives lockdep's chain:
 *
 *   perf_event_open  (exec_update_mutex -> ovl_i_mutex)
 *   chown            (ovl_i_mutex       -> sb_writes)
 *   sendfile         (sb_writes         -> p->lock)
 *     by reading from a proc file and writing to overlayfs
 *   proc_pid_syscall (p->lock           -> exec_update_mutex)
 *
 * Tasks, each as the tree of its design has it (SOURCES.md, "perf scenario"):
 * - perf: perf_event_open() on the target task; in v5.7.14 it holds
 *   exec_update_mutex across perf_event_alloc(), whose uprobe PMU resolves a
 *   path (create_local_trace_uprobe -> kern_path -> lookup_slow), taking an
 *   overlayfs directory's i_rwsem shared. In v5.11 the lock is taken after
 *   perf_event_alloc(): "perf: Break deadlock involving exec_update_mutex"
 *   (Peter Zijlstra, <20201208083412.GR2414@hirez.programming.kicks-ass.net>)
 *   moved it there, in the same merge as f7cfd871ae0c.
 * - chown: chown_common() holds that inode's i_rwsem and, in ovl_setattr ->
 *   ovl_want_write -> mnt_want_write, takes the upper fs's sb_writers for read.
 * - sendfile: do_sendfile() holds sb_writers for read (file_start_write on an
 *   overlayfs file) and reads /proc/<target>/syscall: seq_read takes the
 *   seq_file's m->lock ("p->lock"), proc_pid_syscall -> lock_trace takes
 *   exec_update_mutex (killable).
 * - freezer: freeze_super() -> sb_wait_write -> percpu_down_write(sb_writers).
 *   sb_writers is a percpu_rw_semaphore, whose readers only block behind a
 *   writer: without a freeze, chown and sendfile never wait for each other,
 *   and lockdep's chain is only a possible deadlock. Modelled as a
 *   writer-fair rw_semaphore (a reader arriving while the writer waits sleeps,
 *   percpu_rwsem_wait in TASK_UNINTERRUPTIBLE).
 * - exec: the target execs; exec_mmap takes the lock for write (killable).
 *
 * Mutant `lock-before-alloc` (rwsem design only): f7cfd871ae0c without the
 * perf reordering, i.e. v5.11's perf_event_open taking exec_update_lock for
 * read before perf_event_alloc as v5.7.14 took the mutex: what a backport of
 * f7cfd871ae0c alone would give. Readers no longer exclude each other, but a
 * queued writer (exec) makes the next reader (lock_trace) wait.
 */
import type { LockHandle, ModelBuilder, RwSemaphoreHandle } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

/** Line numbers in each tree (see SOURCES.md). */
const PERF_LINES = {
  'v5.7.14': {
    perfLock: 11587, perfAlloc: 11606, perfUnlock: 11883, uprobePath: 1575, lookupLock: 1546, lookupUnlock: 1548,
    chownLock: 649, chownUnlock: 653, setattr: 27, mntWant: 354, mntDrop: 446,
    sendfileStart: 1520, sendfileEnd: 1522, seqRead: 'seq_read', seqLock: 153, seqUnlock: 269, syscall: 637, lockTrace: 408, unlockTrace: 420,
    freeze: 1786, percpuDownWrite: 1693, thaw: 1857, percpuUpWrite: 1724,
    execLock: 1055, execUnlock: 1533, execUnlockFn: 'install_exec_creds',
  },
  'v5.11': {
    perfLock: 11962, perfAlloc: 11837, perfUnlock: 12132, uprobePath: 1587, lookupLock: 1560, lookupUnlock: 1562,
    chownLock: 671, chownUnlock: 675, setattr: 28, mntWant: 354, mntDrop: 446,
    sendfileStart: 1256, sendfileEnd: 1258, seqRead: 'seq_read_iter', seqLock: 179, seqUnlock: 289, syscall: 646, lockTrace: 408, unlockTrace: 420,
    freeze: 1684, percpuDownWrite: 1591, thaw: 1755, percpuUpWrite: 1622,
    execLock: 985, execUnlock: 1439, execUnlockFn: 'setup_new_exec',
  },
} as const;

export interface PerfScenarioOptions {
  readonly tree: keyof typeof PERF_LINES;
  /** v5.7.14's mutex, or v5.11's rw_semaphore. */
  readonly update: { readonly kind: 'mutex'; readonly lock: LockHandle } | { readonly kind: 'rwsem'; readonly lock: RwSemaphoreHandle };
  /** perf_event_open takes the lock before perf_event_alloc (v5.7.14, and the `lock-before-alloc` mutant). */
  readonly lockBeforeAlloc: boolean;
}

/** Adds the five tasks of f7cfd871ae0c's chain (with the freeze that makes it hang) to `b`. */
export function addPerfScenario(b: ModelBuilder, o: PerfScenarioOptions): void {
  const L = PERF_LINES[o.tree];
  const at = (file: string) => sourceIn(file, o.tree);
  const ovl = b.rwsem('ovl_i_rwsem', { policy: 'writer-fair' });
  const sbWriters = b.rwsem('sb_writers', { policy: 'writer-fair' });
  const seqLock = b.mutex('seq_file_lock');
  const mutex = o.update.kind === 'mutex';
  const name = mutex ? 'exec_update_mutex' : 'exec_update_lock';
  const readLock = o.update.kind === 'mutex' ? o.update.lock.lock() : o.update.lock.downRead();
  const readUnlock = o.update.kind === 'mutex' ? o.update.lock.unlock() : o.update.lock.upRead();
  const core = at('kernel/events/core.c');

  b.process('perf', {}, (p) => {
    const lock = () => p.step('perf_lock', {
      action: `perf_event_open: ${mutex ? 'mutex_lock_interruptible' : 'down_read_interruptible'}(&task->signal->${name})${o.lockBeforeAlloc && !mutex ? ' (MUTANT: before perf_event_alloc, as without the perf reordering)' : ''}`,
      source: core(L.perfLock, 'perf_event_open'),
      op: readLock,
      sleep: 'interruptible',
    });
    if (o.lockBeforeAlloc) lock();
    p.step('alloc', {
      action: 'perf_event_alloc -> perf_uprobe_init -> create_local_trace_uprobe: kern_path() -> lookup_slow: inode_lock_shared(dir), an overlayfs directory',
      source: at('fs/namei.c')(L.lookupLock, 'lookup_slow'),
      op: ovl.downRead(),
    })
      .step('alloc_done', { action: 'lookup_slow: inode_unlock_shared(dir)', source: at('fs/namei.c')(L.lookupUnlock, 'lookup_slow'), op: ovl.upRead() });
    if (!o.lockBeforeAlloc) lock();
    p.step('perf_unlock', { action: `perf_event_open: ${mutex ? 'mutex_unlock' : 'up_read'}(&task->signal->${name})`, source: core(L.perfUnlock, 'perf_event_open'), op: readUnlock, required: true });
  });

  b.process('chown', {}, (c) => c
    .step('inode_lock', { action: 'chown_common: inode_lock(inode) (that overlayfs directory)', source: at('fs/open.c')(L.chownLock, 'chown_common'), op: ovl.downWrite() })
    .step('want_write', {
      action: 'notify_change -> ovl_setattr -> ovl_want_write -> mnt_want_write: sb_start_write(upper sb) (percpu_down_read)',
      source: at('fs/namespace.c')(L.mntWant, 'mnt_want_write'),
      op: sbWriters.downRead(),
    })
    .step('drop_write', { action: 'ovl_setattr -> ovl_drop_write -> mnt_drop_write: sb_end_write', source: at('fs/namespace.c')(L.mntDrop, 'mnt_drop_write'), op: sbWriters.upRead() })
    .step('inode_unlock', { action: 'chown_common: inode_unlock(inode)', source: at('fs/open.c')(L.chownUnlock, 'chown_common'), op: ovl.upWrite(), required: true }));

  b.process('sendfile', {}, (s) => s
    .step('start_write', { action: 'do_sendfile: file_start_write(out.file) (an overlayfs file: sb_start_write)', source: at('fs/read_write.c')(L.sendfileStart, 'do_sendfile'), op: sbWriters.downRead() })
    .step('seq_lock', { action: `do_splice_direct -> ${L.seqRead}(/proc/<target>/syscall): mutex_lock(&m->lock)`, source: at('fs/seq_file.c')(L.seqLock, L.seqRead), op: seqLock.lock() })
    .step('lock_trace', {
      action: `proc_pid_syscall -> lock_trace: ${mutex ? 'mutex_lock_killable' : 'down_read_killable'}(&task->signal->${name})`,
      source: at('fs/proc/base.c')(L.lockTrace, 'lock_trace'),
      op: o.update.kind === 'mutex' ? o.update.lock.lock() : o.update.lock.downRead(),
      sleep: 'killable',
    })
    .step('unlock_trace', { action: `unlock_trace: ${mutex ? 'mutex_unlock' : 'up_read'}(&task->signal->${name})`, source: at('fs/proc/base.c')(L.unlockTrace, 'unlock_trace'), op: o.update.kind === 'mutex' ? o.update.lock.unlock() : o.update.lock.upRead() })
    .step('seq_unlock', { action: `${L.seqRead}: mutex_unlock(&m->lock)`, source: at('fs/seq_file.c')(L.seqUnlock, L.seqRead), op: seqLock.unlock() })
    .step('end_write', { action: 'do_sendfile: file_end_write(out.file)', source: at('fs/read_write.c')(L.sendfileEnd, 'do_sendfile'), op: sbWriters.upRead(), required: true }));

  b.process('freezer', {}, (f) => f
    .step('freeze', { action: 'freeze_super -> sb_wait_write(sb, SB_FREEZE_WRITE): percpu_down_write(sb_writers)', source: at('fs/super.c')(L.percpuDownWrite, 'sb_wait_write'), op: sbWriters.downWrite() })
    .step('thaw', { action: 'thaw_super_locked -> sb_freeze_unlock: percpu_up_write(sb_writers)', source: at('fs/super.c')(L.percpuUpWrite, 'sb_freeze_unlock'), op: sbWriters.upWrite(), required: true }));

  b.process('exec', {}, (e) => e
    .step('exec_mmap', {
      action: `exec_mmap: ${mutex ? 'mutex_lock_killable' : 'down_write_killable'}(&tsk->signal->${name})`,
      source: at('fs/exec.c')(L.execLock, 'exec_mmap'),
      op: o.update.kind === 'mutex' ? o.update.lock.lock() : o.update.lock.downWrite(),
      sleep: 'killable',
    })
    .step('update_unlock', {
      action: `${L.execUnlockFn}: ${mutex ? 'mutex_unlock' : 'up_write'}(&me->signal->${name})`,
      source: at('fs/exec.c')(L.execUnlock, L.execUnlockFn),
      op: o.update.kind === 'mutex' ? o.update.lock.unlock() : o.update.lock.upWrite(),
      required: true,
    }));
}
