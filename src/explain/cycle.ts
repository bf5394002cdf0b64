/**
 * Finds the cycle in a wait-for graph and names it by processes and
 * resources, or says why a blocked process is stuck when there is none.
 *
 * The search walks "hops" between actors (processes and jobs): a blocked
 * process waits on a resource and is held up by exactly those edges out of it
 * that list it in `blocks` (a reader is not held up by another reader); a job
 * waits for the worker that runs it. Depth-first from each process in pid
 * order, edges in graph order, so the answer is deterministic; the cycle is
 * then rotated to start at its lowest-pid process.
 */
import type { ProcessState } from './process-status.js';
import type { WaitForEdge, WaitForGraph, WaitForNode } from './wait-for.js';

export interface CycleStep {
  /** Node id in the graph. */
  readonly node: string;
  readonly name: string;
  readonly kind: WaitForNode['kind'];
  /** Why the walk leaves a resource this way, e.g. `read-held by writer#2`, `queued behind snapshot_ctr`. */
  readonly note?: string;
}

export interface WaitCycle {
  /** Processes, resources and jobs in order; a resource may appear more than once. */
  readonly steps: readonly CycleStep[];
  /** The step names, e.g. `['writer#2', 'cow_count', 'copy(chunk 0)', 'kcopyd', ...]`. */
  readonly names: readonly string[];
  /** Indices into `graph.edges` of the edges the cycle follows, in order (closing edge last). */
  readonly edges: readonly number[];
  /** One line: `writer#2 -> cow_count -> ... -> _origins_lock (read-held by writer#2)`. */
  readonly text: string;
}

export type FindingKind =
  /** Waits for what only a release can give (a wake-up, a semaphore unit, a flushed work's end) that no process left can bring about. */
  | 'no-waker'
  /** Waits for a lock held by a process that has stopped for good (finished, or idle at a valid end). */
  | 'held-by-stopped'
  /** Waits on a plain condition (a guard), not on a primitive. */
  | 'condition';

export interface Finding {
  readonly kind: FindingKind;
  readonly process: string;
  readonly resource?: string;
  /** One sentence, e.g. `no waker: writer#2 sleeps on in_progress_wait ...`. */
  readonly text: string;
}

export interface WaitForAnalysis {
  readonly cycle?: WaitCycle;
  /** Blocked processes stuck for a reason other than a cycle (a dead end in the graph). */
  readonly findings: readonly Finding[];
  /** One line for reports: the cycle, or the findings, or that there is neither. */
  readonly summary: string;
}

interface Hop {
  readonly to: string;
  /** Edge indices: [waits, out of resource] or [job -> worker]. */
  readonly edges: readonly number[];
  /** The resource passed through, if any. */
  readonly via?: string;
  readonly note?: string;
}

function hopsFrom(graph: WaitForGraph, actor: string, byId: ReadonlyMap<string, WaitForNode>): Hop[] {
  const hops: Hop[] = [];
  const node = byId.get(actor);
  graph.edges.forEach((e, i) => {
    if (e.from !== actor) return;
    if (node?.kind === 'job' && (e.kind === 'runs-on' || e.kind === 'queued-on')) hops.push({ to: e.to, edges: [i] });
    if (node?.kind === 'process' && e.kind === 'waits') {
      graph.edges.forEach((out, j) => {
        if (out.from !== e.to || !out.blocks.includes(actor)) return;
        const note = noteOf(out, byId);
        hops.push({ to: out.to, edges: [i, j], via: e.to, ...(note ? { note } : {}) });
      });
    }
  });
  return hops;
}

function noteOf(e: WaitForEdge, byId: ReadonlyMap<string, WaitForNode>): string | undefined {
  const target = byId.get(e.to)?.name ?? e.to;
  if (e.kind === 'holds') return `${e.mode === undefined || e.mode === 'held' ? 'held' : `${e.mode}-held`} by ${target}`;
  if (e.kind === 'queued-behind') return `queued behind ${target}`;
  return undefined;
}

/** The first cycle found from the processes in pid order, or undefined. */
export function findCycle(graph: WaitForGraph): WaitCycle | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const starts = graph.nodes.filter((n) => n.kind === 'process').map((n) => n.id);

  for (const start of starts) {
    if (done.has(start)) continue;
    // Iterative DFS: the path of actors, the hop taken out of each, and the hops left to try.
    const path: string[] = [start];
    const taken: Hop[] = [];
    const pending: Hop[][] = [hopsFrom(graph, start, byId)];
    const onPath = new Set([start]);
    while (path.length > 0) {
      const options = pending[pending.length - 1];
      const hop = options.shift();
      if (!hop) {
        const finished = path.pop()!;
        onPath.delete(finished);
        done.add(finished);
        pending.pop();
        taken.pop();
        continue;
      }
      if (onPath.has(hop.to)) {
        const at = path.indexOf(hop.to);
        return toCycle(path.slice(at), [...taken.slice(at), hop], byId);
      }
      if (done.has(hop.to)) continue;
      path.push(hop.to);
      onPath.add(hop.to);
      taken.push(hop);
      pending.push(hopsFrom(graph, hop.to, byId));
    }
  }
  return undefined;
}

