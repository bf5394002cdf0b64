/**
 * Breadth-first search over packed states. States get dense ids in discovery
 * order, so the frontier is just the id range not yet expanded (no queue to
 * allocate) and a BFS level is a contiguous id range.
 *
 * A parent log keeps, per state id, the id of the state that first
 * discovered it (about 2 bits a state, see parent-log.ts); a trace is
 * rebuilt by walking it back and finding, from each parent, the first step
 * in id order that gives the child: time proportional to the trace, not to
 * the space.
 *
 * This is the one search core. `SearchCore` owns a seen-set (the exact
 * store, or bitstate's bit table: see seen-set.ts), the parent log and the
 * verdict bookkeeping, and asks classify.ts what each state is. Drivers feed
 * it expanded states in id order: `createSearch` expands on this thread, a
 * resumable object whose `advance(budget)` does a bounded amount of work (so
 * a caller can yield for a progress UI or Ctrl-C); `parallel.ts` expands in
 * worker threads and merges their results in the same order.
 */
import { ModelError } from '../model/model-error.js';
import type { CompiledModel } from './compile.js';
import { createExpander, type Expander } from './expand.js';
import { classifyArrival, describeViolation, okClassification, StateKind, type Classification } from './classify.js';
import { createParentLog, type ParentLog } from './parent-log.js';
import type { SeenSet } from './seen-set.js';
import { buildPor, expandsAlone } from './por.js';
import type { Completion, Discovery, ProgressEvent, SearchStats } from './result.js';
import { StateStore, StoreFullError } from './state-store.js';
import { buildSymmetry, concretize, symmetryProblems, type Symmetry } from './symmetry.js';

export interface SearchLimits {
  /** Stop (partial result) once this many states are stored. */
  readonly maxStates?: number;
  /** Stop (partial result) once the state store holds this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Store one representative per orbit of symmetric processes. */
  readonly symmetry?: boolean;
  /** Partial-order reduction (ample sets; sequential exhaustive search only). */
  readonly por?: boolean;
}

export interface Search {
  /** Expands up to `budget` states; returns true when the search is over. */
  advance(budget: number): boolean;
  progress(): ProgressEvent;
  /** Ends the search (if not over, as `interrupted`) and returns its outcome. */
  finish(interrupted?: boolean): SearchOutcome;
  /** The explored levels, if the search kept them (see `SearchCore.explored`). */
  explored(): ExploredLevels | undefined;
}

export interface SearchOutcome {
  readonly completion: Completion;
  readonly stats: SearchStats;
  readonly discovery?: Discovery;
  readonly maxima: Record<string, number>;
  readonly covered: Uint8Array;
  /** What the search decided on its own that the reader should know (e.g. a reduction it gave up). */
  readonly notes: readonly string[];
  /** The exact store the search filled (absent for bitstate), for passes over the completed search such as liveness. */
  readonly store?: SeenSet;
  /** With `store`: the state that first discovered each id (-1 for the initial state), from the parent log. */
  readonly parentOf?: (id: number) => number;
}

/**
 * The levels of a finished exact search without reductions: every state of
 * level k is an id in `levelStarts[k] .. levelStarts[k+1] - 1`, in BFS order.
 */
export interface ExploredLevels {
  readonly words: number;
  readonly levelStarts: readonly number[];
  read(id: number, into: Int32Array): void;
}

/** Symmetry for a search, after checking it is sound for the model. */
export function symmetryFor(cm: CompiledModel, limits: SearchLimits): Symmetry | undefined {
  if (!limits.symmetry) return undefined;
  const problems = symmetryProblems(cm);
  if (problems.length > 0) throw new ModelError(problems.join('\n'));
  return buildSymmetry(cm);
}

