import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { modelHash, type ExplorerData } from '../../src/render/explorer/explorer-data.js';
import { fakeIO } from './fake-io.js';

/** The data a page embeds, read back the way the page reads it. */
function embedded(html: string): ExplorerData {
  const m = /<script id="explorer-data" type="application\/json">([^]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]) as ExplorerData;
}

describe('interleave explore', () => {
  it('writes one self-contained page for a model with no violation, starting from its initial state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-explore-'));
    const io = fakeIO(dir);
    expect(await main(['explore', 'dm-snapshot/in-progress', '--writers', '2', '-o', 'x.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'x.html'), 'utf8');
    const data = embedded(html);
    expect(data).toMatchObject({ schema: 'interleave/explorer@1', path: [], verdict: 'none', title: expect.stringContaining('dm-snapshot/in-progress writers=2') });
    expect(data.hash).toBe(modelHash(data.model));
    // Nothing is fetched: no external script, stylesheet or image.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.startsWith('.'))).toEqual([]);
    expect(io.out.join('\n')).toContain(join(dir, 'x.html'));
  });

  it('refuses a bad parameter or an unwritable path with exit code 2 and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-explore-'));
    const io = fakeIO(dir);
    expect(await main(['explore', 'dm-snapshot/in-progress', '--writerz', '2', '-o', 'x.html'], io)).toBe(2);
    expect(io.err.join('\n')).toContain('unknown parameter --writerz');
    const io2 = fakeIO(dir);
    expect(await main(['explore', 'dm-snapshot/in-progress', '-o', '/proc/interleave-explorer.html'], io2)).toBe(2);
    expect(io2.err.join('\n')).toMatch(/cannot write.*\/proc\/interleave-explorer\.html/);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});
