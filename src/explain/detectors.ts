/**
 * Which of the kernel's own detectors could have reported a deadlock, and
 * which wait each cannot see. The one place the note is composed, from facts
 * kept elsewhere:
 * - lockdep and DEPT go by how each task in the cycle waits: the primitive's
 *   `visibility` (with `opVisibility`), or the kernel's own way of sleeping
 *   there when a step says `kernelWait` (`sleep-state.ts`);
 * - the hung-task detector goes by the task state of every task asleep for
 *   good (the op's `sleepStates`, or the step's `sleep`): it reports only
 *   TASK_UNINTERRUPTIBLE, and one such sleeper is enough.
 */
import type { CompiledModel, CompiledStep } from '../explore/compile.js';
import type { PrimitiveDecl, SleepState } from '../model/types.js';
import type { Visibility } from '../primitives/primitive.js';
import { kernelCallExpr, moduleOf, sleepStateOf, visibilityOf } from '../primitives/registry.js';
import { HUNG_TASK_TEST, hungTaskReports, hungTaskSkips, TASK_STATE } from '../primitives/sleep-state.js';
import type { WaitForAnalysis } from './cycle.js';
import { releasersOf } from './process-status.js';
import type { TraceRow } from './trace.js';
import type { WaitForGraph } from './wait-for.js';

export interface DetectorVerdict {
  readonly detector: 'lockdep' | 'DEPT' | 'hung-task';
  readonly reports: boolean;
  readonly note: string;
}

/** One task asleep for good, and how. */
interface Sleeper {
  readonly process: string;
  readonly pid: number;
  readonly decl: PrimitiveDecl;
  readonly step: CompiledStep;
  readonly state: SleepState;
  /** e.g. `mutex_lock_killable(&cred_guard_mutex)`. */
  readonly call: string;
  readonly visibility: Visibility;
}

/** What a detector looks at in a cycle: a task's wait, or a job handed through a queue. */
type Link = { readonly kind: 'wait'; readonly sleeper: Sleeper } | { readonly kind: 'hop'; readonly decl: PrimitiveDecl };

type Detector = 'lockdep' | 'dept';

/** Every process blocked on a primitive in state `s`, with the step it sleeps (or spins) in. */
function sleepersAt(cm: CompiledModel, graph: WaitForGraph, s: Int32Array): Sleeper[] {
  const out: Sleeper[] = [];
  for (const b of graph.blocked) {
    if (b.resource === undefined) continue;
    const node = graph.nodes.find((n) => n.kind === 'process' && n.name === b.process);
    if (node?.kind !== 'process') continue;
    const primitive = b.resource.replace(/^resource:/, '');
    const step = cm.steps.find((cs) => cs.pid === node.pid && cs.location === s[cm.layout.processes[node.pid].pcSlot] && cs.step.op?.primitive === primitive);
    if (!step) continue;
    const decl = cm.primitives[cm.layout.primitiveIndex.get(primitive)!].decl;
    out.push({
      process: b.process,
      pid: node.pid,
      decl,
      step,
      state: sleepStateOf(decl, step.step),
      call: kernelCallExpr(decl, step.step),
      visibility: visibilityOf(decl, step.step),
    });
  }
  return out;
}

const sees = (link: Link, d: Detector) => (link.kind === 'wait' ? link.sleeper.visibility[d].sees : moduleOf(link.decl).visibility[d].sees);

function blindSpot(cm: CompiledModel, link: Link, d: Detector): string {
  if (link.kind === 'hop') {
    const mod = moduleOf(link.decl);
    return (d === 'lockdep' ? mod.lockdepBlindSpot?.(link.decl, []) : undefined) ?? `it passes through ${link.decl.name}, a ${mod.title}: ${mod.visibility[d].why}.`;
  }
  const { sleeper } = link;
  const mod = moduleOf(sleeper.decl);
  const special = d === 'lockdep' && !sleeper.step.step.kernelWait
    ? mod.lockdepBlindSpot?.(sleeper.decl, releasersOf(cm, sleeper.decl.name).map((pid) => cm.processName(pid)))
    : undefined;
  return special ?? `${sleeper.process} sleeps in ${sleeper.call} (${sleeper.step.step.action}): ${sleeper.visibility[d].why}.`;
}

/** The waits of the cycle in cycle order, then the job queues it passes through that no task in it waits on. */
function linksOf(cm: CompiledModel, analysis: WaitForAnalysis, graph: WaitForGraph, sleepers: readonly Sleeper[]): Link[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes = analysis.cycle!.steps.map((step) => byId.get(step.node));
  const links: Link[] = [];
  for (const n of nodes) {
    const sleeper = n?.kind === 'process' ? sleepers.find((x) => x.process === n.name) : undefined;
    if (sleeper) links.push({ kind: 'wait', sleeper });
  }
  for (const n of nodes) {
    if (n?.kind !== 'job') continue;
    const decl = cm.primitives[cm.layout.primitiveIndex.get(n.queue)!].decl;
    // A job on a queue some task in the cycle waits on (a flushed work item) adds nothing.
    if (!links.some((l) => (l.kind === 'hop' ? l.decl : l.sleeper.decl) === decl)) links.push({ kind: 'hop', decl });
  }
  return links;
}

