import { describe, expect, it } from 'vitest';
import { sweepCounts, sweepFixed, sweepMatrixData, sweepSummaryLine, sweepToMarkdown, type SweepReport } from '../../src/render/sweep.js';
import { buildReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';
import { registry } from '../../models/index.js';
import { checkModel } from '../models/helpers.js';

const MODEL = 'dm-snapshot/semaphore';

/** A sweep of writers 1..2 x cow-threshold 0..1 x ctrs 0..1, explored for real; the last `notRun` combinations left out. */
function sweepOf(notRun = 0): SweepReport {
  const combos = [1, 2].flatMap((writers) => [0, 1].flatMap((t) => [0, 1].map((ctrs) => ({ writers, 'cow-threshold': t, ctrs }))));
  return {
    model: MODEL,
    axes: [{ name: 'writers', values: [1, 2] }, { name: 'cow-threshold', values: [0, 1] }, { name: 'ctrs', values: [0, 1] }],
    runs: combos.map((params, i) => (i < combos.length - notRun ? { params, entry: { report: checkModel(MODEL, params) } } : { params })),
    complete: notRun === 0,
    elapsedMs: 1234,
  };
}

const cellOf = (params: Record<string, number>) => {
  const r = checkModel(MODEL, params);
  return r.result.verdict === 'ok' ? 'ok' : `DEADLOCK (${r.counterexample!.trace.length})`;
};

describe('sweepMatrixData', () => {
  it('puts the last swept parameter in columns and every combination of the others in rows', () => {
    const m = sweepMatrixData(sweepOf());
    expect(m.header).toEqual(['writers', 'cow-threshold', 'ctrs=0', 'ctrs=1']);
    expect(m.rows.map((r) => r.slice(0, 2))).toEqual([['1', '0'], ['1', '1'], ['2', '0'], ['2', '1']]);
    for (const row of m.rows) {
      const [w, t] = row.map(Number);
      expect(row.slice(2)).toEqual([cellOf({ writers: w, 'cow-threshold': t, ctrs: 0 }), cellOf({ writers: w, 'cow-threshold': t, ctrs: 1 })]);
    }
  });

  it('colours verdict cells by outcome and leaves labels plain', () => {
    const m = sweepMatrixData(sweepOf());
    m.rows.forEach((row, r) => {
      expect(m.tones[r].slice(0, 2)).toEqual([undefined, undefined]);
      row.slice(2).forEach((cell, c) => expect(m.tones[r][c + 2]).toBe(cell === 'ok' ? 'ok' : 'bad'));
    });
  });

  it('blanks a row label repeated from the row above when asked (plain text)', () => {
    const m = sweepMatrixData(sweepOf(), { blankRepeats: true });
    expect(m.rows.map((r) => r.slice(0, 2))).toEqual([['1', '0'], ['', '1'], ['2', '0'], ['', '1']]);
  });

  it('marks combinations never run with "-" and says the sweep is partial', () => {
    const s = sweepOf(3);
    const m = sweepMatrixData(s);
    expect(m.rows[3].slice(2)).toEqual(['-', '-']);
    expect(m.rows[2][3]).toBe('-');
    expect(sweepSummaryLine(s)).toMatch(/^dm-snapshot\/semaphore: INTERRUPTED \(partial\): 5 of 8 configurations in 1\.23 s: /);
    expect(sweepCounts(s).find(([o]) => o === 'not run')).toEqual(['not run', 3]);
  });

  it('counts a run stopped by Ctrl-C as interrupted in the summary line, as its cell says', async () => {
    const s = sweepOf(3);
    const params = { writers: 2, 'cow-threshold': 0, ctrs: 1 };
    const cm = compileModel(instantiate(registry.find((d) => d.name === MODEL)!, params));
    const stopped = buildReport(cm, await check(cm).runAsync({ signal: { aborted: true } }));
    const runs = [...s.runs.slice(0, 5), { params, entry: { report: stopped } }, ...s.runs.slice(6)];
    const partial = { ...s, runs };
    expect(sweepMatrixData(partial).rows[2][3]).toBe('interrupted');
    expect(sweepSummaryLine(partial)).toMatch(/: 5 ok, 1 interrupted, 2 not run$/);
    expect(sweepCounts(partial).find(([o]) => o === 'unknown')).toEqual(['unknown', 1]);
  });
});

describe('sweepToMarkdown', () => {
  it('has the matrix, the fixed parameters and one row per run', () => {
    const s = sweepOf();
    const md = sweepToMarkdown(s);
    expect(sweepFixed(s)).toEqual({ bios: 1, rwsem: 'writer-fair', 'completion-order': 'submission' });
    expect(md).toContain('Fixed: bios=1 rwsem=writer-fair completion-order=submission');
    expect(md).toContain('| writers | cow-threshold | ctrs=0 | ctrs=1 |\n| --- | --- | --- | --- |');
    const runRows = md.split('## Runs')[1].split('\n').filter((l) => l.startsWith(`| ${MODEL} |`));
    expect(runRows).toHaveLength(8);
    expect(runRows[0]).toContain('| writers=1 bios=1 ctrs=0 rwsem=writer-fair cow-threshold=0 completion-order=submission |');
  });
});
