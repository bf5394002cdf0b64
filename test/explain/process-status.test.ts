import { describe, expect, it } from 'vitest';
import { processStatuses } from '../../src/explain/process-status.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('demo.c', 'test');

describe('processStatuses', () => {
  it('says an idle workqueue worker waits for work that a process which still can queue it may give', () => {
    const b = new ModelBuilder('queue-later');
    const wq = b.workqueue('wq', { workers: 1 });
    const ev = wq.work('event_work', (p) => p.step('run', { action: 'handle_event()', source: at(10, 'event_fn') }));
    b.process('irq', {}, (p) => p.step('queue', { action: 'queue_work(wq, &event_work)', source: at(20, 'irq_thread'), op: ev.queue() }));
    const cm = compileModel(b.build());
    const worker = processStatuses(cm, cm.initialState()).find((p) => p.process === 'wq_worker')!;
    expect(worker.wait).toMatchObject({ primitive: 'wq', mode: 'work', releasers: ['irq'] });
    expect(worker.wait!.summary).toMatch(/only irq can release it/);
  });
});
