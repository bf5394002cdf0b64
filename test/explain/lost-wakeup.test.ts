/** Issue 17: a lost wake-up's explanation keeps the wake-up that woke nobody and the write that made the condition true. */
import { describe, expect, it } from 'vitest';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { scenarioToText } from '../../src/explain/scenario.js';
import { replayPath } from '../../src/explain/path.js';
import { describePrimitives } from '../../src/explain/trace.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { checkToText } from '../../src/render/text.js';
import { exclusiveConsumers } from '../support/exclusive-consumers.js';
import { flagBeforePrepare, wokenBeforeItSlept } from '../support/wake-races.js';

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

describe('an exclusive wake-up that went to a waiter not yet asleep', () => {
  const cm = compileModel(wokenBeforeItSlept());
  const report = buildReport(cm, check(cm).run());
  const cx = report.counterexample!;
  const wake = cx.trace.findIndex((t) => t.process === 'producer' && t.step === 'wake');
  const woken = cx.trace[wake].woke?.[0]?.process ?? '';
  const row = (i: number) => `${cx.trace[i - 1].process} ${cx.trace[i - 1].step}`;

  it('names whom the wake_up woke and that it was not yet asleep', () => {
    expect(report.result.verdict).toBe('deadlock');
    expect(cx.trace[wake].woke).toEqual([{ process: woken, asleep: false }]);
    expect(woken).toMatch(/^consumer#/);
    expect(checkToText(report)).toContain(`wake_up(&wq)  [woke ${woken}, not yet asleep]`);
    expect(scenarioToText(cx.scenario!)).toContain(`wake_up(&wq);  <- woke ${woken}, not yet asleep`);
  });

  it("keeps that task's prepare_to_wait_exclusive and the item it then took in the slice", () => {
    const kept = cx.slice.indices.map(row);
    expect(kept).toEqual(expect.arrayContaining([`${woken} prepare`, `${woken} test/have`, 'producer wake']));
    expect(cx.slice.indices.map((i) => cx.trace[i - 1].changes.join())).toContain('items 2 -> 1');
  });

  it('shows a task queued before schedule() as not yet asleep, and one in schedule() as asleep', () => {
    const path = cx.trace.map((t) => cm.steps.findIndex((cs) => cm.processName(cs.pid) === t.process && cs.step.name === t.step));
    const states = replayPath(cm, path);
    const wq = describePrimitives(cm, states[wake]).find((l) => l.startsWith('wq:'))!;
    const sleeper = woken === 'consumer#1' ? 'consumer#2' : 'consumer#1';
    expect(wq).toContain(`${woken} (queued, not yet asleep, exclusive)`);
    expect(wq).toContain(`${sleeper} (asleep, exclusive)`);
  });

  it('draws the hand-off from the wake_up to the task it woke', () => {
    const h = cx.handOffs.find((x) => x.from === wake + 1);
    expect(h).toMatchObject({ kind: 'wake', beforeSleep: true });
    expect(cx.trace[h!.to - 1].process).toBe(woken);
  });
});
