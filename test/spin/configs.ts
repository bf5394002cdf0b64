/**
 * The configurations the SPIN agreement suite checks: for now the default
 * gate's dm-snapshot list, written out here. When `interleave gate` has a gate
 * file, replace `spinConfigs` with its entries.
 */
export interface SpinConfig {
  readonly model: string;
  readonly params: Readonly<Record<string, string | number>>;
}

const IN_PROGRESS = 'dm-snapshot/in-progress';
const SEMAPHORE = 'dm-snapshot/semaphore';
const UNTHROTTLED = 'dm-snapshot/unthrottled';
const WORKQUEUE_RETRY = 'dm-snapshot/workqueue-retry';
const POLICIES = ['writer-fair', 'reader-preferring'] as const;

function inProgressGrid(): SpinConfig[] {
  const out: SpinConfig[] = [];
  for (const writers of [1, 2, 3]) {
    for (const threshold of [0, 1, 2]) {
      for (const ctrs of [0, 1, 2]) {
        for (const rwsem of POLICIES) out.push({ model: IN_PROGRESS, params: { writers, 'cow-threshold': threshold, ctrs, rwsem } });
      }
    }
  }
  return out;
}

/** Every configuration of `params` (each value a list), in gate.json's expansion order. */
function grid(model: string, params: Readonly<Record<string, ReadonlyArray<string | number>>>): SpinConfig[] {
  let out: Array<Record<string, string | number>> = [{}];
  for (const [k, values] of Object.entries(params)) out = out.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return out.map((p) => ({ model, params: p }));
}

/** The gate's checks of the subjects of issue 14: dm-snapshot's mutants, workqueue-retry, `--completion-order any`, md, dm-bufio, exec. */
const subjectConfigs: readonly SpinConfig[] = [
  ...grid(IN_PROGRESS, { mutant: ['retry-limit'], writers: [1, 2], 'cow-threshold': [0], ctrs: [0, 1] }),
  ...grid(IN_PROGRESS, { mutant: ['uninit-in-progress'], writers: [1, 2], 'cow-threshold': [0, 1], ctrs: [0] }),
  ...grid(WORKQUEUE_RETRY, { writers: [2, 3], 'cow-threshold': [1], ctrs: [1, 2] }),
  ...grid(SEMAPHORE, { writers: [2], 'cow-threshold': [1], ctrs: [1, 2], 'completion-order': ['any'] }),
  ...grid(IN_PROGRESS, { writers: [2, 3], 'cow-threshold': [0, 1], ctrs: [0, 1], 'completion-order': ['any'] }),
  ...grid(WORKQUEUE_RETRY, { writers: [2], 'cow-threshold': [1], ctrs: [1, 2], 'completion-order': ['any'] }),
  ...grid(UNTHROTTLED, { writers: [3], ctrs: [0, 1], 'max-inflight': [2], 'completion-order': ['any'] }),
  ...grid('md/suspend-write-start', { design: ['bug'], writers: [1, 2] }),
  ...grid('md/suspend-write-start', { design: ['fix'], writers: [1, 2] }),
  ...grid('md/suspend-write-start', { design: ['fix'], mutant: ['and-suspended', 'no-suspend-wakeup', 'keep-active-io'], writers: [1, 2] }),
  ...grid('dm-bufio/shrinker-loop', { design: ['bug', 'trylock', 'noio'] }),
  ...grid('exec/ptrace-cred-guard', { design: ['bug', 'exec-update-mutex', 'rwsem', 'attach'] }),
  ...grid('exec/ptrace-cred-guard', { design: ['exec-update-mutex', 'rwsem'], mutant: ['update-before-de-thread'] }),
  ...grid('exec/ptrace-cred-guard', { design: ['exec-update-mutex', 'rwsem'], scenario: ['perf'] }),
  { model: 'exec/ptrace-cred-guard', params: { design: 'rwsem', scenario: 'perf', mutant: 'lock-before-alloc' } },
];

/**
 * Looping writers (`--rounds 2`, issue 19): each writer waits for its round's
 * bio (submit_bio_wait) and writes again. Safety only: SPIN's verdict and
 * unreduced state count; the liveness properties these declare hold here
 * under interleave's default weak fairness, so both verdicts read ok or deadlock.
 */
const roundsConfigs: readonly SpinConfig[] = [
  { model: IN_PROGRESS, params: { writers: 2, 'cow-threshold': 0, ctrs: 1, rounds: 2 } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 0, ctrs: 1, rwsem: 'reader-preferring', rounds: 2 } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 1, rounds: 2 } },
];

export const spinConfigs: readonly SpinConfig[] = [
  ...inProgressGrid(),
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 1 } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 1, rwsem: 'reader-preferring' } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 0 } },
  { model: IN_PROGRESS, params: { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' } },
  { model: IN_PROGRESS, params: { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' } },
  { model: UNTHROTTLED, params: { writers: 3, ctrs: 1, 'max-inflight': 2 } },
  { model: UNTHROTTLED, params: { writers: 3, ctrs: 1 } },
  ...subjectConfigs,
  ...roundsConfigs,
];

/** `dm-snapshot/in-progress writers=2 cow-threshold=1 ...`: a config's test title. */
export function configTitle(c: SpinConfig): string {
  return `${c.model} ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}
