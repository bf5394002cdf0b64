/**
 * Differential tests (issue 7): the explorer against an independent method.
 *
 * fast-check generates hundreds of small random models with the ordinary
 * builder (test/support/random-model.ts: a few processes taking and
 * releasing random locks (recursive reads and downgrades too), semaphores,
 * completions, wait queues (exclusive waiters too), job queues and
 * workqueues, with random guards, effects, choices and jumps), and each is
 * explored twice:
 * by `check()` (generated JavaScript over packed states) and by the
 * reference explorer (test/support/reference-explorer.ts: a slow tree-walking
 * interpreter over plain objects that shares no code with src/explore or
 * src/primitives). They must agree on:
 * - whether any violation is reachable, and the BFS level at which the first
 *   one shows;
 * - for a complete search, the exact number of states (and, where the search
 *   explores the same graph, transitions, variable maxima and step coverage);
 * - for a violation, that the counterexample replays step by step in the
 *   engine and ends in the reported state, replays in the reference too, is a
 *   shortest path to its end state, and ends in a real violation of the
 *   reported kind: a reported deadlock has no enabled step, a reported
 *   invariant is false there, a reported assertion is the first step that
 *   fails there.
 * Each model is also checked in a relaxed form (no properties, every
 * location a valid end), whose search runs to completion far more often, so
 * the exact state counts get compared on most models.
 *
 * The checker configurations under test are listed in CONFIGS: each option
 * of `check()` that changes how the space is searched has an entry saying
 * what it preserves (its `space`), whether a search that finds nothing is a
 * proof, and how many random models to try (a search with worker threads
 * spawns them, so it gets fewer). Every property below applies to each
 * entry. Space 'same' compares state and transition counts exactly with the
 * reference, so 1 and 2 workers agree with each other exactly too; 'orbits'
 * compares with the reference's count of orbits (symmetry reduction, checked
 * this way on the dm-snapshot models at the end of this file). A new
 * reduction (say partial-order reduction) is one more line:
 *   { name: 'por', configure: (c) => c.por(), space: 'subset', proves: true, runs: 300 }
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { replayPath } from '../../src/explain/path.js';
import type { Checker } from '../../src/explore/check.js';
import { check } from '../../src/explore/check.js';
import { compileModel, type CompiledModel } from '../../src/explore/compile.js';
import type { CheckResult } from '../../src/explore/result.js';
import { instantiate } from '../../src/model/definition.js';
import { ModelError } from '../../src/model/model-error.js';
import type { Model } from '../../src/model/types.js';
import {
  detectionLevel, exploreReference, orbitLevels, RefAssertion, ReferenceInterpreter, replayReference,
  type ReferenceResult,
} from '../support/reference-explorer.js';
import { buildRandomModel, randomModelSpec, type RandomModelSpec } from '../support/random-model.js';

/** How a configuration's search space relates to plain search's. */
type Space =
  /** The same graph: identical states, transitions, maxima and coverage. */
  | 'same'
  /** One state per orbit of the symmetric processes' instances (symmetry reduction). */
  | 'orbits'
  /** Some subset that keeps the verdict (e.g. partial-order reduction). */
  | 'subset';

interface CheckerConfig {
  readonly name: string;
  readonly configure: (c: Checker) => Checker;
  readonly space: Space;
  /** Finding nothing is a proof (verdict ok); false for bitstate (verdict unknown). */
  readonly proves: boolean;
  /** Random models to try with this configuration. */
  readonly runs: number;
}

const CONFIGS: readonly CheckerConfig[] = [
  { name: 'plain', configure: (c) => c, space: 'same', proves: true, runs: 500 },
  { name: 'workers=2', configure: (c) => c.workers(2), space: 'same', proves: true, runs: 10 },
  // 2^24 bits, 3 per state: for 5,000 states the odds of missing one are about 4e-6.
  { name: 'bitstate', configure: (c) => c.bitstate({ log2Bits: 24 }), space: 'same', proves: false, runs: 200 },
  { name: 'symmetry', configure: (c) => c.symmetry(), space: 'orbits', proves: true, runs: 300 },
  { name: 'por', configure: (c) => c.por(), space: 'subset', proves: true, runs: 300 },
  { name: 'por+symmetry', configure: (c) => c.por().symmetry(), space: 'subset', proves: true, runs: 200 },
];

/** Symmetry reduction refuses models whose instances are told apart by `self`. */
const usesSymmetry = (config: CheckerConfig) => config.space === 'orbits' || config.name.includes('symmetry');

/** Models whose reference exploration exceeds this are skipped (rare). */
const MAX_REFERENCE_STATES = 5_000;

/** No properties and every location a valid end: only assertions and sleeping processes stop the search. */
function relaxed(m: Model): Model {
  return {
    ...m,
    name: `${m.name}[relaxed]`,
    properties: [],
    processes: m.processes.map((p) => ({ ...p, locations: p.locations.map((l) => ({ ...l, validEnd: true })) })),
  };
}

const sum = (xs: readonly number[], upTo: number) => xs.slice(0, Math.max(0, upTo + 1)).reduce((a, b) => a + b, 0);

