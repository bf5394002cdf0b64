/** The wait_event_exclusive consumer the wait-queue tests share: take an item, or sleep as an exclusive waiter and look again. */
import type { ModelBuilder, VarRef, WaitQueueHandle } from '../../src/model/builder.js';
import { dec, eq, gt } from '../../src/model/expr.js';
import type { SourceRef } from '../../src/model/types.js';

export function exclusiveConsumers(b: ModelBuilder, wq: WaitQueueHandle, items: VarRef, at: (line: number, fn: string) => SourceRef, instances = 2): void {
  b.process('consumer', { instances }, (p) => p
    .step('prepare', { action: 'prepare_to_wait_exclusive(&wq, &wait, TASK_UNINTERRUPTIBLE)', source: at(10, 'consume'), op: wq.prepareToWaitExclusive() })
    .choice('test', [
      { name: 'got', action: 'items > 0: finish_wait; items--', source: at(11, 'consume'), guard: gt(items, 0), op: wq.finishWait(), effects: [dec(items)], goto: 'end' },
      { name: 'empty', action: 'items == 0', source: at(11, 'consume'), guard: eq(items, 0) },
    ])
    .step('sleep', { action: 'schedule()', source: at(12, 'consume'), op: wq.schedule(), goto: 'prepare' }));
}
