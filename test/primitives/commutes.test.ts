/**
 * What partial-order reduction may rely on: whenever a primitive says two
 * ops of different processes are independent (its `commuting` pairs, or its
 * state-dependent `commutes`), they are, in that state and in every state the
 * other processes reach running only the ops it was told about: both orders
 * give the same outcomes (taken, queued, failure) and the same state, wait
 * slots included. Results may differ (a wake-up run first wakes more); the
 * reduction treats an op whose result a step keeps as dependent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrimitiveDecl } from '../../src/model/types.js';
import { PrimitiveMisuse } from '../../src/primitives/primitive.js';
import { opsIndependent } from '../../src/primitives/registry.js';
import { harness, type Harness } from './harness.js';

const P = 4;

/** Runs `op` for `pid` as the engine would; undefined if `pid` cannot run (asleep or granted). */
function run(h: Harness, op: string, pid: number): string | undefined {
  if (h.wait(pid) !== 0) return undefined;
  try {
    if (h.prim.ops[op].kind === 'blocking') return h.acquire(op, pid);
    h.apply(op, pid);
    return 'done';
  } catch (e) {
    if (e instanceof PrimitiveMisuse) return 'misuse';
    throw e;
  }
}

function copy(decl: PrimitiveDecl, from: Harness): Harness {
  const h = harness(decl, P);
  h.s.set(from.s);
  return h;
}

const cases: Array<{ readonly decl: PrimitiveDecl; readonly ops: readonly string[] }> = [
  { decl: { kind: 'rwsem', name: 'L', policy: 'writer-fair' }, ops: ['downRead', 'upRead', 'downWrite', 'upWrite', 'downReadTrylock', 'downReadRecursive'] },
  { decl: { kind: 'rwsem', name: 'L', policy: 'reader-preferring' }, ops: ['downRead', 'upRead', 'downWrite', 'upWrite'] },
  { decl: { kind: 'waitqueue', name: 'wq' }, ops: ['prepareToWait', 'schedule', 'finishWait', 'wakeAll'] },
  { decl: { kind: 'waitqueue', name: 'wq', exclusive: true }, ops: ['prepareToWait', 'prepareToWaitExclusive', 'schedule', 'finishWait', 'wakeUp', 'wakeAll'] },
];

describe('independent primitive ops commute', () => {
  for (const { decl, ops } of cases) {
    it(`${decl.kind} ${JSON.stringify(decl)}`, () => {
      const move = fc.tuple(fc.constantFrom(...ops), fc.nat({ max: P - 1 }));
      let claimed = 0;
      fc.assert(fc.property(
        fc.array(move, { maxLength: 8 }), fc.constantFrom(...ops), fc.constantFrom(...ops), fc.subarray([...ops]), fc.array(move, { maxLength: 6 }),
        (prefix, a, b, extra, suffix) => {
          const h = harness(decl, P);
          for (const [op, pid] of prefix) if (run(h, op, pid) === 'misuse') return; // a misused primitive is left as is
          const others = new Set([b, ...extra]);
          if (!opsIndependent(decl, h.prim, h.s, a, b, others)) return;
          claimed++;
          // The others (never process 0, who runs `a`) go on with the ops they were said to run.
          for (const [op, pid] of suffix) if (pid !== 0 && others.has(op) && run(h, op, pid) === 'misuse') return;
          const ab = copy(decl, h);
          const ba = copy(decl, h);
          const first = [run(ab, a, 0), run(ab, b, 1)];
          const second = [run(ba, b, 1), run(ba, a, 0)].reverse();
          expect(first, `${a} by 0 and ${b} by 1`).toEqual(second);
          if (!first.includes('misuse')) expect([...ab.s]).toEqual([...ba.s]);
        },
      ), { numRuns: 400, seed: 15 });
      expect(claimed).toBeGreaterThan(0);
    });
  }

  it('rwsem: read ops depend on each other while a writer holds, waits or may still come', () => {
    const h = harness({ kind: 'rwsem', name: 'L', policy: 'writer-fair' }, P);
    const reads = new Set(['downRead', 'upRead']);
    h.acquire('downRead', 0);
    expect(opsIndependent(h.prim.decl, h.prim, h.s, 'downRead', 'upRead', reads)).toBe(true);
    expect(opsIndependent(h.prim.decl, h.prim, h.s, 'downRead', 'upRead', new Set([...reads, 'downWrite']))).toBe(false);
    h.acquire('downWrite', 1);
    expect(opsIndependent(h.prim.decl, h.prim, h.s, 'downRead', 'upRead', reads)).toBe(false);
  });

  it('rwsem: a reader\'s up_read behind a queued writer commutes with anything (writer-fair only)', () => {
    const all = new Set(['downRead', 'upRead', 'downWrite', 'upWrite', 'downReadTrylock']);
    for (const policy of ['writer-fair', 'reader-preferring'] as const) {
      const h = harness({ kind: 'rwsem', name: 'L', policy }, P);
      h.acquire('downRead', 0);
      expect(opsIndependent(h.prim.decl, h.prim, h.s, 'upRead', 'downRead', all), policy).toBe(false);
      h.acquire('downWrite', 1);
      // writer-fair: whoever comes next queues behind the writer, whether 0's up_read hands it the lock first or not.
      // (two up_reads commute under either policy)
      for (const theirs of ['downRead', 'downWrite', 'upWrite', 'downReadTrylock']) {
        expect(opsIndependent(h.prim.decl, h.prim, h.s, 'upRead', theirs, all), `${policy} ${theirs}`).toBe(policy === 'writer-fair');
      }
      const ab = copy(h.prim.decl, h);
      const ba = copy(h.prim.decl, h);
      const first = [run(ab, 'upRead', 0), run(ab, 'downRead', 2)];
      const second = [run(ba, 'downRead', 2), run(ba, 'upRead', 0)].reverse();
      if (policy === 'writer-fair') expect([first, [...ab.s]]).toEqual([second, [...ba.s]]);
      // reader-preferring: 2 reads at once if it comes first, and queues behind the writer 0's up_read let in if not.
      else expect([first, second]).toEqual([['done', 'blocked'], ['done', 'acquired']]);
    }
  });
});
