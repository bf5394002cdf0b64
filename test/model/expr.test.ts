import { describe, expect, it } from 'vitest';
import { ModelBuilder, type LocalRef } from '../../src/model/builder.js';
import { eq, formatExpr, sub, toExpr } from '../../src/model/expr.js';

describe('toExpr', () => {
  it('says why JS arithmetic on a local gives NaN, and what to write instead', () => {
    let got: LocalRef | undefined;
    new ModelBuilder('t').process('p', {}, (p) => {
      got = p.local('got', 0);
      return p;
    });
    if (!got) throw new Error('no local');
    // What a model file that writes eq(got - 1, 0) passes (a type error under tsc, not under tsx).
    const nan = (got as unknown as number) - 1;
    expect(() => eq(nan, 0)).toThrow(/got NaN: JS arithmetic on a variable or local \(such as got - 1 or n \+ 1\) does not build an expression; write sub\(got, 1\)/);
    expect(formatExpr(eq(sub(got, 1), 0))).toBe('(got - 1) == 0');
  });

  it('refuses a number that is not an integer', () => {
    expect(() => toExpr(1.5)).toThrow('model expressions are integers, got 1.5');
  });
});
