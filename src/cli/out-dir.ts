/**
 * Writes under --out atomically: each file goes to a temporary name in the
 * same directory and is renamed into place, so an interrupted run leaves old
 * files or new ones, never half a file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let counter = 0;

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A directory-safe name for a run: `dm-snapshot-semaphore--writers-2_bios-1`. */
export function runSlug(model: string, params: Readonly<Record<string, string | number>>): string {
  const p = Object.entries(params).map(([k, v]) => `${k}-${v}`).join('_');
  return `${model.replace(/[^A-Za-z0-9-]+/g, '-')}${p ? `--${p}` : ''}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}
