import { registry } from '../../models/index.js';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { instantiate } from '../../src/model/definition.js';

/** Builds, explores and explains one configuration of a registered model. */
export function checkModel(name: string, params: Record<string, string | number>): CheckReport {
  const def = registry.find((d) => d.name === name);
  if (!def) throw new Error(`no model ${name}`);
  const cm = compileModel(instantiate(def, params));
  return buildReport(cm, check(cm).run());
}
