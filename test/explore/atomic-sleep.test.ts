/** Issue 13: a step that may sleep in atomic context is its own violation, "sleeping function called from invalid context". */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';

const at = sourceIn('drivers/x/y.c', 'test');

describe('sleeping in atomic context', () => {
  it('reports spin_lock then mutex_lock as a sleep in atomic context, with a trace, even with nobody else around', () => {
    const b = new ModelBuilder('test/spin-then-mutex');
    const s = b.spinlock('dev_spin');
    const m = b.mutex('dev_mutex');
    b.process('irq_thread', {}, (p) => p
      .step('spin', { action: 'spin_lock(&dev->spin)', source: at(5, 'f'), op: s.lock() })
      .step('lock', { action: 'mutex_lock(&dev->mutex)', source: at(6, 'f'), op: m.lock() })
      .step('unlock', { action: 'mutex_unlock(&dev->mutex)', source: at(7, 'f'), op: m.unlock() })
      .step('unspin', { action: 'spin_unlock(&dev->spin)', source: at(8, 'f'), op: s.unlock() }));
    const cm = compileModel(b.build());
    const r = check(cm).run();
    expect(r.verdict).toBe('invariant');
    expect(r.discovery).toMatchObject({ property: 'atomic-sleep' });
    expect(r.discovery!.message).toMatch(/^BUG: sleeping function called from invalid context: irq_thread calls mutex_lock\(&dev_mutex\), which may sleep, holding spinlock dev_spin/);
    const report = buildReport(cm, r);
    expect(report.counterexample!.trace.map((t) => t.step)).toEqual(['spin']);
    expect(report.counterexample!.failingStep).toMatchObject({ process: 'irq_thread', action: 'mutex_lock(&dev->mutex)' });
    // A property a gate can name and the report lists, as the model can violate it.
    expect(cm.builtInProperties).toEqual(['atomic-sleep']);
    expect(report.properties).toContain('always: atomic-sleep (no sleeping function called in atomic context)');
  });

  it('lists atomic-sleep only for a model where something can be atomic', () => {
    const b = new ModelBuilder('test/mutex-only');
    const m = b.mutex('m');
    b.process('t', {}, (p) => p
      .step('lock', { action: 'mutex_lock', source: at(1, 'h'), op: m.lock() })
      .step('unlock', { action: 'mutex_unlock', source: at(2, 'h'), op: m.unlock() }));
    const cm = compileModel(b.build());
    expect(cm.builtInProperties).toEqual([]);
    expect(buildReport(cm, check(cm).run()).properties).toEqual(['no deadlock']);
  });

  it('does not complain once the spinlock is dropped, and never about spin_trylock or a non-sleeping op', () => {
    const b = new ModelBuilder('test/spin-then-unlock');
    const s = b.spinlock('sl');
    const m = b.mutex('m');
    const c = b.completion('c');
    b.process('t', {}, (p) => {
      const got = p.local('got', 0);
      p.step('spin', { action: 'spin_lock', source: at(1, 'g'), op: s.lock() })
        .step('try', { action: 'mutex_trylock', source: at(2, 'g'), op: m.trylock(got) })
        .step('complete', { action: 'complete', source: at(3, 'g'), op: c.complete() })
        .step('unspin', { action: 'spin_unlock', source: at(4, 'g'), op: s.unlock() })
        .step('unlock', { action: 'mutex_unlock', source: at(5, 'g'), op: m.unlock(), guard: { kind: 'binary', op: '==', left: got, right: { kind: 'lit', value: 1 } } })
        .step('wait', { action: 'wait_for_completion', source: at(6, 'g'), op: c.wait() });
    });
    expect(check(b.build()).run().verdict).toBe('ok');
  });

  it('treats every sleeping op of a process declared in irq context as a bug', () => {
    const b = new ModelBuilder('test/irq-down');
    const sem = b.semaphore('sem', { initial: 1 });
    b.process('handler', { context: 'irq' }, (p) => p.step('down', { action: 'down(&sem)', source: at(9, 'h'), op: sem.down() }));
    const r = check(b.build()).run();
    expect(r.discovery).toMatchObject({ property: 'atomic-sleep' });
    expect(r.discovery!.message).toMatch(/in irq context/);
  });
});