const stepNames = (cm: CompiledModel, path: readonly number[]) =>
  path.map((id) => ({ process: cm.processName(cm.steps[id].pid), step: cm.steps[id].step.name }));

/** The steps that ever ran, by template (`template\0step`) or by instance (`process\0step`). */
function coveredBy(cm: CompiledModel, covered: Uint8Array, byTemplate: boolean): string[] {
  const out = new Set<string>();
  for (const cs of cm.steps) {
    if (!covered[cs.id]) continue;
    const proc = cm.layout.processes[cs.pid];
    out.add(`${byTemplate ? proc.template.name : proc.name}\u0000${cs.step.name}`);
  }
  return [...out].sort();
}

function referenceCoveredBy(model: Model, ref: ReferenceResult, byTemplate: boolean): string[] {
  const ri = new ReferenceInterpreter(model);
  const out = new Set<string>();
  for (const key of ref.covered) {
    const rs = ri.steps.find((s) => s.key === key)!;
    out.add(`${byTemplate ? ri.processes[rs.pid].template.name : rs.process}\u0000${rs.step.name}`);
  }
  return [...out].sort();
}

/**
 * Checks one model under one configuration against the reference. Returns
 * the verdict for statistics, or 'n/a' when the configuration refuses the
 * model (symmetry on a model whose instances are told apart by `self`).
 */
async function compare(model: Model, ref: ReferenceResult, config: CheckerConfig): Promise<string> {
  const cm = compileModel(model);
  let r: CheckResult;
  try {
    r = await config.configure(check(cm)).runAsync();
  } catch (e) {
    if (usesSymmetry(config) && e instanceof ModelError && /symmetry reduction would be unsound/.test(e.message)) return 'n/a';
    throw e;
  }
  const levels = config.space === 'orbits' ? orbitLevels(model, ref) : config.space === 'same' ? [...ref.levels] : undefined;
  const where = `${config.name} on ${model.name}`;

  if (ref.firstDetectionLevel === undefined) {
    expect(r.verdict, `${where}: the reference finds no violation`).toBe(config.proves ? 'ok' : 'unknown');
    expect(r.completion).toBe(config.proves ? 'complete' : 'bitstate');
    if (levels) expect(r.stats.states, `${where}: states`).toBe(sum(levels, levels.length));
    else expect(r.stats.states).toBeLessThanOrEqual(ref.states);
    if (config.space === 'same') {
      expect(r.stats.transitions, `${where}: transitions`).toBe(ref.transitions);
      expect(r.stats.depth, `${where}: depth`).toBe(ref.levels.length - 1);
    }
    if (config.space !== 'subset') {
      expect(r.maxima, `${where}: maxima`).toEqual(ref.maxima);
      const byTemplate = config.space === 'orbits';
      expect(coveredBy(cm, r.covered, byTemplate), `${where}: coverage`).toEqual(referenceCoveredBy(model, ref, byTemplate));
    }
    return 'ok';
  }

  // A violation: the first one the reference sees, at the same BFS level.
  expect(r.completion, `${where}: the reference finds ${ref.violations[0].kind}`).toBe('violation');
  const d = r.discovery!;
  if (config.space === 'subset') {
    // A reduction keeps every violation reachable but not BFS order: the
    // counterexample need not be a shortest one, nor the first the reference
    // meets. It must still be real: replay in the engine and the reference,
    // ending in a state where the reference sees a violation of that kind.
    const replayed = replayPath(cm, d.path);
    expect([...replayed[replayed.length - 1]], `${where}: replay ends in the reported state`).toEqual([...d.state]);
    const endRef = replayReference(model, stepNames(cm, d.path)).at(-1)!;
    const kindOf = d.property === 'assertion' || d.property === 'atomic-sleep' ? 'assertion' : d.kind === 'deadlock' ? 'deadlock' : cm.alwaysProperties.includes(d.property) ? 'invariant' : 'at-end';
    expect(ref.violations.some((v) => v.key === JSON.stringify(endRef) && v.kind === kindOf), `${where}: the reference sees a ${kindOf} there`).toBe(true);
    expect(d.path.length, `${where}: no counterexample is shorter than the shortest`).toBeGreaterThanOrEqual(ref.firstDetectionLevel);
    return `${d.kind}:${kindOf}`;
  }
  const L = ref.firstDetectionLevel;
  if (levels) {
    expect(r.stats.states, `${where}: states stored before stopping`).toBeGreaterThanOrEqual(Math.max(1, sum(levels, L)));
    expect(r.stats.states, `${where}: states stored before stopping`).toBeLessThanOrEqual(Math.max(1, sum(levels, L + 1)));
  }

  // The counterexample replays in the engine and ends in the reported state.
  const states = replayPath(cm, d.path);
  expect([...states[states.length - 1]], `${where}: replay ends in the reported state`).toEqual([...d.state]);

  // ... and in the reference, as a shortest path to a state with that violation.
  const names = stepNames(cm, d.path);
  const refStates = replayReference(model, names);
  const end = refStates[refStates.length - 1];
  const endKey = JSON.stringify(end);
  expect(ref.depthOf.get(endKey), `${where}: the counterexample is a shortest path`).toBe(d.path.length);
  const ri = new ReferenceInterpreter(model);
  const kind = d.property === 'assertion' || d.property === 'atomic-sleep' ? 'assertion'
    : d.kind === 'deadlock' ? 'deadlock'
    : cm.alwaysProperties.includes(d.property) ? 'invariant' : 'at-end';
  const matching = ref.violations.find((v) => v.key === endKey && v.kind === kind);
  expect(matching, `${where}: the reference sees a ${kind} violation where the engine reports one`).toBeDefined();
  expect(detectionLevel(matching!), `${where}: detected at the first violating level`).toBe(L);
  switch (kind) {
    case 'deadlock': {
      // No step is enabled: in the engine ...
      const scratch = new Int32Array(cm.slotCount);
      expect(cm.steps.filter((cs) => cm.runStep(cs.id, d.state, scratch)).map((cs) => cs.step.name), `${where}: enabled steps in a deadlock`).toEqual([]);
      expect(cm.allAtValidEnd(d.state)).toBe(false);
      // ... and in the reference.
      expect(ri.successors(end)).toEqual([]);
      expect(ri.allAtValidEnd(end)).toBe(false);
      break;
    }
    case 'invariant':
      expect(ri.violatedAlways(end)).toBe(d.property);
      break;
    case 'at-end':
      expect(ri.successors(end)).toEqual([]);
      expect(ri.allAtValidEnd(end)).toBe(true);
      expect(ri.violatedAtEnd(end)).toBe(d.property);
      break;
    case 'assertion': {
      const failing = cm.steps[d.failingStep!];
      const name = `${cm.processName(failing.pid)}\u0000${failing.step.name}`;
      let first: string | undefined;
      try {
        ri.successors(end);
      } catch (e) {
        if (e instanceof RefAssertion) first = e.step.key;
        else throw e;
      }
      expect(first, `${where}: the first failing step`).toBe(name);
      break;
    }
  }
  return `${d.kind}:${kind}`;
}