/**
 * A wait in the cycle that a process outside it could also end, one that is
 * idle or finished rather than asleep (md's thread, which only trylocks
 * reconfig_mutex): why it does not act is no wait a detector records.
 */
function idleWaker(graph: WaitForGraph, links: readonly Link[]): { sleeper: Sleeper; waker: string } | undefined {
  for (const link of links) {
    if (link.kind !== 'wait') continue;
    const b = graph.blocked.find((x) => x.process === link.sleeper.process);
    const waker = b?.releasers.find((r) => r.state === 'idle' || r.state === 'done');
    if (b?.needsRelease && waker) return { sleeper: link.sleeper, waker: waker.process };
  }
  return undefined;
}

function judgeCycle(cm: CompiledModel, analysis: WaitForAnalysis, graph: WaitForGraph, sleepers: readonly Sleeper[]): [DetectorVerdict, DetectorVerdict] {
  const links = linksOf(cm, analysis, graph, sleepers);
  const lockdepBlind = links.find((l) => !sees(l, 'lockdep'));
  const lockdep: DetectorVerdict = lockdepBlind
    ? { detector: 'lockdep', reports: false, note: `lockdep cannot see this cycle: ${blindSpot(cm, lockdepBlind, 'lockdep')}` }
    : {
        detector: 'lockdep',
        reports: true,
        note: `lockdep could flag this cycle: every wait in it is lockdep-annotated (${links.map((l) => (l.kind === 'wait' ? `${l.sleeper.call}: ${l.sleeper.visibility.lockdep.why}` : `${l.decl.name}: ${moduleOf(l.decl).visibility.lockdep.why}`)).join('; ')}).`,
      };
  const deptBlind = links.find((l) => !sees(l, 'dept'));
  if (deptBlind) return [lockdep, { detector: 'DEPT', reports: false, note: `DEPT cannot see this cycle: ${blindSpot(cm, deptBlind, 'dept')}` }];
  const waits = links.map((l) => (l.kind === 'wait' ? l.sleeper.call : l.decl.name)).join(', ');
  const idle = idleWaker(graph, links);
  if (idle) {
    return [lockdep, {
      detector: 'DEPT',
      reports: false,
      note: `DEPT stages every wait in this cycle (${waits}), but ${idle.sleeper.process}'s wait on ${idle.sleeper.decl.name} is for ${idle.waker} too, which is not asleep: what keeps ${idle.waker} from acting (a flag it polls, a trylock it gives up on) is no wait to DEPT (a trylock stages none), so the dependency that decides this deadlock is not one DEPT records.`,
    }];
  }
  return [lockdep, { detector: 'DEPT', reports: true, note: `DEPT could report this cycle once it has seen these waits and their wake-ups: it stages every wait in it (${waits}).` }];
}

/**
 * A sleeper waiting inside what it waits for, on a wait lockdep annotates as a
 * lock acquisition (flush_work of the work it is running: process_one_work
 * holds the work's lockdep map around the function, __flush_work acquires it
 * again; or of a work behind it on an ordered workqueue, whose map both take):
 * lockdep's recursive-locking report, whoever else could end the wait.
 */
function recursiveAcquisition(cm: CompiledModel, sleepers: readonly Sleeper[], s: Int32Array): DetectorVerdict | undefined {
  for (const x of sleepers) {
    if (!x.visibility.lockdep.sees) continue;
    const runtime = cm.primitives[cm.layout.primitiveIndex.get(x.decl.name)!];
    const inside = runtime.waitInfo(s, x.pid, x.step.step.op!.op).inside;
    if (inside === undefined) continue;
    const why = moduleOf(x.decl).lockdepSelfWait?.(x.decl, { process: x.process, call: x.call }, inside);
    if (why !== undefined) return { detector: 'lockdep', reports: true, note: `lockdep reports this as recursive locking ("possible recursive locking detected"): ${why}.` };
  }
  return undefined;
}

function judgeStuck(cm: CompiledModel, analysis: WaitForAnalysis, sleepers: readonly Sleeper[], s: Int32Array, path: readonly number[], trace: readonly TraceRow[]): [DetectorVerdict, DetectorVerdict] {
  const [lockdep, dept] = judgeStuckWaits(cm, analysis, sleepers, path, trace);
  return [recursiveAcquisition(cm, sleepers, s) ?? lockdep, dept];
}

