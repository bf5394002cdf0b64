/**
 * What `diff` and `minimize` write at their end, from plain rows: one path
 * for the unsharded command and for `interleave merge` of its shards. Rows
 * carry only what the documents show (verdict, property, steps; a failure's
 * check JSON), so a shard's part holds exactly that.
 */
import { join } from 'node:path';
import type { CheckReport } from '../explain/report.js';
import { checkToJson } from '../render/json.js';
import { formatParams, table } from '../render/text.js';
import { ExitCode } from './exit-codes.js';
import { UsageError, type CliIO } from './io.js';
import type { OutputWriter } from './out-dir.js';
import { displayPath, runSlug } from './out-dir.js';
import type { GridAxis, ParamValue } from './param-grid.js';
import type { LoadedPart } from './part-file.js';

type Combo = Readonly<Record<string, ParamValue>>;

/** What diff shows of one side's check. */
export interface DiffOutcome {
  readonly verdict: string;
  readonly property: string | null;
  readonly steps: number | null;
}

export const diffOutcome = (r: CheckReport): DiffOutcome => ({
  verdict: r.result.verdict,
  property: r.counterexample?.property ?? null,
  steps: r.counterexample?.trace.length ?? null,
});

const verdictOf = (o: DiffOutcome) => (o.verdict === 'invariant' ? `invariant (${o.property})` : o.verdict);

export interface DiffRow {
  readonly index: number;
  readonly params: Combo;
  readonly a: DiffOutcome;
  readonly b: DiffOutcome;
}

export interface DiffResult {
  readonly a: string;
  readonly b: string;
  readonly axes: readonly GridAxis[];
  /** In grid order; fewer than the grid when interrupted. */
  readonly rows: readonly DiffRow[];
  readonly complete: boolean;
  readonly elapsedMs: number;
}

export interface FinishOptions {
  readonly io: CliIO;
  readonly json: boolean;
  readonly writer: OutputWriter;
  readonly outDir: string;
}

export async function finishDiff(d: DiffResult, o: FinishOptions): Promise<ExitCode> {
  const differing = d.rows.filter((r) => verdictOf(r.a) !== verdictOf(r.b));
  const doc = {
    schema: 'interleave/diff@1',
    a: d.a,
    b: d.b,
    axes: d.axes,
    complete: d.complete,
    configurations: d.rows.length,
    elapsedMs: d.elapsedMs,
    differences: differing.map((r) => ({ params: r.params, a: r.a, b: r.b })),
  };
  return writeGridDoc(o, join(o.outDir, `${runSlug(`${d.a}-vs-${d.b}`, {})}.json`), doc, d.complete, () => {
    const head = `${d.a} vs ${d.b}: verdicts differ in ${differing.length} of ${d.rows.length} configurations` +
      ` (${(d.elapsedMs / 1000).toFixed(1)} s)${d.complete ? '' : ' INTERRUPTED: partial'}`;
    return differing.length > 0 ? [head, '', table(['configuration', d.a, d.b], differing.map((r) => [formatParams(r.params), verdictOf(r.a), verdictOf(r.b)]))] : [head];
  });
}

/**
 * The end every grid command shares: its JSON file written, then the JSON or
 * the text summary on stdout, then the exit code (interrupted or not, and a
 * failed write).
 */
async function writeGridDoc(o: FinishOptions, file: string, doc: object, complete: boolean, summary: () => string[]): Promise<ExitCode> {
  const wrote = await o.writer.write(file, `${JSON.stringify(doc, null, 2)}\n`);
  if (o.json) {
    o.io.stdout(JSON.stringify(doc, null, 2));
  } else {
    const lines = summary();
    if (wrote) lines.push('', `wrote ${displayPath(o.io.cwd, file)}`);
    o.io.stdout(lines.join('\n'));
  }
  return o.writer.finish(complete ? ExitCode.Ok : ExitCode.Interrupted, o.io);
}

/** A failing configuration as minimize shows it. */
export interface MinimizeFailure {
  /** Index in grid order. */
  readonly index: number;
  readonly params: Combo;
  /** The check's JSON (schema interleave/check@1). */
  readonly check: Record<string, unknown>;
  /** verdict, steps, why: its row in the table. */
  readonly row: readonly [string, string, string];
}

export function minimizeFailure(index: number, params: Combo, report: CheckReport): MinimizeFailure {
  const cx = report.counterexample!;
  return {
    index,
    params,
    check: checkToJson(report),
    row: [cx.kind === 'deadlock' ? 'deadlock' : `violates "${cx.property}"`, String(cx.trace.length), cx.analysis.cycle?.text ?? cx.analysis.summary],
  };
}

/** `a` is at least `b` in every integer parameter and equal in the others. */
export function dominates(a: Combo, b: Combo): boolean {
  return Object.keys(b).every((k) => (typeof b[k] === 'number' ? (a[k] as number) >= (b[k] as number) : a[k] === b[k]));
}

