/**
 * The report printed when a command ends, as sections of plain data: text
 * blocks and tables. `finalReportToText` joins them for pipes, logs and mail;
 * the ink UI renders the same sections with colour. One source, two looks.
 */
import type { GateReport } from '../explain/gate.js';
import { gateSections } from './gate-summary.js';
import { sweepMatrixData, sweepSummaryLine, sweepFixed, smallestCounterexample, SWEEP_LEGEND, type SweepReport } from './sweep.js';
import {
  blockedHeading,
  checkDetailBlocks,
  configTitle,
  diagramsLine,
  formatParams,
  paramFlags,
  runTableData,
  stuckLine,
  table,
  traceTableData,
  verdictLine,
  verdictTone,
  type RunEntry,
  type Tone,
} from './text.js';
import { plural } from './count.js';

export type ReportSection =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly tone?: Tone;
      readonly bold?: boolean;
      /** Secondary information (legends). */
      readonly dim?: boolean;
    }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: ReadonlyArray<readonly string[]>;
      /** Per row, per cell: a colour for the cell (verdict cells), if any. */
      readonly tones?: ReadonlyArray<ReadonlyArray<Tone | undefined>>;
    };

/** What a command hands its reporter at the end. `written` lists files written under --out. */
export type FinalReport =
  | { readonly kind: 'check'; readonly entry: RunEntry; readonly written?: readonly string[] }
  | {
      readonly kind: 'runs';
      readonly heading: string;
      readonly entries: readonly RunEntry[];
      /** How many runs were planned (more than `entries` when interrupted). */
      readonly total: number;
      readonly complete: boolean;
      readonly written?: readonly string[];
    }
  | { readonly kind: 'sweep'; readonly sweep: SweepReport; readonly written?: readonly string[] }
  | { readonly kind: 'gate'; readonly gate: GateReport; readonly written?: readonly string[] };

const text = (t: string, style: Omit<Extract<ReportSection, { kind: 'text' }>, 'kind' | 'text'> = {}): ReportSection => ({ kind: 'text', text: t, ...style });

/** The run table with its verdict cells toned. */
function runTableSection(entries: readonly RunEntry[]): ReportSection {
  const { header, rows } = runTableData(entries);
  const verdictCol = header.indexOf('verdict');
  return {
    kind: 'table',
    header,
    rows,
    tones: entries.map((e) => header.map((_, i) => (i === verdictCol ? verdictTone(e.report) : undefined))),
  };
}

/** The cycle (or why the stuck are stuck), the diagrams and the report file of one run, as one text block (or nothing). */
function pointers(entry: RunEntry, options: { report?: boolean } = {}): ReportSection[] {
  const lines: string[] = [];
  const stuck = stuckLine(entry.report);
  if (stuck) lines.push(stuck);
  const diagrams = diagramsLine(entry.files);
  if (diagrams) lines.push(diagrams);
  if (entry.files?.explorer) lines.push(`explorer: ${entry.files.explorer} (open in a browser: step through the schedule, try other next steps)`);
  if (options.report !== false && entry.files?.report) lines.push(`report: ${entry.files.report}`);
  return lines.length > 0 ? [text(lines.join('\n'))] : [];
}

/** A violation in a multi-run report: heading, shortest trace table, who is stuck, pointers. */
function violationSections(heading: string, entry: RunEntry): ReportSection[] {
  const cx = entry.report.counterexample;
  if (!cx) return [];
  const what = cx.kind === 'deadlock' ? 'DEADLOCK' : `VIOLATION of "${cx.property}"`;
  const { header, rows } = traceTableData(cx.trace);
  const stuck = cx.blocked.map((b) => `  ${b.process}: ${b.wait?.summary ?? 'no step enabled'}`);
  return [
    text(`${heading}: ${what} in ${plural(cx.trace.length, 'step')}`, { tone: 'bad', bold: true }),
    { kind: 'table', header, rows },
    ...(stuck.length > 0 ? [text(`${blockedHeading(cx)}\n${stuck.join('\n')}`)] : []),
    ...pointers(entry),
  ];
}

/**
 * A design that holds gets no diagrams (there is no counterexample to draw),
 * so say how to see why it holds: its explorer walks any schedule, with the
 * wait-for graph at each step. Named with the first such run of the list.
 */
