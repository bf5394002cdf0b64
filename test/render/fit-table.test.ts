/** Issue 17: tables fit the terminal instead of soft-wrapping every row. */
import { describe, expect, it } from 'vitest';
import { finalReportSections, sectionsToText, type FinalReport } from '../../src/render/final-report.js';
import { fitTable, table, wrapCell } from '../../src/render/text.js';
import { checkModel } from '../models/helpers.js';

describe('fitTable', () => {
  const header = ['#', 'process', 'action', 'kernel source'];
  const rows = [
    ['1', 'writer#1', 'do_origin: down_read(&_origins_lock) and a long explanation of what happens next', 'do_origin dm-snap.c:2495'],
    ['2', 'kcopyd', 'copy_callback', 'copy_callback dm-snap.c:1691'],
  ];

  it('wraps the widest column onto extra lines so every line fits, keeping every word', () => {
    const text = table(header, rows, 60);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    const fitted = fitTable(header, rows, 60);
    expect(fitted.source[0]).toBe(0);
    expect(fitted.source.at(-1)).toBe(1);
    // Words longer than the column are cut, so compare without the spaces.
    const action = fitted.rows.filter((_, k) => fitted.source[k] === 0).map((r) => r[2]).join('');
    expect(action.replace(/\s/g, '')).toBe(rows[0][2].replace(/\s/g, ''));
  });

  it('leaves a table that fits as it is', () => {
    expect(table(header, rows, 500)).toBe(table(header, rows));
  });
});

describe('the npm start summary on a 100-column terminal', () => {
  it('has no table line wider than the terminal', () => {
    const entries = [
      { title: 'semaphore: the dm-snapshot deadlock', report: checkModel('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 }) },
      { title: 'in-progress: the fix', report: checkModel('dm-snapshot/in-progress', { writers: 2 }) },
    ];
    const final: FinalReport = { kind: 'runs', heading: 'interleave main job', entries, total: 2, complete: true };
    const sections = finalReportSections(final).filter((s) => s.kind === 'table');
    expect(sections.length).toBeGreaterThan(0);
    expect(Math.max(...sectionsToText(sections).split('\n').map((l) => l.length))).toBeGreaterThan(100);
    for (const line of sectionsToText(sections, 100).split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('wrapCell', () => {
  it('breaks a cell at a space, else after / - = or , and mid-word only where there is none', () => {
    expect(wrapCell('wake=once sleep=killable', 10)).toEqual(['wake=once', 'sleep=', 'killable']);
    expect(wrapCell('example/pc-exclusive', 10)).toEqual(['example/', 'pc-', 'exclusive']);
    expect(wrapCell('dm-snapshot/in-progress', 10)).toEqual(['dm-', 'snapshot/', 'in-', 'progress']);
    expect(wrapCell('abcdefghijklmn', 10)).toEqual(['abcdefghij', 'klmn']);
  });
});
