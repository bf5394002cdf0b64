/**
 * This package as installed: its root folder (the nearest package.json above
 * this module, whether it runs from src/ or from the compiled build) and what
 * that package.json says, so name and version are written in one place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function packageJson(): { readonly name: string; readonly version: string; readonly devDependencies?: Readonly<Record<string, string>> } {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string; devDependencies?: Record<string, string> };
}