function toCycle(actors: readonly string[], hops: readonly Hop[], byId: ReadonlyMap<string, WaitForNode>): WaitCycle {
  // Rotate so the cycle starts at its lowest-pid process.
  const pidOf = (id: string) => {
    const n = byId.get(id);
    return n?.kind === 'process' ? n.pid : Number.POSITIVE_INFINITY;
  };
  let first = 0;
  actors.forEach((a, i) => { if (pidOf(a) < pidOf(actors[first])) first = i; });
  const order = actors.map((_, i) => (first + i) % actors.length);
  const steps: CycleStep[] = [];
  const edges: number[] = [];
  for (const i of order) {
    const a = byId.get(actors[i])!;
    steps.push({ node: a.id, name: a.name, kind: a.kind });
    const hop = hops[i];
    if (hop.via) {
      const r = byId.get(hop.via)!;
      steps.push({ node: r.id, name: r.name, kind: r.kind, ...(hop.note ? { note: hop.note } : {}) });
    }
    edges.push(...hop.edges);
  }
  const text = steps.map((s) => (s.note ? `${s.name} (${s.note})` : s.name)).join(' -> ');
  return { steps, names: steps.map((s) => s.name), edges, text };
}

function describeReleaser(r: { process: string; state: ProcessState; viaJobs?: string }, jobWord: (queue: string) => string): string {
  if (r.state === 'done') return `${r.process} has finished`;
  if (r.state === 'idle') return `${r.process} is idle${r.viaJobs ? ` with no ${jobWord(r.viaJobs)} in flight and no one left to queue one` : ''}`;
  return `${r.process} is ${r.state}`;
}

/** Why each blocked process that has no way forward in the graph is stuck. */
export function findDeadEnds(graph: WaitForGraph): Finding[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const jobWord = (queue: string) => {
    const q = byId.get(`resource:${queue}`);
    return q?.kind === 'resource' && q.jobName !== undefined ? q.jobName : 'job';
  };
  const findings: Finding[] = [];
  for (const b of graph.blocked) {
    const me = `process:${b.process}`;
    if (b.resource === undefined) {
      findings.push({ kind: 'condition', process: b.process, text: `${b.process} ${b.condition ?? 'waits on a condition'}, and nothing left can make it true` });
      continue;
    }
    const resource = byId.get(b.resource)!.name;
    const out = graph.edges.filter((e) => e.from === b.resource && e.blocks.includes(me));
    if (b.needsRelease) {
      if (out.length > 0) continue;
      const what = `${b.awaited ?? `a ${b.mode} on ${resource}`}, which no process left can bring about`;
      const why = b.releasers.length > 0 ? b.releasers.map((r) => describeReleaser(r, jobWord)).join('; ')
        : b.releasesItself ? `only ${b.process}'s own code does it, after this wait`
        : 'no process has an operation that does it';
      findings.push({
        kind: 'no-waker',
        process: b.process,
        resource,
        text: `no waker: ${b.process} waits for ${what} (${why})`,
      });
      continue;
    }
    for (const e of out) {
      const n = byId.get(e.to);
      if (n?.kind !== 'process' || (n.state !== 'done' && n.state !== 'idle')) continue;
      const why = n.state === 'done' ? 'has finished without releasing it' : `is idle at ${n.at} and will not release it`;
      findings.push({ kind: 'held-by-stopped', process: b.process, resource, text: `${b.process} waits for ${resource}, held by ${n.name}, which ${why}` });
    }
  }
  return findings;
}

/** The cycle, the dead ends, and a one-line summary. */
export function analyzeWaitFor(graph: WaitForGraph): WaitForAnalysis {
  const cycle = findCycle(graph);
  const findings = findDeadEnds(graph);
  const summary = cycle ? `cycle: ${cycle.text}`
    : findings.length > 0 ? `no cycle; ${findings.map((f) => f.text).join('; ')}`
    : graph.blocked.length > 0 ? 'no cycle: every blocked process can still be released'
    : 'no cycle: no process is blocked';
  return { ...(cycle ? { cycle } : {}), findings, summary };
}
