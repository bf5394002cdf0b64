import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { check } from '../../src/explore/check.js';
import { StateStore } from '../../src/explore/state-store.js';
import { TreeStore } from '../../src/explore/tree-store.js';
import { instantiate } from '../../src/model/definition.js';

/** A word drawn from few values (so words repeat across states, as in a search) or from all of them. */
const word = fc.oneof(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
type Op = { kind: 'insert' | 'find'; state: number[] } | { kind: 'read'; id: number };

describe('TreeStore', () => {
  it('answers every insert, find and read exactly as StateStore does', () => {
    const words = 3;
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), state: fc.array(word, { minLength: words, maxLength: words }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('find' as const), state: fc.array(word, { minLength: words, maxLength: words }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), id: fc.nat() }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const plain = new StateStore(words, 4);
        const tree = new TreeStore(words);
        const a = new Int32Array(words);
        const b = new Int32Array(words);
        // Inserting what was inserted before (as a search does) as well as fresh states.
        const inserted: number[][] = [];
        for (const o of ops) {
          if (o.kind === 'read') {
            if (plain.count === 0) continue;
            const id = o.id % plain.count;
            plain.read(id, a);
            tree.read(id, b);
            if (a.join() !== b.join()) return false;
            continue;
          }
          const state = o.kind === 'insert' && inserted.length > 0 && o.state[0] % 3 === 0 ? inserted[(o.state[1] >>> 0) % inserted.length] : o.state;
          const p = Int32Array.from(state);
          if (o.kind === 'insert') {
            const id = plain.insert(p);
            if (tree.insert(p) !== id) return false;
            if (id >= 0) inserted.push(state);
          } else if (tree.find(p) !== plain.find(p)) return false;
        }
        return tree.count === plain.count;
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every state as its roots widen and its table grows, across segments (more than 65536 states)', () => {
    const store = new TreeStore(2);
    const n = 70_000;
    // Word 0 takes n values (its ids widen up to 17 bits), word 1 only 7.
    let wrong = 0;
    for (let i = 0; i < n; i++) if (store.insert(Int32Array.of(i * 7919, i % 7)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(store.rootBits).toBeGreaterThanOrEqual(17 + 3);
    expect(store.insert(Int32Array.of(123 * 7919, 123 % 7))).toBe(-124);
    let lost = 0;
    const into = new Int32Array(2);
    for (let i = 0; i < n; i++) {
      if (store.find(Int32Array.of(i * 7919, i % 7)) !== i) lost++;
      store.read(i, into);
      if (into[0] !== i * 7919 || into[1] !== i % 7) lost++;
    }
    expect(lost).toBe(0);
    // Both words seen, but never together: not stored.
    expect(store.find(Int32Array.of(7919, 0))).toBe(-1);
  });
});

describe('check().compress()', () => {
  const semaphore = registry.find((d) => d.name === 'dm-snapshot/semaphore')!;

  it('gives the same counts and the same counterexample as the plain store', async () => {
    const model = instantiate(semaphore, { writers: 2, 'cow-threshold': 1 });
    const plain = await check(model).runAsync();
    const compressed = await check(model).compress().runAsync();
    expect(plain.verdict).toBe('deadlock');
    expect(compressed.verdict).toBe('deadlock');
    expect(compressed.stats.states).toBe(plain.stats.states);
    expect(compressed.stats.transitions).toBe(plain.stats.transitions);
    expect(compressed.discovery?.path).toEqual(plain.discovery?.path);
    expect(compressed.compressed).toBe(true);
    expect(plain.compressed).toBeUndefined();
  });

  it('with symmetry, explores the same states as without compression', () => {
    const model = instantiate(semaphore, { writers: 3, 'cow-threshold': 0, ctrs: 0 });
    const plain = check(model).symmetry().run();
    const compressed = check(model).symmetry().compress().run();
    expect(compressed.verdict).toBe(plain.verdict);
    expect(compressed.stats.states).toBe(plain.stats.states);
    expect(compressed.stats.transitions).toBe(plain.stats.transitions);
  });

  it('refuses bitstate and workers, naming both flags', async () => {
    const model = instantiate(semaphore, { writers: 2 });
    await expect(check(model).compress().bitstate().runAsync()).rejects.toThrow(/--compress and --bitstate/);
    await expect(check(model).compress().workers(2).runAsync()).rejects.toThrow(/--compress and --workers 2/);
  });
});
