/**
 * What each process is doing in a state, and for a stuck one, what it waits
 * for: the primitive's own account (holders, queue order) plus which
 * processes could release it (those whose code has a releasing op on it and
 * have not finished). These are the edges wait-for graphs are drawn from.
 */
import type { CompiledModel } from '../explore/compile.js';
import { formatExpr } from '../model/expr.js';
import type { WaitInfo } from '../primitives/primitive.js';

export type ProcessState = 'done' | 'idle' | 'blocked' | 'runnable';

export interface ProcessStatus {
  readonly pid: number;
  readonly process: string;
  readonly state: ProcessState;
  /** Label of the location the process is at (`end` when done). */
  readonly at: string;
  /** For blocked processes: the kernel call it is stuck in. */
  readonly action?: string;
  readonly wait?: BlockedOn;
}

export interface BlockedOn {
  /** `_origins_lock`, `cow_count`, ... or undefined when stuck on a plain guard. */
  readonly primitive?: string;
  /** `read`, `write`, `down`, `wake-up`, `job`, `lock`, or `condition`. */
  readonly mode: string;
  readonly holders: ReadonlyArray<{ process: string; mode: string }>;
  readonly queuedBehind: ReadonlyArray<{ process: string; mode: string }>;
  /** Processes that could still release it (non-empty only for owner-less resources). */
  readonly releasers: readonly string[];
  /** One line, e.g. `down_read(_origins_lock): queued behind snapshot_ctr (write)`. */
  readonly summary: string;
}

/** pid -> processes whose code can release primitive `prim` (by any releasing op). */
export function releasersOf(cm: CompiledModel, primitive: string): number[] {
  const prim = cm.primitives.find((p) => p.decl.name === primitive);
  if (!prim) return [];
  const pids = new Set<number>();
  for (const cs of cm.steps) {
    if (cs.step.op?.primitive === primitive && prim.releaseOps.includes(cs.step.op.op)) pids.add(cs.pid);
  }
  return [...pids].sort((a, b) => a - b);
}

export function processStatuses(cm: CompiledModel, s: Int32Array): ProcessStatus[] {
  const scratch = new Int32Array(cm.slotCount);
  return cm.layout.processes.map((proc) => {
    const pc = s[proc.pcSlot];
    const locations = proc.template.locations;
    const name = proc.name;
    if (pc === locations.length) return { pid: proc.pid, process: name, state: 'done', at: 'end' };
    const loc = locations[pc];
    const here = cm.steps.filter((cs) => cs.pid === proc.pid && cs.location === pc);
    const enabled = here.some((cs) => cm.runStep(cs.id, s, scratch));
    if (enabled) return { pid: proc.pid, process: name, state: 'runnable', at: loc.label };
    const wait = blockedOn(cm, s, proc.pid, here.map((cs) => cs.step));
    const state: ProcessState = loc.validEnd && s[proc.waitSlot] === 0 ? 'idle' : 'blocked';
    return { pid: proc.pid, process: name, state, at: loc.label, action: here[0]?.step.action, wait };
  });
}

function blockedOn(
  cm: CompiledModel,
  s: Int32Array,
  pid: number,
  steps: ReadonlyArray<CompiledModel['steps'][number]['step']>,
): BlockedOn {
  const proc = cm.layout.processes[pid];
  const waitSlot = s[proc.waitSlot];
  const opStep = steps.find((st) => st.op !== undefined && (waitSlot > 0 ? cm.layout.primitiveIndex.get(st.op.primitive) === waitSlot - 1 : true));
  if (!opStep?.op) {
    const guards = steps.map((st) => (st.guard ? formatExpr(st.guard) : 'true')).join(' or ');
    return { mode: 'condition', holders: [], queuedBehind: [], releasers: [], summary: `waits until ${guards}` };
  }
  const primId = cm.layout.primitiveIndex.get(opStep.op.primitive)!;
  const prim = cm.primitives[primId];
  const info: WaitInfo = prim.waitInfo(s, pid, opStep.op.op);
  const name = (p: number) => cm.processName(p);
  const holders = info.holders.filter((h) => h.pid !== pid).map((h) => ({ process: name(h.pid), mode: h.mode }));
  const queuedBehind = info.queuedAhead.map((q) => ({ process: name(q.pid), mode: q.mode }));
  const releasers = info.needsRelease
    ? releasersOf(cm, info.primitive).filter((r) => r !== pid && s[cm.layout.processes[r].pcSlot] !== cm.layout.processes[r].template.locations.length).map(name)
    : [];
  const call = `${opStep.op.op}(${info.primitive})`;
  const parts: string[] = [];
  if (holders.length > 0) parts.push(`held by ${holders.map((h) => `${h.process} (${h.mode})`).join(', ')}`);
  if (queuedBehind.length > 0) parts.push(`queued behind ${queuedBehind.map((q) => `${q.process} (${q.mode})`).join(', ')}`);
  if (info.needsRelease) {
    parts.push(releasers.length > 0 ? `only ${releasers.join(' or ')} can release it` : 'no process left can release it');
  }
  return {
    primitive: info.primitive,
    mode: info.mode,
    holders,
    queuedBehind,
    releasers,
    summary: `${call}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`,
  };
}
