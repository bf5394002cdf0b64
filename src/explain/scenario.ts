/**
 * A deadlock in the layout lockdep prints as "Possible unsafe locking
 * scenario": one column per task, time downwards, lock operations only,
 * taken from the slice. And which of the kernel's own detectors could have
 * reported it, from each primitive's `visibility`: lockdep follows
 * dependencies between lockdep-annotated waits (owned locks, a work item's
 * lockdep map); DEPT also follows completions and wait queues; the hung-task
 * detector sees any task asleep in TASK_UNINTERRUPTIBLE too long, but not the
 * cycle.
 */
import type { CompiledModel } from '../explore/compile.js';
import type { PrimitiveDecl } from '../model/types.js';
import type { Visibility } from '../primitives/primitive.js';
import { kernelCall, moduleOf } from '../primitives/registry.js';
import type { WaitForAnalysis } from './cycle.js';
import { jobName } from './hand-offs.js';
import { releasersOf } from './process-status.js';
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
  /** lockdep, DEPT and the hung-task detector: whether each could report this deadlock, and the edge it cannot see. */
  readonly detectors: readonly DetectorVerdict[];
}

export interface DetectorVerdict {
  readonly detector: 'lockdep' | 'DEPT' | 'hung-task';
  readonly reports: boolean;
  readonly note: string;
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
        : `${kernelCall(decl, op.op)}(&${op.primitive});`;
    } else text = `/* ${row.action} */`;
    if (!columns.includes(row.process)) columns.push(row.process);
    rows.push({ column: columns.indexOf(row.process), text, blocks: row.outcome === 'blocked', ...(row.wokeNobody ? { wokeNobody: true } : {}), step: index });
  }

  const detectors = judgeDetectors(cm, analysis, graph);
  const lockdep = detectors[0];
  return { columns, rows, lockdepVisible: lockdep.reports, lockdepNote: lockdep.note, detectors };
}

/** The primitives a deadlock passes through: the cycle's resources (a job counts as its queue), or, without a cycle, what the stuck tasks wait on. */
function primitivesOf(cm: CompiledModel, analysis: WaitForAnalysis, graph: WaitForGraph): PrimitiveDecl[] {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const names: string[] = [];
  if (analysis.cycle) {
    for (const step of analysis.cycle.steps) {
      const n = nodes.get(step.node);
      if (n?.kind === 'resource') names.push(n.name);
      if (n?.kind === 'job') names.push(n.queue);
    }
  } else {
    for (const b of graph.blocked) if (b.resource) names.push(b.resource.replace(/^resource:/, ''));
  }
  return [...new Set(names)].map((name) => cm.primitives[cm.layout.primitiveIndex.get(name)!].decl);
}

function judgeDetectors(cm: CompiledModel, analysis: WaitForAnalysis, graph: WaitForGraph): DetectorVerdict[] {
  const prims = primitivesOf(cm, analysis, graph);
  const blind = (d: keyof Visibility) => prims.find((p) => !moduleOf(p).visibility[d].sees);
  const sentence = (d: keyof Visibility, p: PrimitiveDecl) => {
    const mod = moduleOf(p);
    const special = d === 'lockdep' ? mod.lockdepBlindSpot?.(p, releasersOf(cm, p.name).map((pid) => cm.processName(pid))) : undefined;
    return special ?? `${p.name} is a ${mod.title}: ${mod.visibility[d].why}.`;
  };

  let lockdep: DetectorVerdict;
  let dept: DetectorVerdict;
  if (!analysis.cycle) {
    lockdep = { detector: 'lockdep', reports: false, note: 'lockdep cannot report this: there is no cycle of lock dependencies, only a task asleep with nobody left to wake it (a lost wake-up).' };
    dept = { detector: 'DEPT', reports: false, note: 'DEPT cannot report this either: it reports cycles of waits and events, and here a wake-up was lost rather than waited for in a circle.' };
  } else {
    const l = blind('lockdep');
    lockdep = l
      ? { detector: 'lockdep', reports: false, note: `lockdep cannot see this cycle: ${sentence('lockdep', l)}` }
      : { detector: 'lockdep', reports: true, note: `lockdep could flag this cycle: every edge is a lockdep-annotated wait (${prims.map((p) => `${p.name}: ${moduleOf(p).visibility.lockdep.why}`).join('; ')}).` };
    const d = blind('dept');
    dept = d
      ? { detector: 'DEPT', reports: false, note: `DEPT cannot see this cycle: ${sentence('dept', d)}` }
      : { detector: 'DEPT', reports: true, note: `DEPT could report this cycle: it tracks every wait and event in it (${prims.map((p) => moduleOf(p).title).join(', ')}).` };
  }
  const seen = prims.filter((p) => moduleOf(p).visibility.hungTask.sees);
  const hung: DetectorVerdict = seen.length > 0
    ? { detector: 'hung-task', reports: true, note: `the hung-task detector would report the tasks asleep on ${seen.map((p) => p.name).join(', ')} after hung_task_timeout_secs (120 s by default), without naming the cycle: ${moduleOf(seen[0]).visibility.hungTask.why}.` }
    : { detector: 'hung-task', reports: false, note: `the hung-task detector reports no task here: ${prims.length > 0 ? sentence('hungTask', prims[0]) : 'nobody sleeps in TASK_UNINTERRUPTIBLE.'}` };
  return [lockdep, dept, hung];
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
  lines.push('', ' *** DEADLOCK ***', '', ...s.detectors.map((d) => ` ${d.note}`));
  return lines.join('\n');
}
