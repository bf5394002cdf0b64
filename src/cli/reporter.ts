/**
 * How a command shows its runs: live progress while exploring, a row per
 * finished run, and the final report. `check`, `run` and `sweep` all talk to
 * a Reporter and never to the terminal directly.
 *
 * - ink (src/ui) only on an interactive terminal (a TTY, not CI): ink 6 leaks
 *   erase codes into pipes (ink#667), so anything else gets plain lines.
 * - plain: progress as a line on stderr every few seconds (so a CI log shows
 *   a long search is alive), finished runs as verdict lines on stderr, the
 *   final report on stdout.
 * - silent: for --json and --quiet, where stdout carries only the answer.
 */
import type { ProgressEvent } from '../explore/result.js';
import { finalReportToText, type FinalReport } from '../render/final-report.js';
import { finishedLine, progressLine, runStartLine, type RunEntry, type RunStart } from '../render/text.js';
import type { CliIO } from './io.js';

export interface Reporter {
  /** A run is about to explore. */
  onStart(run: RunStart): void;
  /** The explorer's progress; called often, so it must be cheap. */
  onProgress(event: ProgressEvent): void;
  /** A run ended (complete, violated, limited or interrupted). */
  onFinish(run: RunStart, entry: RunEntry): void;
  /** Prints the final report and gives the terminal back. */
  close(final: FinalReport): Promise<void>;
  /** Gives the terminal back without a report (after an error); harmless after close. */
  dispose(): Promise<void>;
}

export type ReportMode = 'human' | 'json' | 'quiet';

export interface ReporterOptions {
  readonly mode: ReportMode;
  /** Several runs (run, sweep): announce each finished one. */
  readonly multiRun: boolean;
  /** Plain mode: at most one progress line per this many ms (default 5 s). */
  readonly plainProgressMs?: number;
}

/** Says nothing: the command prints its JSON or verdict line itself. */
export const silentReporter: Reporter = {
  onStart() {},
  onProgress() {},
  onFinish() {},
  async close() {},
  async dispose() {},
};

export function plainReporter(io: CliIO, options: Omit<ReporterOptions, 'mode'>): Reporter {
  const every = options.plainProgressMs ?? 5000;
  let current: RunStart | undefined;
  let lastLine = 0;
  return {
    onStart(run) {
      current = run;
      lastLine = 0;
    },
    onProgress(event) {
      if (event.elapsedMs - lastLine < every) return;
      lastLine = event.elapsedMs;
      io.stderr(`progress: ${current ? `${runStartLine(current)}: ` : ''}${progressLine(event)}`);
    },
    onFinish(run, entry) {
      if (options.multiRun) io.stderr(finishedLine(run, entry.report));
    },
    async close(final) {
      io.stdout(finalReportToText(final));
    },
    async dispose() {},
  };
}

/** The ink UI on `terminal`; loaded only when used, so pipes never load ink. */
export async function inkReporter(
  terminal: NonNullable<CliIO['terminal']>,
  options: Omit<ReporterOptions, 'mode'> & { readonly patchConsole?: boolean },
): Promise<Reporter> {
  const [{ UiStore }, { mountUi }] = await Promise.all([import('../ui/store.js'), import('../ui/mount.js')]);
  const store = new UiStore();
  const ui = mountUi(store, terminal.stdout, terminal.stderr, { patchConsole: options.patchConsole ?? true });
  let run = 0;
  return {
    onStart(r) {
      run = r.index;
      store.start(r);
    },
    onProgress(event) {
      store.progress({ ...event, rssBytes: process.memoryUsage.rss(), run });
    },
    onFinish(r, entry) {
      if (options.multiRun) store.finish(r, entry);
    },
    async close(final) {
      store.end(final);
      await ui.close();
    },
    async dispose() {
      store.stop();
      await ui.close();
    },
  };
}

/** Picks the reporter for this invocation: silent for --json/--quiet, ink on an interactive terminal, plain otherwise. */
export async function createReporter(io: CliIO, options: ReporterOptions): Promise<Reporter> {
  if (options.mode !== 'human') return silentReporter;
  if (io.interactive && io.terminal) return inkReporter(io.terminal, options);
  return plainReporter(io, options);
}