function tryBuild(spec: RandomModelSpec): { model: Model; ref: ReferenceResult } | undefined {
  const model = buildRandomModel(spec);
  const ref = exploreReference(model, { maxStates: MAX_REFERENCE_STATES });
  return ref ? { model, ref } : undefined;
}

describe('check() against the reference explorer on random models', () => {
  it.each(CONFIGS)('$name search agrees on verdicts, state counts and counterexamples', async (config) => {
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(randomModelSpec, async (spec) => {
        const built = tryBuild(spec);
        fc.pre(built !== undefined);
        const { model, ref } = built!;
        const v = await compare(model, ref, config);
        const relaxedModel = relaxed(model);
        const relaxedRef = exploreReference(relaxedModel)!;
        // Same space: the relaxed model only differs in what counts as a violation.
        expect(relaxedRef.states).toBe(ref.states);
        const rv = await compare(relaxedModel, relaxedRef, config);
        seen[v] = (seen[v] ?? 0) + 1;
        seen[`relaxed ${rv}`] = (seen[`relaxed ${rv}`] ?? 0) + 1;
      }),
      { numRuns: config.runs },
    );
    // The generator must give the comparison teeth: most relaxed models are searched to the end.
    const total = Object.entries(seen).filter(([k]) => !k.startsWith('relaxed') && k !== 'n/a').reduce((n, [, c]) => n + c, 0);
    if (!usesSymmetry(config)) expect(total).toBe(config.runs);
    expect(seen['relaxed ok'] ?? 0).toBeGreaterThanOrEqual(total * 0.3);
  });

  it('generates valid models of every verdict, mostly small enough for the reference', () => {
    const specs = fc.sample(randomModelSpec, { numRuns: 200, seed: 7 });
    const verdicts = new Set<string>();
    let skipped = 0;
    for (const spec of specs) {
      const built = tryBuild(spec); // throws a ModelError if a model were invalid
      if (!built) {
        skipped++;
        continue;
      }
      const r = check(built.model).run();
      verdicts.add(r.discovery ? `${r.verdict}:${r.discovery.property === 'assertion' || r.discovery.property === 'atomic-sleep' ? 'assertion' : r.verdict}` : r.verdict);
    }
    expect(skipped).toBeLessThan(10);
    expect([...verdicts].sort()).toEqual(['deadlock:deadlock', 'invariant:assertion', 'invariant:invariant', 'ok']);
  });
});

describe('check().symmetry() against the reference explorer on the dm-snapshot models', () => {
  const symmetry: CheckerConfig = { name: 'symmetry', configure: (c) => c.symmetry(), space: 'orbits', proves: true, runs: 1 };
  it.each([
    ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 2, ctrs: 0 }],
    ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 1 }],
    ['dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'lost-wakeup' }],
    ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 1, ctrs: 1 }],
  ] as const)('stores one state per orbit of the writers: %s %o', async (name, params) => {
    const model = instantiate(registry.find((d) => d.name === name)!, params);
    const ref = exploreReference(model)!;
    expect(await compare(model, ref, symmetry)).not.toBe('n/a');
  });
});
