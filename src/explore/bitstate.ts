/**
 * Bitstate search (Holzmann's supertrace) for spaces beyond memory: the seen
 * set is a table of bits, each state setting `hashes` of them, so a state
 * costs a few bits instead of its bytes. A new state whose bits all happen to
 * be set already is taken for a seen one and never explored: the search may
 * miss states, so finding nothing is not a proof. Every violation it does
 * find is real, and comes with a shortest-so-far trace: each level keeps its
 * states' parent index and step (8 bytes a state), and the trace is replayed
 * from the initial state.
 */
import type { CompiledModel } from './compile.js';
import { symmetryFor, type SearchLimits, type SearchOutcome } from './bfs.js';
import { createExpander, SourceStatus, type ExpandResult } from './expand.js';
import { hashInts } from './hash.js';
import type { BitstateStats, Completion, Discovery, ProgressEvent } from './result.js';
import { concretize } from './symmetry.js';

export interface BitstateOptions {
  /** log2 of the table size in bits (default 30: 128 MiB). */
  readonly log2Bits?: number;
  /** Bits set per state (default 3). */
  readonly hashes?: number;
}

export interface BitstateOutcome extends SearchOutcome {
  readonly bitstate: BitstateStats;
}

export interface BitstateDriver {
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Called every few thousand states; resolve to let the event loop run. */
  readonly yieldNow?: () => Promise<void>;
}

/** Probability a fresh state finds all its k bits set after n states in m bits. */
function falsePositive(n: number, m: number, k: number): number {
  return (1 - Math.exp((-k * n) / m)) ** k;
}

