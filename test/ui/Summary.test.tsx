import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { runCheck } from '../../src/cli/run-check.js';
import { formatSourceShort } from '../../src/model/source-ref.js';
import { finalReportSections, finalReportToText, type FinalReport } from '../../src/render/final-report.js';

/** ink-testing-library's terminal width: the summary fits its tables to it, as to a real terminal. */
const TERMINAL_COLUMNS = 100;
import type { SweepReport } from '../../src/render/sweep.js';
import { Summary } from '../../src/ui/Summary.js';
import { checkModel } from '../models/helpers.js';
import { plainFrame, plainText } from './frame.js';

describe('Summary', () => {
  it('renders a deadlock report: run table, shortest trace with kernel lines, the cycle, same text as a pipe gets', () => {
    const report = checkModel('dm-snapshot/semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
    const cx = report.counterexample!;
    expect(cx).toBeDefined();
    const final: FinalReport = { kind: 'check', entry: { report }, written: ['/tmp/o/result.json'] };
    const { lastFrame, unmount } = render(<Summary sections={finalReportSections(final)} />);
    const frame = plainFrame(lastFrame());

    expect(frame).toBe(plainText(finalReportToText(final, TERMINAL_COLUMNS)));
    expect(frame).toMatch(/^model\s+parameters\s+verdict\s+states\s+transitions\s+depth\s+time\s+states\/s$/m);
    expect(frame).toContain(`deadlock (${cx.trace.length} steps)`);
    expect(frame).toMatch(/^#\s+process\s+action\s+kernel source$/m);
    for (const step of cx.trace) {
      const row = frame.split('\n').find((l) => l.startsWith(`${step.index} `));
      expect(row, `trace row ${step.index}`).toBeDefined();
      expect(row).toContain(step.process);
      expect(row).toContain(formatSourceShort(step.source));
    }
    expect(frame).toContain(cx.analysis.summary);
    expect(cx.analysis.summary).toMatch(/^cycle: .* -> /);
    expect(frame).toContain('wrote /tmp/o/result.json');
    unmount();
  });

  it('marks an interrupted search as a partial report', async () => {
    const def = registry.find((d) => d.name === 'dm-snapshot/in-progress')!;
    const report = await runCheck(def, { writers: 3 }, { signal: { aborted: true } });
    expect(report.result.completion).toBe('interrupted');
    const { lastFrame, unmount } = render(<Summary sections={finalReportSections({ kind: 'check', entry: { report } })} />);
    const frame = plainFrame(lastFrame());
    expect(frame.split('\n')[0]).toBe('INTERRUPTED: partial report. The search was stopped before it covered every state; this is not a proof.');
    expect(frame).toContain('unknown (interrupted)');
    expect(frame).toContain('PARTIAL: the search stopped (interrupted)');
    unmount();
  });

  it('renders a sweep as the verdict matrix', () => {
    const combos = [1, 2].flatMap((writers) => [0, 1].map((ctrs) => ({ writers, ctrs })));
    const sweep: SweepReport = {
      model: 'dm-snapshot/semaphore',
      axes: [{ name: 'writers', values: [1, 2] }, { name: 'ctrs', values: [0, 1] }],
      runs: combos.map((params) => ({ params, entry: { report: checkModel('dm-snapshot/semaphore', params) } })),
      complete: true,
      elapsedMs: 12,
    };
    const final: FinalReport = { kind: 'sweep', sweep };
    const { lastFrame, unmount } = render(<Summary sections={finalReportSections(final)} />);
    const frame = plainFrame(lastFrame());
    expect(frame).toBe(plainText(finalReportToText(final, TERMINAL_COLUMNS)));
    expect(frame).toMatch(/^writers\s+ctrs=0\s+ctrs=1$/m);
    for (const w of [1, 2]) {
      const cells = combos.filter((c) => c.writers === w).map((c) => {
        const r = sweep.runs.find((x) => x.params === c)!.entry!.report;
        return r.result.verdict === 'ok' ? 'ok' : `DEADLOCK (${r.counterexample!.trace.length})`;
      });
      expect(frame).toMatch(new RegExp(`^${w}\\s+${cells.map((c) => c.replace(/[()]/g, '\\$&')).join('\\s+')}$`, 'm'));
    }
    unmount();
  });
});
