/**
 * Seeded random simulation, like SPIN's random mode and TLC's `-simulate`:
 * each run starts from the initial state and takes a uniformly random enabled
 * step until it hits a violation, until no step is enabled, or until a step
 * budget runs out. It proves nothing, but it reaches deep states of spaces
 * too large to explore, and it is an independent way to hit the same
 * deadlocks the breadth-first search finds.
 *
 * Pure and deterministic: randomness comes only from a small seeded PRNG
 * (mulberry32), never `Math.random`. Run `i` of a simulation with seed `S`
 * uses seed `S + i` (mod 2^32), so any run is reproduced on its own by
 * simulating with that seed and one run.
 */
import { ModelRuntimeError, type CompiledModel } from './compile.js';
import { classifyArrival, classifyExpanded, describeViolation, okClassification, StateKind, type Classification } from './classify.js';
import type { Discovery } from './result.js';

export interface SimulateOptions {
  /** Unsigned 32-bit seed of run 0. */
  readonly seed: number;
  /** How many runs. */
  readonly runs: number;
  /** Steps a run may take before it is abandoned (default 1000). */
  readonly maxSteps?: number;
}

export type RunOutcome =
  /** A deadlock, a violated invariant or at-end property, or a failed assertion. */
  | 'violation'
  /** Every process stopped at a valid end and the at-end properties hold. */
  | 'finished'
  /** The step budget ran out first. */
  | 'step-limit';

export interface SimulationRun {
  /** 0-based position of the run in its simulation. */
  readonly index: number;
  /** The run's own seed: simulate with it and one run to reproduce the run. */
  readonly seed: number;
  readonly steps: number;
  readonly outcome: RunOutcome;
  /** For a violation: the path the run took (not a shortest one) and where it ended. */
  readonly discovery?: Discovery;
}

export interface SimulationResult {
  readonly seed: number;
  readonly runs: number;
  readonly maxSteps: number;
  /** Runs that hit a violation. */
  readonly violations: number;
  readonly finished: number;
  readonly stepLimited: number;
  readonly totalSteps: number;
  /** Violating runs per property (`deadlock`, `assertion`, or the property's name). */
  readonly byProperty: Readonly<Record<string, number>>;
  /** The violating run with the lowest index. */
  readonly first?: SimulationRun;
  /** Per step id: whether some run took it. */
  readonly covered: Uint8Array;
  /** True if stopped (by `signal`) before all runs were done. */
  readonly interrupted: boolean;
}

export const DEFAULT_MAX_STEPS = 1000;

/** The seed of run `index` of a simulation seeded with `seed`. */
export function runSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

/**
 * mulberry32: a 32-bit state PRNG, good enough for choosing among a few
 * enabled steps. The seed is mixed first, so consecutive seeds (consecutive
 * runs) start from unrelated states. Returns floats in [0, 1).
 */
export function createRandom(seed: number): () => number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  let state = (h ^ (h >>> 16)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random run from the initial state, with its own seed. */
export function simulateRun(cm: CompiledModel, seed: number, maxSteps = DEFAULT_MAX_STEPS, index = 0, covered?: Uint8Array): SimulationRun {
  const random = createRandom(seed);
  let cur: Int32Array = cm.initialState();
  let next: Int32Array = new Int32Array(cm.slotCount);
  const scratch = new Int32Array(cm.slotCount);
  const path: number[] = [];
  const enabled: number[] = [];
  const collect = (stepId: number) => { enabled.push(stepId); };
  const c = okClassification();
  const violation = (found: Classification): SimulationRun => ({
    index, seed, steps: path.length, outcome: 'violation', discovery: { ...describeViolation(cm, found)!, path: [...path], state: cur.slice() },
  });
  const always = (): SimulationRun | undefined => (classifyArrival(cm, cur, c) ? violation(c) : undefined);

  const broken = always();
  if (broken) return broken;
  for (;;) {
    enabled.length = 0;
    try {
      classifyExpanded(cm, cur, cm.successors(cur, scratch, collect), undefined, c);
    } catch (e) {
      if (!(e instanceof ModelRuntimeError)) throw e;
      classifyExpanded(cm, cur, 0, e, c);
    }
    if (c.kind !== StateKind.Ok) return violation(c);
    if (enabled.length === 0) return { index, seed, steps: path.length, outcome: 'finished' };
    if (path.length >= maxSteps) return { index, seed, steps: path.length, outcome: 'step-limit' };
    const stepId = enabled[Math.floor(random() * enabled.length)];
    if (!cm.runStep(stepId, cur, next)) throw new Error(`internal: step ${stepId} was enabled but did not run`);
    if (covered) covered[stepId] = 1;
    path.push(stepId);
    [cur, next] = [next, cur];
    const b = always();
    if (b) return b;
  }
}

export interface Simulation {
  /** Does up to `budget` runs; returns true when all are done. */
  advance(budget: number): boolean;
  /** The result so far (interrupted if not all runs are done). */
  result(): SimulationResult;
}

/** A resumable simulation, so a driver can yield to the event loop between runs. */
export function createSimulation(cm: CompiledModel, options: SimulateOptions): Simulation {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const covered = new Uint8Array(cm.steps.length);
  const byProperty: Record<string, number> = {};
  let done = 0;
  let violations = 0;
  let finished = 0;
  let stepLimited = 0;
  let totalSteps = 0;
  let first: SimulationRun | undefined;
  return {
    advance(budget) {
      for (let n = 0; n < budget && done < options.runs; n++, done++) {
        const run = simulateRun(cm, runSeed(options.seed, done), maxSteps, done, covered);
        totalSteps += run.steps;
        if (run.outcome === 'violation') {
          violations++;
          const p = run.discovery!.property;
          byProperty[p] = (byProperty[p] ?? 0) + 1;
          first ??= run;
        } else if (run.outcome === 'finished') finished++;
        else stepLimited++;
      }
      return done >= options.runs;
    },
    result: () => ({
      seed: options.seed >>> 0,
      runs: done,
      maxSteps,
      violations,
      finished,
      stepLimited,
      totalSteps,
      byProperty: { ...byProperty },
      ...(first ? { first } : {}),
      covered,
      interrupted: done < options.runs,
    }),
  };
}

/** All runs at once. */
export function simulate(cm: CompiledModel, options: SimulateOptions): SimulationResult {
  const sim = createSimulation(cm, options);
  sim.advance(options.runs);
  return sim.result();
}
