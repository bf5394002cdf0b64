import { describe, expect, it } from 'vitest';
import { ModelBuilder, type StepSpec } from '../../src/model/builder.js';
import { eq, inc } from '../../src/model/expr.js';
import { ModelError } from '../../src/model/model-error.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('x.c', 'v1');

/**
 * What a model file run without a type check (tsx) can hand the builder. Each
 * spec is cast: the point is what `build()` says about a value the types forbid.
 */
function problemsOf(spec: Record<string, unknown>, choice = false): string {
  const b = new ModelBuilder('test/spec');
  const n = b.var('n', 0, { max: 1 });
  const got = { kind: 'local', name: 'got' };
  const filled = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v === 'N' ? n : v === 'GOT' ? got : v]));
  b.process('p', {}, (p) => {
    p.local('got', 0);
    if (choice) p.choice('c', [{ action: 'a', source: at(1, 'f'), ...filled } as unknown as StepSpec, { action: 'b', source: at(2, 'f') }]);
    else p.step('s', { action: 'a', source: at(1, 'f'), ...filled } as unknown as StepSpec);
  });
  try {
    b.build();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return (e as Error).message;
  }
  throw new Error('build() accepted the spec');
}

describe('a malformed step spec is one of the model\'s problems, named with process and step', () => {
  it('a missing source', () => {
    expect(problemsOf({ source: undefined })).toMatch(/test\/spec: process p, step 's': source is missing: every step names its kernel source, at\(line, 'function'\) from const at = sourceIn\('path\/file.c', 'commit or tag'\)/);
  });

  it('a string as source', () => {
    expect(problemsOf({ source: 'mydev.c:1' })).toMatch(/process p, step 's': source must be at\(line, 'function'\) .*, got "mydev.c:1"/);
  });

  it('a missing action', () => {
    expect(problemsOf({ action: undefined })).toMatch(/process p, step 's': action must be a string/);
  });

  it('an action with a control character (Graphviz cannot draw a NUL)', () => {
    expect(problemsOf({ action: 'mutex_lock(&a)\u0000' })).toMatch(/process p, step 's': action contains a control character \("mutex_lock\(&a\)\\u0000"\); write it as plain text/);
  });

  it('a single effect instead of an array', () => {
    const n = { kind: 'var', name: 'n' } as const;
    expect(problemsOf({ effects: inc(n) })).toMatch(/process p, step 's': effects must be an array, got a single effect: write effects: \[inc\(n\)\]/);
  });

  it('JS arithmetic among the effects, also inside when()', () => {
    expect(problemsOf({ effects: ['[object Object]1'] })).toMatch(/process p, step 's': effects\[0\] is not an effect: want set\(x, value\), inc\(x\), dec\(x\) or when\(.*got "\[object Object\]1" \(JS arithmetic/);
    expect(problemsOf({ effects: [{ kind: 'if', test: { kind: 'lit', value: 1 }, then: [2], else: [] }] })).toMatch(/effects\[0\] is not an effect/);
  });

  it('a guard that is a JS comparison (a boolean), in a choice, with the expression to write', () => {
    expect(problemsOf({ guard: false }, true)).toMatch(/process p, step 'c\/1': guard is the JS value false, not an expression: .*write eq\(got, 1\)/);
  });

  it('a guard or a branch condition that is not an expression', () => {
    expect(problemsOf({ guard: 'n > 0' })).toMatch(/step 's': guard must be an expression built with eq, .*got "n > 0"/);
    expect(problemsOf({ goto: [{ when: true, to: 's' }, { to: 'end' }] })).toMatch(/step 's': goto\[0\]\.when is the JS value true, not an expression/);
    expect(problemsOf({ goto: 7 })).toMatch(/step 's': goto must be a label or \[/);
  });

  it('an op that is not an operation', () => {
    expect(problemsOf({ op: 'lock' })).toMatch(/step 's': op must be one primitive operation from a handle/);
  });

  it('lists every malformed part, and the rest of the model is still checked', () => {
    const b = new ModelBuilder('test/many');
    b.process('p', {}, (p) => p
      .step('a', { action: 'a', source: 'x.c:1', effects: 3, goto: 'nowhere' } as unknown as StepSpec)
      .step('b', { action: 'b' } as unknown as StepSpec));
    let message = '';
    try { b.build(); } catch (e) { message = (e as Error).message; }
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}- test\/many: process p, step 'a': source must be/),
      expect.stringMatching(/^ {2}- test\/many: process p, step 'a': effects must be an array of effects \(.*\), got number 3$/),
      expect.stringMatching(/^ {2}- test\/many: process p, step 'b': source is missing/),
      expect.stringMatching(/^ {2}- test\/many: process p, step 'a': goes to unknown label 'nowhere'/),
      expect.stringMatching(/^ {2}- test\/many: process p, step 'b': unreachable from the first step$/),
    ]);
  });

  it('prefixes an unknown option with the model\'s name, as every other problem', () => {
    expect(problemsOf({ opp: 1 })).toMatch(/\n {2}- test\/spec: process p, step 's': unknown option 'opp' \(known: /);
  });

  it('accepts expressions, numbers and a guard built from the helpers', () => {
    const b = new ModelBuilder('test/ok');
    const n = b.var('n', 0, { max: 1 });
    b.process('p', {}, (p) => p
      .step('a', { action: 'a', source: at(1, 'f'), guard: eq(n, 0), effects: [inc(n)], goto: [{ when: eq(n, 1), to: 'b' }, { to: 'end' }] })
      .step('b', { action: 'b', source: at(2, 'f'), guard: 1 }));
    expect(b.build().processes[0].locations.map((l) => l.label)).toEqual(['a', 'b']);
  });
});

describe('a property whose expression is a JS comparison (a boolean) is one of the model\'s problems', () => {
  it('for always, atEnd, eventually and leadsTo, each named', () => {
    const b = new ModelBuilder('test/props');
    const n = b.var('n', 0, { max: 1 });
    b.process('p', {}, (p) => p.step('s', { action: 'a', source: at(1, 'f'), effects: [inc(n)] }));
    const js = (n as unknown as number) <= 1;
    b.always('n small', js as never).atEnd('n set', false as never).eventually('n grows', true as never).leadsTo('n moves', eq(n, 0), js as never);
    b.always('fine', eq(n, n));
    expect(() => b.build()).toThrow(ModelError);
    let message = '';
    try { b.build(); } catch (e) { message = (e as Error).message; }
    expect(message).toContain("test/props: property 'n small': its expression is the JS value false, not an expression: a comparison such as got === 1 is evaluated once");
    expect(message).toContain("property 'n set': its expression is the JS value false");
    expect(message).toContain("property 'n grows': its expression is the JS value true");
    expect(message).toContain("property 'n moves': its to is the JS value false");
    expect(message).not.toContain("'fine'");
  });
});

describe('a choice given something other than an array of specs', () => {
  it('is one of the model\'s problems, with how to write it', () => {
    const b = new ModelBuilder('test/choice');
    b.process('p', {}, (p) => p.choice('c', { action: 'a', source: at(1, 'f') } as unknown as StepSpec[]));
    expect(() => b.build()).toThrow(/test\/choice: process p, choice 'c': wants an array of step specs, got object: write choice\('c', \[\{ \.\.\. \}, \{ \.\.\. \}\]\)/);
  });
});
