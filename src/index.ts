/**
 * interleave's public API: write a model with the builder, check it, explain
 * what was found.
 *
 *   import { ModelBuilder, check, buildReport } from 'interleave-checker';
 */
export { ModelBuilder, ProcessBuilder } from './model/builder.js';
export type { VarRef, LocalRef, StepSpec } from './model/builder.js';
export * from './model/expr.js';
export { defineModel, enumParam, instantiate, intParam, resolveParams } from './model/definition.js';
export type { ModelDefinition, ParamSpec } from './model/definition.js';
export { ModelError } from './model/model-error.js';
export { sourceIn, formatSourceRef, parseSourceRef } from './model/source-ref.js';
export type * from './model/types.js';
export { check, Checker } from './explore/check.js';
export { compileModel } from './explore/compile.js';
export type { CompiledModel } from './explore/compile.js';
export type { CheckResult, Discovery, ProgressEvent, Verdict } from './explore/result.js';
export { buildReport } from './explain/report.js';
export type { CheckReport } from './explain/report.js';
export { replayPath } from './explain/path.js';
export { buildWaitForGraph } from './explain/wait-for.js';
export type { WaitForGraph, WaitForNode, WaitForEdge } from './explain/wait-for.js';
export { analyzeWaitFor, findCycle } from './explain/cycle.js';
export type { WaitCycle, WaitForAnalysis, Finding } from './explain/cycle.js';
export { exploreStateGraph } from './explain/state-graph.js';
export { waitForToDot } from './render/dot-wait-for.js';
export { traceToDot } from './render/dot-trace.js';
export { stateGraphToDot } from './render/dot-state-graph.js';
export { dotToSvg } from './render/svg.js';
export { renderDiagrams } from './render/diagrams.js';
