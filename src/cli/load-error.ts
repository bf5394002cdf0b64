/**
 * Turns whatever a model file throws while it loads into the whole message a
 * newcomer needs: every validation problem, and for a syntax or run-time error
 * each place as `file:line:column` with the offending line under it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../model/model-error.js';

/** `/x/model.ts:2:39: ERROR: Expected ")"` (esbuild) or a stack frame `at f (/x/model.ts:3:9)`. */
const PLACE = /((?:file:\/\/)?(?:[A-Za-z]:)?[^\s():]*\.[cm]?[jt]sx?):(\d+):(\d+)/;

export interface SourcePlace {
  readonly file: string;
  readonly line: number;
  /** 1-based, as editors count. */
  readonly column: number;
}

/** `  2 | const b = ...` and a caret under `column`, or nothing when the file cannot be read. */
export function showLine(place: SourcePlace): string[] {
  if (!existsSync(place.file)) return [];
  const lines = readFileSync(place.file, 'utf8').split(/\r?\n/);
  const text = lines[place.line - 1];
  if (text === undefined) return [];
  const gutter = String(place.line);
  return [`    ${gutter} | ${text}`, `    ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, place.column - 1))}^`];
}

function toPath(file: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}

/**
 * The compile errors of a transform (esbuild through tsx, or vite under a
 * test runner): one entry per `file:line:column: message` it reports.
 * esbuild counts columns from 0; they are shown from 1.
 */
function compileErrors(e: Error): Array<{ place: SourcePlace; message: string }> {
  const found: Array<{ place: SourcePlace; message: string }> = [];
  const esbuild = (e as { errors?: Array<{ text?: string; location?: { file: string; line: number; column: number } }> }).errors;
  if (Array.isArray(esbuild)) {
    for (const x of esbuild) {
      if (x.location && x.text) found.push({ place: { file: x.location.file, line: x.location.line, column: x.location.column + 1 }, message: x.text });
    }
    if (found.length > 0) return found;
  }
  for (const line of e.message.split('\n')) {
    const m = /^(.*\.[cm]?[jt]sx?):(\d+):(\d+): (?:ERROR: )?(.+)$/.exec(line.trim());
    if (m) found.push({ place: { file: m[1], line: Number(m[2]), column: Number(m[3]) + 1 }, message: m[4] });
  }
  if (found.length > 0) return found;
  const loc = (e as { loc?: { file?: string; line: number; column: number }; id?: string }).loc;
  const file = loc?.file ?? (e as { id?: string }).id;
  if (loc && file) found.push({ place: { file, line: loc.line, column: loc.column + 1 }, message: e.message.split('\n')[0] });
  return found;
}

/**
 * The stack frame in the model file itself, when the runtime kept its
 * position (tsx runs a CommonJS-wrapped copy from a data: URL whose
 * positions mean nothing, so then there is none rather than a wrong one).
 */
function thrownAt(e: Error, modelFile: string): SourcePlace | undefined {
  return (e.stack ?? '').split('\n').slice(1).map((l) => PLACE.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: toPath(m[1]), line: Number(m[2]), column: Number(m[3]) }))
    .find((f) => f.file === modelFile);
}

/**
 * The whole message for an error thrown while importing `modelFile` (shown
 * as `shown`, the path the user typed), or while running its code later
 * (`head` then says what was being done), without a stack trace.
 */
export function describeLoadError(e: unknown, shown: string, modelFile: string, cwd: string, head = `cannot load model file ${shown}`): string {
  try {
    return describe(e, shown, modelFile, cwd, head);
  } catch {
    // The file threw something that cannot be described: its toString, message or name throws
    // (`throw { toString() { throw ... } }`). That is still the file's error, not a bug in interleave.
    return `${head}: an unprintable value was thrown`;
  }
}

function describe(e: unknown, shown: string, modelFile: string, cwd: string, head: string): string {
  if (!(e instanceof Error)) return `${head}: ${String(e)}`;
  if (e instanceof ModelError) return `${head}: ${e.message}`;
  const display = (file: string) => {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    const rel = relative(cwd, abs);
    return rel.startsWith('..') ? abs : rel;
  };
  const compile = compileErrors(e);
  if (compile.length > 0) {
    const lines = compile.flatMap(({ place, message }) => [
      `  ${display(place.file)}:${place.line}:${place.column}: ${message}`,
      ...showLine({ ...place, file: isAbsolute(place.file) ? place.file : resolve(cwd, place.file) }),
    ]);
    return `${head}: it does not compile (${compile.length} error${compile.length > 1 ? 's' : ''}):\n${lines.join('\n')}`;
  }
  // An import that does not resolve: its "Require stack" names tsx's temporary copy, which helps nobody.
  const missing = /^Cannot find (?:module|package) '([^']+)'/.exec(e.message)?.[1];
  if (missing !== undefined) {
    const fix = missing === 'interleave' || missing.startsWith('interleave/')
      ? "the builder API is the package interleave-checker: import { ModelBuilder, ... } from 'interleave-checker'"
      : missing.startsWith('.') || missing.startsWith('/') ? 'check the path, relative to the model file' : `install it (npm install ${missing}) or correct the name`;
    return `${head}: it imports '${missing}', which cannot be found: ${fix}`;
  }
  const [first, ...rest] = e.message.split('\n');
  const at = thrownAt(e, modelFile);
  const where = at ? [`  at ${display(at.file)}:${at.line}:${at.column}`, ...showLine(at)] : [`  (thrown while running ${shown})`];
  return [`${head}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${first}`, ...rest.map((l) => `  ${l}`), ...where].join('\n');
}
