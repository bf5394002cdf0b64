/**
 * The wait-for graph of one state: who holds what, who waits for what, and
 * what only some other process or in-flight job can release. It is the union
 * of each primitive's own account (`holders`, `queue`, `waitInfo` through
 * `processStatuses`) plus two generic inferences:
 *
 * - Jobs: a job queue's queued payloads, plus the job a worker has taken and
 *   not finished. A worker is a process with a `take` op; it is processing
 *   the job in its `into` local while its program counter is at a location
 *   reached only after that take (not back at the take, not before it).
 * - Owner-less resources (semaphore units, wake-ups): only processes whose
 *   code has a releasing op on the primitive (`releasersOf`) can help. When
 *   such a release sits inside a worker's job loop, it is each in-flight job
 *   of that queue that will release it, on that worker.
 *
 * Every arrow points from something stuck to what it waits for, so a
 * deadlock is a directed cycle. Edges leaving a resource say which waiters
 * they hold up (`blocks`): a reader waiting on an rw_semaphore is not held up
 * by another reader, only by a writer holding it or queued ahead of it.
 * Pure data, generic over any model.
 */
import type { CompiledModel, CompiledStep } from '../explore/compile.js';
import type { PrimitiveKind, SourceRef } from '../model/types.js';
import { kernelCallExpr, moduleOf, sliceRoleOf } from '../primitives/registry.js';
import { jobName } from './hand-offs.js';
import { processStatuses, releasersOf, type ProcessState, type ProcessStatus } from './process-status.js';

export interface ProcessNode {
  readonly kind: 'process';
  /** `process:<name>`. */
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  readonly state: ProcessState;
  /** Location label (`end` when done). */
  readonly at: string;
  /** For a blocked process: the kernel statement it is stuck in, and where. */
  readonly action?: string;
  readonly source?: SourceRef;
  /** For a blocked process: the call it sleeps or spins in, e.g. `down(&cow_count)`. */
  readonly call?: string;
}

export interface ResourceNode {
  readonly kind: 'resource';
  /** `resource:<primitive name>`. */
  readonly id: string;
  readonly name: string;
  readonly primitive: PrimitiveKind;
  /** e.g. `writer-fair` for an rw_semaphore. */
  readonly policy?: string;
  /** The primitive's own one-line state, e.g. `readers {writer#2}, queue [snapshot_ctr:W, kcopyd:R]`. */
  readonly detail: string;
  /** Job queues: what one job is called (`copy`). */
  readonly jobName?: string;
  /** Counting semaphores: units available now and at initialisation. */
  readonly tokens?: { readonly available: number; readonly initial: number };
}

export interface JobNode {
  readonly kind: 'job';
  /** `job:<queue>:<k>`, k in order: running jobs first, then queued ones oldest first. */
  readonly id: string;
  /** e.g. `copy(chunk 0)`. */
  readonly name: string;
  /** The job queue's primitive name. */
  readonly queue: string;
  readonly payload: number;
  /** Taken by a worker and not finished, or still in the queue. */
  readonly status: 'running' | 'queued';
  /** Worker process names: the one running it, or those that may take it. */
  readonly workers: readonly string[];
}

export type WaitForNode = ProcessNode | ResourceNode | JobNode;

export type WaitForEdgeKind =
  /** process -> resource: blocked on it (label: the mode, `read`, `down`, `wake-up`, ...). */
  | 'waits'
  /** resource -> process: the process holds it (label: the mode). */
  | 'holds'
  /** resource -> process: queued ahead of a waiter, in the primitive's FIFO order. */
  | 'queued-behind'
  /** resource -> process or job: an owner-less resource only this can release (semaphore up, wake-up). */
  | 'released-by'
  /** job -> worker: the job's completion runs on that worker. */
  | 'runs-on'
  /** job -> worker: the job waits in the queue for that worker. */
  | 'queued-on'
  /** job queue -> queued job. */
  | 'contains'
  /** job queue -> worker: who serves the queue (context, never a wait). */
  | 'served-by';

export interface WaitForEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: WaitForEdgeKind;
  /** Short label for diagrams, e.g. `read`, `queued ahead of kcopyd`. */
  readonly label: string;
  /** The mode involved: the waiter's for `waits`, the holder's for `holds` and `queued-behind`. */
  readonly mode?: string;
  /**
   * For edges out of a resource: the ids of the blocked processes this edge
   * holds up. Empty for a hold no one is waiting on.
   */
  readonly blocks: readonly string[];
}

