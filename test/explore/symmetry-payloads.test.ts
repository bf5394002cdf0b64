import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { eq } from '../../src/model/expr.js';
import { set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('t.c', 'x');

/** Regression (found by the differential tests): payloads that are read must not be erased by symmetry. */
describe('symmetry with job payloads that are read', () => {
  it('keeps them, so an invariant that depends on them is still found', () => {
    const b = new ModelBuilder('test/read-payload');
    const x = b.var('x', 0, { max: 1 });
    const q = b.jobQueue('q', { capacity: 1, payloadMax: 1 });
    b.process('idle', { instances: 2 }, (p) => p.step('noop', { action: 'noop', source: at(1, 'f') }));
    b.process('worker', {}, (p) => {
      const j = p.local('j', 0, { max: 1 });
      p.step('submit', { action: 'submit 1', source: at(2, 'f'), op: q.submit(1) })
        .step('take', { action: 'take into j', source: at(3, 'f'), op: q.take(j) })
        .choice('use', [
          { name: 'one', action: 'j == 1: x = 1', source: at(4, 'f'), guard: eq(j, 1), effects: [set(x, 1)] },
          { name: 'zero', action: 'j == 0', source: at(5, 'f'), guard: eq(j, 0) },
        ]);
    });
    b.always('x == 0', eq(x, 0));
    const m = b.build();
    const plain = check(m).run();
    const reduced = check(m).symmetry().run();
    expect(plain.verdict).toBe('invariant');
    expect(reduced.verdict).toBe('invariant');
    expect(reduced.discovery?.path).toHaveLength(plain.discovery!.path.length);
  });
});
