/** Every configuration of the dm-snapshot grid the reductions must agree on. */
export function reductionGrid(): Array<[string, Record<string, string | number>]> {
  const out: Array<[string, Record<string, string | number>]> = [];
  for (const writers of [1, 2, 3]) {
    for (const ctrs of [0, 1, 2]) {
      for (const rwsem of ['writer-fair', 'reader-preferring']) {
        out.push(['dm-snapshot/unthrottled', { writers, ctrs, rwsem, 'max-inflight': 2 }]);
        for (const t of [0, 1, 2]) {
          out.push(['dm-snapshot/semaphore', { writers, ctrs, rwsem, 'cow-threshold': t }]);
          for (const mutant of ['none', 'sleep-holding-lock', 'lost-wakeup']) {
            out.push(['dm-snapshot/in-progress', { writers, ctrs, rwsem, 'cow-threshold': t, mutant }]);
          }
        }
      }
    }
  }
  for (const t of [0, 1, 2]) out.push(['dm-snapshot/in-progress', { writers: 4, ctrs: 2, 'cow-threshold': t }]);
  out.push(['dm-snapshot/semaphore', { writers: 4, ctrs: 2, 'cow-threshold': 2 }]);
  return out;
}

