/**
 * From a discovery (a path of step ids) to its meaning: the trace, the final
 * state of every process, and for a stuck process what it waits for.
 */
import type { CompiledModel } from '../explore/compile.js';
import type { Discovery } from '../explore/result.js';
import { analyzeWaitFor, type WaitForAnalysis } from './cycle.js';
import { findHandOffs, type HandOff } from './hand-offs.js';
import { replayPath } from './path.js';
import { processStatuses, type ProcessStatus } from './process-status.js';
import { buildTrace, describePrimitives, variableValues, type TraceRow } from './trace.js';
import { buildWaitForGraph, type WaitForGraph } from './wait-for.js';
import { sliceTrace, type TraceSlice } from './slice.js';
import { buildScenario, type LockingScenario } from './scenario.js';

export interface Counterexample {
  readonly kind: Discovery['kind'];
  readonly property: string;
  readonly message: string;
  readonly trace: readonly TraceRow[];
  /** Every process in the final state. */
  readonly processes: readonly ProcessStatus[];
  /** The processes stuck in the final state (for a deadlock: those not at a valid end). */
  readonly blocked: readonly ProcessStatus[];
  /** The global variables' values at the end (for a lasso: where the cycle begins). */
  readonly vars: Readonly<Record<string, number>>;
  /** Each primitive's state at the end, one line each. */
  readonly primitives: readonly string[];
  /** For an assertion: the step that failed from the final state. */
  readonly failingStep?: { readonly process: string; readonly action: string };
  /** The wait-for graph of the final state. */
  readonly waitFor: WaitForGraph;
  /** Its cycle (for a deadlock, usually), or why blocked processes are stuck without one. */
  readonly analysis: WaitForAnalysis;
  /** Jobs submitted -> taken and locks or wake-ups handed over -> woken, along the trace. */
  readonly handOffs: readonly HandOff[];
  /** The steps the final blocked state depends on (indices into `trace`). */
  readonly slice: TraceSlice;
  /** For a deadlock: the lockdep-style two-or-more-column scenario of the slice. */
  readonly scenario?: LockingScenario;
  /** For a liveness lasso: `trace[0..loopStart)` is the prefix, the rest the cycle that repeats forever. */
  readonly loopStart?: number;
  /** Context switches in the trace (consecutive steps by different processes). */
  readonly switches?: number;
  /** Context switches in the schedule BFS first found, before choosing the fewest. */
  readonly bfsSwitches?: number;
}

export function explainDiscovery(cm: CompiledModel, d: Discovery): Counterexample {
  const trace = buildTrace(cm, d.path);
  const processes = processStatuses(cm, d.state);
  const waitFor = buildWaitForGraph(cm, d.state, processes);
  const failing = d.failingStep !== undefined ? cm.steps[d.failingStep] : undefined;
  const states = replayPath(cm, d.path);
  const analysis = analyzeWaitFor(waitFor);
  const slice = sliceTrace(cm, d.path, states, analysis, waitFor, processes);
  return {
    kind: d.kind,
    property: d.property,
    message: d.message,
    trace,
    processes,
    blocked: processes.filter((p) => p.state === 'blocked'),
    vars: variableValues(cm, d.state),
    primitives: describePrimitives(cm, d.state),
    ...(failing ? { failingStep: { process: cm.processName(failing.pid), action: failing.step.action } } : {}),
    waitFor,
    analysis,
    handOffs: findHandOffs(cm, d.path, states),
    slice,
    ...(d.loopStart !== undefined ? { loopStart: d.loopStart } : {}),
    ...(d.kind === 'deadlock' ? { scenario: buildScenario(cm, trace, d.path, states, slice, analysis, waitFor) } : {}),
  };
}
