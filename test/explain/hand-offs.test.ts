import { describe, expect, it } from 'vitest';
import { findHandOffs } from '../../src/explain/hand-offs.js';
import { replayPath } from '../../src/explain/path.js';
import { buildTrace } from '../../src/explain/trace.js';
import { compileModel } from '../../src/explore/compile.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from './acceptance-cases.js';
import { handOver, stepIds } from './small-models.js';

describe('findHandOffs', () => {
  it('links the submitted copy to the kcopyd step that takes it', () => {
    const { cm, result } = exploreCase(SEMAPHORE_DEADLOCK);
    const path = result.discovery!.path;
    const trace = buildTrace(cm, path);
    const handOffs = findHandOffs(cm, path);
    expect(handOffs).toHaveLength(1);
    const [job] = handOffs;
    expect(job).toMatchObject({ kind: 'job', label: 'copy(chunk 0)' });
    expect(trace[job.from - 1]).toMatchObject({ process: 'writer#1', step: 'copy' });
    expect(trace[job.to - 1]).toMatchObject({ process: 'kcopyd', step: 'copy_callback' });
  });

  it('links an unlock that hands a mutex to a sleeper to the sleeper\'s wake-up step', () => {
    const cm = compileModel(handOver());
    const path = stepIds(cm, ['a:lock', 'b:lock', 'a:unlock', 'b:lock']);
    const trace = buildTrace(cm, path);
    expect(trace.map((t) => t.outcome)).toEqual(['ran', 'blocked', 'ran', 'woke']);
    expect(findHandOffs(cm, path, replayPath(cm, path))).toEqual([{ kind: 'wake', from: 3, to: 4, label: 'hands over L' }]);
  });

  it('draws no hand-off when the lock was free (no sleep, no wake)', () => {
    const cm = compileModel(handOver());
    expect(findHandOffs(cm, stepIds(cm, ['a:lock', 'a:unlock', 'b:lock']))).toEqual([]);
  });
});
