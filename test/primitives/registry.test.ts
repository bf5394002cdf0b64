import { describe, expect, it } from 'vitest';
import { PRIMITIVE_OPS } from '../../src/model/primitive-ops.js';
import type { PrimitiveDecl } from '../../src/model/types.js';
import { createPrimitive } from '../../src/primitives/registry.js';

const decls: PrimitiveDecl[] = [
  { kind: 'rwsem', name: 'a', policy: 'writer-fair' },
  { kind: 'semaphore', name: 'b', initial: 1 },
  { kind: 'spinlock', name: 'c' },
  { kind: 'mutex', name: 'd' },
  { kind: 'waitqueue', name: 'e' },
  { kind: 'jobqueue', name: 'f', capacity: 2, jobName: 'job' },
  { kind: 'completion', name: 'g' },
  { kind: 'workqueue', name: 'h', workers: 1, works: ['w'] },
];

describe('createPrimitive', () => {
  it.each(decls)('implements exactly the ops and queries the model layer declares for $kind', (decl) => {
    const prim = createPrimitive(decl, { id: 0, base: 0, processCount: 2, waitSlot: new Int32Array(2) });
    const table = PRIMITIVE_OPS[decl.kind];
    expect(Object.keys(prim.ops).sort()).toEqual(Object.keys(table.ops).sort());
    expect(Object.keys(prim.queries).sort()).toEqual([...table.queries].sort());
    const sleeping = Object.entries(prim.ops).filter(([, op]) => op.kind === 'blocking').map(([n]) => n).sort();
    expect(sleeping).toEqual([...table.sleeping].sort());
  });
});
