/**
 * interleave's non-progress-cycle check against SPIN's (`pan -l`, and `-f`
 * for weak fairness) on the Promela export with progress labels: the verdict
 * must agree without fairness and under weak fairness. The dm-snapshot case
 * is the starvation question with every writer and ctr going round forever
 * (the ctrs' down_write is the progress step): reader-preferring has a fair
 * non-progress cycle, writer-fair has one only without fairness.
 *
 * Needs spin and gcc, like agreement.test.ts; INTERLEAVE_SKIP_SPIN=1 skips it.
 */
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { check } from '../../src/explore/check.js';
import { instantiate } from '../../src/model/definition.js';
import type { Model } from '../../src/model/types.js';
import { toPromela } from '../../src/render/promela.js';
import { spinUntilSet } from '../explore/liveness-models.js';
import { runSpinNonProgress } from './spin-runner.js';

/** A dm-snapshot configuration asking SPIN's question: no cycle without a progress step. */
function dmNonProgress(rwsem: string): Model {
  const def = registry.find((d) => d.name === 'dm-snapshot/semaphore')!;
  const m = instantiate(def, { writers: 2, 'cow-threshold': 0, ctrs: 1, rwsem, rounds: 'forever', 'ctr-rounds': 'forever' });
  return { ...m, name: `${m.name} (${rwsem})`, liveness: [{ kind: 'non-progress', name: 'no non-progress cycle' }] };
}

const cases: ReadonlyArray<[string, () => Model, { none: boolean; weak: boolean }]> = [
  ['spinner with a setter', spinUntilSet, { none: true, weak: false }],
  ['dm-snapshot/semaphore reader-preferring, rounds and ctr-rounds forever', () => dmNonProgress('reader-preferring'), { none: true, weak: true }],
  ['dm-snapshot/semaphore writer-fair, rounds and ctr-rounds forever', () => dmNonProgress('writer-fair'), { none: true, weak: false }],
];

describe.skipIf(process.env.INTERLEAVE_SKIP_SPIN === '1')('non-progress cycles: interleave agrees with SPIN -l (and -f)', () => {
  it.concurrent.each(cases)('%s', async (_title, make, expected) => {
    const m = make();
    const found = (all: 'none' | 'weak') => check(m).fairness({ all }).run().verdict === 'liveness';
    const ours = { none: found('none'), weak: found('weak') };
    const spin = await runSpinNonProgress(toPromela(m, { progressLabels: true }));
    expect({ none: spin.none.cycle, weak: spin.weak.cycle }).toEqual(ours);
    // Both find what the model is known for, so agreement is not both missing everything.
    expect(ours).toEqual(expected);
  }, 120_000);
});
