/** Primitive kind -> implementation. */
import type { PrimitiveDecl } from '../model/types.js';
import { createJobQueue } from './job-queue.js';
import { createMutex } from './mutex.js';
import type { PrimitiveContext, PrimitiveRuntime } from './primitive.js';
import { createRwSemaphore } from './rw-semaphore.js';
import { createSemaphore } from './semaphore.js';
import { createSpinlock } from './spinlock.js';
import { createWaitQueue } from './wait-queue.js';

export function createPrimitive(decl: PrimitiveDecl, ctx: PrimitiveContext): PrimitiveRuntime {
  switch (decl.kind) {
    case 'rwsem': return createRwSemaphore(decl, ctx);
    case 'semaphore': return createSemaphore(decl, ctx);
    case 'mutex': return createMutex(decl, ctx);
    case 'spinlock': return createSpinlock(decl, ctx);
    case 'waitqueue': return createWaitQueue(decl, ctx);
    case 'jobqueue': return createJobQueue(decl, ctx);
  }
}

/** How many int slots a primitive needs, without building it. */
export function slotCountOf(decl: PrimitiveDecl, processCount: number): number {
  return createPrimitive(decl, { id: 0, base: 0, processCount, waitSlot: new Int32Array(processCount) }).slotCount;
}
