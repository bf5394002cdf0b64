import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { heuristicCost, parseShard, partition, readCosts, unitKey, unitsOf, type ShardUnit } from '../../src/cli/shard.js';

const units = (costs: readonly number[]): ShardUnit[] => costs.map((_, i) => ({ key: `u${i}`, model: 'm', params: { writers: i } }));
const table = (costs: readonly number[]) => new Map(costs.map((c, i) => [`u${i}`, c]));

describe('parseShard', () => {
  it('reads I/N', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/3', '4/3', '3', '1/0', 'a/b', '1/3/5'])('refuses %s with a hint', (text) => {
    expect(() => parseShard(text)).toThrow(UsageError);
    expect(() => parseShard(text)).toThrow(/--shard/);
  });
});

describe('partition', () => {
  it('deals every unit to exactly one shard, the same way every time', () => {
    fc.assert(fc.property(fc.array(fc.nat(1000), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (costs, n) => {
      const owner = partition(units(costs), n, table(costs));
      expect(owner).toEqual(partition(units(costs), n, table(costs)));
      expect(owner.every((s) => s >= 1 && s <= n)).toBe(true);
      const shards = Array.from({ length: n }, (_, i) => unitsOf(units(costs), { index: i + 1, count: n }, table(costs)));
      expect(shards.reduce((k, s) => k + s.size, 0)).toBe(costs.length);
    }));
  });

  it('keeps every shard within an even share plus one unit (longest first to the least loaded)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (costs, n) => {
      const owner = partition(units(costs), n, table(costs));
      const loads = new Array<number>(n).fill(0);
      owner.forEach((s, i) => { loads[s - 1] += costs[i]; });
      const total = costs.reduce((a, b) => a + b, 0);
      expect(Math.max(...loads)).toBeLessThanOrEqual(total / n + Math.max(...costs));
    }));
  });

  it('falls back to a size heuristic that ranks larger configurations as costlier', () => {
    expect(heuristicCost({ writers: 4, ctrs: 2, rwsem: 'writer-fair' })).toBeGreaterThan(heuristicCost({ writers: 3, ctrs: 2, rwsem: 'writer-fair' }));
    // The two largest of four go to different shards.
    const owner = partition(units([0, 0, 0, 0]).map((u, i) => ({ ...u, params: { writers: [1, 6, 6, 1][i] } })), 2);
    expect(owner[1]).not.toBe(owner[2]);
  });
});

describe('readCosts', () => {
  it('reads state counts from an earlier gate.json, keyed as the gate keys its explorations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-costs-'));
    const file = join(dir, 'gate.json');
    writeFileSync(file, JSON.stringify({
      schema: 'interleave/gate@1',
      checks: [{ model: 'm', symmetry: true, cases: [{ params: { writers: 5, ctrs: 1 }, states: 1234 }] }],
    }));
    expect(readCosts(file, 'gate.json').get(unitKey('m', { ctrs: 1, writers: 5 }, ['symmetry']))).toBe(1234);
  });

  it('refuses a file that is not a gate.json or sweep.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-costs-'));
    writeFileSync(join(dir, 'x.json'), '{"schema":"other"}');
    expect(() => readCosts(join(dir, 'x.json'), 'x.json')).toThrow(/--costs x\.json: not a gate\.json or sweep\.json/);
    expect(() => readCosts(join(dir, 'none.json'), 'none.json')).toThrow(/no such file/);
  });
});