export class SearchCore {
  readonly store: SeenSet;
  /** Next state id to expand; every id below it has been merged. */
  current = 0;
  transitions = 0;
  readonly covered: Uint8Array;
  readonly notes: string[] = [];
  private readonly parents: ParentLog;
  private readonly levelStart: number[] = [0];
  private levelEnd = 1;
  private pending: { c: Classification; id: number } | undefined;
  private readonly arrival = okClassification();
  private limitHit: Completion | undefined;
  private finished: SearchOutcome | undefined;
  private readonly varSlots: Int32Array;
  private readonly maxima: Int32Array;
  private readonly scratch: Int32Array;
  private readonly started: number;

  constructor(
    readonly cm: CompiledModel,
    readonly limits: SearchLimits,
    readonly expander: Expander,
    readonly sym: Symmetry | undefined,
    private readonly now: () => number = Date.now,
    seen?: SeenSet,
  ) {
    this.store = seen ?? new StateStore(cm.packer.words);
    this.parents = createParentLog(!this.store.exact);
    this.covered = new Uint8Array(cm.steps.length);
    this.varSlots = Int32Array.from(cm.model.vars.map((v) => cm.layout.varSlots.get(v.name)!));
    this.maxima = Int32Array.from(cm.model.vars.map((v) => v.init));
    this.scratch = new Int32Array(cm.slotCount);
    this.started = now();
    const init = new Int32Array(cm.packer.words);
    expander.packKey(cm.initialState(), init);
    this.admit(init, -1);
  }

  /** True once a violation or a limit ended the search. */
  get stopped(): boolean {
    return this.pending !== undefined || this.limitHit !== undefined || this.finished !== undefined;
  }

  get exhausted(): boolean {
    return this.current >= this.store.count;
  }

  /** Stores one successor (or the initial state, with step -1); `unpacked`, if given, is `packed` unpacked. */
  readonly admit = (packed: Int32Array, stepId: number, unpacked?: Int32Array): void => {
    if (stepId >= 0) this.admitStored(stepId);
    const id = this.store.insert(packed);
    if (id < 0) return;
    this.parents.push(stepId >= 0 ? this.current : -1, stepId);
    let s = unpacked;
    if (s === undefined) this.cm.packer.unpack(packed, 0, (s = this.scratch));
    this.raiseMaxima(s);
    if (this.pending === undefined && classifyArrival(this.cm, s, this.arrival)) this.pending = { c: { ...this.arrival }, id };
  };

  /** Counts a step to a successor the caller has already found stored (inserting it would find it again). */
  admitStored(stepId: number): void {
    this.transitions++;
    this.covered[stepId] = 1;
  }

  /**
   * Records state `id`, stored by another thread from a successor of
   * `current`, whose arrival that thread classified (`arrival`: undefined
   * when it breaks no invariant) and whose variables it counted in its maxima.
   */
  recordArrival(id: number, arrival: Classification | undefined): void {
    this.parents.push(this.current, -1);
    if (this.pending === undefined && arrival !== undefined) this.pending = { c: { ...arrival }, id };
  }

  private raiseMaxima(s: Int32Array): void {
    const { varSlots, maxima } = this;
    for (let i = 0; i < varSlots.length; i++) if (s[varSlots[i]] > maxima[i]) maxima[i] = s[varSlots[i]];
  }

  /** Takes maxima another thread kept (per model variable, in declaration order). */
  mergeMaxima(values: Int32Array): void {
    for (let i = 0; i < values.length; i++) if (values[i] > this.maxima[i]) this.maxima[i] = values[i];
  }

  /** Maxima over exactly the stored states (after other threads counted states that were then dropped). */
  recomputeMaxima(): void {
    const packed = new Int32Array(this.cm.packer.words);
    this.cm.model.vars.forEach((v, i) => { this.maxima[i] = v.init; });
    for (let id = 0; id < this.store.count; id++) {
      this.store.read(id, packed);
      this.cm.packer.unpack(packed, 0, this.scratch);
      this.raiseMaxima(this.scratch);
    }
  }

  /** End (exclusive) of the level being expanded; when `current` reaches it, the next level ends at the store's count. */
  get levelEndId(): number {
    return this.levelEnd;
  }

