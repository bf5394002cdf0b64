import { describe, expect, it } from 'vitest';
import inProgress from '../../models/dm-snapshot/in-progress.js';
import { buildTrace } from '../../src/explain/trace.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';

describe('buildTrace', () => {
  it('marks sleeps and wake-ups and lists variable changes', () => {
    const cm = compileModel(instantiate(inProgress, { writers: 2, 'cow-threshold': 0, ctrs: 1, mutant: 'sleep-holding-lock' }));
    const r = check(cm).run();
    const rows = buildTrace(cm, r.discovery!.path);
    expect(rows.map((t) => t.index)).toEqual(rows.map((_, i) => i + 1));
    const start = rows.find((t) => t.step === 'start_copy')!;
    expect(start.changes).toEqual(['in_progress 0 -> 1']);
    expect(start.source).toMatchObject({ line: 1805, func: 'start_copy', commit: 'v5.4.6' });
    expect(rows.filter((t) => t.outcome === 'blocked').map((t) => `${t.process} ${t.step}`).sort())
      .toEqual(['kcopyd retry_down_read', 'snapshot_ctr down_write', 'writer#2 sleep']);
  });
});
