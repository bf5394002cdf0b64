/**
 * Breadth-first search over packed states. States get dense ids in discovery
 * order, so the frontier is just the id range not yet expanded (no queue to
 * allocate) and a BFS level is a contiguous id range.
 *
 * No parent links are stored: the parent of a state at level d is the first
 * state of level d-1, in id order, that has it as a successor, which is
 * exactly the state that first discovered it. A trace is rebuilt by scanning
 * levels backwards (at worst one more pass over the space, and only when a
 * violation is reported), which saves 5 bytes on every stored state.
 *
 * The search is a resumable object: `advance(budget)` does a bounded amount
 * of work, so a driver can yield to the event loop (progress UI, Ctrl-C)
 * without the core knowing about either.
 */
import { ModelRuntimeError, type CompiledModel } from './compile.js';
import type { Completion, Discovery, ProgressEvent, SearchStats } from './result.js';
import { StateStore, StoreFullError } from './state-store.js';
import { ModelError } from '../model/model-error.js';
import { buildSymmetry, concretize, symmetryProblems } from './symmetry.js';

export interface SearchLimits {
  /** Stop (partial result) once this many states are stored. */
  readonly maxStates?: number;
  /** Stop (partial result) once the state store holds this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Store one representative per orbit of symmetric processes. */
  readonly symmetry?: boolean;
}

export interface Search {
  /** Expands up to `budget` states; returns true when the search is over. */
  advance(budget: number): boolean;
  progress(): ProgressEvent;
  /** Ends the search (if not over, as `interrupted`) and returns its outcome. */
  finish(interrupted?: boolean): SearchOutcome;
}

export interface SearchOutcome {
  readonly completion: Completion;
  readonly stats: SearchStats;
  readonly discovery?: Discovery;
  readonly maxima: Record<string, number>;
  readonly covered: Uint8Array;
}

