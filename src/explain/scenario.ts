/**
 * A deadlock in the layout lockdep prints as "Possible unsafe locking
 * scenario": one column per task, time downwards, lock operations only,
 * taken from the slice. And whether lockdep itself could have reported it:
 * lockdep follows lock-to-lock dependencies of owned locks; a cycle that
 * passes through a counting semaphore (released by another task), a wait
 * queue (a wake-up) or a job run by a worker is invisible to it.
 */
import type { CompiledModel } from '../explore/compile.js';
import type { WaitForAnalysis } from './cycle.js';
import { jobName } from './hand-offs.js';
import { kernelCall, releasersOf } from './process-status.js';
import type { TraceSlice } from './slice.js';
import type { TraceRow } from './trace.js';
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
  /** 1-based index of the trace step. */
  readonly step: number;
}

export interface LockingScenario {
  readonly columns: readonly string[];
  readonly rows: readonly ScenarioRow[];
  /** Whether lockdep could flag this cycle. */
  readonly lockdepVisible: boolean;
  /** Why (not): the edge lockdep cannot see, or that all edges are lock dependencies. */
  readonly lockdepNote: string;
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
      const decl = cm.primitives[cm.layout.primitiveIndex.get(op.primitive)!].decl;
      if (decl.kind === 'jobqueue') {
        // The job: last in the queue after a submit, first in it before a take.
        const base = cm.layout.primitives[cm.layout.primitiveIndex.get(op.primitive)!].base;
        const after = states[index];
        const before = states[index - 1];
        const payload = op.op === 'submit' ? after[base + after[base]] : before[base + 1];
        text = op.op === 'submit' ? `queue ${jobName(cm, decl.name, payload)} on ${decl.name};` : `run ${jobName(cm, decl.name, payload)} callback;`;
      } else text = `${kernelCall(decl.kind, op.op)}(&${op.primitive});`;
    } else text = `/* ${row.action} */`;
    if (!columns.includes(row.process)) columns.push(row.process);
    rows.push({ column: columns.indexOf(row.process), text, blocks: row.outcome === 'blocked', ...(row.wokeNobody ? { wokeNobody: true } : {}), step: index });
  }

  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  let lockdepVisible = false;
  let lockdepNote: string;
  if (!analysis.cycle) {
    lockdepNote = 'lockdep cannot report this: there is no cycle of lock dependencies, only a task asleep with nobody left to wake it (a lost wake-up).';
  } else {
    const hidden = analysis.cycle.steps
      .map((s) => nodes.get(s.node))
      .find((n) => n !== undefined && (n.kind === 'job' || (n.kind === 'resource' && (n.primitive === 'semaphore' || n.primitive === 'waitqueue' || n.primitive === 'jobqueue'))));
    if (!hidden) {
      lockdepVisible = true;
      lockdepNote = 'lockdep could flag this cycle: every edge is an owned lock held while waiting for another.';
    } else if (hidden.kind === 'resource' && hidden.primitive === 'semaphore') {
      const releasers = releasersOf(cm, hidden.name).map((pid) => cm.processName(pid));
      lockdepNote = `lockdep cannot see this cycle: ${hidden.name} is a counting semaphore, which lockdep does not track; ` +
        `its up() comes from another task (${releasers.join(', ') || 'none'}), not from the one that did down(), so the edge "waits for ${hidden.name}" has no owner to point at.`;
    } else if (hidden.kind === 'resource' && hidden.primitive === 'waitqueue') {
      lockdepNote = `lockdep cannot see this cycle: the edge through ${hidden.name} is a sleep on a wait queue, ended by another task's wake-up, which lockdep does not track as a lock dependency.`;
    } else {
      lockdepNote = `lockdep cannot see this cycle: it passes through ${hidden.name}, work run by a worker task, and waiting for that work to finish is not a lock lockdep tracks.`;
    }
  }
  return { columns, rows, lockdepVisible, lockdepNote };
}

/** The scenario as lockdep would print it. */
export function scenarioToText(s: LockingScenario): string {
  const cell = (r: ScenarioRow) => `${r.text}${r.blocks ? '  <- sleeps' : r.wokeNobody ? '  <- woke nobody' : ''}`;
  // Each column as wide as its widest cell, as lockdep's CPU0/CPU1 columns.
  const widths = s.columns.map((c, k) => Math.max(c.length, ...s.rows.filter((r) => r.column === k).map((r) => cell(r).length)) + 4);
  const offset = (k: number) => widths.slice(0, k).reduce((a, b) => a + b, 0);
  const lines = [' Possible unsafe locking scenario:', ''];
  lines.push(`  ${s.columns.map((c, k) => c.padEnd(widths[k])).join('').trimEnd()}`);
  lines.push(`  ${s.columns.map((c, k) => '-'.repeat(c.length).padEnd(widths[k])).join('').trimEnd()}`);
  for (const r of s.rows) lines.push(`  ${' '.repeat(offset(r.column))}${cell(r)}`);
  lines.push('', ' *** DEADLOCK ***', '', ` ${s.lockdepNote}`);
  return lines.join('\n');
}
