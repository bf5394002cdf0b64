/**
 * A parameter sweep as a matrix of verdicts: which configurations of a design
 * deadlock. The matrix's columns are the values of the last swept parameter,
 * its rows every combination of the others, in the order given. Plain text,
 * Markdown and JSON from the same data.
 */
import type { CheckReport } from '../explain/report.js';
import { markdownTable } from './markdown.js';
import {
  formatDuration,
  formatParams,
  runTableData,
  verdictTone,
  type RunEntry,
  type Tone,
} from './text.js';
import { plural } from './count.js';

export const SWEEP_SCHEMA = 'interleave/sweep@1';

export type ParamValue = string | number;

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly ParamValue[];
}

/** One combination of the grid; `entry` is absent when it was never run (interrupted sweep). */
export interface SweepRun {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly entry?: RunEntry;
}

export interface SweepReport {
  readonly model: string;
  /** The parameters given on the command line, in that order, each with its values. */
  readonly axes: readonly SweepAxis[];
  /** Every combination in grid order (last axis fastest), run or not. */
  readonly runs: readonly SweepRun[];
  /** False when the sweep was interrupted: some combinations were not run or not finished. */
  readonly complete: boolean;
  readonly elapsedMs: number;
}

export type SweepOutcome = 'ok' | 'deadlock' | 'invariant' | 'liveness' | 'unknown' | 'not run';

const OUTCOMES: readonly SweepOutcome[] = ['deadlock', 'invariant', 'liveness', 'ok', 'unknown', 'not run'];

export function outcomeOf(run: SweepRun): SweepOutcome {
  return run.entry ? run.entry.report.result.verdict : 'not run';
}

/** How many combinations ended each way, most alarming first, zeros left out. */
export function sweepCounts(s: SweepReport): Array<readonly [SweepOutcome, number]> {
  const counts = new Map<SweepOutcome, number>();
  for (const r of s.runs) counts.set(outcomeOf(r), (counts.get(outcomeOf(r)) ?? 0) + 1);
  return OUTCOMES.filter((o) => counts.has(o)).map((o) => [o, counts.get(o)!] as const);
}

/** `dm-snapshot/semaphore: 36 configurations in 3.10 s: 20 deadlock, 16 ok`. */
export function sweepSummaryLine(s: SweepReport): string {
  const ran = s.runs.filter((r) => r.entry).length;
  // A run stopped by Ctrl-C is `unknown` in the JSON counts, but reads as its matrix cell does.
  const interrupted = s.runs.filter((r) => r.entry?.report.result.verdict === 'unknown' && r.entry.report.result.completion === 'interrupted').length;
  const counts = sweepCounts(s).flatMap(([o, n]) => o !== 'unknown' || interrupted === 0 ? [`${n} ${o}`]
    : [...(n > interrupted ? [`${n - interrupted} unknown`] : []), `${interrupted} interrupted`]).join(', ');
  const size = s.complete ? `${s.runs.length} configurations` : `INTERRUPTED (partial): ${ran} of ${s.runs.length} configurations`;
  return `${s.model}: ${size} in ${formatDuration(s.elapsedMs)}: ${counts}`;
}

/** The axes that vary (more than one value). */
export function sweptAxesOf(s: SweepReport): SweepAxis[] {
  return s.axes.filter((a) => a.values.length > 1);
}

/** Parameters that are the same in every combination (given once, or the model's defaults). */
export function sweepFixed(s: SweepReport): Record<string, ParamValue> {
  const swept = new Set(sweptAxesOf(s).map((a) => a.name));
  const first = s.runs.find((r) => r.entry)?.entry?.report.result.params ?? s.runs[0]?.params ?? {};
  return Object.fromEntries(Object.entries(first).filter(([k]) => !swept.has(k)));
}

/** A matrix cell: `ok`, `DEADLOCK (9)`, `invariant (6)`, `unknown`, `interrupted`, `-` (not run). */
export function sweepCell(run: SweepRun | undefined): string {
  const e = run?.entry;
  if (!e) return '-';
  const r = e.report.result;
  if (r.verdict === 'ok') return 'ok';
  if (r.verdict === 'deadlock') return `DEADLOCK (${e.report.counterexample?.trace.length ?? '?'})`;
  if (r.verdict === 'invariant') return `invariant (${e.report.counterexample?.trace.length ?? '?'})`;
  if (r.verdict === 'liveness') {
    const d = r.discovery;
    return d?.loopStart !== undefined ? `LIVENESS (${d.loopStart}+${d.path.length - d.loopStart})` : 'LIVENESS';
  }
  return r.completion === 'interrupted' ? 'interrupted' : `unknown (${r.completion})`;
}

export const SWEEP_LEGEND =
  'DEADLOCK (n): some schedule deadlocks, the shortest in n steps; invariant (n): a property fails after n steps; ' +
  'LIVENESS (p+c): a liveness property fails: a p-step prefix, then a c-step cycle repeating forever; ' +
  'ok: no schedule fails; unknown: stopped at a limit; interrupted: stopped by Ctrl-C; -: not run';

export interface MatrixData {
  readonly header: string[];
  readonly rows: string[][];
  /** Per row, per cell: how to colour it (verdict cells only). */
  readonly tones: Array<Array<Tone | undefined>>;
}

const key = (axes: readonly SweepAxis[], params: Readonly<Record<string, ParamValue>>) =>
  axes.map((a) => `${a.name}=${params[a.name]}`).join(' ');