export function createSearch(cm: CompiledModel, limits: SearchLimits = {}, now: () => number = Date.now): Search {
  const width = cm.slotCount;
  const { pack, unpack, words } = cm.packer;
  const store = new StateStore(words);
  const packed = new Int32Array(words);
  const cur = new Int32Array(width);
  const out = new Int32Array(width);
  const covered = new Uint8Array(cm.steps.length);
  const varSlots = Int32Array.from(cm.model.vars.map((v) => cm.layout.varSlots.get(v.name)!));
  const maxima = Int32Array.from(cm.model.vars.map((v) => v.init));
  const hasAlways = cm.alwaysProperties.length > 0;
  const started = now();
  /** levelStart[d] = first id of level d. */
  const levelStart: number[] = [0];
  if (limits.symmetry) {
    const problems = symmetryProblems(cm);
    if (problems.length > 0) throw new ModelError(problems.join('\n'));
  }
  const sym = limits.symmetry ? buildSymmetry(cm) : undefined;
  const canon = new Int32Array(width);
  /** Packs `s` (its representative, under symmetry) into `into`. */
  const packKey = sym
    ? (s: Int32Array, into: Int32Array) => { canon.set(s); sym.canonicalize(canon); pack(canon, into, 0); }
    : (s: Int32Array, into: Int32Array) => pack(s, into, 0);

  let current = 0;
  let levelEnd = 1;
  let transitions = 0;
  let pending: { d: Omit<Discovery, 'path' | 'state'>; id: number } | undefined;
  let limitHit: Completion | undefined;
  let finished: SearchOutcome | undefined;

  const admit = (s: Int32Array) => {
    packKey(s, packed);
    const id = store.insert(packed);
    if (id < 0) return;
    for (let i = 0; i < varSlots.length; i++) if (s[varSlots[i]] > maxima[i]) maxima[i] = s[varSlots[i]];
    if (hasAlways && pending === undefined) {
      const v = cm.violatedAlways(s);
      if (v >= 0) {
        const name = cm.alwaysProperties[v];
        pending = { d: { kind: 'invariant', property: name, message: `invariant "${name}" is violated` }, id };
      }
    }
  };

  const emit = (stepId: number) => {
    transitions++;
    covered[stepId] = 1;
    admit(out);
  };

  admit(cm.initialState());

  const memoryBytes = () => store.bytesAllocated;

  const advance = (budget: number): boolean => {
    if (finished || pending || limitHit) return true;
    try {
      for (let n = 0; n < budget; n++) {
        if (current >= store.count) return true;
        if (current === levelEnd) {
          levelStart.push(levelEnd);
          levelEnd = store.count;
        }
        store.read(current, packed);
        unpack(packed, 0, cur);
        let enabled: number;
        try {
          enabled = cm.successors(cur, out, emit);
        } catch (e) {
          if (!(e instanceof ModelRuntimeError)) throw e;
          pending = { d: { kind: 'invariant', property: 'assertion', message: e.message, failingStep: e.stepId }, id: current };
          return true;
        }
        if (enabled === 0) {
          if (!cm.allAtValidEnd(cur)) {
            pending = { d: { kind: 'deadlock', property: 'deadlock', message: 'no step is enabled and some process has not finished' }, id: current };
          } else {
            const v = cm.violatedAtEnd(cur);
            if (v >= 0) {
              const name = cm.atEndProperties[v];
              pending = { d: { kind: 'invariant', property: name, message: `"${name}" does not hold when every process has stopped` }, id: current };
            }
          }
        }
        current++;
        if (pending) return true;
        if (limits.maxStates !== undefined && store.count >= limits.maxStates && current < store.count) {
          limitHit = 'state-limit';
          return true;
        }
      }
    } catch (e) {
      // Out of table ids or out of memory for a new segment: stop cleanly.
      if (e instanceof StoreFullError || e instanceof RangeError) {
        limitHit = 'memory-limit';
        return true;
      }
      throw e;
    }
    if (limits.maxMemoryBytes !== undefined && memoryBytes() > limits.maxMemoryBytes) {
      limitHit = 'memory-limit';
      return true;
    }
    return current >= store.count;
  };

  const levelOf = (id: number): number => {
    // The level of `id` is the last level starting at or before it; a state
    // beyond the last recorded level start belongs to the level being built.
    let d = levelStart.length - 1;
    if (id >= levelEnd) return d + 1;
    while (levelStart[d] > id) d--;
    return d;
  };

  /** Rebuilds the BFS-tree path to `target` by scanning each previous level for its first predecessor. */
  const pathTo = (target: number): { path: number[]; ids: number[] } => {
    const path: number[] = [];
    const ids: number[] = [target];
    const want = new Int32Array(words);
    const got = new Int32Array(words);
    const s = new Int32Array(width);
    const o = new Int32Array(width);
    let id = target;
    while (id > 0) {
      const d = levelOf(id);
      store.read(id, want);
      const from = levelStart[d - 1];
      const to = d < levelStart.length ? levelStart[d] : levelEnd;
      let found = -1;
      let step = -1;
      for (let p = from; p < to && found < 0; p++) {
        store.read(p, got);
        unpack(got, 0, s);
        cm.successors(s, o, (stepId) => {
          if (found >= 0) return;
          packKey(o, got);
          let k = 0;
          while (k < words && got[k] === want[k]) k++;
          if (k === words) {
            found = p;
            step = stepId;
          }
        });
      }
      if (found < 0) throw new Error(`internal: no predecessor of state ${id} in level ${d - 1}`);
      path.push(step);
      ids.push(found);
      id = found;
    }
    return { path: path.reverse(), ids: ids.reverse() };
  };

  const progress = (): ProgressEvent => ({
    states: store.count,
    transitions,
    depth: levelStart.length - 1,
    frontier: store.count - current,
    elapsedMs: now() - started,
    memoryBytes: memoryBytes(),
  });

  const finish = (interrupted = false): SearchOutcome => {
    if (finished) return finished;
    const elapsedMs = now() - started;
    const done = current >= store.count;
    let discovery: Discovery | undefined;
    if (pending) {
      const { path, ids } = pathTo(pending.id);
      if (sym) {
        // The path runs between representatives; replay it on concrete states.
        const reps = ids.map((id) => { const r = new Int32Array(width); store.read(id, packed); unpack(packed, 0, r); return r; });
        const concrete = concretize(cm, sym, reps);
        const state = concrete.states[concrete.states.length - 1];
        let failingStep = pending.d.failingStep;
        if (failingStep !== undefined) {
          const scratch = new Int32Array(width);
          failingStep = cm.steps.find((cs) => { try { cm.runStep(cs.id, state, scratch); return false; } catch { return true; } })?.id ?? failingStep;
        }
        discovery = { ...pending.d, ...(failingStep !== undefined ? { failingStep } : {}), path: concrete.path, state };
      } else {
        const state = new Int32Array(width);
        store.read(pending.id, packed);
        unpack(packed, 0, state);
        discovery = { ...pending.d, path, state };
      }
    }
    const completion: Completion = discovery ? 'violation' : limitHit ?? (done && !interrupted ? 'complete' : 'interrupted');
    const m: Record<string, number> = {};
    cm.model.vars.forEach((v, i) => { m[v.name] = maxima[i]; });
    finished = {
      completion,
      discovery,
      maxima: m,
      covered,
      stats: {
        states: store.count,
        transitions,
        depth: Math.max(levelStart.length - 1, discovery?.path.length ?? 0),
        elapsedMs,
        bytesPerState: Math.round(store.bytesPerState * 10) / 10,
        memoryBytes: memoryBytes(),
      },
    };
    return finished;
  };

  return { advance, progress, finish };
}
