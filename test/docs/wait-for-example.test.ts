import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiagrams } from '../../src/render/diagrams.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../explain/acceptance-cases.js';

const EXAMPLE = new URL('../../docs/wait-for-semaphore-deadlock.svg', import.meta.url);

describe('docs/wait-for-semaphore-deadlock.svg', () => {
  it('is what the tool draws today for the semaphore deadlock (README example)', async () => {
    const { cm, report } = exploreCase(SEMAPHORE_DEADLOCK);
    const diagrams = await renderDiagrams(report, cm, { maxNodes: 1 });
    const committed = readFileSync(EXAMPLE, 'utf8');
    expect(committed.trimEnd(), 'regenerate: interleave check dm-snapshot/semaphore --writers 2 --cow-threshold 1 --ctrs 1 --out /tmp/x && cp /tmp/x/waitfor.svg docs/wait-for-semaphore-deadlock.svg')
      .toBe(diagrams!.waitForSvg.trimEnd());
  });
});
