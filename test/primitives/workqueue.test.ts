import { describe, expect, it } from 'vitest';
import { check } from '../../src/explore/check.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { harness } from './harness.js';

const wq = (works: string[]) => harness({ kind: 'workqueue', name: 'wq', workers: 1, works }, 3);

describe('createWorkqueue', () => {
  it('queue_work is a no-op (0) while the work is pending, and queues it again once it runs', () => {
    const h = wq(['a']);
    expect(h.apply('queueWork', 0, 0)).toBe(1);
    expect(h.apply('queueWork', 0, 0)).toBe(0);
    expect(h.prim.jobs!(h.s)).toEqual([0]);
    expect(h.apply('take', 2)).toBe(0);
    expect(h.apply('queueWork', 0, 0)).toBe(1);
    expect(h.prim.jobs!(h.s)).toEqual([0]);
  });

  it('flush_work returns at once for an idle work, else waits for the instance queued or running when called', () => {
    const h = wq(['a']);
    expect(h.acquire('flush', 0, 0)).toBe('acquired');
    h.apply('queueWork', 0, 0);
    expect(h.acquire('flush', 0, 0)).toBe('blocked');
    h.apply('take', 2);
    expect(h.wait(0)).toBe(1);
    h.apply('finish', 2, 0);
    expect(h.wait(0)).toBe(-1);
  });

  it('flush_work of a work requeued while running waits for the queued instance, not just the current run', () => {
    const h = wq(['a']);
    h.apply('queueWork', 0, 0);
    h.apply('take', 2);
    h.apply('queueWork', 0, 0);
    expect(h.acquire('flush', 0, 0)).toBe('blocked');
    h.apply('finish', 2, 0);
    expect(h.wait(0)).toBe(1);
    h.apply('take', 2);
    h.apply('finish', 2, 0);
    expect(h.wait(0)).toBe(-1);
  });

  it('cancel_work_sync takes a pending work off the queue and waits only for a running one', () => {
    const h = wq(['a', 'b']);
    h.apply('queueWork', 0, 0);
    h.apply('queueWork', 0, 1);
    expect(h.acquire('cancelSync', 1, 0)).toBe('acquired');
    expect(h.prim.jobs!(h.s)).toEqual([1]);
    h.apply('take', 2);
    expect(h.acquire('cancelSync', 1, 1)).toBe('blocked');
    h.apply('finish', 2, 1);
    expect(h.wait(1)).toBe(-1);
  });

  it('never runs one work on two workers at once, and takes works in queue order', () => {
    const h = harness({ kind: 'workqueue', name: 'wq', workers: 2, works: ['a', 'b'] }, 3);
    h.apply('queueWork', 0, 0);
    h.apply('queueWork', 0, 1);
    expect(h.apply('take', 1)).toBe(0);
    h.apply('queueWork', 0, 0);
    // a is running on worker 1: worker 2 skips it and takes b.
    expect(h.apply('take', 2)).toBe(1);
    expect(h.enabled('take', 2)).toBe(false);
  });
});

describe('ModelBuilder.workqueue', () => {
  const at = sourceIn('t.c', 'x');
  const build = (workers: number) => {
    const b = new ModelBuilder('test/wq');
    const count = b.var('count', 0, { max: 2 });
    const q = b.workqueue('wq', { workers });
    const inc = q.work('inc', (p) => p.step('bump', { action: 'count++', source: at(1, 'inc_fn'), effects: [{ kind: 'assign', target: count, value: { kind: 'binary', op: '+', left: count, right: { kind: 'lit', value: 1 } } }] }));
    b.process('main', {}, (p) => p
      .step('q1', { action: 'queue_work', source: at(2, 'main'), op: inc.queue() })
      .step('q2', { action: 'queue_work', source: at(3, 'main'), op: inc.queue() })
      .step('flush', { action: 'flush_work', source: at(4, 'main'), op: inc.flush() }));
    b.atEnd('ran once or twice', { kind: 'binary', op: '>=', left: count, right: { kind: 'lit', value: 1 } });
    return b.build();
  };

  it('adds the worker processes that run the work function, and a flushed work has run', () => {
    const m = build(1);
    expect(m.processes.map((p) => p.name)).toEqual(['main', 'wq_worker']);
    const r = check(m).run();
    expect(r.verdict).toBe('ok');
    expect(r.maxima.count).toBe(2);
  });

  it('runs a pool of workers', () => {
    const r = check(build(2)).run();
    expect(r.verdict).toBe('ok');
  });
});
