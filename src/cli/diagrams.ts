/**
 * Writes a counterexample's diagrams under a run's directory: waitfor.dot
 * and .svg, trace.dot and .svg, and states.dot and .svg when the model is
 * small enough, else states.txt saying why not. Each file is written
 * atomically; diagram files a previous run left there that this run did not
 * write are removed, so a directory never shows pictures of another result.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckReport } from '../explain/report.js';
import { compileModel, type CompiledModel } from '../explore/compile.js';
import { renderDiagrams, type DiagramOptions, type StateGraphOutcome } from '../render/diagrams.js';
import { writeFileAtomic } from './out-dir.js';

/** File names by key, as they appear in `files` of the JSON output. */
export const DIAGRAM_FILES = {
  waitforDot: 'waitfor.dot',
  waitforSvg: 'waitfor.svg',
  traceDot: 'trace.dot',
  traceSvg: 'trace.svg',
  sliceDot: 'trace-slice.dot',
  sliceSvg: 'trace-slice.svg',
  statesDot: 'states.dot',
  statesSvg: 'states.svg',
  statesNote: 'states.txt',
} as const;

export interface DiagramsWritten {
  /** Paths written, by key of `DIAGRAM_FILES`. */
  readonly files: Record<string, string>;
  readonly stateGraph?: StateGraphOutcome;
}

/**
 * Renders and writes the diagrams of `report` under `dir`. `cm` defaults to
 * compiling the model the report carries. With no counterexample, writes
 * nothing (and clears stale diagrams).
 */
export async function writeDiagrams(
  dir: string,
  report: CheckReport,
  options: DiagramOptions & { readonly compiled?: CompiledModel } = {},
): Promise<DiagramsWritten> {
  const cm = options.compiled ?? (report.model ? compileModel(report.model) : undefined);
  const d = await renderDiagrams(report, cm, options);
  const contents: Partial<Record<keyof typeof DIAGRAM_FILES, string>> = d
    ? {
        waitforDot: d.waitForDot,
        waitforSvg: d.waitForSvg,
        traceDot: d.traceDot,
        traceSvg: d.traceSvg,
        sliceDot: d.sliceDot,
        sliceSvg: d.sliceSvg,
        ...(d.statesDot !== undefined && d.statesSvg !== undefined ? { statesDot: d.statesDot, statesSvg: d.statesSvg } : {}),
        ...(!d.stateGraph.drawn ? { statesNote: `${d.stateGraph.reason}\n` } : {}),
      }
    : {};
  const files: Record<string, string> = {};
  for (const [key, name] of Object.entries(DIAGRAM_FILES) as Array<[keyof typeof DIAGRAM_FILES, string]>) {
    const path = join(dir, name);
    const text = contents[key];
    if (text === undefined) {
      rmSync(path, { force: true });
      continue;
    }
    writeFileAtomic(path, text.endsWith('\n') ? text : `${text}\n`);
    files[key] = path;
  }
  return { files, ...(d ? { stateGraph: d.stateGraph } : {}) };
}
