/** The md configurations `npm start` checks: the bug, the fix, and the fix's mutants. */
import type { RunSpec } from '../../src/model/definition.js';

export const mdRuns: readonly RunSpec[] = [
  { title: 'md: mddev_suspend() against md_write_start(), before cc27b0c78c79', model: 'md/suspend-write-start', params: { design: 'bug', writers: 1 } },
  { title: 'md: the fix, 3 writers', model: 'md/suspend-write-start', params: { design: 'fix', writers: 3 } },
  { title: 'md mutant: waits for !PENDING && !suspended (the v4.13.y reading)', model: 'md/suspend-write-start', params: { design: 'fix', mutant: 'and-suspended', writers: 1 } },
  { title: 'md mutant: mddev_suspend without its wake_up', model: 'md/suspend-write-start', params: { design: 'fix', mutant: 'no-suspend-wakeup', writers: 1 } },
  { title: 'md mutant: the abort keeps active_io', model: 'md/suspend-write-start', params: { design: 'fix', mutant: 'keep-active-io', writers: 1 } },
];
