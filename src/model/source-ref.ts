import type { SourceRef } from './types.js';

/** `drivers/md/dm-snap.c:1759@v5.3.1 (start_copy)` */
export function formatSourceRef(ref: SourceRef): string {
  return `${ref.file}:${ref.line}@${ref.commit} (${ref.func})`;
}

/** Short form for tables: `start_copy dm-snap.c:1759`. */
export function formatSourceShort(ref: SourceRef): string {
  const base = ref.file.split('/').pop() ?? ref.file;
  return `${ref.func} ${base}:${ref.line}`;
}

/**
 * Parses `file:line@commit` with an optional ` (func)` suffix, the form
 * `formatSourceRef` writes, so references survive a trip through JSON or text.
 */
export function parseSourceRef(text: string): SourceRef {
  const m = /^(.+):(\d+)@(\S+?)(?: \((.+)\))?$/.exec(text.trim());
  if (!m) throw new Error(`not a source reference (want file:line@commit): ${JSON.stringify(text)}`);
  return { file: m[1], line: Number(m[2]), commit: m[3], func: m[4] ?? '' };
}

/** Binds file and commit once, so each step only names its line and function. */
export function sourceIn(file: string, commit: string): (line: number, func: string) => SourceRef {
  return (line, func) => Object.freeze({ file, line, func, commit });
}