function judgeStuckWaits(cm: CompiledModel, analysis: WaitForAnalysis, sleepers: readonly Sleeper[], path: readonly number[], trace: readonly TraceRow[]): [DetectorVerdict, DetectorVerdict] {
  for (const f of analysis.findings) {
    if (f.kind !== 'no-waker' || f.resource === undefined) continue;
    const sleeper = sleepers.find((x) => x.process === f.process);
    const others = releasersOf(cm, f.resource).filter((pid) => pid !== sleeper?.pid);
    if (!sleeper || !releasersOf(cm, f.resource).includes(sleeper.pid) || others.length > 0) continue;
    // Only its own code wakes it: a self-deadlock, not a lost wake-up.
    const what = `${sleeper.process} sleeps in ${sleeper.call} for a wake-up that only its own code gives, after the sleep: it waits for an event only it can cause`;
    return [
      { detector: 'lockdep', reports: false, note: `lockdep cannot report this: ${what}, and no lock is involved.` },
      sleeper.visibility.dept.sees
        ? { detector: 'DEPT', reports: false, note: `DEPT stages this wait, but whether it reports a wait for an event its own task must deliver was not checked: ${what}.` }
        : { detector: 'DEPT', reports: false, note: `DEPT cannot see it: ${sleeper.visibility.dept.why}.` },
    ];
  }
  const lost = analysis.findings.map((f) => (f.kind === 'no-waker' && f.resource !== undefined ? missedWakeUp(cm, path, trace, f.resource) : undefined)).find((x) => x !== undefined);
  return lost
    ? [
        { detector: 'lockdep', reports: false, note: `lockdep cannot report this: there is no cycle of lock dependencies, only a task asleep after the wake-up meant for it was spent before it slept (a lost wake-up: ${lost}).` },
        { detector: 'DEPT', reports: false, note: 'DEPT cannot report this either: it reports cycles of waits and events, and here a wake-up was lost rather than waited for in a circle.' },
      ]
    : [
        { detector: 'lockdep', reports: false, note: 'lockdep cannot report this: there is no cycle of lock dependencies, only tasks asleep with nobody left to wake them.' },
        { detector: 'DEPT', reports: false, note: 'DEPT cannot report this either: it reports cycles of waits and events, and here the task that could wake them has finished or gone idle.' },
      ];
}

/**
 * The step of `path` at which a wake-up on `resource` was lost: one that woke
 * nobody, or a branch that passed over the wake-up (its location has an
 * alternative that wakes `resource`, e.g. "queue empty, no wake-up needed").
 */
function missedWakeUp(cm: CompiledModel, path: readonly number[], trace: readonly TraceRow[], resource: string): string | undefined {
  const prim = cm.primitives[cm.layout.primitiveIndex.get(resource)!];
  const wakes = (cs: CompiledStep) => cs.step.op?.primitive === resource && prim.releaseOps.includes(cs.step.op.op);
  for (let k = 0; k < path.length; k++) {
    const cs = cm.steps[path[k]];
    const passedOver = !wakes(cs) && cm.steps.some((o) => o.pid === cs.pid && o.location === cs.location && wakes(o));
    if (trace[k].wokeNobody || passedOver) return `step ${k + 1}, ${trace[k].process}: ${trace[k].action}`;
  }
  return undefined;
}

function judgeHungTask(sleepers: readonly Sleeper[]): DetectorVerdict {
  const seen = sleepers.filter((x) => hungTaskReports(x.state));
  if (seen.length > 0) {
    return {
      detector: 'hung-task',
      reports: true,
      note: `the hung-task detector would report ${seen.map((x) => `${x.process} (${x.call}, TASK_UNINTERRUPTIBLE)`).join(', ')} after hung_task_timeout_secs (120 s by default), without naming the cycle: ${HUNG_TASK_TEST}.`,
    };
  }
  if (sleepers.length === 0) return { detector: 'hung-task', reports: false, note: 'the hung-task detector reports no task here: nobody sleeps in TASK_UNINTERRUPTIBLE.' };
  return {
    detector: 'hung-task',
    reports: false,
    note: `the hung-task detector stays silent: ${sleepers.map((x) => `${x.process} waits in ${x.call} in ${TASK_STATE[x.state]} (${hungTaskSkips(x.state)})`).join('; ')}; ${HUNG_TASK_TEST}.`,
  };
}

/** lockdep, DEPT and the hung-task detector, in that order, for the deadlock at state `s`, reached by the step ids `path` (`trace` its rows). */
export function judgeDetectors(cm: CompiledModel, analysis: WaitForAnalysis, graph: WaitForGraph, s: Int32Array, path: readonly number[], trace: readonly TraceRow[]): DetectorVerdict[] {
  const sleepers = sleepersAt(cm, graph, s);
  const [lockdep, dept] = analysis.cycle ? judgeCycle(cm, analysis, graph, sleepers) : judgeStuck(cm, analysis, sleepers, s, path, trace);
  return [lockdep, dept, judgeHungTask(sleepers)];
}
