/** The classic lost wake-up the tests share: the consumer tests the flag before prepare_to_wait, so the producer's wake_up can find the queue empty. */
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model } from '../../src/model/types.js';

export function flagBeforePrepare(name = 'toy/flag-before-prepare'): Model {
  const at = sourceIn('drivers/x/flag.c', 'v1');
  const b = new ModelBuilder(name);
  const ready = b.var('ready', 0);
  const wq = b.waitQueue('wq');
  b.process('consumer', {}, (p) => p
    .step('test', { action: 'if (!READ_ONCE(ready))', source: at(10, 'consume'), goto: [{ when: eq(ready, 0), to: 'prepare' }, { to: 'end' }] })
    .step('prepare', { action: 'prepare_to_wait(&wq, &wait, TASK_UNINTERRUPTIBLE)', source: at(11, 'consume'), op: wq.prepareToWait() })
    .step('sleep', { action: 'schedule()', source: at(12, 'consume'), op: wq.schedule() })
    .step('finish', { action: 'finish_wait(&wq, &wait)', source: at(13, 'consume'), op: wq.finishWait() }));
  b.process('producer', {}, (p) => p
    .step('write', { action: 'WRITE_ONCE(ready, 1)', source: at(20, 'produce'), effects: [set(ready, 1)] })
    .step('wake', { action: 'wake_up(&wq)', source: at(21, 'produce'), op: wq.wakeUp() }));
  return b.build();
}
