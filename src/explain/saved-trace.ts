/**
 * Replaying a saved counterexample: the JSON that `interleave check --json`
 * (or `--out`) and `interleave simulate --json` write names the model, its
 * parameters and each step as (process, step name). Mapping those names back
 * to steps of the freshly built model and running them one by one checks that
 * the trace still means what it said: every step enabled where it runs, each
 * step sleeping or waking as recorded, the same final state, and the same
 * violation there. Pure: parsing and replay, no I/O.
 */
import { ModelRuntimeError, type CompiledModel } from '../explore/compile.js';
import { atEndMessage, deadlockMessage, invariantMessage } from '../explore/classify.js';
import type { StepOutcome, TraceRow } from './trace.js';
import { buildTrace, describePrimitives } from './trace.js';
import { processStatuses } from './process-status.js';
import { afterSteps } from '../render/count.js';
import { isObject } from '../model/plain-object.js';

/** A saved trace, as much of it as replay uses. */
export interface SavedTrace {
  readonly model: string;
  readonly params: Readonly<Record<string, string | number>>;
  /** `deadlock` or `invariant`, when the file reports a violation. */
  readonly verdict?: string;
  readonly property?: string;
  readonly rows: ReadonlyArray<{ readonly process: string; readonly step: string; readonly outcome?: StepOutcome }>;
  readonly finalState?: {
    readonly processes: ReadonlyArray<{ readonly process: string; readonly state: string; readonly at: string }>;
    readonly primitives: readonly string[];
  };
  readonly failingStep?: { readonly process: string; readonly action: string };
  /** For a liveness lasso: how many rows are the prefix; the rest is the cycle. */
  readonly loopStart?: number;
}

/** The file is not a saved trace; the message names the field. */
export class TraceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

const OUTCOMES: readonly string[] = ['ran', 'blocked', 'woke'];
/** The verdicts a saved trace can carry (`Verdict`); anything else is a hand-edit that would be taken for no violation. */
const VERDICTS: readonly string[] = ['ok', 'deadlock', 'invariant', 'liveness', 'unknown'];

/** Validates parsed JSON as a saved trace; throws TraceFormatError naming what is wrong. */
/** The JSON that carries a trace: check's (and a gate case's result.json), simulate's, a merged swarm's. */
export const TRACE_SCHEMAS: readonly string[] = ['interleave/check@1', 'interleave/simulate@1', 'interleave/swarm@1'];

export function parseSavedTrace(json: unknown): SavedTrace {
  if (!isObject(json)) throw new TraceFormatError('not a JSON object');
  const { schema, model, params, trace, verdict, property, finalState, failingStep, lasso } = json;
  // Without a schema: written by hand, taken as it is; with another one, some other file of interleave's.
  if (schema !== undefined && (typeof schema !== 'string' || !TRACE_SCHEMAS.includes(schema))) {
    throw new TraceFormatError(`its schema is ${JSON.stringify(schema)}, not one of ${TRACE_SCHEMAS.join(', ')}`);
  }
  if (typeof model !== 'string' || model === '') throw new TraceFormatError('"model" must be a model name');
  if (verdict !== undefined && (typeof verdict !== 'string' || !VERDICTS.includes(verdict))) {
    throw new TraceFormatError(`"verdict" must be one of ${VERDICTS.join(', ')}, got ${JSON.stringify(verdict)}`);
  }
  if (!isObject(params) || !Object.values(params).every((v) => typeof v === 'string' || typeof v === 'number')) {
    throw new TraceFormatError('"params" must be an object of numbers and strings');
  }
  if (!Array.isArray(trace)) {
    throw new TraceFormatError(verdict === 'ok' ? 'the file has no trace: its verdict is ok, there is nothing to replay' : '"trace" must be an array of steps');
  }
  const rows = trace.map((row, i) => {
    if (!isObject(row) || typeof row.process !== 'string' || typeof row.step !== 'string') {
      throw new TraceFormatError(`trace[${i}] must have string "process" and "step"`);
    }
    if (row.outcome !== undefined && (typeof row.outcome !== 'string' || !OUTCOMES.includes(row.outcome))) {
      throw new TraceFormatError(`trace[${i}].outcome must be one of ${OUTCOMES.join(', ')}`);
    }
    return { process: row.process, step: row.step, ...(row.outcome !== undefined ? { outcome: row.outcome as StepOutcome } : {}) };
  });
  let final: SavedTrace['finalState'];
  if (finalState !== undefined) {
    if (!isObject(finalState) || !Array.isArray(finalState.processes) || !Array.isArray(finalState.primitives) ||
      !finalState.processes.every((p) => isObject(p) && typeof p.process === 'string' && typeof p.state === 'string' && typeof p.at === 'string') ||
      !finalState.primitives.every((p) => typeof p === 'string')) {
      throw new TraceFormatError('"finalState" must have "processes" ({ process, state, at }) and "primitives" (strings)');
    }
    final = finalState as unknown as SavedTrace['finalState'];
  }
  const failing = isObject(failingStep) && typeof failingStep.process === 'string' && typeof failingStep.action === 'string'
    ? { process: failingStep.process, action: failingStep.action }
    : undefined;
  let loopStart: number | undefined;
  if (lasso !== undefined) {
    if (!isObject(lasso) || !Array.isArray(lasso.prefix) || !Array.isArray(lasso.loop) || lasso.prefix.length + lasso.loop.length !== rows.length) {
      throw new TraceFormatError('"lasso" must have "prefix" and "loop" arrays that together are the trace');
    }
    loopStart = lasso.prefix.length;
  }
  return {
    model,
    params: params as Record<string, string | number>,
    ...(loopStart !== undefined ? { loopStart } : {}),
    ...(typeof verdict === 'string' ? { verdict } : {}),
    ...(typeof property === 'string' ? { property } : {}),
    rows,
    ...(final ? { finalState: final } : {}),
    ...(failing ? { failingStep: failing } : {}),
  };
}

