/**
 * A replayed trace as text: every state along it (variables, where each
 * process is, each primitive), the step between each pair, and what the end
 * turned out to be, or the first place the trace and the model disagree.
 */
import type { CompiledModel } from '../explore/compile.js';
import { processStatuses } from '../explain/process-status.js';
import type { SavedTrace, SavedTraceReplay } from '../explain/saved-trace.js';
import { describePrimitives, variableValues, type TraceRow } from '../explain/trace.js';
import { formatSourceShort } from '../model/source-ref.js';
import { valueText, valueTextOf } from '../model/value-names.js';
import { configTitle, outcomeMark } from './text.js';
import { plural } from './count.js';

/** One state as indented lines: variables, processes (with locals), primitives. */
export function stateLines(cm: CompiledModel, s: Int32Array): string[] {
  const lines: string[] = [];
  const vars = Object.entries(variableValues(cm, s));
  if (vars.length > 0) lines.push(`vars: ${vars.map(([name, value]) => `${name}=${valueTextOf(cm.model.vars, name, value)}`).join(' ')}`);
  for (const p of processStatuses(cm, s)) {
    const proc = cm.layout.processes[p.pid];
    const locals = proc.template.locals.map((l) => `${l.name}=${valueText(l, s[proc.localSlots.get(l.name)!])}`);
    const where = p.state === 'done' ? 'done' : `${p.state === 'runnable' ? '' : `${p.state} `}at '${p.at}'`;
    const blocked = p.state === 'blocked' && p.wait ? ` -- ${p.wait.summary}` : '';
    lines.push(`${p.process}: ${where}${locals.length > 0 ? ` {${locals.join(' ')}}` : ''}${blocked}`);
  }
  lines.push(...describePrimitives(cm, s));
  return lines;
}

const stepLine = (t: TraceRow) =>
  `step ${t.index}: ${t.process} '${t.step}': ${t.action}${outcomeMark(t)}  (${formatSourceShort(t.source)})`;

/**
 * The headline: whether the trace replays as saved, against `against` (the
 * model it was replayed on, named first when --model chose another).
 */
export function replayVerdictLine(trace: SavedTrace, replay: SavedTraceReplay, against = trace.model): string {
  const base = (name: string) => name.replace(/\[.*\]$/, '');
  const head = base(against) === base(trace.model) ? configTitle(trace.model, trace.params) : `${configTitle(against, trace.params)} (a trace of ${trace.model})`;
  if (replay.problem) return `${head}: DOES NOT REPLAY: ${replay.problem.message}`;
  return `${head}: replays: ${replay.steps.length} of ${plural(trace.rows.length, 'step')} enabled as recorded${trace.finalState ? ', same final state' : ''}; ${replay.ending ?? ''}`;
}

export function replayToText(cm: CompiledModel, trace: SavedTrace, replay: SavedTraceReplay, options: { states?: boolean } = {}): string {
  const out: string[] = [replayVerdictLine(trace, replay, cm.model.name)];
  if (options.states !== false) {
    out.push('', 'state 0 (initial)', ...stateLines(cm, replay.states[0]).map((l) => `  ${l}`));
    replay.steps.forEach((t, i) => {
      out.push(stepLine(t), `state ${i + 1}`, ...stateLines(cm, replay.states[i + 1]).map((l) => `  ${l}`));
    });
    if (replay.problem) out.push('', replay.problem.message);
  }
  return out.join('\n');
}
