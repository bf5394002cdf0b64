/** Plain-text reports: what a terminal without a TTY, a log or a mail reply gets. */
import { lassoSize } from '../explain/gate.js';
import { scenarioToText } from '../explain/scenario.js';
import { underFairness, type CheckReport } from '../explain/report.js';
import type { Counterexample } from '../explain/counterexample.js';
import { wokeMark, type TraceRow } from '../explain/trace.js';
import type { ProgressEvent } from '../explore/result.js';
import type { Model, Params } from '../model/types.js';
import { valueTextOf } from '../model/value-names.js';
import { formatSourceShort } from '../model/source-ref.js';
import { afterSteps, formatCount, plural } from './count.js';

export function formatParams(params: Params): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** `--writers 2 --ctrs 1`: the parameters as the command line gives them. */
export function paramFlags(params: Params): string[] {
  return Object.entries(params).map(([k, v]) => `--${k} ${v}`);
}

/** `dm-snapshot/semaphore writers=2 ctrs=1`, or the bare name of a model without parameters (no stray space before a colon). */
export function configTitle(model: string, params: Params): string {
  const p = formatParams(params);
  return p ? `${model} ${p}` : model;
}

export { formatCount, plural } from './count.js';

/** Where an incomplete search stopped, naming the limit: `at the memory limit of 1.2 GiB (--max-memory ...)`. */
function stopText(report: CheckReport): string {
  const r = report.result;
  const l = report.limits;
  if (r.completion === 'memory-limit') {
    return `at the memory limit${l?.maxMemoryBytes !== undefined ? ` of ${formatBytes(l.maxMemoryBytes)}` : ''} (--max-memory; the default is 60% of this machine's memory)`;
  }
  if (r.completion === 'state-limit') return `at the state limit${l?.maxStates !== undefined ? ` of ${formatCount(l.maxStates)}` : ''} (--max-states)`;
  return `(${r.completion})`;
}

/** What to try after a stop at a limit. */
function stopAdvice(report: CheckReport): string {
  const c = report.result.completion;
  if (c === 'memory-limit') {
    const compress = report.result.compressed ? '' : ' --compress (the same search in a little over half the memory),';
    return ` To go further: --symmetry (one state per permutation of interchangeable processes),${compress} --bitstate (a bit table; finds real violations but proves nothing), or a larger --max-memory.`;
  }
  if (c === 'state-limit') return ' To go further: a larger --max-states, or --symmetry.';
  return '';
}

/**
 * The heading over the processes blocked in a counterexample's last state:
 * forever in a deadlock; after an invariant's violation some other process
 * may still run and release them.
 */
export function blockedHeading(cx: Pick<Counterexample, 'kind'>): string {
  return cx.kind === 'deadlock' ? 'Blocked forever:' : 'Blocked when it stops:';
}

export function verdictLine(report: CheckReport): string {
  const r = report.result;
  const what =
    r.verdict === 'ok' ? `OK: no deadlock, every property ${(report.notChecked ?? []).length > 0 ? 'checked ' : ''}holds`
    : r.verdict === 'deadlock' ? `DEADLOCK ${afterSteps(report.counterexample?.trace.length)}`
    : r.verdict === 'invariant' ? `VIOLATION of "${report.counterexample?.property}" ${afterSteps(report.counterexample?.trace.length)}`
    : r.verdict === 'liveness' ? `LIVENESS VIOLATION of "${report.counterexample?.property}" ${underFairness(r.liveness?.fairness)}: ${lassoSize(report)}`
    : r.completion === 'bitstate' ? 'NO VIOLATION FOUND by a bitstate search (not a proof)'
    : `UNKNOWN: search stopped ${stopText(report)}, no violation in the states explored`;
  return `${configTitle(r.model, r.params)}: ${what} (${plural(r.stats.states, 'state')}, ${plural(r.stats.transitions, 'transition')}, depth ${r.stats.depth}, ${(r.stats.elapsedMs / 1000).toFixed(2)} s)`;
}

/** The width of each column of a fixed-width table: its widest cell. */
export function columnWidths(header: readonly string[], rows: ReadonlyArray<readonly string[]>): number[] {
  return header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
}

/**
 * Splits `text` into lines of at most `width` characters: at spaces where it
 * can, else after a `/`, `-`, `=` or `,` (`example/` `pc-exclusive`,
 * `sleep=` `killable`), and mid-word only when neither is there.
 */
export function wrapCell(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const joint = Math.max(...['/', '-', '=', ','].map((c) => rest.lastIndexOf(c, width - 1)));
    const cut = space > 0 ? space : joint > 0 ? joint + 1 : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return [...lines, rest];
}

