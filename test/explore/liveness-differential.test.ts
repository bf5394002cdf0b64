/**
 * The liveness pass against the reference's naive check
 * (test/support/reference-liveness.ts: the whole graph from the reference
 * interpreter, each property stated directly over it, Kosaraju decomposition),
 * on random looping models with random progress and must-complete marks, one
 * property each (or none: starvation), under no, weak or strong fairness (and
 * sometimes another for one process).
 * They must agree on the verdict; a reported lasso must replay on the
 * reference's graph, come back to where its loop began, and be a fair run
 * violating the reported property, judged on the lasso alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import type { Fairness } from '../../src/explore/liveness.js';
import type { CheckResult } from '../../src/explore/result.js';
import type { Model } from '../../src/model/types.js';
import { buildLivenessModel, fairnessOf, randomLivenessCase } from '../support/random-liveness.js';
import {
  fairnessPerProcess, lassoFault, propertyNamed, referenceGraph, violatedLiveness, type RefGraph,
} from '../support/reference-liveness.js';
import { announcedWrite, mutexHandoff, readerPreferringStarvation, spinLoop, spinUntilSet, tryLockPair } from './liveness-models.js';

/** Random models past this many states are skipped: the naive check is quadratic at worst. */
const MAX_STATES = 600;

/** Compares one model under one fairness; returns the verdict, or undefined when safety already fails. */
function compare(model: Model, g: RefGraph, fairness: Fairness): string | undefined {
  const r: CheckResult = check(model).fairness(fairness).run();
  const stopped = g.out.map((edges, s) => edges[0].pid === -1 && !g.ri.allAtValidEnd(g.states[s]));
  if (stopped.some(Boolean)) {
    expect(r.verdict, `${model.name}: the reference finds a deadlock`).toBe('deadlock');
    return undefined;
  }
  const fair = fairnessPerProcess(g, fairness.all, fairness.processes);
  const violated = violatedLiveness(g, fair);
  expect(r.verdict, `${model.name}: the reference finds ${violated.join(', ') || 'no violation'}`).toBe(violated.length > 0 ? 'liveness' : 'ok');
  if (r.verdict !== 'liveness') return 'ok';
  const d = r.discovery!;
  const prop = propertyNamed(model, d.property);
  expect(violated, `${model.name}: the reported property`).toContain(prop === 'starvation' ? prop : prop.name);
  // The lasso replays on the reference's graph, edge by edge.
  const cm = check(model).compiled;
  const steps = d.path.map((id) => ({ pid: cm.steps[id].pid, stepName: cm.steps[id].step.name, progress: cm.steps[id].step.progress === true }));
  const path = [0];
  for (const s of steps) {
    const edge = g.out[path[path.length - 1]].find((e) => e.pid === s.pid && e.stepName === s.stepName);
    expect(edge, `${model.name}: lasso step ${cm.processName(s.pid)} ${s.stepName} is enabled in the reference`).toBeDefined();
    path.push(edge!.to);
  }
  expect(lassoFault(g, path, steps, d.loopStart!, prop, fair), `${model.name}: the lasso witnesses ${d.property}`).toBeUndefined();
  return 'liveness';
}

describe('the liveness pass against the reference explorer', () => {
  it('agrees on the hand-made models', () => {
    for (const make of [spinLoop, spinUntilSet, tryLockPair, () => readerPreferringStarvation(), () => readerPreferringStarvation('writer-fair'), mutexHandoff, announcedWrite]) {
      const model = make();
      const g = referenceGraph(model)!;
      for (const all of ['none', 'weak', 'strong'] as const) expect(compare(model, g, { all })).toBeDefined();
    }
  });

  it('agrees on random looping models, every property kind and fairness', () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(randomLivenessCase, ({ model: spec, live }) => {
        const model = buildLivenessModel(spec, live);
        fc.pre(model !== undefined);
        const g = referenceGraph(model!, MAX_STATES);
        fc.pre(g !== undefined);
        const v = compare(model!, g!, fairnessOf(model!, live)) ?? 'safety';
        const key = `${live.kind} ${v}`;
        seen[key] = (seen[key] ?? 0) + 1;
      }),
      { numRuns: 250, seed: 19 },
    );
    // Teeth: each kind of property is both violated and kept somewhere.
    for (const kind of ['starvation', 'non-progress', 'progress', 'must-complete', 'eventually', 'leads-to']) {
      expect(seen[`${kind} liveness`] ?? 0, `${kind} violated: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
      expect(seen[`${kind} ok`] ?? 0, `${kind} holds: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    }
  });
});
