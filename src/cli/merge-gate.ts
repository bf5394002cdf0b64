/**
 * Merging the parts of a sharded gate into the one gate an unsharded run
 * would have written: the union of the shards' cases, put back in check and
 * configuration order, with the evidence (files of failures and of each
 * check's first counterexample) chosen as the unsharded run chooses it, and
 * rendered by the same code (`finishGate`).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GateCase, GateReport } from '../explain/gate.js';
import { ExitCode } from './exit-codes.js';
import { clearOldCases, finishGate, gateUnitKey, gateUnits, type GatePartBody, type PartCase } from './gate-outputs.js';
import { UsageError, type CliIO } from './io.js';
import type { LoadedPart } from './part-file.js';
import type { OutputWriter } from './out-dir.js';
import type { Reporter, ReportMode } from './reporter.js';

export interface MergeOptions {
  readonly io: CliIO;
  readonly mode: ReportMode;
  readonly reporter: Reporter;
  readonly writer: OutputWriter;
  readonly outDir: string;
  readonly relative: (path: string) => string;
}

/** Every string in a JSON value that starts with `from` starts with `to` instead. */
function rebase(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, to));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, from, to)]));
  return value;
}

/** Copies one case's directory from its part into the merged output, pointing its result.json at the new place. */
function copyCaseDir(partDir: string, files: Readonly<Record<string, string>>, outDir: string): void {
  const caseDir = dirname(files.json ?? Object.values(files)[0]);
  const from = join(partDir, caseDir);
  const to = join(outDir, caseDir);
  if (!existsSync(from)) throw new UsageError(`merge: ${from} is missing: the shard's out directory was not kept whole`, 'upload each shard\'s whole --out directory as its artifact');
  cpSync(from, to, { recursive: true });
  const json = join(to, 'result.json');
  if (existsSync(json)) writeFileSync(json, `${JSON.stringify(rebase(JSON.parse(readFileSync(json, 'utf8')), from, to), null, 2)}\n`);
}

export async function mergeGate(parts: ReadonlyArray<LoadedPart<GatePartBody>>, o: MergeOptions): Promise<ExitCode> {
  const { checks, source } = parts[0].body;
  // Each exploration dealt to exactly one shard, or the shards did not split the same way.
  const dealt = new Map<string, number>();
  for (const p of parts) for (const u of p.units) dealt.set(u, (dealt.get(u) ?? 0) + 1);
  const units = gateUnits({ checks });
  const bad = units.find((u) => dealt.get(u.key) !== 1);
  if (bad || dealt.size !== units.length) {
    throw new UsageError('merge: the shards did not split the gate the same way (some configurations were dealt to no shard or to two)', 'run every shard with the same --costs file, or none');
  }
  const found = new Map<string, { c: PartCase; part: LoadedPart<GatePartBody> }>();
  for (const part of parts) for (const c of part.body.cases) found.set(`${c.check}\n${gateUnitKey(checks[c.check], c.params)}`, { c, part });

  // The unsharded order; an interrupted shard leaves gaps (its configurations that did not run), and
  // the merged gate is interrupted, but keeps what every shard did run.
  const cases: GateCase[] = [];
  const written = new Map<string, { files: Readonly<Record<string, string>>; part: LoadedPart<GatePartBody> }>();
  const withCounterexample = new Set<number>();
  let complete = parts.every((p) => p.complete);
  for (const [ci, check] of checks.entries()) {
    for (const params of check.configurations) {
      const key = gateUnitKey(check, params);
      const hit = found.get(`${ci}\n${key}`);
      if (!hit) {
        complete = false;
        continue;
      }
      const { c, part } = hit;
      // Evidence as the unsharded gate picks it: every failure, and the first counterexample of each check.
      const firstFound = c.report.counterexample !== undefined && !withCounterexample.has(ci);
      if ((firstFound || !c.judgement.passed) && !written.has(key)) {
        if (!c.files) throw new UsageError(`merge: ${part.dir} has no files for ${check.model} ${JSON.stringify(params)}`, 'a shard part must come with its cases/ directory');
        written.set(key, { files: c.files, part });
      }
      if (c.report.counterexample) withCounterexample.add(ci);
      const evidence = written.get(key);
      const { files: _files, ...rest } = c;
      cases.push({ ...rest, ...(evidence ? { files: Object.fromEntries(Object.entries(evidence.files).map(([k, p]) => [k, o.relative(join(o.outDir, p))])) } : {}) });
    }
  }
  const casesDir = join(o.outDir, 'cases');
  await o.writer.attempt(casesDir, () => clearOldCases(casesDir));
  for (const { files, part } of written.values()) await o.writer.attempt(casesDir, () => copyCaseDir(part.dir, files, o.outDir));

  const started = new Date(Math.min(...parts.map((p) => Date.parse(p.startedAt))));
  const gate: GateReport = {
    source,
    checks,
    cases,
    complete,
    // The matrix's wall time: its slowest shard.
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
  };
  return finishGate(gate, { ...o, started });
}
