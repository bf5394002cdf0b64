/**
 * Writes explorer.html files. The page's script is the explorer client
 * (src/render/explorer/client) bundled with esbuild from the sources at
 * hand, once per process, so the page always runs the same compiler and
 * explain code as the checker that wrote it, and a fresh clone needs no
 * build step.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CheckReport } from '../explain/report.js';
import type { Model } from '../model/types.js';
import { explorerDataOfReport, type ExplorerData } from '../render/explorer/explorer-data.js';
import { explorerHtml } from '../render/explorer/page.js';
import { writeFileAtomic } from './out-dir.js';

// Beside the TypeScript sources, or beside compiled JavaScript if the CLI is ever built.
const CLIENT_ENTRY = ['main.ts', 'main.js']
  .map((f) => fileURLToPath(new URL(`../render/explorer/client/${f}`, import.meta.url)))
  .find((p) => existsSync(p)) ?? fileURLToPath(new URL('../render/explorer/client/main.ts', import.meta.url));

let bundle: Promise<string> | undefined;

/** The client script, minified, as one IIFE (no imports left). */
export function explorerScript(): Promise<string> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [CLIENT_ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  })();
  bundle.catch(() => { bundle = undefined; });
  return bundle;
}

/** The page for `data`, as a string. */
export async function renderExplorer(data: ExplorerData): Promise<string> {
  return explorerHtml(data, await explorerScript());
}

/** Writes `path` (atomically): the explorer of `data`. */
export async function writeExplorer(path: string, data: ExplorerData): Promise<string> {
  writeFileAtomic(path, await renderExplorer(data));
  return path;
}

/** Writes the explorer of a checked configuration when it has a counterexample; returns its path. */
export async function writeReportExplorer(path: string, report: CheckReport, model: Model | undefined = report.model): Promise<string | undefined> {
  if (!report.counterexample || !model) return undefined;
  return writeExplorer(path, explorerDataOfReport(report, model));
}
