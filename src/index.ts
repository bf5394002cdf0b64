/**
 * interleave's public API: write a model with the builder, check it, explain
 * what was found.
 *
 *   import { ModelBuilder, check, buildReport } from 'interleave';
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