  /** Called before the successors of state `current` are admitted. */
  beginSource(): void {
    if (this.current === this.levelEnd) {
      this.levelStart.push(this.levelEnd);
      this.levelEnd = this.store.count;
    }
  }

  /** Called after the successors of state `current` were admitted, with what the state is. */
  endSource(c: Classification): void {
    const id = this.current;
    if (c.kind !== StateKind.Ok) this.pending ??= { c: { ...c }, id };
    this.current++;
    this.store.expandedBelow?.(this.current);
    const { maxStates, maxMemoryBytes } = this.limits;
    if (!this.pending && maxStates !== undefined && this.store.count >= maxStates && this.current < this.store.count) this.limitHit = 'state-limit';
    if (!this.pending && maxMemoryBytes !== undefined && (this.current & 1023) === 0 && this.memoryBytes > maxMemoryBytes) this.limitHit = 'memory-limit';
  }

  /** The store ran out of ids or memory: end with a partial result. */
  outOfMemory(): void {
    this.limitHit = 'memory-limit';
  }

  progress(): ProgressEvent {
    return {
      states: this.store.count,
      transitions: this.transitions,
      depth: this.levelStart.length - 1,
      frontier: this.store.count - this.current,
      elapsedMs: this.now() - this.started,
      memoryBytes: this.memoryBytes,
    };
  }

  /** The levels, when the store holds them all unreduced (exact store, no symmetry, no partial-order reduction). */
  explored(): ExploredLevels | undefined {
    if (!this.store.exact || this.sym || this.limits.por) return undefined;
    const store = this.store;
    return { words: store.words, levelStarts: [...this.levelStart, this.levelEnd], read: (id, into) => store.read(id, into) };
  }

  /** Bytes held by the store and the parent log. */
  get memoryBytes(): number {
    return this.store.bytesAllocated + this.parents.bytes;
  }

  /** The state that first discovered `id` (-1 for the initial state). */
  parentOf(id: number): number {
    return this.parents.parentOf(id);
  }

  /**
   * The BFS-tree path to `target` and the (representative) states along it.
   * With the states kept, each step is the first in id order from the parent
   * that gives the child; otherwise the logged steps are replayed.
   */
  private pathTo(target: number): { path: number[]; states: Int32Array[] } {
    const { store, cm, expander, parents } = this;
    const words = cm.packer.words;
    const path: number[] = [];
    if (!store.exact) {
      for (let id = target; id > 0; id = parents.parentOf(id)) path.push(parents.stepOf(id));
      path.reverse();
      const canonical = (s: Int32Array) => { const c = s.slice(); this.sym?.canonicalize(c); return c; };
      const states = [canonical(cm.initialState())];
      for (const stepId of path) {
        const next = new Int32Array(cm.slotCount);
        if (!cm.runStep(stepId, states[states.length - 1], next)) throw new Error(`internal: logged step ${stepId} does not replay`);
        states.push(canonical(next));
      }
      return { path, states };
    }
    const want = new Int32Array(words);
    const got = new Int32Array(words);
    const src = new Int32Array(cm.slotCount);
    const out = new Int32Array(cm.slotCount);
    const ids: number[] = [target];
    for (let id = target; id > 0;) {
      const parent = parents.parentOf(id);
      store.read(id, want);
      store.read(parent, got);
      cm.packer.unpack(got, 0, src);
      let step = -1;
      // Step by step, so a step that fails at run time (whose successors a
      // reduction may have explored around) does not hide the others.
      for (const cs of cm.steps) {
        let enabled = false;
        try { enabled = cm.runStep(cs.id, src, out); } catch { enabled = false; }
        if (!enabled) continue;
        expander.packKey(out, got);
        let k = 0;
        while (k < words && got[k] === want[k]) k++;
        if (k === words) {
          step = cs.id;
          break;
        }
      }
      if (step < 0) throw new Error(`internal: no step from state ${parent} gives state ${id}`);
      path.push(step);
      ids.push(parent);
      id = parent;
    }
    return { path: path.reverse(), states: ids.reverse().map((id) => this.unpacked(id)) };
  }