/** What a blocked process waits for, as the graph sees it. */
export interface WaitForBlock {
  readonly process: string;
  /** Resource node id, or undefined for a plain guard (`condition`). */
  readonly resource?: string;
  readonly mode: string;
  /** No owner to wait for: only a releasing op by another process helps. */
  readonly needsRelease: boolean;
  /** Processes whose code can release it, with their state now (owner-less resources only). */
  readonly releasers: ReadonlyArray<{ readonly process: string; readonly state: ProcessState; readonly viaJobs?: string }>;
  /** What would end the wait, naming the resource (owner-less resources only; see `WaitInfo.awaited`). */
  readonly awaited?: string;
  /** Its own code also releases it (a work function flushing its own work): no help while it waits. */
  readonly releasesItself?: boolean;
  /** For a plain guard: the condition text. */
  readonly condition?: string;
}

export interface WaitForGraph {
  readonly nodes: readonly WaitForNode[];
  readonly edges: readonly WaitForEdge[];
  /** One entry per blocked process, in pid order. */
  readonly blocked: readonly WaitForBlock[];
}

export const processNodeId = (name: string): string => `process:${name}`;
export const resourceNodeId = (name: string): string => `resource:${name}`;

/** A worker's relation to one job queue: where it takes jobs and where it is inside a job. */
interface WorkerInfo {
  readonly pid: number;
  readonly queue: string;
  /** Local receiving the payload. */
  readonly into: string;
  readonly takeLocation: number;
  /** Locations reached only after taking a job and before coming back to take. */
  readonly inside: ReadonlySet<number>;
}

/** Locations reachable from `starts` without entering `barrier`. */
function reachable(cm: CompiledModel, pid: number, starts: readonly number[], barrier: number): Set<number> {
  const proc = cm.layout.processes[pid];
  const locations = proc.template.locations;
  const seen = new Set<number>();
  const todo = starts.filter((l) => l !== barrier);
  while (todo.length > 0) {
    const loc = todo.pop()!;
    if (seen.has(loc)) continue;
    seen.add(loc);
    if (loc >= locations.length) continue;
    for (const step of locations[loc].steps) {
      for (const b of step.next) {
        const to = proc.labelIndex.get(b.to)!;
        if (to !== barrier && !seen.has(to)) todo.push(to);
      }
    }
  }
  return seen;
}

function findWorkers(cm: CompiledModel): WorkerInfo[] {
  const out: WorkerInfo[] = [];
  for (const cs of cm.steps) {
    const op = cs.step.op;
    if (op === undefined || sliceRoleOf(cm.model.primitives, op.primitive, op.op) !== 'job-take' || op.into === undefined) continue;
    const proc = cm.layout.processes[cs.pid];
    const after = reachable(cm, cs.pid, cs.step.next.map((b) => proc.labelIndex.get(b.to)!), cs.location);
    const before = reachable(cm, cs.pid, [0], cs.location);
    const inside = new Set([...after].filter((l) => !before.has(l) && l < proc.template.locations.length));
    out.push({ pid: cs.pid, queue: op.primitive, into: op.into, takeLocation: cs.location, inside });
  }
  return out;
}

/** An edge while the graph is being built: waiters are added to `blocks` as they are found. */
type EdgeDraft = Omit<WaitForEdge, 'blocks'> & { blocks: string[] };

/**
 * Builds the wait-for graph of state `s`. `statuses` defaults to
 * `processStatuses(cm, s)`; pass them when already computed.
 */
