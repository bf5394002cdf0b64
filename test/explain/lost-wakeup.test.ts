/** Issue 17: a lost wake-up's explanation keeps the wake-up that woke nobody and the write that made the condition true. */
import { describe, expect, it } from 'vitest';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { scenarioToText } from '../../src/explain/scenario.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { checkToText } from '../../src/render/text.js';
import { exclusiveConsumers } from '../support/exclusive-consumers.js';

/** The consumer tests the flag before prepare_to_wait: the classic lost wake-up. */
function flagBeforePrepare() {
  const at = sourceIn('drivers/x/flag.c', 'v1');
  const b = new ModelBuilder('toy/flag-before-prepare');
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

describe('a lost wake-up (flag tested before prepare_to_wait)', () => {
  const cm = compileModel(flagBeforePrepare());
  const report: CheckReport = buildReport(cm, check(cm).run());
  const cx = report.counterexample!;
  const kept = cx.slice.indices.map((i) => `${cx.trace[i - 1].process} ${cx.trace[i - 1].step}`);

  it('is found as a deadlock with the consumer asleep', () => {
    expect(report.result.verdict).toBe('deadlock');
    expect(cx.trace.map((t) => `${t.process} ${t.step}`)).toEqual(['consumer test', 'producer write', 'producer wake', 'consumer prepare', 'consumer sleep']);
  });

  it('marks the wake-up that found the queue empty as waking nobody', () => {
    expect(cx.trace.map((t) => t.wokeNobody === true)).toEqual([false, false, true, false, false]);
    expect(checkToText(report)).toMatch(/wake_up\(&wq\)\s+\[woke nobody\]/);
  });

  it('keeps the producer\'s write and its wake-up in the slice', () => {
    expect(kept).toEqual(['consumer test', 'producer write', 'producer wake', 'consumer prepare', 'consumer sleep']);
    expect(cx.slice.processes).toEqual(expect.arrayContaining(['consumer', 'producer']));
  });

  it('shows both in the lockdep-style scenario, the wake-up marked "woke nobody"', () => {
    const text = scenarioToText(cx.scenario!);
    expect(cx.scenario!.columns).toEqual(['consumer', 'producer']);
    expect(text).toMatch(/\/\* WRITE_ONCE\(ready, 1\) \*\//);
    expect(text).toMatch(/wake_up\(&wq\);\s+<- woke nobody/);
    expect(text.indexOf('woke nobody')).toBeLessThan(text.indexOf('prepare_to_wait'));
  });
});

/** Two exclusive waiters and two items, but one wake_up: it wakes one waiter, the other sleeps for good. */
function oneWakeForTwo() {
  const at = sourceIn('drivers/x/items.c', 'v1');
  const b = new ModelBuilder('toy/one-wake-for-two');
  const items = b.var('items', 0, { max: 2 });
  const wq = b.waitQueue('wq');
  exclusiveConsumers(b, wq, items, at);
  b.process('producer', {}, (p) => p
    .step('add', { action: 'items = 2', source: at(20, 'produce'), effects: [set(items, 2)] })
    .step('wake', { action: 'wake_up(&wq)', source: at(21, 'produce'), op: wq.wakeUp() }));
  return b.build();
}

describe('an exclusive wake-up that went to the other waiter', () => {
  const cm = compileModel(oneWakeForTwo());
  const cx = buildReport(cm, check(cm).run()).counterexample!;
  const kept = cx.slice.indices.map((i) => `${cx.trace[i - 1].process} ${cx.trace[i - 1].step}`);

  it('keeps that wake_up in the slice and the scenario, though it woke somebody', () => {
    const wake = cx.trace.findIndex((t) => t.process === 'producer' && t.step === 'wake');
    expect(cx.trace[wake].wokeNobody).toBeUndefined();
    expect(kept).toContain('producer wake');
    expect(cx.slice.processes).toEqual(expect.arrayContaining(['producer']));
    expect(scenarioToText(cx.scenario!)).toMatch(/wake_up\(&wq\);/);
  });
});
