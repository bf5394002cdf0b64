/** Issue 17: a model without parameters is named without a stray space before its colon. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { checkToText, configTitle, diagramsLine, finishedLine, verdictCell, verdictLine } from '../../src/render/text.js';
import { instantiate } from '../../src/model/definition.js';
import { registry } from '../../models/index.js';
import { abba, guardedLock } from '../explain/small-models.js';
import { announcedWrite, spinLoop } from '../explore/liveness-models.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, set } from '../../src/model/expr.js';
import { replayPath } from '../../src/explain/path.js';
import { stateLines } from '../../src/render/replay.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { checkToJson } from '../../src/render/json.js';

describe('configTitle', () => {
  it('is the bare model name when there are no parameters, name and parameters otherwise', () => {
    expect(configTitle('example/abba', {})).toBe('example/abba');
    expect(configTitle('dm-snapshot/semaphore', { writers: 2, ctrs: 1 })).toBe('dm-snapshot/semaphore writers=2 ctrs=1');
  });
});

describe('verdictLine', () => {
  it('puts the colon right after the name of a model without parameters', () => {
    const cm = compileModel(abba());
    const line = verdictLine(buildReport(cm, check(cm).run()));
    expect(line).toMatch(/^abba: DEADLOCK after \d+ steps/);
  });
});

describe('the last state of a counterexample', () => {
  const textOf = (model: ReturnType<typeof abba>) => {
    const cm = compileModel(model);
    return checkToText(buildReport(cm, check(cm).run()));
  };

  it('lists the variables with the processes and primitives under "Final state:"', () => {
    const text = textOf(guardedLock());
    expect(text.slice(text.indexOf('Final state:'))).toMatch(/^Final state:\n {2}waiter: blocked at 'lock'\n {2}flag = 0\n {2}M: free/);
  });

  it('lists them under "State where the cycle begins:" of a liveness violation', () => {
    const text = textOf(spinLoop());
    expect(text.slice(text.indexOf('State where the cycle begins:'))).toMatch(/^State where the cycle begins:\n {2}flag = 0$/m);
  });

  it('does not call a process blocked forever when an invariant failed and the lock holder can still run', () => {
    const at = sourceIn('x.c', 'v6.12');
    const b = new ModelBuilder('t');
    const s = b.spinlock('dev_spin');
    const m = b.mutex('m');
    b.process('task', {}, (p) => p
      .step('lock', { action: 'spin_lock(&dev_spin)', source: at(1, 't'), op: s.lock() })
      .step('unlock', { action: 'spin_unlock(&dev_spin)', source: at(2, 't'), op: s.unlock() }));
    b.process('hardirq', { context: 'irq' }, (p) => p
      .step('lock', { action: 'spin_lock(&dev_spin)', source: at(10, 'irq'), op: s.lock() })
      .step('m', { action: 'mutex_lock(&m)', source: at(11, 'irq'), op: m.lock() })
      .step('mu', { action: 'mutex_unlock(&m)', source: at(12, 'irq'), op: m.unlock() })
      .step('unlock', { action: 'spin_unlock(&dev_spin)', source: at(13, 'irq'), op: s.unlock() }));
    const text = textOf(b.build());
    expect(text).toMatch(/VIOLATION of "atomic-sleep"/);
    expect(text).not.toContain('Blocked forever');
    expect(text).toMatch(/^Blocked when it stops:\n {2}task at 'lock': spin_lock\(&dev_spin\): held by hardirq/m);
  });
});

describe('value names in a report', () => {
  it('shows a named value with its name under "Final state:", as replay does', () => {
    const at = sourceIn('x.c', 'v6.12');
    const b = new ModelBuilder('t');
    const st = b.var('st', 0, { max: 1, names: ['IDLE', 'BUSY'] });
    b.process('p', {}, (p) => p
      .step('busy', { action: 'dev->state = BUSY', source: at(1, 'f'), effects: [set(st, 1)] })
      .step('wait', { action: 'wait until IDLE', source: at(2, 'f'), guard: eq(st, 0) }));
    const cm = compileModel(b.build());
    const report = buildReport(cm, check(cm).run());
    expect(checkToText(report)).toMatch(/^Final state:\n {2}p: blocked at 'wait'\n {2}st = BUSY \(1\)$/m);
    const replay = stateLines(cm, replayPath(cm, report.result.discovery!.path).at(-1)!);
    expect(replay[0]).toBe('vars: st=BUSY (1)');
  });
});

describe('diagramsLine', () => {
  it('names a run\'s diagram files in one short line, as the shell expands it', () => {
    const files = { waitforDot: 'out/r/waitfor.dot', waitforSvg: 'out/r/waitfor.svg', traceDot: 'out/r/trace.dot', traceSvg: 'out/r/trace.svg', report: 'out/r/report.txt' };
    expect(diagramsLine(files)).toBe('diagrams: out/r/{waitfor,trace}.{dot,svg}');
    expect(diagramsLine({ a: 'out/r/waitfor.dot', b: 'out/r/waitfor.svg', c: 'out/r/states.dot' })).toBe('diagrams: out/r/waitfor.{dot,svg}, out/r/states.dot');
    expect(diagramsLine({ report: 'out/r/report.txt' })).toBeUndefined();
  });
});

describe('finishedLine', () => {
  it('says when a reduction made the state count smaller than a plain check would store', () => {
    const cm = compileModel(instantiate(registry.find((d) => d.name === 'dm-snapshot/semaphore')!, { writers: 2, 'cow-threshold': 1, ctrs: 1 }));
    const run = { model: 'dm-snapshot/semaphore', params: {}, index: 1, total: 2 };
    const plain = buildReport(cm, check(cm).run());
    const reduced = buildReport(cm, check(cm).symmetry().run());
    expect(reduced.result.stats.states).toBeLessThan(plain.result.stats.states);
    expect(finishedLine(run, plain)).toMatch(new RegExp(`: deadlock \\(9 steps\\), ${plain.result.stats.states} states, `));
    expect(finishedLine(run, reduced)).toMatch(new RegExp(`: deadlock \\(9 steps\\), ${reduced.result.stats.states} states with symmetry, `));
  });
});

describe('a lock held when a process ends', () => {
  it('is a warning beside an OK verdict, in the text and the JSON', () => {
    const at = sourceIn('x.c', 'v6.12');
    const b = new ModelBuilder('t');
    const m = b.mutex('dev_lock');
    const s = b.spinlock('other');
    b.process('one', {}, (p) => p
      .step('lock', { action: 'mutex_lock(&dev_lock)', source: at(1, 'f'), op: m.lock() })
      .step('spin', { action: 'spin_lock(&other)', source: at(2, 'f'), op: s.lock() })
      .step('unspin', { action: 'spin_unlock(&other)', source: at(3, 'f'), op: s.unlock() }));
    const cm = compileModel(b.build());
    const report = buildReport(cm, check(cm).run());
    expect(report.result.verdict).toBe('ok');
    const warning = 'process one ends holding dev_lock (held) on every path: lockdep warns when a task exits or returns to user space holding a lock';
    expect(checkToText(report)).toContain(`warning: ${warning}`);
    expect(checkToText(report)).not.toContain('ends holding other');
    expect(checkToJson(report).warnings).toEqual([expect.stringContaining(warning)]);
  });
});

describe('the properties line', () => {
  /** A waiter whose guard nobody makes true (a deadlock), with a liveness property about that guard. */
  const stuckEventually = () => {
    const b = new ModelBuilder('stuck-eventually');
    const flag = b.var('flag', 0);
    const M = b.mutex('M');
    b.process('waiter', {}, (p) => p
      .step('lock', { action: 'if (flag) mutex_lock(&M)', source: sourceIn('demo.c', 'test')(1, 'waiter'), guard: eq(flag, 1), op: M.lock() }));
    b.eventually('flag set', eq(flag, 1));
    return b.build();
  };

  it('says which properties were checked, and which declared ones were not and why', () => {
    const cm = compileModel(stuckEventually());
    const report = buildReport(cm, check(cm).run());
    const text = checkToText(report);
    expect(text).toContain('\nproperties checked: no deadlock\n');
    expect(text).toContain('\nnot checked: liveness: flag set (the search found a deadlock first;');
    expect(checkToJson(report).notChecked).toEqual([{ property: 'liveness: flag set', reason: expect.stringContaining('deadlock first') }]);
  });

  it('names the properties --safety-only left out, and an OK verdict claims only the properties checked', () => {
    const cm = compileModel(announcedWrite());
    const report = buildReport(cm, check(cm).safetyOnly().run());
    expect(report.result.verdict).toBe('ok');
    expect(verdictLine(report)).toContain(': OK: no deadlock, every property checked holds (');
    expect(checkToText(report)).toContain('\nnot checked: liveness: written (left out by --safety-only)\n');
  });
});

