/**
 * Packs a model's state into int slots: global variables, then per process
 * instance its program counter, wait slot and locals, then each primitive's
 * slots. One state is one `Int32Array` of `slotCount` ints.
 *
 * Wait slot: 0 running; k > 0 asleep on primitive k-1; -1 granted (the lock
 * was handed over while asleep, the process's next step is its wake-up).
 */
import { ModelError } from '../model/model-error.js';
import { END_LABEL, type Model, type ProcessDecl } from '../model/types.js';
import { slotCountOf } from '../primitives/registry.js';

/** Bitmasks of processes live in one int. */
export const MAX_PROCESSES = 30;

export interface ProcessInstance {
  readonly pid: number;
  /** Display name: `writer#2` for an instance of a group, `kcopyd` for a singleton. */
  readonly name: string;
  readonly template: ProcessDecl;
  /** 0-based index within its group (the model's `self`). */
  readonly instance: number;
  readonly pcSlot: number;
  readonly waitSlot: number;
  readonly localSlots: ReadonlyMap<string, number>;
  /** pc value of each label; `end` is `locations.length`. */
  readonly labelIndex: ReadonlyMap<string, number>;
}

export interface PrimitiveSlot {
  readonly id: number;
  readonly base: number;
  readonly count: number;
}

export interface Layout {
  readonly slotCount: number;
  readonly varSlots: ReadonlyMap<string, number>;
  readonly processes: readonly ProcessInstance[];
  readonly primitives: readonly PrimitiveSlot[];
  readonly primitiveIndex: ReadonlyMap<string, number>;
}

export function processDisplayName(template: ProcessDecl, instance: number): string {
  return template.instances > 1 ? `${template.name}#${instance + 1}` : template.name;
}

export function buildLayout(model: Model): Layout {
  let next = 0;
  const varSlots = new Map<string, number>();
  for (const v of model.vars) varSlots.set(v.name, next++);

  const processCount = model.processes.reduce((n, p) => n + p.instances, 0);
  if (processCount > MAX_PROCESSES) {
    throw new ModelError(`${model.name}: ${processCount} processes; at most ${MAX_PROCESSES} are supported`);
  }
  const processes: ProcessInstance[] = [];
  for (const template of model.processes) {
    const labelIndex = new Map<string, number>(template.locations.map((l, i) => [l.label, i]));
    labelIndex.set(END_LABEL, template.locations.length);
    for (let instance = 0; instance < template.instances; instance++) {
      const pcSlot = next++;
      const waitSlot = next++;
      const localSlots = new Map<string, number>();
      for (const l of template.locals) localSlots.set(l.name, next++);
      processes.push({
        pid: processes.length,
        name: processDisplayName(template, instance),
        template,
        instance,
        pcSlot,
        waitSlot,
        localSlots,
        labelIndex,
      });
    }
  }

  const primitives: PrimitiveSlot[] = [];
  const primitiveIndex = new Map<string, number>();
  model.primitives.forEach((decl, id) => {
    const count = slotCountOf(decl, processCount);
    primitives.push({ id, base: next, count });
    primitiveIndex.set(decl.name, id);
    next += count;
  });
  return { slotCount: next, varSlots, processes, primitives, primitiveIndex };
}
