import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/explore/state-store.js';

describe('StateStore', () => {
  it('agrees with a Map on which states are new, across table growth', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 3 }), { maxLength: 400 }), (states) => {
        const store = new StateStore(3, 4);
        const ref = new Map<string, number>();
        for (const st of states) {
          const key = st.join(',');
          const id = store.insert(Int32Array.from(st));
          if (ref.has(key)) {
            if (id !== -(ref.get(key)! + 1)) return false;
          } else {
            if (id !== ref.size) return false;
            ref.set(key, id);
          }
        }
        const into = new Int32Array(3);
        for (const [key, id] of ref) {
          store.read(id, into);
          if ([...into].join(',') !== key) return false;
        }
        return store.count === ref.size;
      }),
      { numRuns: 200 },
    );
  });

  it('keeps states across segment boundaries (more than 65536 states)', () => {
    const store = new StateStore(1);
    for (let i = 0; i < 70_000; i++) expect(store.insert(Int32Array.of(i * 7))).toBe(i);
    expect(store.insert(Int32Array.of(69_999 * 7))).toBe(-70_000);
    const into = new Int32Array(1);
    store.read(66_000, into);
    expect(into[0]).toBe(66_000 * 7);
  });
});
