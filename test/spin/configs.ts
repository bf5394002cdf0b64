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

export const spinConfigs: readonly SpinConfig[] = [
  ...inProgressGrid(),
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 1 } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 1, rwsem: 'reader-preferring' } },
  { model: SEMAPHORE, params: { writers: 2, 'cow-threshold': 1, ctrs: 0 } },
  { model: IN_PROGRESS, params: { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' } },
  { model: IN_PROGRESS, params: { writers: 2, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' } },
  { model: UNTHROTTLED, params: { writers: 3, ctrs: 1, 'max-inflight': 2 } },
  { model: UNTHROTTLED, params: { writers: 3, ctrs: 1 } },
];

/** `dm-snapshot/in-progress writers=2 cow-threshold=1 ...`: a config's test title. */
export function configTitle(c: SpinConfig): string {
  return `${c.model} ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}