export const comboSize = (c: Combo) => Object.values(c).reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0);

/**
 * The smallest failures: tried in order of size (then grid order), a failure
 * at least as large as an earlier kept one in every integer parameter is not
 * minimal. The same list whether the failures came from one run or from shards.
 */
export function minimalFailures(failures: readonly MinimizeFailure[]): MinimizeFailure[] {
  const kept: MinimizeFailure[] = [];
  for (const f of [...failures].sort((x, y) => comboSize(x.params) - comboSize(y.params) || x.index - y.index)) {
    if (!kept.some((k) => dominates(f.params, k.params))) kept.push(f);
  }
  return kept;
}

export interface MinimizeResult {
  readonly model: string;
  readonly axes: readonly GridAxis[];
  readonly failures: readonly MinimizeFailure[];
  readonly checked: number;
  readonly skipped: number;
  readonly complete: boolean;
  readonly elapsedMs: number;
}

export async function finishMinimize(m: MinimizeResult, o: FinishOptions): Promise<ExitCode> {
  const minimal = minimalFailures(m.failures);
  const doc = {
    schema: 'interleave/minimize@1',
    model: m.model,
    axes: m.axes,
    complete: m.complete,
    checked: m.checked,
    skipped: m.skipped,
    elapsedMs: m.elapsedMs,
    minimal: minimal.map((f) => ({ configuration: f.params, ...f.check })),
  };
  return writeGridDoc(o, join(o.outDir, 'minimize.json'), doc, m.complete, () => {
    const head = `${m.model}: ${minimal.length === 0 ? 'no failing configuration' : `${minimal.length} smallest failing configuration${minimal.length > 1 ? 's' : ''}`} ` +
      `in ${m.axes.map((a) => `--${a.name} ${a.values.join(',')}`).join(' ')} (${m.checked} checked, ${m.skipped} skipped as larger than a failure, ${(m.elapsedMs / 1000).toFixed(1)} s)${m.complete ? '' : ' INTERRUPTED: partial'}`;
    return minimal.length > 0 ? [head, '', table(['configuration', 'verdict', 'steps', 'why'], minimal.map((f) => [formatParams(f.params), ...f.row]))] : [head];
  });
}

/** A diff or minimize shard's part body. */
export interface DiffPartBody {
  readonly a: string;
  readonly b: string;
  readonly axes: readonly GridAxis[];
  readonly dealt: readonly number[];
  readonly rows: readonly DiffRow[];
}

export interface MinimizePartBody {
  readonly model: string;
  readonly axes: readonly GridAxis[];
  readonly dealt: readonly number[];
  readonly failures: readonly MinimizeFailure[];
  readonly checked: number;
  readonly skipped: number;
}

/** Every grid index dealt to exactly one shard, or the shards did not split the same way. */
function checkDealt(parts: ReadonlyArray<LoadedPart<{ readonly dealt: readonly number[] }>>, size: number): void {
  const dealt = new Array<number>(size).fill(0);
  for (const p of parts) for (const i of p.body.dealt) dealt[i] = (dealt[i] ?? 0) + 1;
  if (dealt.length !== size || dealt.some((n) => n !== 1)) {
    throw new UsageError('merge: the shards did not split the grid the same way (some configurations were dealt to no shard or to two)', 'run every shard with the same --costs file, or none');
  }
}

const gridSize = (axes: readonly GridAxis[]) => axes.reduce((n, a) => n * a.values.length, 1);

export function mergeDiffParts(parts: ReadonlyArray<LoadedPart<DiffPartBody>>): DiffResult {
  const { a, b, axes } = parts[0].body;
  const size = gridSize(axes);
  checkDealt(parts, size);
  const byIndex = new Map<number, DiffRow>();
  for (const p of parts) for (const r of p.body.rows) byIndex.set(r.index, r);
  const rows: DiffRow[] = [];
  for (let i = 0; i < size && byIndex.has(i); i++) rows.push(byIndex.get(i)!);
  return { a, b, axes, rows, complete: rows.length === size && parts.every((p) => p.complete), elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)) };
}

/**
 * The shards' failures together. Counts are the shards' sums: a shard cannot
 * skip a configuration larger than another shard's failure, so `checked` is
 * larger (and `skipped` smaller) than one machine's; the minimal list is the same.
 */
export function mergeMinimizeParts(parts: ReadonlyArray<LoadedPart<MinimizePartBody>>): MinimizeResult {
  const { model, axes } = parts[0].body;
  checkDealt(parts, gridSize(axes));
  return {
    model,
    axes,
    failures: parts.flatMap((p) => p.body.failures),
    checked: parts.reduce((n, p) => n + p.body.checked, 0),
    skipped: parts.reduce((n, p) => n + p.body.skipped, 0),
    complete: parts.every((p) => p.complete),
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
  };
}