export async function runBitstate(
  cm: CompiledModel,
  limits: SearchLimits,
  options: BitstateOptions = {},
  driver: BitstateDriver = {},
): Promise<BitstateOutcome> {
  const log2Bits = options.log2Bits ?? 30;
  const k = options.hashes ?? 3;
  if (!Number.isInteger(log2Bits) || log2Bits < 10 || log2Bits > 33) throw new RangeError(`bitstate table must have 2^10..2^33 bits, got 2^${log2Bits}`);
  const m = 2 ** log2Bits;
  const table = new Uint32Array(m / 32);
  const sym = symmetryFor(cm, limits);
  const expander = createExpander(cm, sym);
  const words = cm.packer.words;
  const started = Date.now();

  /** Sets the state's bits; true if at least one was clear (a new state). */
  const testAndSet = (p: Int32Array): boolean => {
    const h1 = hashInts(p, 0, words) >>> 0;
    const h2 = (hashInts(p, 0, words, 0x5bd1e995) | 1) >>> 0;
    let fresh = false;
    for (let i = 0; i < k; i++) {
      // Double hashing, in float arithmetic so tables beyond 2^32 bits work.
      const bit = (h1 + i * h2) % m;
      const word = Math.floor(bit / 32);
      const b = 1 << (bit & 31);
      if ((table[word] & b) === 0) {
        fresh = true;
        table[word] |= b;
      }
    }
    return fresh;
  };

  // Per level: packed states, parent index into the previous level, step id.
  let frontier = new Int32Array(words * 1024);
  let frontierCount = 0;
  const parentsByLevel: Int32Array[] = [];
  const stepsByLevel: Int32Array[] = [];
  let next = new Int32Array(words * 1024);
  let nextParents = new Int32Array(1024);
  let nextSteps = new Int32Array(1024);
  let nextCount = 0;

  const scratch = new Int32Array(cm.slotCount);
  const varSlots = Int32Array.from(cm.model.vars.map((v) => cm.layout.varSlots.get(v.name)!));
  const maxima = Int32Array.from(cm.model.vars.map((v) => v.init));
  const covered = new Uint8Array(cm.steps.length);
  let states = 0;
  let transitions = 0;
  let pending: { d: Omit<Discovery, 'path' | 'state'>; level: number; index: number } | undefined;
  let source = 0;
  let level = 0;

  const consider = (packed: Int32Array, parent: number, stepId: number): void => {
    if (!testAndSet(packed)) return;
    states++;
    if (nextCount === nextParents.length) {
      const grow = (a: Int32Array, n: number) => { const b = new Int32Array(n); b.set(a); return b; };
      next = grow(next, next.length * 2);
      nextParents = grow(nextParents, nextParents.length * 2);
      nextSteps = grow(nextSteps, nextSteps.length * 2);
    }
    next.set(packed, nextCount * words);
    nextParents[nextCount] = parent;
    nextSteps[nextCount] = stepId;
    cm.packer.unpack(packed, 0, scratch);
    for (let i = 0; i < varSlots.length; i++) if (scratch[varSlots[i]] > maxima[i]) maxima[i] = scratch[varSlots[i]];
    if (!pending && cm.alwaysProperties.length > 0) {
      const v = cm.violatedAlways(scratch);
      if (v >= 0) {
        const name = cm.alwaysProperties[v];
        pending = { d: { kind: 'invariant', property: name, message: `invariant "${name}" is violated` }, level: level + 1, index: nextCount };
      }
    }
    nextCount++;
  };
  const sink = (packed: Int32Array, stepId: number) => {
    transitions++;
    covered[stepId] = 1;
    consider(packed, source, stepId);
  };

  // Level 0: the initial state.
  const init = new Int32Array(words);
  expander.packKey(cm.initialState(), init);
  level = -1;
  consider(init, -1, -1);
  level = 0;

  const swap = () => {
    parentsByLevel.push(nextParents.slice(0, nextCount));
    stepsByLevel.push(nextSteps.slice(0, nextCount));
    frontier = next.slice(0, nextCount * words);
    frontierCount = nextCount;
    next = new Int32Array(Math.max(1024, nextCount) * words);
    nextParents = new Int32Array(Math.max(1024, nextCount));
    nextSteps = new Int32Array(Math.max(1024, nextCount));
    nextCount = 0;
  };
  swap();

  let interrupted = false;
  let limitHit: Completion | undefined;
  let lastReport = Date.now();
  const progress = (): ProgressEvent => ({
    states, transitions, depth: level, frontier: frontierCount - source + nextCount,
    elapsedMs: Date.now() - started, memoryBytes: table.byteLength + frontier.byteLength + next.byteLength + parentsByLevel.reduce((n, a) => n + a.byteLength * 2, 0),
  });

  outer: while (frontierCount > 0 && !pending) {
    for (source = 0; source < frontierCount; source++) {
      const r: ExpandResult = expander.expand(frontier, source * words, sink);
      if (r.status === SourceStatus.Deadlock) pending = { d: { kind: 'deadlock', property: 'deadlock', message: 'no step is enabled and some process has not finished' }, level, index: source };
      else if (r.status === SourceStatus.AtEndViolation) {
        const name = cm.atEndProperties[r.extra];
        pending = { d: { kind: 'invariant', property: name, message: `"${name}" does not hold when every process has stopped` }, level, index: source };
      } else if (r.status === SourceStatus.RuntimeError) pending = { d: { kind: 'invariant', property: 'assertion', message: r.message, failingStep: r.extra }, level, index: source };
      if (pending) break outer;
      if (limits.maxStates !== undefined && states >= limits.maxStates) { limitHit = 'state-limit'; break outer; }
      if ((source & 4095) === 4095) {
        if (driver.signal?.aborted) { interrupted = true; break outer; }
        const now = Date.now();
        if (driver.onProgress && now - lastReport > 200) { lastReport = now; driver.onProgress(progress()); }
        if (driver.yieldNow) await driver.yieldNow();
      }
    }
    swap();
    level++;
  }

  let discovery: Discovery | undefined;
  if (pending && pending.level === stepsByLevel.length) swap(); // an invariant broken in the level being built: keep its parents
  if (pending) {
    // Step ids back to the root through each level's parent indexes.
    const path: number[] = [];
    for (let d = pending.level, i = pending.index; d > 0; d--) {
      path.push(stepsByLevel[d][i]);
      i = parentsByLevel[d][i];
    }
    path.reverse();
    // Replay on representatives (what the steps were taken from), then make them concrete.
    const reps: Int32Array[] = [];
    let rep = cm.initialState();
    const canonical = (s: Int32Array) => { const c = s.slice(); if (sym) sym.canonicalize(c); return c; };
    reps.push(canonical(rep));
    for (const stepId of path) {
      const nextState = new Int32Array(cm.slotCount);
      if (!cm.runStep(stepId, reps[reps.length - 1], nextState)) throw new Error('internal: bitstate trace does not replay');
      reps.push(canonical(nextState));
    }
    if (sym) {
      const concrete = concretize(cm, sym, reps);
      discovery = { ...pending.d, path: concrete.path, state: concrete.states[concrete.states.length - 1] };
    } else {
      rep = reps[reps.length - 1];
      discovery = { ...pending.d, path, state: rep };
    }
  }

  // Expected misses: the sum over insertions of the false-positive chance at that fill.
  let expectedMissed = 0;
  const samples = 1000;
  for (let i = 1; i <= samples; i++) expectedMissed += falsePositive((states * i) / samples, m, k) * (states / samples);
  const completion: Completion = discovery ? 'violation' : limitHit ?? (interrupted ? 'interrupted' : 'bitstate');
  const maximaOut: Record<string, number> = {};
  cm.model.vars.forEach((v, i) => { maximaOut[v.name] = maxima[i]; });
  const p = progress();
  return {
    completion,
    discovery,
    maxima: maximaOut,
    covered,
    stats: {
      states,
      transitions,
      depth: Math.max(stepsByLevel.filter((l) => l.length > 0).length - 1, discovery?.path.length ?? 0), // deepest non-empty level
      elapsedMs: Date.now() - started,
      bytesPerState: states > 0 ? Math.round((p.memoryBytes / states) * 10) / 10 : 0,
      memoryBytes: p.memoryBytes,
    },
    bitstate: { bits: m, hashes: k, omissionProbability: falsePositive(states, m, k), expectedMissedStates: expectedMissed },
  };
}
