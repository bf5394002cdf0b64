import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { hashInts } from '../../src/explore/hash.js';
import { ConcurrentInserter, createRoundShare, INSERT_BLOCK, LEFT_PART, StateStore } from '../../src/explore/state-store.js';

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
    // Growths past 16384 states place them a chunk at a time, in slot order: each is still found as itself.
    let lost = 0;
    for (let i = 0; i < 70_000; i++) if (store.find(Int32Array.of(i * 7)) !== i) lost++;
    expect(lost).toBe(0);
    expect(store.find(Int32Array.of(3))).toBe(-1);
    const into = new Int32Array(1);
    store.read(66_000, into);
    expect(into[0]).toBe(66_000 * 7);
  });

  it('tells apart two states with the same 32-bit hash, right after meeting one of them', () => {
    // Two-int states whose ints both vary collide on the whole hash after some 10^5 of them: find a pair.
    const state = (i: number) => Int32Array.of(i, Math.imul(i, 0x9e3779b9));
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const h = hashInts(state(i), 0, 2);
      const j = seen.get(h);
      if (j !== undefined) pair = [j, i];
      else seen.set(h, i);
    }
    const [a, b] = pair.map(state);
    const store = new StateStore(2);
    expect(store.insert(a)).toBe(0);
    expect(store.insert(b)).toBe(1);
    expect(store.insert(a)).toBe(-1);
    expect(store.insert(b)).toBe(-2);
    expect(store.insert(b)).toBe(-2);
    expect(store.insert(a)).toBe(-1);
  });

  it('keeps states in segments cut from the tables growth dropped, also as seen by an attached thread', () => {
    // One int a state: the 65,536-slot table, dropped at 49,152 states, is the next segment (states 65,536 on), and
    // the 131,072-slot one, dropped at 98,304, the two after it.
    const store = new StateStore(1, 1 << 4, true);
    const n = 200_000;
    for (let i = 0; i < n; i++) store.insert(Int32Array.of(i * 7 + 1));
    const attached = StateStore.attach(store.share());
    const into = new Int32Array(1);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      store.read(i, into);
      if (into[0] !== i * 7 + 1 || store.find(into) !== i) wrong++;
      attached.read(i, into);
      if (into[0] !== i * 7 + 1) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('doubles its table from the old one, hashing again only the states outside their home line', () => {
    // A table of 16 slots (two lines) holds 12 states before it doubles, so lines overflow; a shared store has no lines and grows from its segments.
    for (const shared of [false, true]) {
      for (const seed of [1, 2, 3]) {
        const store = new StateStore(1, 16, shared);
        const n = 5000;
        for (let i = 0; i < n; i++) expect(store.insert(Int32Array.of(i * seed + 7))).toBe(i);
        let lost = 0;
        for (let i = 0; i < n; i++) if (store.find(Int32Array.of(i * seed + 7)) !== i) lost++;
        expect(lost).toBe(0);
        for (let i = 0; i < n; i++) expect(store.insert(Int32Array.of(i * seed + 7))).toBe(-(i + 1));
        expect(store.find(Int32Array.of(-1))).toBe(-1);
      }
    }
  });

  it('finds every state after a growth shared out in parts of the table, probes past a part deferred', () => {
    const store = new StateStore(2, 1 << 12, true);
    const n = 3000;
    for (let i = 0; i < n; i++) store.insert(Int32Array.of(i, i * 13));
    expect(store.startGrowth(6000)).toBe(true);
    // 255 threads' parts (32 or 40 slots each, so that runs cross from one into the next), one after
    // another: each fills only its own slots and defers the states that would go past them.
    const deferred: number[] = [];
    for (let index = 0; index < 255; index++) store.rehashIds(0, n, { index, parts: 255, deferred });
    expect(deferred.length).toBeGreaterThan(0);
    store.rehashDeferred(deferred);
    let lost = 0;
    for (let i = 0; i < n; i++) if (store.find(Int32Array.of(i, i * 13)) !== i) lost++;
    expect(lost).toBe(0);
    expect(store.table.filter((e) => e !== 0).length).toBe(n);
  });
});