/** A table fitted to a width: `rows` with long cells wrapped onto extra lines; `source[k]` is the row line k came from. */
export interface FittedTable {
  readonly rows: string[][];
  readonly source: number[];
}

/**
 * Fits a table into `width` columns by narrowing its widest columns (never
 * below their header or 10 characters) and wrapping their cells onto extra
 * lines, so no row is wider than the terminal and soft-wrapped by it. A
 * table that fits, or one that cannot be narrowed enough, keeps its rows.
 */
export function fitTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, width: number): FittedTable {
  const widths = columnWidths(header, rows);
  // Narrowed no further than its header and its longest word (up to 24), so words stay whole where they can.
  const longestWord = (i: number) => Math.max(0, ...rows.flatMap((r) => (r[i] ?? '').split(' ').map((w) => w.length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  // First keeping words whole; then the widest column alone, then any, down to its header or 10 characters.
  // A column of short cells (a verdict, a count) is never narrowed; one with long cells keeps its longest word.
  const whole = header.map((h, i) => Math.max(h.length, 10, widths[i] <= 24 ? widths[i] : Math.min(longestWord(i), 24)));
  const widestAtFirst = widths.indexOf(Math.max(...widths));
  const hard = header.map((h) => Math.max(h.length, 10));
  for (const min of [whole, whole.map((m, i) => (i === widestAtFirst ? hard[i] : m)), hard]) {
    while (total() > width) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) if (widths[i] > min[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
      if (widest < 0) break;
      widths[widest] -= Math.min(widths[widest] - min[widest], Math.max(1, total() - width));
    }
  }
  const out: string[][] = [];
  const source: number[] = [];
  rows.forEach((row, r) => {
    const parts = row.map((c, i) => wrapCell(c, widths[i]));
    const height = Math.max(1, ...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) {
      out.push(parts.map((p) => p[k] ?? ''));
      source.push(r);
    }
  });
  return { rows: out, source };
}

/** A fixed-width table; the last column is not padded. With `width`, long cells wrap so each line fits it. */
export function table(header: readonly string[], allRows: ReadonlyArray<readonly string[]>, width?: number): string {
  const rows = width === undefined ? allRows : fitTable(header, allRows, width).rows;
  const widths = columnWidths(header, rows);
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A step's mark in trace tables: it slept, it woke, or its wake-up woke nobody or a task not yet asleep. */
export const outcomeMark = (t: TraceRow): string => {
  if (t.outcome === 'blocked') return '  [sleeps]';
  if (t.outcome === 'woke') return '  [wakes]';
  if (t.wokeNobody) return '  [woke nobody]';
  const woke = wokeMark(t);
  return woke ? `  [${woke}]` : '';
};

/** Header and rows of a trace table: step, process, action, kernel function and line. */
export function traceTableData(trace: readonly TraceRow[]): { header: string[]; rows: string[][] } {
  return {
    header: ['#', 'process', 'action', 'kernel source'],
    rows: trace.map((t) => [String(t.index), t.process, `${t.action}${outcomeMark(t)}${t.changes.length > 0 ? `  {${t.changes.join(', ')}}` : ''}`, formatSourceShort(t.source)]),
  };
}

export function traceTable(trace: readonly TraceRow[]): string {
  const { header, rows } = traceTableData(trace);
  return table(header, rows);
}

export function checkToText(report: CheckReport): string {
  // The wait-for cycle (or why the stuck are stuck) closes the plain report; the terminal report shows it among its pointers.
  const stuck = stuckLine(report);
  return `${verdictLine(report)}\n\n${checkDetails(report)}${stuck ? `\n\n${stuck}` : ''}`;
}

/** A table's header and rows, rendered by `table()` at whatever width the reader has. */
export interface TableData {
  readonly header: string[];
  readonly rows: string[][];
}

/** Everything after the verdict line: properties, the counterexample, partial and vacuity warnings. */
export function checkDetails(report: CheckReport, width?: number): string {
  return checkDetailLines(report).map((l) => (typeof l === 'string' ? l : table(l.header, l.rows, width))).join('\n');
}

/** The same as text blocks and tables, so a terminal report can fit each table to its width. */
export function checkDetailBlocks(report: CheckReport): Array<string | TableData> {
  const blocks: Array<string | TableData> = [];
  let text: string[] = [];
  const flush = () => {
    while (text.at(-1) === '') text.pop();
    while (text[0] === '') text.shift();
    if (text.length > 0) blocks.push(text.join('\n'));
    text = [];
  };
  for (const l of checkDetailLines(report)) {
    if (typeof l === 'string') text.push(l);
    else {
      flush();
      blocks.push(l);
    }
  }
  flush();
  return blocks;
}

function checkDetailLines(report: CheckReport): Array<string | TableData> {
  const r = report.result;
  const lines: Array<string | TableData> = [];
  lines.push(`properties checked: ${report.properties.join('; ')}`);
  for (const n of report.notChecked ?? []) lines.push(`not checked: ${n.property} (${n.reason})`);
  const maxima = Object.entries(r.maxima).map(([k, v]) => `${k} <= ${v}`).join(', ');
  if (maxima) lines.push(`largest values reached: ${maxima}`);
  const cx = report.counterexample;
  const loopStart = r.discovery?.loopStart;
  if (cx && loopStart !== undefined) lines.push('', ...lassoText(report, loopStart));
  else if (cx) {
    const switches = cx.switches === undefined ? '' : `, ${plural(cx.switches, 'context switch', 'context switches')}${cx.bfsSwitches !== undefined && cx.bfsSwitches > cx.switches ? `, the fewest of any shortest schedule; BFS found one with ${cx.bfsSwitches}` : ''}`;
    // Partial-order reduction keeps every deadlock and violation but not every schedule to it, so not always a shortest one.
    const reduced = r.reductions.includes('por');
    const what = cx.kind === 'deadlock' ? 'schedule to the deadlock' : `schedule violating "${cx.property}"`;
    const heading = reduced ? `A ${what} (${plural(cx.trace.length, 'step')}; found with --por, which keeps every violation but not always its shortest schedule)` : `Shortest ${what} (${plural(cx.trace.length, 'step')}${switches})`;
    // No steps: the first step from the initial state fails (a softirq's wait_for_completion()), or an
    // invariant is false there; an empty table and "then" would read as if something were missing.
    if (cx.trace.length === 0) lines.push('', 'From the initial state, before any step:');
    else lines.push('', `${heading}:`, '', traceTableData(cx.trace));
    if (cx.failingStep) lines.push('', `${cx.trace.length === 0 ? '' : 'then '}${cx.failingStep.process}: ${cx.failingStep.action} fails: ${cx.message}`);
    if (cx.slice.indices.length > 0 && cx.slice.indices.length < cx.trace.length) {
      lines.push('', `${cx.slice.indices.length === 1 ? 'The step' : `The ${cx.slice.indices.length} steps`} the final state depends on (slice; the rest only took and gave back locks or finished work):`, '');
      lines.push(traceTableData(cx.slice.indices.map((i) => cx.trace[i - 1])));
    }
    if (cx.scenario) lines.push('', scenarioToText(cx.scenario));
    if (cx.blocked.length > 0) {
      lines.push('', blockedHeading(cx));
      for (const b of cx.blocked) lines.push(`  ${b.process} at '${b.at}': ${b.wait?.summary ?? 'no step enabled'}`);
    }
    lines.push('', 'Final state:');
    for (const p of cx.processes) lines.push(`  ${p.process}: ${p.state}${p.state === 'done' ? '' : ` at '${p.at}'`}`);
    lines.push(...finalValues(cx, report.model));
  }
  for (const note of r.notes ?? []) lines.push('', `note: ${note}`);
  for (const warning of report.warnings ?? []) lines.push('', `warning: ${warning}`);
  if (r.bitstate) {
    const b = r.bitstate;
    lines.push('', `BITSTATE search: ${formatCount(b.bits)} bits, ${b.hashes} hashes per state. Violations it reports are real; ` +
      `finding none is not a proof: about ${formatCount(Math.ceil(b.expectedMissedStates))} states may have been taken for seen ones ` +
      `(chance per new state at the end ${b.omissionProbability.toExponential(1)}; their successors may be missed too).` +
      (b.omissionProbability > 0.01 ? ' The table is too full: raise --bitstate-bits.' : ''));
  } else if (r.completion !== 'complete' && r.completion !== 'violation') {
    lines.push('', `PARTIAL: the search stopped ${stopText(report)} after ${formatCount(r.stats.states)} states; this is not a proof.${stopAdvice(report)}`);
  }
  if (r.completion === 'complete') {
    // SPIN's "unreached in proctype": steps no schedule ever ran.
    const byProcess = new Map<string, string[]>();
    for (const u of report.unreached) byProcess.set(u.process, [...(byProcess.get(u.process) ?? []), u.step]);
    lines.push('', byProcess.size === 0 ? 'coverage: every step of every process ran'
      : `steps never run: ${[...byProcess].map(([p, s]) => `${p}: ${s.join(', ')}`).join('; ')}`);
  }
  const required = report.unreached.filter((u) => u.required);
  if (r.verdict === 'ok' && required.length > 0) {
    lines.push('', 'WARNING: required steps never ran, so the proof may be vacuous:');
    for (const u of required) lines.push(`  ${u.process} '${u.step}': ${u.action}`);
  }
  return lines;
}

/** The variables and primitives of a counterexample's last state, one indented line each. */
function finalValues(cx: NonNullable<CheckReport['counterexample']>, model?: Model): string[] {
  return [...Object.entries(cx.vars).map(([name, value]) => `  ${name} = ${valueTextOf(model?.vars ?? [], name, value)}`), ...cx.primitives.map((p) => `  ${p}`)];
}

/** A liveness counterexample: the prefix, the cycle that repeats forever, who never steps in it. */
function lassoText(report: CheckReport, loopStart: number): string[] {
  const cx = report.counterexample!;
  const prefix = cx.trace.slice(0, loopStart);
  const loop = cx.trace.slice(loopStart);
  const lines = [`"${cx.property}" fails ${underFairness(report.result.liveness?.fairness)}: ${cx.message}.`, ''];
  lines.push(prefix.length === 0 ? 'From the initial state (no prefix):' : `Shortest prefix to the cycle (${plural(prefix.length, 'step')}):`, '');
  if (prefix.length > 0) lines.push(traceTable(prefix), '');
  if (loop.length === 0) {
    lines.push('Then nothing: every process has stopped at a valid end, and the run stays in this state forever.');
  } else {
    lines.push(`The cycle (${plural(loop.length, 'step')}), which repeats forever and ends in the state where it began:`, '');
    lines.push(traceTable(loop));
  }
  const stepping = new Set(loop.map((t) => t.process));
  const idle = cx.processes.filter((p) => !stepping.has(p.process));
  if (idle.length > 0) {
    lines.push('', loop.length === 0 ? 'Where every process stays:' : 'Never steps in the cycle:');
    for (const p of idle) {
      const why = cx.blocked.find((b) => b.process === p.process)?.wait?.summary;
      lines.push(`  ${p.process}: ${p.state}${p.state === 'done' ? '' : ` at '${p.at}'`}${why ? `: ${why}` : ''}`);
    }
  }
  lines.push('', 'State where the cycle begins:', ...finalValues(cx, report.model));
  return lines;
}

/** One finished check as the reports show it. */
export interface RunEntry {
  readonly report: CheckReport;
  /** A human title (the main job's); reports fall back to the model name. */
  readonly title?: string;
  /** Files written for the run, by kind (`json`, `report`, diagrams when drawn). */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * For a run that ended with processes stuck: the wait-for cycle in one line
 * (`cycle: writer#2 -> cow_count -> ...`), or, with no cycle, why they are stuck.
 */
export function stuckLine(report: CheckReport): string | undefined {
  const cx = report.counterexample;
  return cx && cx.kind !== 'liveness' && cx.blocked.length > 0 ? cx.analysis.summary : undefined;
}

/** How a verdict should look: good, bad, or neither (no verdict). */
export type Tone = 'ok' | 'bad' | 'warn';

export function verdictTone(report: CheckReport): Tone {
  const v = report.result.verdict;
  return v === 'ok' ? 'ok' : v === 'unknown' ? 'warn' : 'bad';
}

/** `deadlock (9 steps)`, `ok`, `unknown (interrupted)`: one table cell. */
export function verdictCell(report: CheckReport): string {
  const r = report.result;
  if (r.verdict === 'ok') return 'ok';
  if (r.verdict === 'unknown') return `unknown (${r.completion})`;
  const d = r.discovery;
  if (d?.loopStart !== undefined) return `liveness (${d.loopStart}+${d.path.length - d.loopStart} steps)`;
  const n = report.counterexample?.trace.length;
  return `${r.verdict} (${n === undefined ? '? steps' : plural(n, 'step')})`;
}

/** `7 ms`, `4.21 s`, `1 m 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}

/** `512 KiB`, `1.4 GiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export const RUN_TABLE_HEADER = ['model', 'parameters', 'verdict', 'states', 'transitions', 'depth', 'time', 'states/s'] as const;

/** The cells of one run's row in the run table (no title column). A rate over less than 10 ms is noise: shown as `-`. */
export function runRow(report: CheckReport): string[] {
  const r = report.result;
  return [r.model, formatParams(r.params), verdictCell(report), formatCount(r.stats.states), formatCount(r.stats.transitions),
    String(r.stats.depth), formatDuration(r.stats.elapsedMs), r.stats.elapsedMs < 10 ? '-' : formatCount(report.statesPerSecond)];
}

/** Header and rows of the run table; a leading `run` column when any entry has a title. */
export function runTableData(entries: readonly RunEntry[]): { header: string[]; rows: string[][] } {
  const titled = entries.some((e) => e.title !== undefined);
  return {
    header: titled ? ['run', ...RUN_TABLE_HEADER] : [...RUN_TABLE_HEADER],
    rows: entries.map((e) => (titled ? [e.title ?? '', ...runRow(e.report)] : runRow(e.report))),
  };
}

export function runTable(entries: readonly RunEntry[]): string {
  const { header, rows } = runTableData(entries);
  return table(header, rows);
}

/** Diagram files among a run's written files (DOT and SVG), in the order written. */
export function diagramPaths(files: Readonly<Record<string, string>> | undefined): string[] {
  return Object.values(files ?? {}).filter((f) => /\.(dot|svg)$/.test(f));
}

/**
 * `diagrams: out/run/{waitfor,trace,trace-slice}.{dot,svg}`: the diagram files
 * of one run in one short line (the full paths of eight files ran to a
 * thousand characters in the main job's summary), or undefined for none.
 */
export function diagramsLine(files: Readonly<Record<string, string>> | undefined): string | undefined {
  const paths = diagramPaths(files);
  if (paths.length === 0) return undefined;
  const brace = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : `{${xs.join(',')}}`);
  // folder -> diagram (file name without extension) -> its extensions, braced: `{dot,svg}`.
  const byDir = new Map<string, Map<string, string[]>>();
  for (const p of paths) {
    const [, dir, stem, ext] = /^(.*[\\/])?([^\\/]*)\.([^.]*)$/.exec(p)!;
    const stems = byDir.get(dir ?? '') ?? new Map<string, string[]>();
    byDir.set(dir ?? '', stems);
    stems.set(stem, [...(stems.get(stem) ?? []), ext]);
  }
  return `diagrams: ${[...byDir].map(([dir, stems]) => {
    const exts = new Set([...stems.values()].map(brace));
    // One set of extensions for every diagram: dir/{a,b}.{dot,svg}; else each with its own.
    return exts.size === 1 ? `${dir}${brace([...stems.keys()])}.${[...exts][0]}`
      : [...stems].map(([stem, e]) => `${dir}${stem}.${brace(e)}`).join(', ');
  }).join(', ')}`;
}

/**
 * A progress event as labelled fields, in display order. `states/s` is the
 * average since the search started, so it needs no history.
 */
export function progressFields(e: ProgressEvent, host?: { readonly rssBytes?: number }): Array<readonly [label: string, value: string]> {
  const rate = e.elapsedMs > 0 ? Math.round((e.states * 1000) / e.elapsedMs) : 0;
  const rss = host?.rssBytes !== undefined ? ` (rss ${formatBytes(host.rssBytes)})` : '';
  return [
    ['states', formatCount(e.states)],
    ['transitions', formatCount(e.transitions)],
    ['states/s', formatCount(rate)],
    ['depth', String(e.depth)],
    ['frontier', formatCount(e.frontier)],
    ['memory', `${formatBytes(e.memoryBytes)}${rss}`],
    ['elapsed', formatDuration(e.elapsedMs)],
  ];
}

/** `states 1,234  transitions 5,678  ...`: one plain progress line. */
export function progressLine(e: ProgressEvent, host?: { readonly rssBytes?: number }): string {
  return progressFields(e, host).map(([k, v]) => `${k} ${v}`).join('  ');
}

/** A run about to start, as a reporter announces it. */
export interface RunStart {
  readonly model: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly title?: string;
  /** 1-based position among `total` runs of this command. */
  readonly index: number;
  readonly total: number;
}

/** `[3/36] dm-snapshot/semaphore writers=2 ctrs=1` (no counter for a single run). */
export function runStartLine(run: RunStart): string {
  const counter = run.total > 1 ? `[${run.index}/${run.total}] ` : '';
  return `${counter}${run.title ? `${run.title}: ` : ''}${configTitle(run.model, run.params)}`.trimEnd();
}

/**
 * A finished run in one short line: `[3/36] model writers=2 ctrs=1: deadlock (9 steps), 279 states, 2 ms`;
 * `144 states with symmetry` when a reduction made the count differ from what `check` alone stores.
 */
export function finishedLine(run: RunStart, report: CheckReport): string {
  const s = report.result.stats;
  const reduced = report.result.reductions.length > 0 ? ` with ${report.result.reductions.join(' and ')}` : '';
  return `${runStartLine({ ...run, title: undefined })}: ${verdictCell(report)}, ${formatCount(s.states)} states${reduced}, ${formatDuration(s.elapsedMs)}`;
}