function exploreHint(entries: readonly RunEntry[]): ReportSection[] {
  const held = entries.find((e) => e.report.result.verdict === 'ok');
  if (!held) return [];
  const { model, params } = held.report.result;
  const command = ['npx interleave explore', model, ...paramFlags(params), '-o explore.html'].join(' ');
  return [text(`A design that holds has no diagrams; to see why it holds, step through any of its schedules in a browser, with the wait-for graph at each step: ${command}`, { dim: true })];
}

function writtenSection(written: readonly string[] | undefined): ReportSection[] {
  return written && written.length > 0 ? [text(`wrote ${written.join(', ')}`, { dim: true })] : [];
}

export function finalReportSections(final: FinalReport): ReportSection[] {
  switch (final.kind) {
    case 'check': {
      const { report } = final.entry;
      const stopped = report.result.completion === 'interrupted'
        ? [text('INTERRUPTED: partial report. The search was stopped before it covered every state; this is not a proof.', { tone: 'warn', bold: true })]
        : [];
      return [
        ...stopped,
        text(verdictLine(report), { tone: verdictTone(report), bold: true }),
        runTableSection([final.entry]),
        ...checkDetailBlocks(report).map((b): ReportSection => (typeof b === 'string' ? text(b) : { kind: 'table', header: b.header, rows: b.rows })),
        ...pointers(final.entry, { report: false }),
        ...writtenSection(final.written),
      ];
    }
    case 'runs': {
      const partial = final.complete ? '' : ' (INTERRUPTED: partial)';
      return [
        text(`${final.heading}: ${final.entries.length} of ${final.total} runs${partial}`, { bold: true, ...(final.complete ? {} : { tone: 'warn' as const }) }),
        runTableSection(final.entries),
        ...final.entries.flatMap((e) => violationSections(e.title ?? configTitle(e.report.result.model, e.report.result.params), e)),
        ...exploreHint(final.entries),
        ...writtenSection(final.written),
      ];
    }
    case 'sweep': {
      const s = final.sweep;
      const m = sweepMatrixData(s, { blankRepeats: true });
      const fixed = formatParams(sweepFixed(s));
      const smallest = smallestCounterexample(s);
      const entries = s.runs.flatMap((r) => (r.entry ? [r.entry] : []));
      return [
        text(sweepSummaryLine(s), { bold: true, ...(s.complete ? {} : { tone: 'warn' as const }) }),
        ...(fixed ? [text(`fixed: ${fixed}`)] : []),
        { kind: 'table', header: m.header, rows: m.rows, tones: m.tones },
        text(SWEEP_LEGEND, { dim: true }),
        ...(smallest ? violationSections(`Smallest counterexample (${formatParams(smallest.report.result.params)})`, smallest) : []),
        ...(entries.length > 0 ? [runTableSection(entries)] : []),
        ...writtenSection(final.written),
      ];
    }
    case 'gate':
      return gateSections(final.gate, final.written);
  }
}

/** The sections as plain text; with `width` (a terminal's), tables wrap long cells to fit it. */
export function sectionsToText(sections: readonly ReportSection[], width?: number): string {
  return sections.map((s) => (s.kind === 'text' ? s.text : table(s.header, s.rows, width))).join('\n\n');
}

export function finalReportToText(final: FinalReport, width?: number): string {
  return sectionsToText(finalReportSections(final), width);
}

/** One line for `--quiet`: how many runs ended each way, e.g. `interleave main job: 9 runs: 3 deadlock, 1 invariant, 5 ok`. */
export function runsVerdictLine(final: Extract<FinalReport, { kind: 'runs' }>): string {
  const counts = new Map<string, number>();
  for (const e of final.entries) {
    const v = e.report.result.completion === 'interrupted' ? 'interrupted' : e.report.result.verdict;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const order = ['deadlock', 'invariant', 'ok', 'unknown', 'interrupted'];
  const parts = order.filter((v) => counts.has(v)).map((v) => `${counts.get(v)} ${v}`);
  const size = final.complete ? `${final.total} runs` : `INTERRUPTED after ${final.entries.length} of ${final.total} runs`;
  return `${final.heading}: ${size}: ${parts.join(', ') || 'nothing ran'}`;
}
