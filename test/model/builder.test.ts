import { describe, expect, it } from 'vitest';
import { ModelBuilder, type LocalRef, type ProcessBuilder } from '../../src/model/builder.js';
import { gt, inc } from '../../src/model/expr.js';
import { ModelError } from '../../src/model/model-error.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('x.c', 'abc123');

function twoLockModel(name = 'test/locks') {
  const b = new ModelBuilder(name);
  const a = b.mutex('A');
  const c = b.mutex('B');
  b.process('p', {}, (p) => p
    .step('lock_a', { action: 'lock A', source: at(1, 'p'), op: a.lock() })
    .step('lock_b', { action: 'lock B', source: at(2, 'p'), op: c.lock() })
    .step('unlock_b', { action: 'unlock B', source: at(3, 'p'), op: c.unlock() })
    .step('unlock_a', { action: 'unlock A', source: at(4, 'p'), op: a.unlock() }));
  return b;
}

describe('ModelBuilder', () => {
  it('returns a frozen model whose steps fall through in order and end at `end`', () => {
    const m = twoLockModel().build();
    expect(Object.isFrozen(m)).toBe(true);
    const steps = m.processes[0].locations.map((l) => [l.label, l.steps[0].next[0].to]);
    expect(steps).toEqual([['lock_a', 'lock_b'], ['lock_b', 'unlock_b'], ['unlock_b', 'unlock_a'], ['unlock_a', 'end']]);
    expect(m.processes[0].locations[1].steps[0].source).toEqual({ file: 'x.c', line: 2, func: 'p', commit: 'abc123' });
  });

  it('names alternatives of a choice label/name', () => {
    const b = new ModelBuilder('test/choice');
    const x = b.var('x', 0, { max: 3 });
    b.process('p', {}, (p) => p.choice('c', [
      { name: 'big', action: 'x > 1', source: at(1, 'f'), guard: gt(x, 1) },
      { action: 'else', source: at(2, 'f'), effects: [inc(x)], goto: 'c' },
    ]));
    const steps = b.build().processes[0].locations[0].steps.map((s) => s.name);
    expect(steps).toEqual(['c/big', 'c/2']);
  });
});