describe('ConcurrentInserter', () => {
  it('stores each state once when two threads insert the same states at the same time, keeping the least key', async () => {
    const K = 20_000;
    const words = 2;
    const store = new StateStore(words, 1 << 4, true);
    expect(store.insert(Int32Array.of(-1, -1))).toBe(0);
    store.ensureCapacity(1 + K + 2 * INSERT_BLOCK);
    const round = createRoundShare(K + 2 * INSERT_BLOCK, 2 * K, words);
    const go = new Int32Array(new SharedArrayBuffer(4));
    // Both threads insert states 0..K-1 in the same order, so they race for the same slots;
    // thread 0 offers key 2i + 1 and thread 1 key 2i for state i.
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const { register } = await import('tsx/esm/api');
        register();
        const { StateStore, ConcurrentInserter } = await import(workerData.module);
        const { share, round, go, me, K } = workerData;
        const store = StateStore.attach(share);
        const inserter = new ConcurrentInserter(store, round);
        inserter.begin(1);
        const flag = new Int32Array(go);
        Atomics.add(flag, 0, 1);
        while (Atomics.load(flag, 0) < 2) {}
        const mine = [];
        // In batches of 8, each holding a state twice (its own key and its neighbour's).
        const batch = new Int32Array(16), keys = new Int32Array(8), made = new Int32Array(8);
        for (let i = 0; i < K; i += 4) {
          for (let j = 0; j < 8; j++) {
            const at = i + (j >> 1);
            batch[2 * j] = at; batch[2 * j + 1] = at * 7;
            keys[j] = 2 * at + 1 - me;
          }
          inserter.insertBatch(batch, keys, 8, made);
          for (let j = 0; j < 8; j++) if (made[j] >= 0) mine.push(i + (j >> 1));
        }
        parentPort.postMessage(mine);
      })().catch((e) => parentPort.postMessage(String(e.stack)));`;
    const module = new URL('../../src/explore/state-store.ts', import.meta.url).href;
    const share = store.share();
    const run = (me: number) => new Promise<number[] | string>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { module, share, round, go: go.buffer, me, K } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const [a, b] = await Promise.all([run(0), run(1)]);
    if (typeof a === 'string' || typeof b === 'string') throw new Error(`insert thread failed: ${a} ${b}`);

    // Every state was stored by exactly one of the two threads.
    expect(a.length + b.length).toBe(K);
    expect(new Set([...a, ...b]).size).toBe(K);
    const made = new Int32Array(round.counter)[0];
    expect(made).toBeLessThanOrEqual(K + 2 * INSERT_BLOCK);
    // Whoever stored it, each state kept the least key offered (thread 1's, 2i), and is placed in key order.
    const settler = new ConcurrentInserter(store, round);
    settler.begin(1);
    const kept = Array.from({ length: K }, (_, i) => settler.owned(2 * i, 2 * i + 2) === 1 && settler.owned(2 * i, 2 * i + 1) === 1);
    expect(kept.every(Boolean)).toBe(true);
    expect(settler.owned(0, 2 * K)).toBe(K);
    const ids: number[] = [];
    settler.place(0, K, 1, (_t, id) => ids.push(id));
    settler.place(K, 2 * K, 1 + K / 2, (_t, id) => ids.push(id));
    expect(ids).toEqual(Array.from({ length: K }, (_, i) => i + 1));
    store.claim(K);
    expect(store.count).toBe(K + 1);
    const into = new Int32Array(words);
    for (let i = 0; i < K; i++) {
      const p = Int32Array.of(i, i * 7);
      expect(store.find(p)).toBe(i + 1);
      store.read(i + 1, into);
      expect([...into]).toEqual([i, i * 7]);
    }
    expect(store.insert(Int32Array.of(K, K * 7))).toBe(K + 1);
  });

  it('inserts within its own part of the table with plain claims, and leaves to the shared inserts the states whose probe runs past the part', () => {
    const words = 1;
    const store = new StateStore(words, 1 << 6, true);
    store.ensureCapacity(12);
    const round = createRoundShare(64 + INSERT_BLOCK, 64, words);
    const inserter = new ConcurrentInserter(store, round);
    inserter.begin(0, 0, 2);
    // Twelve states whose probe starts in the last four slots of part 0 (slots 28..31 of 64).
    const crowded: number[] = [];
    const home = (v: number) => hashInts(Int32Array.of(v), 0, 1) >>> store.shift;
    for (let v = 0; crowded.length < 12; v++) if (home(v) >= 28 && home(v) < 32) crowded.push(v);
    expect(crowded.every((v) => inserter.homePart(hashInts(Int32Array.of(v), 0, 1)) === 0)).toBe(true);
    const batch = Int32Array.from(crowded);
    const keys = Int32Array.from(crowded, (_, i) => i);
    const made = new Int32Array(12);
    inserter.insertBatch(batch, keys, 12, made, undefined, true);
    const stored = [...made].filter((t) => t >= 0);
    expect(stored.length).toBe(4);
    expect([...made].filter((t) => t === LEFT_PART).length).toBe(8);
    // Again, owned: the four stored are found; the rest still leave the part.
    const again = new Int32Array(12);
    inserter.insertBatch(batch, keys, 12, again, undefined, true);
    expect([...again]).toEqual([...made].map((t) => (t >= 0 ? -1 : LEFT_PART)));
    // The shared insert stores the eight left past the part, and finds all twelve after that.
    const left = crowded.filter((_, i) => made[i] === LEFT_PART);
    inserter.insertBatch(Int32Array.from(left), Int32Array.from(left, (v) => crowded.indexOf(v)), 8, made);
    expect([...made.subarray(0, 8)].every((t) => t >= 0)).toBe(true);
    inserter.insertBatch(batch, keys, 12, again);
    expect([...again]).toEqual(new Array(12).fill(-1));
    // Placed in key order, every state is found at its id.
    const ids: number[] = [];
    expect(inserter.owned(0, 12)).toBe(12);
    inserter.place(0, 12, 0, (_t, id) => ids.push(id));
    store.claim(12);
    crowded.forEach((v, i) => expect(store.find(Int32Array.of(v))).toBe(i));
    expect(ids).toEqual(crowded.map((_, i) => i));
  });
});
