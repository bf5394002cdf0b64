import { describe, expect, it } from 'vitest';
import semaphore from '../../models/dm-snapshot/semaphore.js';
import { registry } from '../../models/index.js';
import { buildReport } from '../../src/explain/report.js';
import { parseSavedTrace, replaySavedTrace, TraceFormatError, type SavedTrace } from '../../src/explain/saved-trace.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';
import { checkToJson } from '../../src/render/json.js';

const cm = compileModel(instantiate(semaphore, { writers: 2, 'cow-threshold': 1, ctrs: 1 }));
/** The JSON `interleave check --json` prints for the semaphore deadlock, round-tripped through text. */
const saved = JSON.parse(JSON.stringify(checkToJson(buildReport(cm, check(cm).run())))) as Record<string, unknown> & { trace: Array<Record<string, unknown>> };
const edit = (f: (j: typeof saved) => void): SavedTrace => {
  const j = structuredClone(saved);
  f(j);
  return parseSavedTrace(j);
};

describe('parseSavedTrace', () => {
  it('reads the JSON of interleave check', () => {
    const t = parseSavedTrace(saved);
    expect(t).toMatchObject({ model: 'dm-snapshot/semaphore', verdict: 'deadlock', property: 'deadlock' });
    expect(t.rows).toHaveLength(9);
    expect(t.rows[5]).toEqual({ process: 'writer#2', step: 'down_cow', outcome: 'blocked' });
    expect(t.finalState?.primitives).toHaveLength(3);
  });

  it.each([
    [null, /not a JSON object/],
    [{ params: {}, trace: [] }, /"model"/],
    [{ model: 'm', params: { a: [] }, trace: [] }, /"params"/],
    [{ model: 'm', params: {}, verdict: 'ok' }, /verdict is ok, there is nothing to replay/],
    [{ model: 'm', params: {}, trace: [{ process: 'p' }] }, /trace\[0\] must have string "process" and "step"/],
    [{ model: 'm', params: {}, trace: [{ process: 'p', step: 's', outcome: 'flew' }] }, /trace\[0\]\.outcome/],
    [{ model: 'm', params: {}, trace: [], finalState: { processes: 3 } }, /"finalState"/],
    [{ model: 'm', params: {}, trace: [], verdict: 'banana' }, /"verdict" must be one of ok, deadlock, invariant, liveness, unknown, got "banana"/],
  ])('rejects %j', (json, message) => {
    expect(() => parseSavedTrace(json)).toThrow(TraceFormatError);
    expect(() => parseSavedTrace(json)).toThrow(message);
  });
});

describe('replaySavedTrace', () => {
  it('replays the saved deadlock: every step as recorded, the same end, and a real deadlock there', () => {
    const r = replaySavedTrace(cm, parseSavedTrace(saved));
    expect(r.problem).toBeUndefined();
    expect(r.states).toHaveLength(10);
    expect(r.steps.map((s) => `${s.process} ${s.step} ${s.outcome}`)).toEqual(saved.trace.map((t) => `${t.process} ${t.step} ${t.outcome}`));
    expect(r.ending).toMatch(/^deadlock/);
  });

  it('names the first step that is not enabled, and why', () => {
    const r = replaySavedTrace(cm, edit((j) => { j.trace.unshift(j.trace.find((t) => t.process === 'kcopyd' && t.step === 'copy_callback')!); }));
    expect(r.problem).toMatchObject({ kind: 'not-enabled', step: 1 });
    expect(r.problem?.message).toBe("step 1: kcopyd 'copy_callback' is not enabled there: kcopyd is at 'copy_callback' (idle)");
    expect(r.states).toHaveLength(1);
  });

  it('says so when a blocked process is asked to run', () => {
    // writer#2 sleeps in down(); running its next step right after cannot work.
    let at = 0;
    const r = replaySavedTrace(cm, edit((j) => {
      at = j.trace.findIndex((t) => t.process === 'writer#2' && t.step === 'down_cow') + 1;
      j.trace.splice(at, 0, { process: 'writer#2', step: 'down_cow' });
    }));
    expect(r.problem?.kind).toBe('not-enabled');
    expect(r.problem?.message).toMatch(new RegExp(`^step ${at + 1}: writer#2`));
    expect(r.problem?.message).toMatch(/writer#2 'down_cow' is not enabled there: writer#2 is blocked at 'down_cow': down\(&cow_count\)/);
  });

  it('reports unknown processes and steps with what exists', () => {
    expect(replaySavedTrace(cm, edit((j) => { j.trace[0].process = 'writer#9'; })).problem?.message)
      .toMatch(/step 1: dm-snapshot\/semaphore has no process writer#9 \(processes: writer#1, writer#2, kcopyd, snapshot_ctr\)/);
    expect(replaySavedTrace(cm, edit((j) => { j.trace[0].step = 'nope'; })).problem?.message)
      .toBe("step 1: writer#1 has no step 'nope' (steps: down_read, down_cow, copy, up_read)");
  });

  it('checks that each step slept or woke as recorded', () => {
    const r = replaySavedTrace(cm, edit((j) => { j.trace[5].outcome = 'ran'; }));
    expect(r.problem).toMatchObject({ kind: 'outcome', step: 6, message: "step 6: writer#2 'down_cow' went to sleep, the trace says it ran" });
  });

  it('checks the final state and the reported violation', () => {
    const short = replaySavedTrace(cm, edit((j) => { j.trace.pop(); }));
    expect(short.problem?.kind).toBe('final-state');
    expect(short.problem?.message).toMatch(/at the end kcopyd is runnable at 'retry_down_read', the file says blocked/);
    const noFinal = replaySavedTrace(cm, edit((j) => { j.trace.pop(); delete j.finalState; }));
    expect(noFinal.problem).toMatchObject({ kind: 'verdict', message: 'the file reports a deadlock, but 1 step is enabled at the end' });
  });

  it('replays every counterexample of the dm-snapshot grid from its saved JSON', () => {
    let replayed = 0;
    for (const writers of [1, 2, 3]) {
      for (const ctrs of [0, 1, 2]) {
        for (const rwsem of ['writer-fair', 'reader-preferring']) {
          const configs: Array<[string, Record<string, string | number>]> = [['dm-snapshot/unthrottled', { writers, ctrs, rwsem, 'max-inflight': 2 }]];
          for (const t of [0, 1, 2]) {
            configs.push(['dm-snapshot/semaphore', { writers, ctrs, rwsem, 'cow-threshold': t }]);
            for (const mutant of ['sleep-holding-lock', 'lost-wakeup']) configs.push(['dm-snapshot/in-progress', { writers, ctrs, rwsem, 'cow-threshold': t, mutant }]);
          }
          for (const [name, params] of configs) {
            const model = compileModel(instantiate(registry.find((d) => d.name === name)!, params));
            const report = buildReport(model, check(model).run());
            if (!report.counterexample) continue;
            const r = replaySavedTrace(model, parseSavedTrace(JSON.parse(JSON.stringify(checkToJson(report)))));
            expect(r.problem, `${name} ${JSON.stringify(params)}`).toBeUndefined();
            replayed++;
          }
        }
      }
    }
    expect(replayed).toBeGreaterThanOrEqual(30);
  });
});
