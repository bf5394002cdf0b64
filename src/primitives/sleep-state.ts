/**
 * What the kernel's detectors see of a sleep, from the task state alone or
 * from how the code sleeps, whatever the primitive:
 *
 * - The hung-task detector looks only at tasks whose state is exactly
 *   TASK_UNINTERRUPTIBLE: check_hung_uninterruptible_tasks() does
 *   `if (t->state == TASK_UNINTERRUPTIBLE) check_hung_task(t, timeout);`
 *   (kernel/hung_task.c:197 at v5.4.6, v5.6.4 and v5.7.14; :199 at v5.11).
 *   TASK_KILLABLE is TASK_WAKEKILL | TASK_UNINTERRUPTIBLE, TASK_IDLE is
 *   TASK_UNINTERRUPTIBLE | TASK_NOLOAD and TASK_TRACED is TASK_WAKEKILL |
 *   __TASK_TRACED (include/linux/sched.h:95, :99, :97 at v5.6.4), so none of
 *   them compares equal; interruptible sleepers and spinners are not looked at.
 * - An open-coded set_current_state()/schedule() loop carries no annotation
 *   for lockdep or DEPT. DEPT v19 ([PATCH v19 00/40] DEPT(DEPendency
 *   Tracker), Byungchul Park, 2026-07-06, <20260706061928.66713-1-byungchul@sk.com>)
 *   stages a wait only where a patch of the series puts sdt_might_sleep_start():
 *   completions (10/40 "dept: apply sdt_might_sleep_{start,end}() to
 *   wait_for_completion()/complete()"), the wait_event() macros' ___wait_event
 *   in include/linux/wait.h (12/40 "... to waitqueue wait"), and, by the
 *   cover letter's list, swait, hashed wait queues, dma fences, PG_locked and
 *   PG_writeback; locks it sees through their lockdep annotations ("dept: tie
 *   to lockdep and IRQ tracing"; ldt_lock() in the series' include/linux/dept_ldt.h,
 *   read in its v14 posting, stages a wait for a blocking lock and none for a
 *   trylock).
 */
import type { KernelWait, SleepState } from '../model/types.js';
import type { Visibility } from './primitive.js';

/** The kernel's name for each state (include/linux/sched.h). */
export const TASK_STATE: Readonly<Record<SleepState, string>> = {
  uninterruptible: 'TASK_UNINTERRUPTIBLE',
  killable: 'TASK_KILLABLE',
  interruptible: 'TASK_INTERRUPTIBLE',
  idle: 'TASK_IDLE',
  traced: 'TASK_TRACED',
  stopped: 'TASK_STOPPED',
  running: 'TASK_RUNNING',
};

/** The hung-task detector's test, quoted for notes. */
export const HUNG_TASK_TEST = 'check_hung_uninterruptible_tasks() looks only at `t->state == TASK_UNINTERRUPTIBLE` (kernel/hung_task.c:197 at v5.6.4, :199 at v5.11)';

/** Whether the hung-task detector reports a task asleep in `state` for longer than hung_task_timeout_secs. */
export function hungTaskReports(state: SleepState): boolean {
  return state === 'uninterruptible';
}

/** Why the hung-task detector passes over a task in `state` (not `uninterruptible`). */
export function hungTaskSkips(state: SleepState): string {
  switch (state) {
    case 'killable': return 'TASK_KILLABLE is TASK_WAKEKILL | TASK_UNINTERRUPTIBLE, not equal to TASK_UNINTERRUPTIBLE';
    case 'idle': return 'TASK_IDLE is TASK_UNINTERRUPTIBLE | TASK_NOLOAD, not equal to TASK_UNINTERRUPTIBLE';
    case 'traced': return 'TASK_TRACED is TASK_WAKEKILL | __TASK_TRACED';
    case 'running': return 'a spinner stays TASK_RUNNING (the soft-lockup watchdog would see it, not the hung-task detector)';
    default: return `${TASK_STATE[state]} is not TASK_UNINTERRUPTIBLE`;
  }
}

/** The DEPT series the notes describe, as its cover letter on lore.kernel.org. */
export const DEPT_SERIES = 'DEPT v19 (https://lore.kernel.org/all/20260706061928.66713-1-byungchul@sk.com/)';

/** What lockdep and DEPT see of a sleep the kernel writes as `kernelWait` rather than the primitive's own call. */
export const KERNEL_WAIT_VISIBILITY: Readonly<Record<KernelWait, Visibility>> = {
  schedule: {
    lockdep: { sees: false, why: 'an open-coded set_current_state()/schedule() loop has no lockdep map' },
    dept: { sees: false, why: `an open-coded set_current_state()/schedule() loop is not staged as a wait: ${DEPT_SERIES} annotates completions, the wait_event() macros, swait, hashed wait queues, dma fences, page locks and the lockdep-annotated locks, not a bare schedule()` },
  },
  wait_event: {
    lockdep: { sees: false, why: 'wait_event() sleeps on a wait queue until another task\'s wake-up; it has no lockdep map' },
    dept: { sees: true, why: `${DEPT_SERIES} stages the wait of every wait_event() macro (patch 12/40 puts sdt_might_sleep_start()/end() in ___wait_event, include/linux/wait.h)` },
  },
};
