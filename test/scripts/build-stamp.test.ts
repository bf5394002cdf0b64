import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const { buildIsCurrent } = createRequire(import.meta.url)('../../scripts/build-stamp.cjs') as { buildIsCurrent(root: string): boolean };

/** A package folder at `root` whose one source file changed after its build started (as npm leaves an unpacked package). */
function sourcesNewerThanBuild(root: string): string {
  mkdirSync(join(root, 'dist'), { recursive: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'models'), { recursive: true });
  writeFileSync(join(root, 'dist', 'build-stamp.json'), JSON.stringify({ started: Date.parse('2026-01-01') }));
  writeFileSync(join(root, 'src', 'a.ts'), 'export {};\n');
  const later = new Date('2026-06-01');
  utimesSync(join(root, 'src', 'a.ts'), later, later);
  return root;
}

describe('buildIsCurrent', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a checkout whose sources changed after the build', () => {
    dir = mkdtempSync(join(tmpdir(), 'stamp-'));
    expect(buildIsCurrent(sourcesNewerThanBuild(join(dir, 'interleave')))).toBe(false);
  });

  it('takes an installed copy as built, whatever times npm gave its files', () => {
    dir = mkdtempSync(join(tmpdir(), 'stamp-'));
    expect(buildIsCurrent(sourcesNewerThanBuild(join(dir, 'node_modules', 'interleave-checker')))).toBe(true);
  });

  it('takes nothing as built without a build', () => {
    dir = mkdtempSync(join(tmpdir(), 'stamp-'));
    const root = join(dir, 'node_modules', 'interleave-checker');
    mkdirSync(join(root, 'src'), { recursive: true });
    expect(buildIsCurrent(root)).toBe(false);
  });
});
