import { describe, expect, it } from 'vitest';
import { finalReportToText } from '../../src/render/final-report.js';
import { checkModel } from '../models/helpers.js';

describe('the summary of several runs', () => {
  const ok = checkModel('dm-snapshot/in-progress', { writers: 2, 'cow-threshold': 0, ctrs: 1 });
  const deadlock = checkModel('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });

  it('says how to see why a design that holds does, with the command for the first such run', () => {
    const text = finalReportToText({ kind: 'runs', heading: 'main job', entries: [{ report: deadlock }, { report: ok }], total: 2, complete: true });
    expect(ok.result.verdict).toBe('ok');
    expect(text).toContain('to see why it holds, step through any of its schedules in a browser');
    expect(text).toContain('npx interleave explore dm-snapshot/in-progress --writers 2 --bios 1 --ctrs 1 ');
  });

  it('has no such line when every run found a violation', () => {
    const text = finalReportToText({ kind: 'runs', heading: 'main job', entries: [{ report: deadlock }], total: 1, complete: true });
    expect(text).not.toContain('interleave explore');
  });
});