/**
 * The verdict matrix. With `blankRepeats`, a row label equal to the one above
 * is left blank, so groups read like a tree (plain text); Markdown keeps them.
 */
export function sweepMatrixData(s: SweepReport, options: { blankRepeats?: boolean } = {}): MatrixData {
  const swept = sweptAxesOf(s);
  const byKey = new Map(s.runs.map((r) => [key(swept, r.params), r]));
  const toneOf = (r: SweepRun | undefined): Tone => (r?.entry ? verdictTone(r.entry.report) : 'warn');
  if (swept.length === 0) {
    const run = s.runs[0];
    return { header: ['verdict'], rows: [[sweepCell(run)]], tones: [[toneOf(run)]] };
  }
  const column = swept[swept.length - 1];
  const rowAxes = swept.slice(0, -1);
  let rowKeys: Array<Record<string, ParamValue>> = [{}];
  for (const a of rowAxes) rowKeys = rowKeys.flatMap((k) => a.values.map((v) => ({ ...k, [a.name]: v })));
  const header = [...rowAxes.map((a) => a.name), ...column.values.map((v) => `${column.name}=${v}`)];
  const rows: string[][] = [];
  const tones: Array<Array<Tone | undefined>> = [];
  let previous: string[] = [];
  for (const rk of rowKeys) {
    const labels = rowAxes.map((a) => String(rk[a.name]));
    const shown = options.blankRepeats
      ? labels.map((l, i) => (labels.slice(0, i + 1).every((x, j) => x === previous[j]) ? '' : l))
      : labels;
    previous = labels;
    const cells = column.values.map((v) => byKey.get(key(swept, { ...rk, [column.name]: v })));
    rows.push([...shown, ...cells.map(sweepCell)]);
    tones.push([...labels.map(() => undefined), ...cells.map(toneOf)]);
  }
  return { header, rows, tones };
}

/** The violation with the shortest trace (then the fewest states): the clearest example the sweep found. */
export function smallestCounterexample(s: SweepReport): RunEntry | undefined {
  let best: RunEntry | undefined;
  const size = (r: CheckReport) => [r.counterexample!.trace.length, r.result.stats.states] as const;
  for (const run of s.runs) {
    const e = run.entry;
    if (!e?.report.counterexample) continue;
    if (!best) {
      best = e;
      continue;
    }
    const [a1, a2] = size(e.report);
    const [b1, b2] = size(best.report);
    if (a1 < b1 || (a1 === b1 && a2 < b2)) best = e;
  }
  return best;
}

/** `link` maps a written file to how sweep.md refers to it (relative to its own folder). */
export function sweepToMarkdown(s: SweepReport, options: { readonly link?: (path: string) => string } = {}): string {
  const link = options.link ?? ((p: string) => p);
  const explorers = s.runs.flatMap((r) => (r.entry?.files?.explorer ? [{ params: r.params, path: r.entry.files.explorer }] : []));
  const m = sweepMatrixData(s);
  const fixed = formatParams(sweepFixed(s));
  const runs = runTableData(s.runs.flatMap((r) => (r.entry ? [r.entry] : [])));
  const numeric = new Set(runs.header.map((h, i) => (['states', 'transitions', 'depth', 'states/s'].includes(h) ? i : -1)).filter((i) => i >= 0));
  const smallest = smallestCounterexample(s);
  return [
    `# Sweep of ${s.model}`,
    '',
    sweepSummaryLine(s),
    '',
    ...(fixed ? [`Fixed: ${fixed}`, ''] : []),
    '## Verdicts',
    '',
    markdownTable(m.header, m.rows),
    '',
    `_${SWEEP_LEGEND}_`,
    '',
    ...(smallest
      ? [`Smallest counterexample: ${formatParams(smallest.report.result.params)}, ${plural(smallest.report.counterexample!.trace.length, 'step')}.`, '']
      : []),
    '## Runs',
    '',
    markdownTable(runs.header, runs.rows, numeric),
    '',
    ...(explorers.length > 0
      ? ['## Step through each counterexample', '', ...explorers.map((e) => `- [${formatParams(e.params)}](${encodeURI(link(e.path))})`), '']
      : []),
  ].join('\n');
}

export function sweepToJson(s: SweepReport): Record<string, unknown> {
  return {
    schema: SWEEP_SCHEMA,
    model: s.model,
    complete: s.complete,
    elapsedMs: s.elapsedMs,
    axes: s.axes.map((a) => ({ name: a.name, values: a.values })),
    fixed: sweepFixed(s),
    counts: Object.fromEntries(sweepCounts(s)),
    runs: s.runs.map((r) => {
      if (!r.entry) return { params: r.params, verdict: null, completion: 'not-run' };
      const rep = r.entry.report;
      const res = rep.result;
      const cx = rep.counterexample;
      return {
        params: res.params,
        verdict: res.verdict,
        completion: res.completion,
        states: res.stats.states,
        transitions: res.stats.transitions,
        depth: res.stats.depth,
        elapsedMs: res.stats.elapsedMs,
        statesPerSecond: rep.statesPerSecond,
        ...(cx
          ? {
              property: cx.property,
              steps: cx.trace.length,
              blocked: cx.blocked.map((b) => ({ process: b.process, waitsFor: b.wait?.summary ?? '' })),
            }
          : {}),
        ...(cx && cx.blocked.length > 0 ? { stuck: cx.analysis.summary } : {}),
        ...(r.entry.files ? { files: r.entry.files } : {}),
      };
    }),
  };
}
