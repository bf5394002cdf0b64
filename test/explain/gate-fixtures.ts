/** Small gate reports built from real explorations, for the gate's explain and render tests. */
import { registry } from '../../models/index.js';
import { judgeCase, type Expectation, type GateCase, type GateCheck, type GateParams, type GateReport } from '../../src/explain/gate.js';
import { resolveParams } from '../../src/model/definition.js';
import { checkModel } from '../models/helpers.js';

export interface CheckSpec {
  readonly name: string;
  readonly model: string;
  /** Each parameter's values; every combination is a configuration. */
  readonly params: Readonly<Record<string, ReadonlyArray<string | number>>>;
  readonly expect: Expectation;
  readonly property?: string;
  readonly requireSteps?: boolean;
  readonly symmetry?: boolean;
  /** Carried into the check only (the fixture's explorations run without a liveness pass). */
  readonly fairness?: string;
}

export function gateCheck(spec: CheckSpec): GateCheck {
  const def = registry.find((d) => d.name === spec.model);
  if (!def) throw new Error(`no model ${spec.model}`);
  let combos: Array<Record<string, string | number>> = [{}];
  for (const [name, values] of Object.entries(spec.params)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return {
    name: spec.name,
    model: def.name,
    paramSpecs: def.params,
    axes: Object.entries(spec.params).map(([name, values]) => ({ name, values })),
    configurations: combos.map((c) => resolveParams(def, c) as GateParams),
    expect: spec.expect,
    ...(spec.property !== undefined ? { property: spec.property } : {}),
    requireSteps: spec.requireSteps ?? false,
    symmetry: spec.symmetry ?? false,
    ...(spec.fairness !== undefined ? { fairness: spec.fairness } : {}),
    workers: 1,
  };
}

/** Explores every configuration of every check (no reuse) and judges it. `runOnly` stops after that many cases, as an interrupted gate would. */
export function gateReport(specs: readonly CheckSpec[], options: { readonly source?: string; readonly runOnly?: number } = {}): GateReport {
  const checks = specs.map(gateCheck);
  const cases: GateCase[] = [];
  checks.forEach((check, i) => {
    for (const params of check.configurations) {
      if (options.runOnly !== undefined && cases.length >= options.runOnly) return;
      const report = checkModel(check.model, { ...params });
      cases.push({ check: i, params, report, judgement: judgeCase(report, check), reused: false });
    }
  });
  return {
    source: options.source ?? 'test-gate.json',
    checks,
    cases,
    complete: options.runOnly === undefined,
    elapsedMs: 1234,
  };
}