  private unpacked(id: number): Int32Array {
    const packed = new Int32Array(this.cm.packer.words);
    const s = new Int32Array(this.cm.slotCount);
    this.store.read(id, packed);
    this.cm.packer.unpack(packed, 0, s);
    return s;
  }

  finish(interrupted = false): SearchOutcome {
    if (this.finished) return this.finished;
    const { cm, pending, sym } = this;
    const elapsedMs = this.now() - this.started;
    let discovery: Discovery | undefined;
    if (pending) {
      const d = describeViolation(cm, pending.c)!;
      const { path, states } = this.pathTo(pending.id);
      if (sym) {
        // The path runs between representatives; replay it on concrete states.
        const concrete = concretize(cm, sym, states);
        const state = concrete.states[concrete.states.length - 1];
        let failingStep = d.failingStep;
        if (failingStep !== undefined) {
          const scratch = new Int32Array(cm.slotCount);
          const throws = (id: number) => { try { cm.runStep(id, state, scratch); return false; } catch { return true; } };
          failingStep = cm.steps.find((cs) => throws(cs.id))?.id ?? failingStep;
        }
        discovery = { ...d, ...(failingStep !== undefined ? { failingStep } : {}), path: concrete.path, state };
      } else {
        discovery = { ...d, path, state: states[states.length - 1] };
      }
    }
    const done = this.exhausted;
    const completion: Completion = discovery ? 'violation' : this.limitHit ?? (done && !interrupted ? 'complete' : 'interrupted');
    const maxima: Record<string, number> = {};
    cm.model.vars.forEach((v, i) => { maxima[v.name] = this.maxima[i]; });
    this.finished = {
      completion,
      discovery,
      maxima,
      covered: this.covered,
      notes: this.notes,
      ...(this.store.exact ? { store: this.store, parentOf: (id: number) => this.parents.parentOf(id) } : {}),
      stats: {
        states: this.store.count,
        transitions: this.transitions,
        depth: Math.max(this.levelStart.length - 1, discovery?.path.length ?? 0),
        elapsedMs,
        bytesPerState: this.store.count > 0 ? Math.round((this.memoryBytes / this.store.count) * 10) / 10 : 0,
        memoryBytes: this.memoryBytes,
      },
    };
    return this.finished;
  }
}

/**
 * Partial-order reduction is given up after POR_PROBE states if it left out
 * less than a share of their transitions that pays for choosing: about a
 * third of a reduced search's time goes to choosing, so without symmetry it
 * must leave out at least a quarter of them, and with symmetry (where every
 * successor is canonicalized, so a state costs far more) a tenth. Measured on
 * the bench rows, paired with the unreduced search (without giving up):
 * in-progress w4 t2 c2 leaves out 17.7% there, stores 1.66x fewer states in
 * the end and was 1.17-1.23x slower; unthrottled w5 c1 22.3%, 2.0x fewer, 1.15x slower; the reference
 * (w5 t0 c1) 15.4%, 1.71x fewer, about 1.06x; with symmetry in-progress w8 t2 c2
 * 24.1%, 1.73x fewer, 0.75x the time. Counted, not timed, so the outcome
 * is the same every run.
 */
const POR_PROBE = 1 << 12;
const porMinSaving = (sym: Symmetry | undefined) => (sym ? 10 : 4);
const count = (n: number) => n.toLocaleString('en-US');

