import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { UsageError } from '../../src/cli/io.js';
import { buildParamGrid, expandGrid, gridSize, parseParamValues, sweptAxes } from '../../src/cli/param-grid.js';
import { enumParam, intParam } from '../../src/model/definition.js';

const semaphore = registry.find((d) => d.name === 'dm-snapshot/semaphore')!;
const writers = intParam(1, 8, 2, 'writers');
const policy = enumParam(['writer-fair', 'reader-preferring'], 'writer-fair', 'policy');

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('parseParamValues', () => {
  it('expands an inclusive range', () => {
    expect(parseParamValues('writers', '1..4', writers, 'm')).toEqual([1, 2, 3, 4]);
  });

  it('takes lists mixing values and ranges, in order, without duplicates', () => {
    expect(parseParamValues('writers', '5,1..3,2', writers, 'm')).toEqual([5, 1, 2, 3]);
  });

  it('takes a single value as a one-value axis', () => {
    expect(parseParamValues('writers', '3', writers, 'm')).toEqual([3]);
  });

  it('takes enum lists', () => {
    expect(parseParamValues('rwsem', 'reader-preferring,writer-fair', policy, 'm')).toEqual(['reader-preferring', 'writer-fair']);
  });

  it.each([
    ['0..3', /range 0\.\.3 is outside 1\.\.8/],
    ['4..2', /range 4\.\.2 is empty/],
    ['9', /--writers 9 is outside 1\.\.8/],
    ['two', /must be an integer, a range or a list/],
    ['1,,2', /empty item/],
  ])('rejects %j with the valid range as hint', (text, message) => {
    const e = usageError(() => parseParamValues('writers', text, writers, 'm'));
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(/--writers accepts 1\.\.8/);
  });

  it('rejects an unknown enum value and names the valid ones', () => {
    const e = usageError(() => parseParamValues('rwsem', 'fair', policy, 'm'));
    expect(e.message).toMatch(/--rwsem has no value "fair"/);
    expect(e.hint).toMatch(/writer-fair\|reader-preferring/);
  });
});

describe('buildParamGrid', () => {
  it('keeps command-line order and validates against the model definition', () => {
    const grid = buildParamGrid(semaphore, [['ctrs', '0..2'], ['writers', '1,2'], ['bios', '1']]);
    expect(grid.axes.map((a) => a.name)).toEqual(['ctrs', 'writers', 'bios']);
    expect(gridSize(grid)).toBe(6);
    expect(sweptAxes(grid).map((a) => a.name)).toEqual(['ctrs', 'writers']);
  });

  it('rejects an unknown parameter, listing the known ones with their ranges', () => {
    const e = usageError(() => buildParamGrid(semaphore, [['colour', 'red']]));
    expect(e.message).toMatch(/dm-snapshot\/semaphore: unknown parameter --colour/);
    expect(e.hint).toMatch(/--writers \(1\.\.8\)/);
    expect(e.hint).toMatch(/--rwsem \(writer-fair\|reader-preferring\)/);
  });

  it('rejects a parameter named like a property of Object.prototype', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(usageError(() => buildParamGrid(semaphore, [[name, '1..2']])).message).toMatch(new RegExp(`unknown parameter --${name}$`));
    }
  });
});

describe('expandGrid', () => {
  it('yields every combination with the last axis fastest', () => {
    const grid = buildParamGrid(semaphore, [['writers', '1..2'], ['rwsem', 'writer-fair,reader-preferring']]);
    expect(expandGrid(grid)).toEqual([
      { writers: 1, rwsem: 'writer-fair' },
      { writers: 1, rwsem: 'reader-preferring' },
      { writers: 2, rwsem: 'writer-fair' },
      { writers: 2, rwsem: 'reader-preferring' },
    ]);
  });

  it('yields the one empty combination for an empty grid (all defaults)', () => {
    expect(expandGrid({ model: 'm', axes: [] })).toEqual([{}]);
  });
});