describe('the fairness a liveness violation was found under', () => {
  it('reads "without fairness" for none, not "under none fairness"', () => {
    const cm = compileModel(spinLoop());
    const report = buildReport(cm, check(cm).fairness({ all: 'none' }).run());
    expect(verdictLine(report)).toContain('LIVENESS VIOLATION of "no non-progress cycle" without fairness:');
    expect(checkToText(report)).toContain('properties checked: no deadlock; liveness (no fairness): ');
  });
});

describe('counts in the report', () => {
  const at = sourceIn('drivers/x/y.c', 'test');
  /** `update` takes the spinlock then the mutex (one step before the failing call); a softirq waits at once (none). */
  function atomicSleep(which: 'spin' | 'softirq') {
    const b = new ModelBuilder(`test/atomic-${which}`);
    const s = b.spinlock('s');
    const m = b.mutex('m');
    const c = b.completion('c');
    if (which === 'spin') {
      b.process('update', {}, (p) => p
        .step('spin', { action: 'spin_lock(&s)', source: at(1, 'f'), op: s.lock() })
        .step('lock', { action: 'mutex_lock(&m)', source: at(2, 'f'), op: m.lock() })
        .step('unlock', { action: 'mutex_unlock(&m)', source: at(3, 'f'), op: m.unlock() })
        .step('unspin', { action: 'spin_unlock(&s)', source: at(4, 'f'), op: s.unlock() }));
    } else {
      b.process('timer', { context: 'softirq' }, (p) => p.step('wait', { action: 'wait_for_completion(&c)', source: at(5, 'g'), op: c.wait() }));
      b.process('waker', {}, (p) => p.step('complete', { action: 'complete(&c)', source: at(6, 'h'), op: c.complete() }));
    }
    const cm = compileModel(b.build());
    return buildReport(cm, check(cm).run());
  }

  it('says "1 step", never "1 steps"', () => {
    const report = atomicSleep('spin');
    expect(verdictLine(report)).toMatch(/: VIOLATION of "atomic-sleep" after 1 step \(/);
    const text = checkToText(report);
    expect(verdictCell(report)).toBe('invariant (1 step)');
    expect(text).toContain('Shortest schedule violating "atomic-sleep" (1 step, 0 context switches):');
    expect(text).not.toMatch(/\b1 steps\b/);
  });

  it('words a violation before any step as one in the initial state, without an empty schedule', () => {
    const report = atomicSleep('softirq');
    expect(report.counterexample!.trace).toEqual([]);
    expect(verdictLine(report)).toMatch(/: VIOLATION of "atomic-sleep" in the initial state \(/);
    const text = checkToText(report);
    expect(text).not.toContain('0 steps');
    expect(text).not.toContain('Shortest schedule');
    expect(text).toContain('From the initial state, before any step:\n\ntimer: wait_for_completion(&c) fails: BUG: sleeping function called from invalid context');
  });
});
