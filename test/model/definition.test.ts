import { describe, expect, it } from 'vitest';
import { resolveParams, instantiate } from '../../src/model/definition.js';
import { ModelError } from '../../src/model/model-error.js';
import semaphore from '../../models/dm-snapshot/semaphore.js';

describe('resolveParams', () => {
  it('fills defaults and parses command-line strings', () => {
    const p = resolveParams(semaphore, { writers: '3', rwsem: 'reader-preferring' });
    expect(p).toEqual({ writers: 3, bios: 1, ctrs: 1, rwsem: 'reader-preferring', 'cow-threshold': 1, 'completion-order': 'submission' });
  });

  it.each([
    [{ writers: 9 }, /dm-snapshot\/semaphore: --writers 9 is out of range 1..8/],
    [{ writers: '99999999999999999999' }, /--writers 99999999999999999999 is out of range 1..8/],
    [{ writers: 'two' }, /--writers must be an integer in 1..8, got "two"/],
    [{ rwsem: 'fair' }, /--rwsem must be one of writer-fair\|reader-preferring, got "fair"/],
    [{ mutant: 'x' }, /unknown parameter --mutant \(known: --writers, --bios, --ctrs, --rwsem, --rounds, --ctr-rounds, --cow-threshold, --completion-order\)/],
    // Names of Object.prototype's properties are not parameters either.
    [{ constructor: '1' }, /unknown parameter --constructor \(known: --writers/],
    [JSON.parse('{"__proto__": "1"}'), /unknown parameter --__proto__ \(known: --writers/],
  ])('rejects %j naming the model and parameter', (given, message) => {
    expect(() => resolveParams(semaphore, given as Record<string, string | number>)).toThrow(message);
  });

  it('does not read a parameter left out from Object.prototype', async () => {
    const { defineModel, intParam } = await import('../../src/model/definition.js');
    const def = defineModel({ name: 'm', description: '', params: { constructor: intParam(1, 3, 2, 'n') }, build: () => { throw new Error('unused'); } });
    expect(resolveParams(def, {})).toEqual({ constructor: 2 });
  });

  it('records the resolved parameters on the built model', () => {
    expect(instantiate(semaphore, { writers: 2 }).params).toMatchObject({ writers: 2, 'cow-threshold': 1 });
  });
});

describe('enumParam with omitDefault', () => {
  it('leaves the parameter out of the resolved values while it has its default', async () => {
    const { defineModel, enumParam, resolveParams } = await import('../../src/model/definition.js');
    const def = defineModel({ name: 'm', description: '', params: { rounds: enumParam(['1', 'forever'], '1', 'rounds', { omitDefault: true }) }, build: () => { throw new Error('unused'); } });
    expect(resolveParams(def, {})).toEqual({});
    expect(resolveParams(def, { rounds: '1' })).toEqual({});
    expect(resolveParams(def, { rounds: 'forever' })).toEqual({ rounds: 'forever' });
  });
});

describe('defineModel', () => {
  it('refuses a parameter whose default is outside its range, listing every such parameter', async () => {
    const { defineModel, enumParam, intParam } = await import('../../src/model/definition.js');
    const define = () => defineModel({
      name: 'user/bad-param',
      description: '',
      params: { callers: intParam(1, 3, 5, 'tasks'), depth: intParam(4, 2, 3, 'empty range'), order: enumParam(['ab', 'ba'], 'ab', 'ok') },
      build: () => { throw new Error('unused'); },
    });
    expect(define).toThrow(ModelError);
    expect(define).toThrow([
      'model user/bad-param is invalid:',
      '  - user/bad-param: parameter callers: default 5 is outside its range 1..3 (intParam takes min, max, default, description)',
      '  - user/bad-param: parameter depth: its range 4..2 is empty (intParam takes min, max, default, description)',
    ].join('\n'));
  });

  it('refuses an enum default that is not one of its values', async () => {
    const { defineModel } = await import('../../src/model/definition.js');
    const params = { order: { kind: 'enum', values: ['ab', 'ba'], default: 'abba', description: '' } } as const;
    expect(() => defineModel({ name: 'user/bad-enum', description: '', params, build: () => { throw new Error('unused'); } }))
      .toThrow('user/bad-enum: parameter order: default "abba" is not one of its values ab|ba');
  });
});

describe('instantiate', () => {
  it('says what build() returned when it is not a model (a model file runs without type checks)', () => {
    const def = (result: unknown) => ({ name: 't/bt', description: 'x', params: {}, build: () => result as never });
    expect(() => instantiate(def(42))).toThrow(new ModelError('t/bt: build() returned number 42, not a model: end it with return b.build()'));
    expect(() => instantiate(def(undefined))).toThrow('t/bt: build() returned nothing (undefined), not a model');
    expect(() => instantiate(def({ params: { n: 4 } }))).toThrow('t/bt: build() returned an object that is not a built model');
  });
});