export type ReplayProblemKind =
  /** The model has no such process or step (other model, other parameters). */
  | 'unknown-step'
  /** The step exists but cannot run there. */
  | 'not-enabled'
  /** The step ran, but slept or woke where the trace says otherwise. */
  | 'outcome'
  /** Every step ran, but the end differs from the saved final state. */
  | 'final-state'
  /** The end is not the violation the file reports. */
  | 'verdict';

export interface ReplayProblem {
  readonly kind: ReplayProblemKind;
  /** 1-based step, for step problems. */
  readonly step?: number;
  readonly message: string;
}

export interface SavedTraceReplay {
  /** States s0..sk, as far as the replay got (k = steps.length). */
  readonly states: readonly Int32Array[];
  /** The steps that ran, as trace rows. */
  readonly steps: readonly TraceRow[];
  /** What the final state turned out to be, e.g. `deadlock: no step is enabled`. */
  readonly ending?: string;
  /** The first disagreement; none when the trace replays as saved. */
  readonly problem?: ReplayProblem;
}

/** Re-executes `trace` on `cm` and checks it against what the file says. */
export function replaySavedTrace(cm: CompiledModel, trace: SavedTrace): SavedTraceReplay {
  const path: number[] = [];
  const states = [cm.initialState()];
  const done = (problem?: ReplayProblem, ending?: string): SavedTraceReplay => ({
    states,
    steps: buildTrace(cm, path),
    ...(ending !== undefined ? { ending } : {}),
    ...(problem ? { problem } : {}),
  });

  for (const [i, row] of trace.rows.entries()) {
    const n = i + 1;
    const cur = states[i];
    const pid = cm.layout.processes.findIndex((p) => p.name === row.process);
    if (pid < 0) {
      return done({ kind: 'unknown-step', step: n, message: `step ${n}: ${cm.model.name} has no process ${row.process} (processes: ${cm.layout.processes.map((p) => p.name).join(', ')})` });
    }
    const cs = cm.steps.find((s) => s.pid === pid && s.step.name === row.step);
    if (!cs) {
      const names = [...new Set(cm.steps.filter((s) => s.pid === pid).map((s) => s.step.name))];
      return done({ kind: 'unknown-step', step: n, message: `step ${n}: ${row.process} has no step '${row.step}' (steps: ${names.join(', ')})` });
    }
    const next = new Int32Array(cm.slotCount);
    let ran: boolean;
    try {
      ran = cm.runStep(cs.id, cur, next);
    } catch (e) {
      if (!(e instanceof ModelRuntimeError)) throw e;
      return done({ kind: 'not-enabled', step: n, message: `step ${n}: ${row.process} '${row.step}' fails: ${e.message}` });
    }
    if (!ran) {
      const status = processStatuses(cm, cur)[pid];
      const where = status.state === 'done' ? 'has finished'
        : status.state === 'blocked' ? `is blocked at '${status.at}'${status.wait ? `: ${status.wait.summary}` : ''}`
        : `is at '${status.at}'${status.state === 'idle' ? ' (idle)' : ''}`;
      return done({ kind: 'not-enabled', step: n, message: `step ${n}: ${row.process} '${row.step}' is not enabled there: ${row.process} ${where}` });
    }
    path.push(cs.id);
    states.push(next);
    if (row.outcome !== undefined) {
      const proc = cm.layout.processes[pid];
      const outcome: StepOutcome = cur[proc.waitSlot] < 0 ? 'woke' : next[proc.waitSlot] > 0 ? 'blocked' : 'ran';
      if (outcome !== row.outcome) {
        const say = (o: StepOutcome) => (o === 'blocked' ? 'went to sleep' : o === 'woke' ? 'woke up' : 'ran');
        return done({ kind: 'outcome', step: n, message: `step ${n}: ${row.process} '${row.step}' ${say(outcome)}, the trace says it ${say(row.outcome)}` });
      }
    }
  }

  const last = states[states.length - 1];
  if (trace.finalState) {
    const now = processStatuses(cm, last).map((p) => ({ process: p.process, state: p.state, at: p.at }));
    for (const saved of trace.finalState.processes) {
      const mine = now.find((p) => p.process === saved.process);
      if (!mine || mine.state !== saved.state || mine.at !== saved.at) {
        return done({
          kind: 'final-state',
          message: `at the end ${saved.process} is ${mine ? `${mine.state} at '${mine.at}'` : 'missing'}, the file says ${saved.state} at '${saved.at}'`,
        });
      }
    }
    const prims = describePrimitives(cm, last);
    const differs = trace.finalState.primitives.find((p, k) => prims[k] !== p);
    if (differs !== undefined || prims.length !== trace.finalState.primitives.length) {
      return done({ kind: 'final-state', message: `at the end the primitives are [${prims.join('; ')}], the file says [${trace.finalState.primitives.join('; ')}]` });
    }
  }
  return checkEnding(cm, trace, states, done);
}

