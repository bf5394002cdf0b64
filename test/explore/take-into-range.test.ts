/**
 * Issue 7 regression: a job taken into a local outside the local's declared
 * range was stored unchecked (and, with bit-packed states, corrupted its
 * neighbours' bits). Found by the differential test against the reference
 * explorer (test/explore/differential.test.ts). It is an assertion failure of
 * the taking step, like any out-of-range assignment.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'test');

function takeInto(payload: number) {
  const b = new ModelBuilder('test/take-into');
  const q = b.jobQueue('q', { capacity: 1 });
  b.process('submitter', {}, (p) => p.step('submit', { action: 'queue job', source: at(1, 'f'), op: q.submit(payload) }));
  b.process('worker', {}, (p) => {
    const job = p.local('job', 0, { max: 1 });
    p.step('take', { action: 'take job', source: at(2, 'f'), op: q.take(job) });
  });
  return b.build();
}

describe('check() on job queue takes', () => {
  it('reports a payload outside the receiving local\'s range as an assertion of the take', () => {
    const cm = compileModel(takeInto(5));
    const r = check(cm).run();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery?.property).toBe('assertion');
    expect(r.discovery?.message).toMatch(/job = take\(q\) gives 5, outside the declared range 0..1/);
    expect(cm.steps[r.discovery!.failingStep!].step.name).toBe('take');
  });

  it('accepts a payload inside the range', () => {
    const r = check(takeInto(1)).run();
    expect(r.verdict).toBe('ok');
    expect(r.stats.states).toBe(3);
  });
});