describe('validateModel (via build)', () => {
  const expectProblem = (build: () => unknown, pattern: RegExp) => {
    let error: unknown;
    try { build(); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(pattern);
  };

  it('rejects a goto to an unknown label, naming model, process and step', () => {
    const b = new ModelBuilder('test/bad-label');
    b.process('worker', {}, (p) => p.step('a', { action: 'a', source: at(1, 'f'), goto: 'nowhere' }));
    expectProblem(() => b.build(), /test\/bad-label: process worker, step 'a': goes to unknown label 'nowhere'/);
  });

  it('rejects a release of a lock the process never takes', () => {
    const b = new ModelBuilder('test/never-taken');
    const l = b.rwsem('L', { policy: 'writer-fair' });
    b.process('reader', {}, (p) => p.step('up', { action: 'up_read', source: at(1, 'f'), op: l.upRead() }));
    expectProblem(() => b.build(), /process reader, step 'up': upRead\(L\) releases a lock \(read\) the process never takes/);
  });

  it('rejects a release that some path reaches without the lock', () => {
    const b = new ModelBuilder('test/some-path');
    const l = b.mutex('M');
    const x = b.var('x', 0);
    b.process('p', {}, (p) => p
      .choice('start', [
        { action: 'take', source: at(1, 'f'), guard: gt(x, 0), goto: 'take' },
        { action: 'skip', source: at(2, 'f'), guard: gt(1, x), goto: 'release' },
      ])
      .step('take', { action: 'lock', source: at(3, 'f'), op: l.lock() })
      .step('release', { action: 'unlock', source: at(4, 'f'), op: l.unlock() }));
    expectProblem(() => b.build(), /step 'release': unlock\(M\) may run without holding it \(held\) on some path/);
  });

  it('rejects taking a lock the process may already hold', () => {
    const b = new ModelBuilder('test/recursive');
    const l = b.rwsem('L', { policy: 'writer-fair' });
    b.process('p', {}, (p) => p
      .step('a', { action: 'down_read', source: at(1, 'f'), op: l.downRead() })
      .step('b', { action: 'down_read again', source: at(2, 'f'), op: l.downRead() })
      .step('c', { action: 'up', source: at(3, 'f'), op: l.upRead() }));
    expectProblem(() => b.build(), /step 'b': downRead\(L\) may take a lock it already holds/);
  });

  it('accepts a second down_read marked recursive, counting one level per up_read', () => {
    const b = new ModelBuilder('test/recursive-ok');
    const l = b.rwsem('L', { policy: 'writer-fair' });
    b.process('p', {}, (p) => p
      .step('a', { action: 'down_read', source: at(1, 'f'), op: l.downRead() })
      .step('b', { action: 'down_read again', source: at(2, 'f'), op: l.downRead({ recursive: true }) })
      .step('c', { action: 'up', source: at(3, 'f'), op: l.upRead() })
      .step('d', { action: 'up', source: at(4, 'f'), op: l.upRead() })
      .step('e', { action: 'one up too many', source: at(5, 'f'), op: l.upRead() }));
    expectProblem(() => b.build(), /step 'e': upRead\(L\) may run without holding it \(read\)/);
  });

  it('treats downgrade_write as giving back write and holding read', () => {
    const b = new ModelBuilder('test/downgrade');
    const l = b.rwsem('L', { policy: 'writer-fair' });
    b.process('p', {}, (p) => p
      .step('a', { action: 'down_write', source: at(1, 'f'), op: l.downWrite() })
      .step('b', { action: 'downgrade_write', source: at(2, 'f'), op: l.downgradeWrite() })
      .step('c', { action: 'up_read', source: at(3, 'f'), op: l.upRead() })
      .step('d', { action: 'downgrade again', source: at(4, 'f'), op: l.downgradeWrite() }));
    expectProblem(() => b.build(), /step 'd': downgradeWrite\(L\) may run without holding it \(write\)/);
    const ok = new ModelBuilder('test/downgrade-ok');
    const m = ok.rwsem('L', { policy: 'writer-fair' });
    ok.process('p', {}, (p) => p
      .step('a', { action: 'down_write', source: at(1, 'f'), op: m.downWrite() })
      .step('b', { action: 'downgrade_write', source: at(2, 'f'), op: m.downgradeWrite() })
      .step('c', { action: 'up_read', source: at(3, 'f'), op: m.upRead() }));
    expect(() => ok.build()).not.toThrow();
  });

  it('rejects an unreachable step', () => {
    const b = new ModelBuilder('test/unreachable');
    b.process('p', {}, (p) => p
      .step('a', { action: 'a', source: at(1, 'f'), goto: 'end' })
      .step('orphan', { action: 'never', source: at(2, 'f') }));
    expectProblem(() => b.build(), /process p, step 'orphan': unreachable from the first step/);
  });

  it('rejects a sleeping step among alternatives', () => {
    const b = new ModelBuilder('test/sleep-choice');
    const s = b.semaphore('S', { initial: 1 });
    b.process('p', {}, (p) => p.choice('c', [
      { action: 'down', source: at(1, 'f'), op: s.down() },
      { action: 'other', source: at(2, 'f') },
    ]));
    expectProblem(() => b.build(), /step 'c': a step that may sleep \(down on S\) must be alone/);
  });

  it('rejects unknown variables and out-of-range initial values', () => {
    const b = new ModelBuilder('test/vars');
    b.var('v', 5, { max: 3 });
    b.process('p', {}, (p) => p.step('a', { action: 'a', source: at(1, 'f'), guard: { kind: 'var', name: 'ghost' } }));
    expectProblem(() => b.build(), /variable v: initial value 5 is outside its range 0..3/);
    expectProblem(() => b.build(), /step 'a': unknown variable ghost/);
  });

  it('accepts a well-formed lock discipline', () => {
    expect(() => twoLockModel().build()).not.toThrow();
  });
});

describe('value names', () => {
  const build = (names: unknown) => {
    const b = new ModelBuilder('t');
    b.var('state', 0, { max: 2, names: names as string[] });
    b.process('p', {}, (p) => p.step('s', { action: 'x', source: at(1, 'f') }));
    return b.build();
  };

  it('keeps one name per value of the range', () => {
    expect(build(['IDLE', 'BUSY', 'DONE']).vars[0].names).toEqual(['IDLE', 'BUSY', 'DONE']);
  });

  it('refuses names that do not fit the range, or repeat', () => {
    expect(() => build(['IDLE', 'BUSY'])).toThrow('variable state: names has 2 entries, but the range 0..2 has 3 values');
    expect(() => build(['IDLE', 'IDLE', 'DONE'])).toThrow("variable state: names gives 'IDLE' to more than one value");
    expect(() => build('IDLE')).toThrow('variable state: names must be an array of non-empty strings, one for each value 0..2');
  });
});

describe('what a model file without type checks can pass', () => {
  const at1 = at(1, 'f');
  it('says a declaration\'s options are an object, with an example', () => {
    const b = new ModelBuilder('t');
    b.semaphore('sem', 1 as unknown as { initial: number });
    (b.rwsem as (name: string) => unknown)('lock');
    b.process('p', {}, (p) => p.step('s', { action: 'x', source: at1 }));
    expect(() => b.build()).toThrow(/b\.semaphore\("sem", 1\): its options must be an object, such as b\.semaphore\("sem", \{ initial: 1 \}\)[\s\S]*b\.rwsem\("lock"\): its options are missing, such as b\.rwsem\("lock", \{ policy: 'writer-fair' \}\)/);
    // The declarations go on with the example, so nothing else complains of their fields.
    expect(() => b.build()).not.toThrow(/undefined/);
  });

  it('says a process given its body in place of its options that the options are missing', () => {
    const b = new ModelBuilder('t');
    (b.process as unknown as (name: string, body: (p: ProcessBuilder) => ProcessBuilder) => ModelBuilder)('p', (p) => p.step('s', { action: 'x', source: at1 }));
    expect(() => b.build()).toThrow('b.process("p", body): its options are missing; give {} when there are none: b.process("p", {}, (p) => p.step(...))');
  });

  it('says an initial value given as a string is not a number', () => {
    const b = new ModelBuilder('t');
    b.var('x', '0' as unknown as number);
    b.process('p', {}, (p) => p.step('s', { action: 'x', source: at1 }));
    expect(() => b.build()).toThrow('variable x: initial value "0" (a string, not a number) must be an integer');
  });

  it('refuses a range wider than the 32 bits a state keeps a value in, or an empty one', () => {
    const problem = (range: { min?: number; max?: number }, init = 0) => {
      const b = new ModelBuilder('t');
      b.var('v', init, range);
      b.process('p', {}, (p) => p.step('s', { action: 'x', source: at1 }));
      return () => b.build();
    };
    expect(problem({ max: 4000000000 })).toThrow('variable v: maximum 4000000000 is outside the 32-bit integers a state holds (-2147483648..2147483647)');
    expect(problem({ min: -1e300, max: 1 })).toThrow(/variable v: minimum -1e\+300 is outside the 32-bit integers/);
    expect(problem({ max: Infinity })).toThrow('variable v: maximum Infinity must be an integer');
    expect(problem({ min: 2, max: 1 }, 1)).toThrow('variable v: its range 2..1 is empty (minimum above maximum)');
    expect(problem({ min: -(2 ** 31), max: 2 ** 31 - 1 })).not.toThrow();
  });

  it('says a property cannot read a local, and whose local it is', () => {
    const b = new ModelBuilder('t');
    let got: LocalRef | undefined;
    b.process('p', {}, (p) => {
      got = p.local('got', 0);
      return p.step('s', { action: 'x', source: at1 });
    });
    b.always('got it', gt(got!, 0));
    expect(() => b.build()).toThrow('property got it: reads got, a local of process p; a property can read only shared variables (b.var) and primitive queries, so keep got in a b.var that p sets');
  });
});