function checkEnding(
  cm: CompiledModel,
  trace: SavedTrace,
  states: readonly Int32Array[],
  done: (problem?: ReplayProblem, ending?: string) => SavedTraceReplay,
): SavedTraceReplay {
  const last = states[states.length - 1];
  const scratch = new Int32Array(cm.slotCount);
  const enabled = (): number => {
    try {
      return cm.successors(last, scratch, () => {});
    } catch (e) {
      if (e instanceof ModelRuntimeError) return -1;
      throw e;
    }
  };
  const bad = (message: string, ending: string) => done({ kind: 'verdict', message }, ending);
  if (trace.verdict === 'liveness' && trace.loopStart !== undefined) {
    const k = trace.loopStart;
    const n = trace.rows.length;
    if (k === n) {
      if (enabled() !== 0 || !cm.allAtValidEnd(last)) return bad('the file reports a run that stops for good, but it can go on at the end', 'not stopped');
      return done(undefined, `liveness: the run stops for good ${afterSteps(k)} and "${trace.property}" never comes true`);
    }
    const start = states[k];
    if (start.some((v, i) => v !== last[i])) return bad(`the file reports a cycle from step ${k + 1}, but the state after step ${n} is not the one where it began`, 'not a cycle');
    return done(undefined, `liveness: steps ${k + 1}..${n} end in the state where they began, so they can repeat forever; "${trace.property}" fails`);
  }
  if (trace.property === 'assertion' || trace.property === 'atomic-sleep') {
    const failing = trace.failingStep;
    const pid = failing ? cm.layout.processes.findIndex((p) => p.name === failing.process) : -1;
    const pc = pid >= 0 ? last[cm.layout.processes[pid].pcSlot] : -1;
    const step = cm.steps.find((s) => s.pid === pid && s.location === pc && s.step.action === failing?.action);
    if (!step) return bad(`the file reports an assertion failure, but no such failing step is at hand at the end`, 'no failing step');
    try {
      cm.runStep(step.id, last, scratch);
    } catch (e) {
      if (e instanceof ModelRuntimeError) return done(undefined, `assertion: ${failing!.process} fails: ${e.message}`);
      throw e;
    }
    return bad(`the file reports an assertion failure of ${failing!.process}, but its step runs without failing at the end`, 'no assertion failure');
  }
  if (trace.verdict === 'deadlock') {
    const n = enabled();
    if (n !== 0) return bad(`the file reports a deadlock, but ${n < 0 ? 'a step fails' : `${n} step${n > 1 ? 's are' : ' is'} enabled`} at the end`, 'not a deadlock');
    if (cm.allAtValidEnd(last)) return bad('the file reports a deadlock, but every process is at a valid end', 'not a deadlock');
    return done(undefined, `deadlock: ${deadlockMessage}`);
  }
  if (trace.verdict === 'invariant' && trace.property !== undefined) {
    const a = cm.alwaysProperties.indexOf(trace.property);
    if (a >= 0) {
      const v = cm.violatedAlways(last);
      if (v < 0 || cm.alwaysProperties[v] !== trace.property) return bad(`the file reports "${trace.property}" violated, but it holds at the end`, 'invariant holds');
      return done(undefined, invariantMessage(trace.property));
    }
    const e = cm.atEndProperties.indexOf(trace.property);
    if (e < 0) return bad(`the model has no property "${trace.property}"`, 'unknown property');
    const v = enabled() === 0 && cm.allAtValidEnd(last) ? cm.violatedAtEnd(last) : -1;
    if (v < 0 || cm.atEndProperties[v] !== trace.property) return bad(`the file reports "${trace.property}" violated when everything stopped, but that is not so at the end`, 'at-end property holds');
    return done(undefined, atEndMessage(trace.property));
  }
  // The file reports nothing (or was edited to say ok): a violation at the end is news, not a confirmation.
  if (enabled() === 0 && !cm.allAtValidEnd(last)) return bad('the file reports no violation, but the trace ends in a deadlock', 'unreported deadlock');
  const broken = cm.violatedAlways(last);
  if (broken >= 0) return bad(`the file reports no violation, but "${cm.alwaysProperties[broken]}" is violated at the end`, 'unreported violation');
  return done(undefined, 'the trace replays (the file reports no violation to confirm)');
}
