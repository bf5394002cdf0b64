import { describe, expect, it } from 'vitest';
import semaphore from '../../models/dm-snapshot/semaphore.js';
import { replayPath, ReplayError } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';

const cm = compileModel(instantiate(semaphore, { writers: 2, 'cow-threshold': 1, ctrs: 1 }));

describe('replayPath', () => {
  it('ends in the state the search reported', () => {
    const r = check(cm).run();
    const states = replayPath(cm, r.discovery!.path);
    expect(states).toHaveLength(r.discovery!.path.length + 1);
    expect([...states.at(-1)!]).toEqual([...r.discovery!.state]);
  });

  it('names the step that is not enabled when a path does not fit the model', () => {
    // kcopyd cannot take a copy before any writer submitted one.
    const take = cm.steps.find((s) => cm.processName(s.pid) === 'kcopyd' && s.step.name === 'copy_callback')!;
    expect(() => replayPath(cm, [take.id])).toThrow(ReplayError);
    expect(() => replayPath(cm, [take.id])).toThrow(/step 1: kcopyd 'copy_callback' is not enabled/);
    expect(() => replayPath(cm, [99999])).toThrow(/no step with id 99999/);
  });
});
