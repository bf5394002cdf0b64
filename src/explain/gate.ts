/**
 * A proof gate as plain data: each configuration's expectation judged
 * against what the explorer found, and what the configurations that held
 * prove, within which bounds. Pure: `cli/commands/gate.ts` runs the checks,
 * `render/` formats this (JUnit, Markdown, terminal).
 *
 * Everything here is a bounded claim. "ok for writers 1..4" means every
 * schedule of each of those configurations was explored; it says nothing
 * about writers = 5.
 */
import type { ParamSpecs } from '../model/definition.js';
import { afterSteps, plural } from '../render/count.js';
import { fairnessPhrase, type CheckReport } from './report.js';

/** What a gate check expects the explorer to find. */
export const EXPECTATIONS = ['ok', 'deadlock', 'invariant', 'liveness'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

export type GateParamValue = string | number;
export type GateParams = Readonly<Record<string, GateParamValue>>;

export interface GateAxis {
  /** Parameter name, as in the model definition (`cow-threshold`). */
  readonly name: string;
  /** The values to try, in the order given, without duplicates. */
  readonly values: readonly GateParamValue[];
}

/** One entry of a gate file, validated and expanded. */
export interface GateCheck {
  /** Unique within the gate file; the JUnit classname. */
  readonly name: string;
  readonly description?: string;
  /** The model definition's name (`dm-snapshot/semaphore`). */
  readonly model: string;
  /** The model's parameter specs: what the ranges are bounded against. */
  readonly paramSpecs: ParamSpecs;
  /** Parameters the gate file gives, in its order; the rest keep their defaults. */
  readonly axes: readonly GateAxis[];
  /** Every configuration, every parameter filled in, last axis varying fastest. */
  readonly configurations: readonly GateParams[];
  readonly expect: Expectation;
  /** For `invariant`: the property that must be the one violated. */
  readonly property?: string;
  /** For `ok`: fail if a step marked `required` in the model never ran. */
  readonly requireSteps: boolean;
  /** Fairness for the liveness pass (`weak`, `strong,writer=weak`, ...), when the check sets it. */
  readonly fairness?: string;
  readonly symmetry: boolean;
  readonly workers: number;
  /** Keep the seen states tree-compressed (`check --compress`): same results, fewer bytes. */
  readonly compress?: boolean;
}

export interface Judgement {
  readonly passed: boolean;
  /** One line: what was expected and what was found. */
  readonly reason: string;
}

/** One configuration of one check, explored and judged. */
export interface GateCase {
  /** Index into `GateReport.checks`. */
  readonly check: number;
  readonly params: GateParams;
  readonly report: CheckReport;
  readonly judgement: Judgement;
  /** Files written for it (result, report, diagrams), by kind. */
  readonly files?: Readonly<Record<string, string>>;
  /** Explored for an earlier check with the same model, parameters and reductions, and not again. */
  readonly reused: boolean;
}

export interface GateReport {
  /** The gate file, as named to the user. */
  readonly source: string;
  readonly checks: readonly GateCheck[];
  /**
   * In check order, then configuration order; fewer than planned when
   * interrupted (a run stops at one place; a merge of shards one of which
   * was interrupted misses that shard's rest, wherever it lies).
   */
  readonly cases: readonly GateCase[];
  /** False when the run was interrupted before every case ran. */
  readonly complete: boolean;
  readonly elapsedMs: number;
}

const after = (report: CheckReport) => afterSteps(report.counterexample?.trace.length);

/** `a lasso of 5 + 4 steps`: the prefix and the cycle that repeats forever. */
export function lassoSize(report: CheckReport): string {
  const d = report.result.discovery;
  if (!d || d.loopStart === undefined) return 'a lasso';
  const loop = d.path.length - d.loopStart;
  return loop === 0 ? `the run stops for good ${afterSteps(d.loopStart)}` : `a lasso of ${d.loopStart} + ${loop} steps repeating forever`;
}

function found(report: CheckReport): string {
  const r = report.result;
  const cx = report.counterexample;
  switch (r.verdict) {
    case 'ok':
      return 'no deadlock and every property holds';
    case 'deadlock':
      return `a deadlock ${after(report)}${cx?.analysis.cycle ? ` (${cx.analysis.summary})` : ''}`;
    case 'invariant':
      return `"${cx?.property ?? '?'}" violated ${after(report)}`;
    case 'liveness':
      return `"${cx?.property ?? '?'}" fails: ${lassoSize(report)} (${fairnessPhrase(r.liveness?.fairness)})`;
    case 'unknown':
      return `no verdict: the search stopped (${r.completion}) after ${plural(r.stats.states, 'state')}`;
  }
}

/** Whether a check's expectation holds for one explored configuration, and why (not). */
export function judgeCase(report: CheckReport, check: Pick<GateCheck, 'expect' | 'property' | 'requireSteps'>): Judgement {
  const r = report.result;
  if (r.completion === 'interrupted') return { passed: false, reason: `interrupted: ${found(report)}` };
  const what = found(report);
  switch (check.expect) {
    case 'ok': {
      if (r.verdict !== 'ok') return { passed: false, reason: `expected ok, found ${what}` };
      const missing = check.requireSteps ? report.unreached.filter((u) => u.required) : [];
      if (missing.length > 0) {
        const names = missing.map((u) => `${u.process} '${u.step}' (${u.action})`).join('; ');
        return { passed: false, reason: `ok, but required steps never ran, so the proof is vacuous: ${names}` };
      }
      return { passed: true, reason: `ok: ${what}` };
    }
    case 'deadlock':
      return r.verdict === 'deadlock'
        ? { passed: true, reason: `deadlock found, as expected: ${what}` }
        : { passed: false, reason: `expected a deadlock, found ${what}${r.verdict === 'ok' ? ': the model no longer finds the bug' : ''}` };
    case 'liveness': {
      if (r.verdict !== 'liveness') return { passed: false, reason: `expected a liveness violation${check.property ? ` of "${check.property}"` : ''}, found ${what}` };
      const got = report.counterexample?.property;
      if (check.property !== undefined && got !== check.property) {
        return { passed: false, reason: `expected a liveness violation of "${check.property}", found ${what}` };
      }
      return { passed: true, reason: `liveness violation found, as expected: ${what}` };
    }
    case 'invariant': {
      if (r.verdict !== 'invariant') return { passed: false, reason: `expected a violation${check.property ? ` of "${check.property}"` : ''}, found ${what}` };
      const got = report.counterexample?.property;
      if (check.property !== undefined && got !== check.property) {
        return { passed: false, reason: `expected a violation of "${check.property}", found ${what}` };
      }
      return { passed: true, reason: `violation found, as expected: ${what}` };
    }
  }
}

/** How many configurations the gate plans to explore (before any ran). */
export function plannedCases(gate: Pick<GateReport, 'checks'>): number {
  return gate.checks.reduce((n, c) => n + c.configurations.length, 0);
}

export interface GateTotals {
  readonly planned: number;
  readonly ran: number;
  readonly passed: number;
  readonly failed: number;
  /** Distinct explorations (a configuration shared by two checks is explored once). */
  readonly explored: number;
  readonly states: number;
}

export function gateTotals(gate: GateReport): GateTotals {
  const passed = gate.cases.filter((c) => c.judgement.passed).length;
  const fresh = gate.cases.filter((c) => !c.reused);
  return {
    planned: plannedCases(gate),
    ran: gate.cases.length,
    passed,
    failed: gate.cases.length - passed,
    explored: fresh.length,
    states: fresh.reduce((n, c) => n + c.report.result.stats.states, 0),
  };
}

/** The gate holds: it ran to the end and every expectation held. */
export function gatePassed(gate: GateReport): boolean {
  const t = gateTotals(gate);
  return gate.complete && t.ran === t.planned && t.failed === 0;
}

/** The cases of one check. */
export function casesOf(gate: GateReport, check: number): GateCase[] {
  return gate.cases.filter((c) => c.check === check);
}

/** The configurations of a check that did not run (the gate, or one of its shards, was interrupted), in order. */
export function notRunOf(gate: GateReport, check: number): GateParams[] {
  const ran = new Set(casesOf(gate, check).map((c) => configKey(c.params)));
  return gate.checks[check].configurations.filter((k) => !ran.has(configKey(k)));
}

/** A set of configurations that is a product: for each parameter, the values covered. */
export interface ClaimGrid {
  /** Every parameter of the model, in definition order, with the values covered. */
  readonly values: ReadonlyArray<readonly [name: string, values: readonly GateParamValue[]]>;
  readonly configurations: number;
  /** Reductions used to explore it, e.g. `symmetry`. */
  readonly reductions: readonly string[];
  /** Checks (names) whose configurations this grid is. */
  readonly checks: readonly string[];
}

/**
 * What one group of checks (same model, expectation, property and fairness,
 * and all failing or none failing) establishes. `holds` only when every
 * configuration of the group ran and met the expectation; then `grids` are
 * exactly the configurations covered.
 */
export interface Claim {
  /** The checks (indices into the gate's `checks`) the claim is about. */
  readonly checks: readonly number[];
  readonly model: string;
  readonly expect: Expectation;
  /** For `invariant` with a named property. */
  readonly property?: string;
  /** The checks' fairness for the liveness pass, when they set it: part of what is claimed. */
  readonly fairness?: string;
  readonly holds: boolean;
  /** Maximal grids: a grid wholly inside another of the group is left out. */
  readonly grids: readonly ClaimGrid[];
  /** Distinct configurations in the group. */
  readonly configurations: number;
  readonly failed: number;
  readonly notRun: number;
  /**
   * Cut short by Ctrl-C with nothing failed: not established, but not
   * refuted either; read as interrupted, never as a failure.
   */
  readonly interrupted: boolean;
  /** For `ok`: the properties checked besides deadlock freedom, each once. */
  readonly properties: readonly string[];
  /**
   * Integer parameters whose largest value covered is below the model's
   * maximum: the claim says nothing beyond it (`writers > 4`).
   */
  readonly beyond: ReadonlyArray<readonly [name: string, largest: number]>;
  /** For `ok`: the grids of checks with `requireSteps`, where every step marked required ran. */
  readonly requiredStepsRan: readonly ClaimGrid[];
}

const configKey = (params: GateParams) => JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Every parameter's covered values: the check's own axes first, in its order, then the rest in definition order. */
function gridOf(check: GateCheck): Map<string, GateParamValue[]> {
  const grid = new Map<string, GateParamValue[]>();
  const names = [...check.axes.map((a) => a.name), ...Object.keys(check.paramSpecs).filter((n) => !check.axes.some((a) => a.name === n))];
  for (const name of names) {
    const seen: GateParamValue[] = [];
    for (const c of check.configurations) if (!seen.includes(c[name])) seen.push(c[name]);
    // A parameter left out at its default (e.g. rounds) is not part of the claim.
    if (seen.length === 1 && seen[0] === undefined) continue;
    grid.set(name, seen);
  }
  return grid;
}

function within(a: Map<string, GateParamValue[]>, b: Map<string, GateParamValue[]>): boolean {
  for (const [name, values] of a) {
    const other = b.get(name);
    if (!other || values.some((v) => !other.includes(v))) return false;
  }
  return true;
}

/**
 * Groups the checks by model, expectation, property and fairness, in the
 * order they first appear, and says what each group establishes. A check
 * with a failed configuration never shares a claim with one without: the
 * failure would otherwise hide what the other proved (a bug variant expected
 * ok folding the fixed variant's proof into "NOT established").
 */
export function buildClaims(gate: GateReport): Claim[] {
  const groups = new Map<string, number[]>();
  gate.checks.forEach((c, i) => {
    const failing = casesOf(gate, i).some((k) => !k.judgement.passed);
    const key = JSON.stringify([c.model, c.expect, c.property ?? null, c.fairness ?? null, failing]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const claims: Claim[] = [];
  for (const indices of groups.values()) {
    const first = gate.checks[indices[0]];
    const keys = new Set<string>();
    let failed = 0;
    let ran = 0;
    const properties: string[] = [];
    for (const i of indices) {
      for (const k of gate.checks[i].configurations) keys.add(configKey(k));
      for (const c of casesOf(gate, i)) {
        ran++;
        if (!c.judgement.passed) failed++;
        for (const p of c.report.properties) if (p !== 'no deadlock' && !properties.includes(p)) properties.push(p);
      }
    }
    const planned = indices.reduce((n, i) => n + gate.checks[i].configurations.length, 0);
    const grids = indices.map((i) => ({ index: i, grid: gridOf(gate.checks[i]) }));
    const kept: ClaimGrid[] = [];
    grids.forEach(({ index, grid }, j) => {
      const coveredBy = grids.findIndex((o, k) => k !== j && within(grid, o.grid) && (!within(o.grid, grid) || k < j));
      if (coveredBy >= 0) return;
      const twins = grids.filter((o) => within(grid, o.grid) && within(o.grid, grid)).map((o) => gate.checks[o.index]);
      const check = gate.checks[index];
      kept.push({
        values: [...grid.entries()],
        configurations: check.configurations.length,
        reductions: twins.some((t) => t.symmetry) && twins.every((t) => t.symmetry) ? ['symmetry'] : [],
        checks: twins.map((t) => t.name),
      });
    });
    const requiredStepsRan = indices.filter((i) => gate.checks[i].requireSteps).map((i): ClaimGrid => ({
      values: [...gridOf(gate.checks[i]).entries()],
      configurations: gate.checks[i].configurations.length,
      reductions: gate.checks[i].symmetry ? ['symmetry'] : [],
      checks: [gate.checks[i].name],
    }));
    const beyond: Array<readonly [string, number]> = [];
    for (const [name, spec] of Object.entries(first.paramSpecs)) {
      if (spec.kind !== 'int') continue;
      const largest = Math.max(...indices.flatMap((i) => gate.checks[i].configurations.map((c) => Number(c[name]))));
      if (largest < spec.max) beyond.push([name, largest]);
    }
    // Invariants first, then end-state properties; each in the order first seen.
    properties.sort((a, b) => Number(a.startsWith('at end:')) - Number(b.startsWith('at end:')));
    claims.push({
      model: first.model,
      checks: indices,
      expect: first.expect,
      ...(first.property !== undefined ? { property: first.property } : {}),
      ...(first.fairness !== undefined ? { fairness: first.fairness } : {}),
      holds: failed === 0 && ran === planned,
      grids: kept,
      configurations: keys.size,
      failed,
      notRun: planned - ran,
      interrupted: !gate.complete && failed === 0 && ran < planned,
      properties,
      beyond,
      requiredStepsRan,
    });
  }
  return claims;
}
