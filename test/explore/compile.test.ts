import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { add, inc, lt, type ExprLike } from '../../src/model/expr.js';
import { ModelError } from '../../src/model/model-error.js';
import { sourceIn } from '../../src/model/source-ref.js';

describe('compileModel', () => {
  it('refuses an expression nested too deeply for the generated code, as a model error, never a RangeError', () => {
    const at = sourceIn('x.c', 'v1');
    // Where the stack runs out depends on the runtime: each depth either compiles or is a model error.
    const outcomes = [3000, 8000, 20000].map((depth) => {
      const b = new ModelBuilder('t/deep');
      const v = b.var('v', 0);
      let e: ExprLike = v;
      for (let i = 0; i < depth; i++) e = add(e, 0);
      b.process('p', {}, (p) => p.step('a', { action: 'x', source: at(1, 'f'), guard: lt(e, 1), effects: [inc(v)] }));
      let model;
      try {
        model = b.build();
      } catch (error) {
        return error instanceof ModelError ? 'refused' : error;
      }
      try {
        compileModel(model);
        return 'compiled';
      } catch (error) {
        expect(error).toBeInstanceOf(ModelError);
        expect((error as Error).message).toBe('model t/deep: an expression is nested too deeply to compile (JavaScript ran out of stack); write a long sum or chain as several steps or effects');
        return 'refused';
      }
    });
    expect(outcomes).toContain('refused');
    expect(outcomes.every((o) => o === 'compiled' || o === 'refused')).toBe(true);
  });
});
