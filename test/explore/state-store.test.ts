import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParentLog } from '../../src/explore/parent-log.js';
import { StateStore } from '../../src/explore/state-store.js';

describe('StateStore', () => {
  it('agrees with a Map on which states are new, across table and arena growth', () => {
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
        for (const [key, id] of ref) if ([...store.get(id)].join(',') !== key) return false;
        return store.count === ref.size;
      }),
      { numRuns: 200 },
    );
  });

  it('reads a state back into a buffer', () => {
    const store = new StateStore(2);
    store.insert(Int32Array.of(4, 5));
    const into = new Int32Array(2);
    store.read(0, into);
    expect([...into]).toEqual([4, 5]);
  });
});

describe('ParentLog', () => {
  it('rebuilds the step path from the root', () => {
    const log = new ParentLog();
    log.record(0, -1, -1);
    log.record(1, 0, 7);
    log.record(2, 0, 8);
    log.record(3, 2, 9);
    expect(log.pathTo(3)).toEqual([8, 9]);
    expect(log.pathTo(0)).toEqual([]);
  });
});
