/**
 * The configurations `npm start` checks: each design at its smallest
 * interesting size, the contrasts that explain the bug (no snapshot_ctr, a
 * reader-preferring lock), and the mutants of the fix. Verdicts are never
 * written here; they come from exploring.
 */
import type { RunSpec } from '../../src/model/definition.js';

export const dmSnapshotRuns: readonly RunSpec[] = [
  { title: 'unthrottled: no throttle, no deadlock', model: 'dm-snapshot/unthrottled', params: { writers: 3, ctrs: 1 } },
  { title: 'unthrottled: in-flight copies exceed a bound of 2', model: 'dm-snapshot/unthrottled', params: { writers: 3, ctrs: 1, 'max-inflight': 2 } },
  { title: 'semaphore: the dm-snapshot deadlock (commit message steps 1-4)', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 } },
  { title: 'semaphore without snapshot_ctr', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 0 } },
  { title: 'semaphore with a reader-preferring rw_semaphore', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1, rwsem: 'reader-preferring' } },
  { title: 'in-progress: the fix', model: 'dm-snapshot/in-progress', params: { writers: 3, 'cow-threshold': 1, ctrs: 2 } },
  { title: 'in-progress, threshold 0 (sleep while any copy is in flight)', model: 'dm-snapshot/in-progress', params: { writers: 3, 'cow-threshold': 0, ctrs: 1 } },
  { title: 'mutant: sleeps without dropping _origins_lock', model: 'dm-snapshot/in-progress', params: { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' } },
  { title: 'mutant: checks and joins the wait queue outside the spinlock', model: 'dm-snapshot/in-progress', params: { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' } },
  { title: 'mutant: kcopyd\'s retry throttled too (do_origin(bio, true))', model: 'dm-snapshot/in-progress', params: { writers: 1, 'cow-threshold': 0, ctrs: 0, mutant: 'retry-limit' } },
  { title: 'mutant: a backport without kzalloc (in_progress starts as garbage)', model: 'dm-snapshot/in-progress', params: { writers: 1, 'cow-threshold': 0, ctrs: 0, mutant: 'uninit-in-progress' } },
  { title: 'workqueue-retry: the semaphore kept, origin bios retried from a workqueue', model: 'dm-snapshot/workqueue-retry', params: { writers: 2, 'cow-threshold': 1, ctrs: 1 } },
  { title: 'workqueue-retry, 3 writers, snapshot_ctr and snapshot_dtr', model: 'dm-snapshot/workqueue-retry', params: { writers: 3, 'cow-threshold': 1, ctrs: 2 } },
  { title: 'semaphore, copies completing in any order', model: 'dm-snapshot/semaphore', params: { writers: 2, 'cow-threshold': 1, ctrs: 1, 'completion-order': 'any' } },
  { title: 'in-progress, copies completing in any order', model: 'dm-snapshot/in-progress', params: { writers: 3, 'cow-threshold': 1, ctrs: 2, 'completion-order': 'any' } },
];
