/**
 * The state panel of the explorer as rows: every process (what it is doing,
 * and for a stuck one what it waits for), every variable and process local,
 * and every primitive (its holders, queue and counts, in the primitive's
 * own words), each marked when it differs from the state one step earlier.
 * Pure; the page only draws the rows.
 */
import type { CompiledModel } from '../../explore/compile.js';
import { processStatuses } from '../../explain/process-status.js';
import { valueText, valueTextOf } from '../../model/value-names.js';
import { KIND_NAMES } from '../dot-wait-for.js';

export type StateSection = 'processes' | 'variables' | 'primitives';

export interface StateRow {
  readonly section: StateSection;
  readonly name: string;
  readonly text: string;
  /** The row's text one step earlier, when it differs (absent at the initial state). */
  readonly was?: string;
}


function rowsOf(cm: CompiledModel, s: Int32Array): Array<Omit<StateRow, 'was'>> {
  const rows: Array<Omit<StateRow, 'was'>> = [];
  for (const p of processStatuses(cm, s)) {
    const asleep = s[cm.layout.processes[p.pid].waitSlot];
    const state = p.state === 'runnable' && asleep < 0 ? 'runnable (woken, lock handed over)' : p.state;
    rows.push({ section: 'processes', name: p.process, text: `${state} at ${p.at}${p.wait ? `: ${p.wait.summary}` : ''}` });
  }
  for (const v of cm.model.vars) rows.push({ section: 'variables', name: v.name, text: valueText(v, s[cm.layout.varSlots.get(v.name)!]) });
  for (const proc of cm.layout.processes) {
    for (const [local, slot] of proc.localSlots) rows.push({ section: 'variables', name: `${proc.name}.${local}`, text: valueTextOf(proc.template.locals, local, s[slot]) });
  }
  for (const prim of cm.primitives) {
    const policy = prim.decl.kind === 'rwsem' ? ` (${prim.decl.policy})` : '';
    const state = prim.describe(s, cm.processName) || 'free';
    rows.push({ section: 'primitives', name: prim.decl.name, text: `${KIND_NAMES[prim.decl.kind] ?? prim.decl.kind}${policy}: ${state}` });
  }
  return rows;
}

/** The rows of `s`, each with `was` set when it changed since `before`. */
export function stateRows(cm: CompiledModel, s: Int32Array, before?: Int32Array): StateRow[] {
  const now = rowsOf(cm, s);
  if (!before) return now;
  const then = new Map(rowsOf(cm, before).map((r) => [`${r.section}:${r.name}`, r.text]));
  return now.map((r) => {
    const was = then.get(`${r.section}:${r.name}`);
    return was !== undefined && was !== r.text ? { ...r, was } : r;
  });
}