export function buildWaitForGraph(cm: CompiledModel, s: Int32Array, statuses: readonly ProcessStatus[] = processStatuses(cm, s)): WaitForGraph {
  const nodes: WaitForNode[] = [];
  const edges: EdgeDraft[] = [];
  const blocked: WaitForBlock[] = [];
  const name = (pid: number) => cm.processName(pid);
  const stateOf = (pid: number) => statuses[pid].state;

  // Processes. For a blocked one, the step it is stuck at (the one on the primitive it sleeps on).
  const stuckAt = new Map<number, CompiledStep>();
  for (const st of statuses) {
    const proc = cm.layout.processes[st.pid];
    const here = st.state === 'blocked' ? cm.steps.filter((cs) => cs.pid === st.pid && cs.location === s[proc.pcSlot]) : [];
    const opStep = here.find((cs) => cs.step.op !== undefined && cs.step.op.primitive === st.wait?.primitive);
    if (opStep) stuckAt.set(st.pid, opStep);
    const op = opStep?.step.op;
    nodes.push({
      kind: 'process',
      id: processNodeId(st.process),
      name: st.process,
      pid: st.pid,
      state: st.state,
      at: st.at,
      ...(st.action !== undefined ? { action: st.action } : {}),
      ...(here[0] ? { source: (opStep ?? here[0]).step.source } : {}),
      ...(op ? { call: kernelCallExpr(cm.primitives[cm.layout.primitiveIndex.get(op.primitive)!].decl, opStep.step) } : {}),
    });
  }

  // Resources.
  cm.primitives.forEach((prim) => {
    const decl = prim.decl;
    nodes.push({
      kind: 'resource',
      id: resourceNodeId(decl.name),
      name: decl.name,
      primitive: decl.kind,
      detail: prim.describe(s, name),
      ...moduleOf(decl).nodeFacts(decl, prim, s),
    });
  });

  // Jobs in flight: taken and unfinished (running), then queued.
  const workers = findWorkers(cm);
  const jobsOf = new Map<string, JobNode[]>();
  cm.primitives.forEach((prim) => {
    if (!prim.jobs) return;
    const queue = prim.decl.name;
    const mine = workers.filter((w) => w.queue === queue);
    const jobs: JobNode[] = [];
    const add = (payload: number, status: JobNode['status'], ws: readonly string[]) => {
      jobs.push({ kind: 'job', id: `job:${queue}:${jobs.length}`, name: jobName(cm, queue, payload), queue, payload, status, workers: ws });
    };
    for (const w of mine) {
      const proc = cm.layout.processes[w.pid];
      if (stateOf(w.pid) !== 'done' && w.inside.has(s[proc.pcSlot])) add(s[proc.localSlots.get(w.into)!], 'running', [proc.name]);
    }
    const live = mine.filter((w) => stateOf(w.pid) !== 'done').map((w) => name(w.pid));
    for (const payload of prim.jobs(s)) add(payload, 'queued', live);
    jobsOf.set(queue, jobs);
    nodes.push(...jobs);
    const qid = resourceNodeId(queue);
    for (const w of [...new Set(mine.map((m) => m.pid))]) {
      edges.push({ from: qid, to: processNodeId(name(w)), kind: 'served-by', label: 'served by', blocks: [] });
    }
    jobs.forEach((job, k) => {
      if (job.status === 'queued') edges.push({ from: qid, to: job.id, kind: 'contains', label: `queued #${k + 1 - jobs.filter((j) => j.status === 'running').length}`, blocks: [] });
      for (const w of job.workers) {
        edges.push(job.status === 'running'
          ? { from: job.id, to: processNodeId(w), kind: 'runs-on', label: 'completion runs on', blocks: [] }
          : { from: job.id, to: processNodeId(w), kind: 'queued-on', label: 'waits for', blocks: [] });
      }
    });
  });

  // Holds: one edge per holder of each owned lock.
  const holdEdges = new Map<string, EdgeDraft>();
  cm.primitives.forEach((prim) => {
    for (const h of prim.holders(s)) {
      const edge: EdgeDraft = { from: resourceNodeId(prim.decl.name), to: processNodeId(name(h.pid)), kind: 'holds', label: h.mode === 'held' ? 'held by' : `${h.mode}-held by`, mode: h.mode, blocks: [] };
      holdEdges.set(`${prim.decl.name}\u0000${name(h.pid)}`, edge);
      edges.push(edge);
    }
  });

  const addReleasedBy = (from: string, to: string, label: string, waiter: string) => {
    const existing = edges.find((e) => e.kind === 'released-by' && e.from === from && e.to === to);
    if (existing) existing.blocks.push(waiter);
    else edges.push({ from, to, kind: 'released-by', label, blocks: [waiter] });
  };

  // What each blocked process waits for, and which edges out of the resource hold it up.
  for (const st of statuses) {
    if (st.state !== 'blocked' || !st.wait) continue;
    const me = processNodeId(st.process);
    const w = st.wait;
    if (w.primitive === undefined) {
      blocked.push({ process: st.process, mode: w.mode, needsRelease: false, releasers: [], condition: w.summary });
      continue;
    }
    const rid = resourceNodeId(w.primitive);
    const prim = cm.primitives[cm.layout.primitiveIndex.get(w.primitive)!];
    edges.push({ from: me, to: rid, kind: 'waits', label: w.mode, mode: w.mode, blocks: [me] });
    const stuck = stuckAt.get(st.pid);
    const info = stuck?.step.op !== undefined ? prim.waitInfo(s, st.pid, stuck.step.op.op) : undefined;
    const needsRelease = info?.needsRelease === true;
    if (!needsRelease) {
      const mod = moduleOf(prim.decl);
      for (const h of w.holders) {
        if (mod.conflicts(prim.decl, w.mode, h.mode)) holdEdges.get(`${w.primitive}\u0000${h.process}`)?.blocks.push(me);
      }
      for (const q of mod.passesQueue(prim.decl, w.mode) ? [] : w.queuedBehind) {
        if (!mod.conflicts(prim.decl, w.mode, q.mode)) continue;
        edges.push({ from: rid, to: processNodeId(q.process), kind: 'queued-behind', label: `queued ahead of ${st.process}`, mode: q.mode, blocks: [me] });
      }
      blocked.push({ process: st.process, resource: rid, mode: w.mode, needsRelease: false, releasers: [] });
      continue;
    }
    // Owner-less: only a releasing op by someone else helps.
    const releasers: Array<WaitForBlock['releasers'][number]> = [];
    let releasesItself = false;
    const tokens = moduleOf(prim.decl).nodeFacts(prim.decl, prim, s).tokens;
    const initial = tokens?.initial;
    const tokensOut = tokens ? tokens.initial - tokens.available : undefined;
    for (const r of releasersOf(cm, w.primitive, info?.releasedBy)) {
      if (r === st.pid) {
        releasesItself = true;
        continue;
      }
      const viaJobs = jobLoopReleasing(cm, workers, r, w.primitive);
      releasers.push({ process: name(r), state: stateOf(r), ...(viaJobs ? { viaJobs } : {}) });
      if (stateOf(r) === 'done') continue;
      if (viaJobs) {
        const jobs = (jobsOf.get(viaJobs) ?? []).filter((j) => j.workers.includes(name(r)));
        // Each unit out is held by one in-flight job when the counts agree.
        const each = tokensOut !== undefined && tokensOut === jobs.length ? ` (holds 1 of ${initial} token${initial === 1 ? '' : 's'})` : '';
        for (const j of jobs) {
          addReleasedBy(rid, j.id, `${releaseVerb(w.mode)} only by its completion${each}`, me);
        }
        // An idle worker with nothing in flight helps only if someone still alive queues a job.
        if (jobs.length === 0 && stateOf(r) === 'idle') {
          for (const sub of submittersOf(cm, viaJobs)) {
            if (sub === st.pid || stateOf(sub) === 'done' || stateOf(sub) === 'idle') continue;
            const queueDecl = cm.model.primitives.find((p) => p.name === viaJobs);
            const job = (queueDecl && moduleOf(queueDecl).nodeFacts(queueDecl, cm.primitives[cm.layout.primitiveIndex.get(viaJobs)!], s).jobName) ?? 'job';
            addReleasedBy(rid, processNodeId(name(sub)), `${releaseVerb(w.mode)} only after it queues a ${job}`, me);
          }
        }
      } else if (stateOf(r) !== 'idle') {
        addReleasedBy(rid, processNodeId(name(r)), `${releaseVerb(w.mode)} only by`, me);
      }
    }
    blocked.push({ process: st.process, resource: rid, mode: w.mode, needsRelease: true, releasers, awaited: info?.awaited ?? `a ${w.mode} on ${w.primitive}`, ...(releasesItself ? { releasesItself } : {}) });
  }
  return { nodes, edges, blocked };
}

/** `released` for units, `woken` for wake-ups. */
function releaseVerb(mode: string): string {
  return mode === 'wake-up' ? 'woken' : 'released';
}

/** Processes whose code queues jobs on `queue`. */
function submittersOf(cm: CompiledModel, queue: string): number[] {
  return [...new Set(cm.steps.filter((cs) => cs.step.op?.primitive === queue && sliceRoleOf(cm.model.primitives, queue, cs.step.op.op) === 'job-submit').map((cs) => cs.pid))];
}

/**
 * If every releasing step of process `pid` on `primitive` lies inside one of
 * its job loops, the queue of that loop: the release happens only as part of
 * finishing a job.
 */
function jobLoopReleasing(cm: CompiledModel, workers: readonly WorkerInfo[], pid: number, primitive: string): string | undefined {
  const prim = cm.primitives[cm.layout.primitiveIndex.get(primitive)!];
  const releasing: CompiledStep[] = cm.steps.filter((cs) => cs.pid === pid && cs.step.op?.primitive === primitive && prim.releaseOps.includes(cs.step.op.op));
  for (const w of workers) {
    if (w.pid === pid && releasing.length > 0 && releasing.every((cs) => w.inside.has(cs.location))) return w.queue;
  }
  return undefined;
}
