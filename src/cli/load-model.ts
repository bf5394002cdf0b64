/**
 * Finds a model by registered name (`dm-snapshot/semaphore`) or by the path
 * of a file whose default export is a model definition (or a built model),
 * and turns everything that can go wrong into a one-line ModelError.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelDefinition } from '../model/definition.js';
import { ModelError } from '../model/model-error.js';
import type { Model } from '../model/types.js';
import { UsageError, type CliIO } from './io.js';
import { describeLoadError } from './load-error.js';

/** Where models come from: the caller's registry, and file paths relative to `cwd`. */
export type ModelSource = Pick<CliIO, 'models' | 'importModule' | 'cwd'>;

function isDefinition(x: unknown): x is ModelDefinition {
  const d = x as ModelDefinition;
  return typeof d === 'object' && d !== null && typeof d.name === 'string' && typeof d.build === 'function' &&
    typeof d.params === 'object' && d.params !== null;
}

function isModel(x: unknown): x is Model {
  const m = x as Model;
  return typeof m === 'object' && m !== null && typeof m.name === 'string' && Array.isArray(m.processes);
}

/** The absolute path of the model file `nameOrPath` names, or undefined for a registered model. */
export function modelFileOf(nameOrPath: string, from: ModelSource): string | undefined {
  return from.models.registry.some((d) => d.name === nameOrPath) ? undefined : resolve(from.cwd, nameOrPath);
}

export async function loadModel(nameOrPath: string, from: ModelSource): Promise<ModelDefinition> {
  const { registry } = from.models;
  const known = registry.find((d) => d.name === nameOrPath);
  if (known) return known;
  const path = resolve(from.cwd, nameOrPath);
  const isFileName = /\.(m?[jt]s)$/.test(nameOrPath);
  // A registered name has a slash too (dm-snapshot/semaphore), so only an extension or a leading ./ ../ / says "a file".
  if ((isFileName || /^\.{0,2}\//.test(nameOrPath)) && !existsSync(path)) {
    throw new UsageError(`model file not found: ${nameOrPath} (no file at ${path})`, `give the path of a .ts/.js model file, or a registered model (see interleave list)`);
  }
  if (!isFileName) {
    throw new UsageError(
      `unknown model ${JSON.stringify(nameOrPath)}`,
      `known models: ${registry.map((d) => d.name).join(', ')}; or give the path of a .ts/.js model file`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await from.importModule(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ModelError(describeLoadError(e, nameOrPath, path, from.cwd));
  }
  // A file compiled as CommonJS arrives wrapped once more: { default: { default, model } }.
  const inner = (mod.default as Record<string, unknown> | undefined) ?? {};
  const unwrap = !isDefinition(mod.default) && !isModel(mod.default) && typeof mod.default === 'object' && mod.default !== null;
  const exported = unwrap ? inner.default ?? inner.model : mod.default ?? mod.model;
  if (isDefinition(exported)) return withBuildErrors(exported, nameOrPath, path, from.cwd);
  if (isModel(exported)) {
    return { name: exported.name, description: `loaded from ${nameOrPath}`, params: {}, build: () => exported };
  }
  throw new ModelError(
    `${nameOrPath} does not export a model: want \`export default defineModel({ name, description, params, build })\` or a built model`,
  );
}

/**
 * A file's definition whose `build` reports what the file's own code throws
 * (a typo such as \`m.unlokc()\`) as loading does: the place in the file and
 * its line, exit 2, not as a bug in interleave with a stack trace.
 */
function withBuildErrors(def: ModelDefinition, shown: string, path: string, cwd: string): ModelDefinition {
  return {
    ...def,
    build: (values) => {
      try {
        return def.build(values);
      } catch (e) {
        if (e instanceof ModelError) throw e;
        throw new ModelError(describeLoadError(e, shown, path, cwd, `cannot build model ${def.name} from ${shown}`));
      }
    },
  };
}
