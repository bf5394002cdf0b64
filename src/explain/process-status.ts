/**
 * What each process is doing in a state, and for a stuck one, what it waits
 * for: the primitive's own account (holders, queue order) plus which
 * processes could release it (those whose code has a releasing op on it and
 * have not finished). These are the edges wait-for graphs are drawn from.
 */
import type { CompiledModel } from '../explore/compile.js';
import { formatExpr } from '../model/expr.js';
import type { WaitInfo } from '../primitives/primitive.js';
import { kernelCallExpr } from '../primitives/registry.js';

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

/** pid -> processes whose code can release primitive `prim` (by any of `ops`, by default its releasing ops). */
export function releasersOf(cm: CompiledModel, primitive: string, ops?: readonly string[]): number[] {
  const prim = cm.primitives.find((p) => p.decl.name === primitive);
  if (!prim) return [];
  const releasing = ops ?? prim.releaseOps;
  const pids = new Set<number>();
  for (const cs of cm.steps) {
    if (cs.step.op?.primitive === primitive && releasing.includes(cs.step.op.op)) pids.add(cs.pid);
  }
  return [...pids].sort((a, b) => a - b);
}

export function processStatuses(cm: CompiledModel, s: Int32Array): ProcessStatus[] {
  const scratch = new Int32Array(cm.slotCount);
  // First what each process is doing, then what the stuck ones wait for,
  // which needs to know whether the would-be releasers can still act.
  const base = cm.layout.processes.map((proc) => {
    const pc = s[proc.pcSlot];
    const locations = proc.template.locations;
    if (pc === locations.length) return { proc, state: 'done' as ProcessState, here: [] as CompiledModel['steps'][number][] };
    const here = cm.steps.filter((cs) => cs.pid === proc.pid && cs.location === pc);
    // A step that fails when run (a misuse, a sleep in atomic context) is one the process can take: it is not stuck.
    const enabled = here.some((cs) => {
      try {
        return cm.runStep(cs.id, s, scratch);
      } catch {
        return true;
      }
    });
    const state: ProcessState = enabled ? 'runnable' : locations[pc].validEnd && s[proc.waitSlot] === 0 ? 'idle' : 'blocked';
    return { proc, state, here };
  });
  const stateOf = (pid: number) => base[pid].state;
  return base.map(({ proc, state, here }): ProcessStatus => {
    const name = proc.name;
    const at = state === 'done' ? 'end' : proc.template.locations[s[proc.pcSlot]].label;
    if (state === 'done' || state === 'runnable') return { pid: proc.pid, process: name, state, at };
    const wait = blockedOn(cm, s, proc.pid, here.map((cs) => cs.step), stateOf);
    return { pid: proc.pid, process: name, state, at, action: here[0]?.step.action, wait };
  });
}

function blockedOn(
  cm: CompiledModel,
  s: Int32Array,
  pid: number,
  steps: ReadonlyArray<CompiledModel['steps'][number]['step']>,
  stateOf: (pid: number) => ProcessState,
): BlockedOn {
  const proc = cm.layout.processes[pid];
  const waitSlot = s[proc.waitSlot];
  // Asleep: on the primitive its wait slot names. Awake but stuck: on a
  // primitive only if it spins there (a guarded op the primitive refuses);
  // otherwise every op would run if its guard held, so a guard stops it.
  const spinsOn = (op: NonNullable<CompiledModel['steps'][number]['step']['op']>) => {
    const impl = cm.primitives[cm.layout.primitiveIndex.get(op.primitive)!].ops[op.op];
    if (impl.kind !== 'guarded') return false;
    try {
      return !impl.enabled(s, pid);
    } catch {
      return true; // the primitive rejects the call outright (e.g. a spinlock taken twice)
    }
  };
  const opStep = steps.find((st) => st.op !== undefined && (waitSlot > 0 ? cm.layout.primitiveIndex.get(st.op.primitive) === waitSlot - 1 : spinsOn(st.op)));
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
  // Finished processes will never release anything; idle ones only if given work.
  const candidates = info.needsRelease ? releasersOf(cm, info.primitive, info.releasedBy).filter((r) => r !== pid && stateOf(r) !== 'done') : [];
  const releasers = candidates.map(name);
  const call = kernelCallExpr(prim.decl, opStep);
  const parts: string[] = [];
  if (holders.length > 0) parts.push(`held by ${holders.map((h) => `${h.process} (${h.mode})`).join(', ')}`);
  if (queuedBehind.length > 0) parts.push(`queued behind ${queuedBehind.map((q) => `${q.process} (${q.mode})`).join(', ')}`);
  if (info.needsRelease) {
    const idle = candidates.filter((r) => stateOf(r) === 'idle').map(name);
    parts.push(
      releasers.length === 0 ? 'no process left can release it'
      : `only ${releasers.join(' or ')} can release it${idle.length > 0 ? ` (${idle.join(', ')} ${idle.length > 1 ? 'are' : 'is'} idle with nothing left to do)` : ''}`,
    );
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
