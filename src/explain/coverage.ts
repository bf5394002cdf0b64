/** Steps that never ran in a search, per process template (SPIN's "unreached code"). */
import type { CompiledModel } from '../explore/compile.js';

export interface UnreachedStep {
  readonly process: string;
  readonly step: string;
  readonly action: string;
  readonly required: boolean;
}

/**
 * A template's step counts as reached if any instance ran it. After a search
 * that stopped at a violation, "unreached" only means "not reached before
 * the search stopped".
 */
export function unreachedSteps(cm: CompiledModel, covered: Uint8Array): UnreachedStep[] {
  const reached = new Set<string>();
  for (const cs of cm.steps) {
    if (covered[cs.id]) reached.add(`${cm.layout.processes[cs.pid].template.name}\u0000${cs.step.name}`);
  }
  const out: UnreachedStep[] = [];
  for (const p of cm.model.processes) {
    for (const loc of p.locations) {
      for (const s of loc.steps) {
        if (!reached.has(`${p.name}\u0000${s.name}`)) out.push({ process: p.name, step: s.name, action: s.action, required: s.required });
      }
    }
  }
  return out;
}
