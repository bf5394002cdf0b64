/**
 * A deadlock in the layout lockdep prints as "Possible unsafe locking
 * scenario": one column per task, time downwards, lock operations only,
 * taken from the slice, with the verdicts of the kernel's own detectors
 * (`detectors.ts`).
 */
import type { CompiledModel } from '../explore/compile.js';
import { kernelCallExpr, moduleOf } from '../primitives/registry.js';
import type { WaitForAnalysis } from './cycle.js';
import { jobName } from './hand-offs.js';
import { judgeDetectors, type DetectorVerdict } from './detectors.js';
import type { TraceSlice } from './slice.js';
import { wokeMark, type TraceRow } from './trace.js';
import type { WaitForGraph } from './wait-for.js';

export interface ScenarioRow {
  /** Index into `columns`. */
  readonly column: number;
  /** e.g. `down_read(&_origins_lock);` */
  readonly text: string;
  /** The task sleeps here for good. */
  readonly blocks: boolean;
  /** A wake-up that found nobody asleep on its queue. */
  readonly wokeNobody?: boolean;
  /** A wake-up that reached a task not yet asleep: `woke consumer#1, not yet asleep`. */
  readonly wokeMark?: string;
  /** 1-based index of the trace step. */
  readonly step: number;
}

export type { DetectorVerdict };

export interface LockingScenario {
  readonly columns: readonly string[];
  readonly rows: readonly ScenarioRow[];
  /** Whether lockdep could flag this cycle. */
  readonly lockdepVisible: boolean;
  /** Why (not): the edge lockdep cannot see, or that all edges are lock dependencies. */
  readonly lockdepNote: string;
  /** lockdep, DEPT and the hung-task detector: whether each could report this deadlock, and the edge it cannot see. */
  readonly detectors: readonly DetectorVerdict[];
}

export function buildScenario(
  cm: CompiledModel,
  trace: readonly TraceRow[],
  path: readonly number[],
  states: readonly Int32Array[],
  slice: TraceSlice,
  analysis: WaitForAnalysis,
  graph: WaitForGraph,
): LockingScenario {
  const columns: string[] = [];
  const rows: ScenarioRow[] = [];
  for (const index of slice.indices) {
    const cs = cm.steps[path[index - 1]];
    const row = trace[index - 1];
    const op = cs.step.op;
    let text: string;
    if (op) {
      const id = cm.layout.primitiveIndex.get(op.primitive)!;
      const decl = cm.primitives[id].decl;
      const mod = moduleOf(decl);
      text = mod.scenarioText
        ? mod.scenarioText(decl, op.op, cm.layout.primitives[id].base, states[index - 1], states[index], (payload) => jobName(cm, decl.name, payload), op.arg?.kind === 'lit' ? op.arg.value : undefined)
        : `${kernelCallExpr(decl, cs.step)};`;
    } else text = `/* ${row.action} */`;
    if (!columns.includes(row.process)) columns.push(row.process);
    rows.push({ column: columns.indexOf(row.process), text, blocks: row.outcome === 'blocked', ...(row.wokeNobody ? { wokeNobody: true } : {}), ...(wokeMark(row) ? { wokeMark: wokeMark(row) } : {}), step: index });
  }

  const detectors = judgeDetectors(cm, analysis, graph, states[states.length - 1], path, trace);
  const lockdep = detectors[0];
  return { columns, rows, lockdepVisible: lockdep.reports, lockdepNote: lockdep.note, detectors };
}

/** The scenario as lockdep would print it. */
export function scenarioToText(s: LockingScenario): string {
  const cell = (r: ScenarioRow) => `${r.text}${r.blocks ? '  <- sleeps' : r.wokeNobody ? '  <- woke nobody' : r.wokeMark ? `  <- ${r.wokeMark}` : ''}`;
  // Each column as wide as its widest cell, as lockdep's CPU0/CPU1 columns.
  const widths = s.columns.map((c, k) => Math.max(c.length, ...s.rows.filter((r) => r.column === k).map((r) => cell(r).length)) + 4);
  const offset = (k: number) => widths.slice(0, k).reduce((a, b) => a + b, 0);
  const lines = [' Possible unsafe locking scenario:', ''];
  lines.push(`  ${s.columns.map((c, k) => c.padEnd(widths[k])).join('').trimEnd()}`);
  lines.push(`  ${s.columns.map((c, k) => '-'.repeat(c.length).padEnd(widths[k])).join('').trimEnd()}`);
  for (const r of s.rows) lines.push(`  ${' '.repeat(offset(r.column))}${cell(r)}`);
  lines.push('', ' *** DEADLOCK ***', '', ...s.detectors.map((d) => ` ${d.note}`));
  return lines.join('\n');
}
