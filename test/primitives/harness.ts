/** Runs one primitive on its own: its slots first, then one wait slot per process. */
import type { PrimitiveDecl } from '../../src/model/types.js';
import type { PrimitiveRuntime } from '../../src/primitives/primitive.js';
import { createPrimitive } from '../../src/primitives/registry.js';

export interface Harness {
  readonly prim: PrimitiveRuntime;
  readonly s: Int32Array;
  /** 0 running, > 0 asleep on the primitive, -1 granted. */
  wait(pid: number): number;
  /** Runs a blocking op the way the engine does; returns 'acquired' or 'blocked'. */
  acquire(op: string, pid: number, arg?: number): 'acquired' | 'blocked';
  /** The engine's wake-up step: a granted process returns from its op. */
  wake(pid: number): void;
  apply(op: string, pid: number, arg?: number): number;
  enabled(op: string, pid: number): boolean;
}

export function harness(decl: PrimitiveDecl, processes: number): Harness {
  const probe = createPrimitive(decl, { id: 0, base: 0, processCount: processes, waitSlot: new Int32Array(processes) });
  const waitSlot = Int32Array.from({ length: processes }, (_, i) => probe.slotCount + i);
  const prim = createPrimitive(decl, { id: 0, base: 0, processCount: processes, waitSlot });
  const s = new Int32Array(probe.slotCount + processes);
  prim.init(s);
  return {
    prim,
    s,
    wait: (pid) => s[waitSlot[pid]],
    acquire(op, pid, arg = 0) {
      const impl = prim.ops[op];
      if (impl.kind !== 'blocking') throw new Error(`${op} does not block`);
      if (s[waitSlot[pid]] !== 0) throw new Error(`process ${pid} is not running`);
      if (impl.tryAcquire(s, pid, arg)) return 'acquired';
      impl.block(s, pid, arg);
      s[waitSlot[pid]] = 1;
      return 'blocked';
    },
    wake(pid) {
      if (s[waitSlot[pid]] !== -1) throw new Error(`process ${pid} was not granted (wait slot ${s[waitSlot[pid]]})`);
      s[waitSlot[pid]] = 0;
    },
    apply(op, pid, arg = 0) {
      const impl = prim.ops[op];
      if (impl.kind === 'blocking') throw new Error(`${op} blocks`);
      return impl.apply(s, pid, arg);
    },
    enabled(op, pid) {
      const impl = prim.ops[op];
      if (impl.kind !== 'guarded') throw new Error(`${op} is not guarded`);
      return impl.enabled(s, pid);
    },
  };
}