/** `seen`: the seen-set to search with (default: a new exact store). */
export function createSearch(cm: CompiledModel, limits: SearchLimits = {}, now: () => number = Date.now, seen?: (sym: Symmetry | undefined) => SeenSet): Search {
  const sym = symmetryFor(cm, limits);
  const expander = createExpander(cm, sym);
  const core = new SearchCore(cm, limits, expander, sym, now, seen?.(sym));
  const packed = new Int32Array(cm.packer.words);
  let por = limits.por ? buildPor(cm) : undefined;
  const minSaving = porMinSaving(sym);
  let porStates = 0;
  let porAll = 0;
  let porKept = 0;
  const src = new Int32Array(cm.slotCount);
  // With --por a state's successors are collected first, as the steps left them, then all or the
  // ample ones admitted; one is packed (under symmetry: canonicalized) only once it is looked up or kept.
  const raw: Int32Array[] = [];
  const pool: Int32Array[] = [];
  const poolSteps: number[] = [];
  let packedUpTo = new Uint8Array(16);
  let pooled = 0;
  const collect = (s: Int32Array, stepId: number) => {
    (raw[pooled] ??= new Int32Array(cm.slotCount)).set(s);
    poolSteps[pooled++] = stepId;
  };
  const key = (i: number): Int32Array => {
    if (!packedUpTo[i]) {
      expander.packKey(raw[i], (pool[i] ??= new Int32Array(cm.packer.words)));
      packedUpTo[i] = 1;
    }
    return pool[i];
  };

  // C3: a set none of whose successors is expanded already (or this state); each successor is looked up once per state.
  const UNLOOKED = -3;
  let found = new Int32Array(16);
  const closesNoCycle = (set: Uint8Array): boolean => {
    for (let i = 0; i < pooled; i++) {
      if (!set[cm.steps[poolSteps[i]].pid]) continue;
      if (found[i] === UNLOOKED) found[i] = core.store.find(key(i));
      if (!expandsAlone(found[i], core.current)) return false;
    }
    return true;
  };

  /** Expands the current state with partial-order reduction: the ample steps alone where C0-C3 allow (see por.ts). */
  const expandReduced = (): Classification => {
    pooled = 0;
    const c = expander.expandRaw(packed, 0, collect);
    if (found.length < pooled) {
      found = new Int32Array(2 * pooled);
      packedUpTo = new Uint8Array(2 * pooled);
    }
    found.fill(UNLOOKED, 0, pooled);
    packedUpTo.fill(0, 0, pooled);
    let keep: Uint8Array | undefined;
    if (c.kind === StateKind.Ok && pooled > 1) {
      cm.packer.unpack(packed, 0, src);
      keep = por!.ample(src, poolSteps, pooled, closesNoCycle);
    }
    let kept = 0;
    for (let i = 0; i < pooled; i++) {
      if (keep && !keep[cm.steps[poolSteps[i]].pid]) continue;
      // C3 may have looked it up already: a successor found stored is only counted.
      if (found[i] >= 0) core.admitStored(poolSteps[i]);
      else core.admit(key(i), poolSteps[i]);
      kept++;
    }
    porAll += pooled;
    porKept += kept;
    if (++porStates === POR_PROBE && (porAll - porKept) * minSaving < porAll) {
      por = undefined;
      core.notes.push(`partial-order reduction left out only ${count(porAll - porKept)} of the ${count(porAll)} transitions of the first ${count(POR_PROBE)} states (it pays from 1 in ${minSaving}), so from there on the search expanded every state, as without --por`);
    }
    return c;
  };

  const advance = (budget: number): boolean => {
    try {
      for (let n = 0; n < budget; n++) {
        if (core.stopped || core.exhausted) return true;
        core.beginSource();
        core.store.read(core.current, packed);
        core.endSource(por ? expandReduced() : expander.expand(packed, 0, core.admit));
      }
    } catch (e) {
      // Out of table ids or out of memory for a new segment: stop cleanly.
      if (e instanceof StoreFullError || e instanceof RangeError) {
        core.outOfMemory();
        return true;
      }
      throw e;
    }
    return core.stopped || core.exhausted;
  };

  return { advance, progress: () => core.progress(), finish: (interrupted) => core.finish(interrupted), explored: () => core.explored() };
}
