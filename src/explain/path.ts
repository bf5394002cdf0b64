/**
 * Rebuilds the states along a counterexample by replaying its step ids from
 * the initial state. Each step must be enabled where the path says it runs;
 * if not, the path and the model disagree, and the error says where, as
 * stateright's path.rs does.
 */
import type { CompiledModel } from '../explore/compile.js';

export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** States s0..sn along `path` (n = path.length). */
export function replayPath(cm: CompiledModel, path: readonly number[]): Int32Array[] {
  const states = [cm.initialState()];
  for (const [i, stepId] of path.entries()) {
    const cs = cm.steps[stepId];
    if (!cs) throw new ReplayError(`step ${i + 1}: no step with id ${stepId} in model ${cm.model.name} (was the trace made from another model or other parameters?)`);
    const next = new Int32Array(cm.slotCount);
    if (!cm.runStep(stepId, states[i], next)) {
      throw new ReplayError(
        `step ${i + 1}: ${cm.processName(cs.pid)} '${cs.step.name}' is not enabled there ` +
          '(the model changed since the trace was made, or its parameters differ)',
      );
    }
    states.push(next);
  }
  return states;
}
