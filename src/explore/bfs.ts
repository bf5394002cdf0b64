/**
 * Breadth-first search over packed states. States get dense ids in discovery
 * order, so the frontier is just the id range not yet expanded (no queue to
 * allocate) and a BFS level is a contiguous id range. The search is a
 * resumable object: `advance(budget)` does a bounded amount of work, so a
 * driver can yield to the event loop (progress UI, Ctrl-C) without the core
 * knowing about either.
 */
import { ModelRuntimeError, type CompiledModel } from './compile.js';
import { ParentLog } from './parent-log.js';
import type { Completion, Discovery, ProgressEvent, SearchStats } from './result.js';
import { StateStore } from './state-store.js';

export interface SearchLimits {
  /** Stop (partial result) once this many states are stored. */
  readonly maxStates?: number;
  /** Stop (partial result) once the store and parent log hold this many bytes. */
  readonly maxMemoryBytes?: number;
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
  const store = new StateStore(width);
  const parents = new ParentLog();
  const cur = new Int32Array(width);
  const out = new Int32Array(width);
  const covered = new Uint8Array(cm.steps.length);
  const varSlots = Int32Array.from(cm.model.vars.map((v) => cm.layout.varSlots.get(v.name)!));
  const maxima = Int32Array.from(cm.model.vars.map((v) => v.init));
  const hasAlways = cm.alwaysProperties.length > 0;
  const started = now();

  let current = 0;
  let levelEnd = 1;
  let depth = 0;
  let transitions = 0;
  let discovery: Discovery | undefined;
  let limitHit: Completion | undefined;
  let finished: SearchOutcome | undefined;

  const found = (d: Omit<Discovery, 'path' | 'state'>, stateId: number) => {
    discovery = { ...d, path: parents.pathTo(stateId), state: store.get(stateId) };
  };

  const admit = (s: Int32Array, parent: number, step: number) => {
    const id = store.insert(s);
    if (id < 0) return;
    parents.record(id, parent, step);
    for (let i = 0; i < varSlots.length; i++) if (s[varSlots[i]] > maxima[i]) maxima[i] = s[varSlots[i]];
    if (hasAlways && discovery === undefined) {
      const v = cm.violatedAlways(s);
      if (v >= 0) {
        const name = cm.alwaysProperties[v];
        found({ kind: 'invariant', property: name, message: `invariant "${name}" is violated` }, id);
      }
    }
  };

  const emit = (stepId: number) => {
    transitions++;
    covered[stepId] = 1;
    admit(out, current, stepId);
  };

  admit(cm.initialState(), -1, -1);

  const memoryBytes = () => store.bytesAllocated + parents.bytesAllocated;

  const advance = (budget: number): boolean => {
    if (finished || discovery || limitHit) return true;
    for (let n = 0; n < budget; n++) {
      if (current >= store.count) return true;
      if (current === levelEnd) {
        depth++;
        levelEnd = store.count;
      }
      store.read(current, cur);
      let enabled: number;
      try {
        enabled = cm.successors(cur, out, emit);
      } catch (e) {
        if (!(e instanceof ModelRuntimeError)) throw e;
        found({ kind: 'invariant', property: 'assertion', message: e.message, failingStep: e.stepId }, current);
        return true;
      }
      if (enabled === 0) {
        if (!cm.allAtValidEnd(cur)) {
          found({ kind: 'deadlock', property: 'deadlock', message: 'no step is enabled and some process has not finished' }, current);
        } else {
          const v = cm.violatedAtEnd(cur);
          if (v >= 0) {
            const name = cm.atEndProperties[v];
            found({ kind: 'invariant', property: name, message: `"${name}" does not hold when every process has stopped` }, current);
          }
        }
      }
      current++;
      if (discovery) return true;
      if (limits.maxStates !== undefined && store.count >= limits.maxStates && current < store.count) {
        limitHit = 'state-limit';
        return true;
      }
    }
    if (limits.maxMemoryBytes !== undefined && memoryBytes() > limits.maxMemoryBytes) {
      limitHit = 'memory-limit';
      return true;
    }
    return current >= store.count;
  };

  const progress = (): ProgressEvent => ({
    states: store.count,
    transitions,
    depth,
    frontier: store.count - current,
    elapsedMs: now() - started,
    memoryBytes: memoryBytes(),
  });

  const finish = (interrupted = false): SearchOutcome => {
    if (finished) return finished;
    const done = current >= store.count;
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
        depth: Math.max(depth, discovery?.path.length ?? 0),
        elapsedMs: now() - started,
        bytesPerState: store.bytesPerState + 8,
        memoryBytes: memoryBytes(),
      },
    };
    return finished;
  };

  return { advance, progress, finish };
}
