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
import { finalReportSections, finalReportToText, type FinalReport } from '../render/final-report.js';
import { finishedLine, progressLine, runStartLine, verdictTone, type RunEntry, type RunStart } from '../render/text.js';
import type { FromUi, TerminalSize, ToUi, UiWorkerData } from '../ui/worker-protocol.js';
import { workerUrl } from '../explore/workers/worker-url.js';
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
      io.stdout(finalReportToText(final, terminalWidth(io)));
    },
    async dispose() {},
  };
}

/** A terminal's width when stdout is one (in CI too); undefined for a pipe or file, whose lines stay whole. */
function terminalWidth(io: CliIO): number | undefined {
  const out = io.terminal?.stdout;
  return out?.isTTY && out.columns > 0 ? out.columns : undefined;
}

/**
 * The ink UI on `terminal`. It runs in a worker thread (src/ui/worker.tsx):
 * this thread keeps exploring and only posts plain data (formatted rows,
 * report sections, the latest progress) and copies the UI's bytes to the
 * terminal when it yields. If the UI thread fails, the report is printed
 * plainly through `fallback`, so a run never ends without its report.
 */
export async function inkReporter(
  terminal: NonNullable<CliIO['terminal']>,
  options: Omit<ReporterOptions, 'mode'> & {
    readonly sampleMs?: number;
    /** The UI thread's entry module (default: src/ui's worker, see worker-url.ts). */
    readonly workerEntry?: URL;
  },
  fallback: (text: string) => void,
): Promise<Reporter> {
  const { Worker } = await import('node:worker_threads');
  const size = (): TerminalSize => ({ columns: terminal.stdout.columns || 80, rows: terminal.stdout.rows || 24 });
  const data: UiWorkerData = { size: size(), ...(options.sampleMs !== undefined ? { sampleMs: options.sampleMs } : {}) };
  // The caller already decided this is an interactive terminal; ink in the
  // worker would see a CI variable (e.g. a test run under CI) and stop drawing live.
  const worker = new Worker(options.workerEntry ?? workerUrl('../ui', import.meta.url), { workerData: data, env: withoutCiVariables(process.env) });
  let ready = false;
  let failure: string | undefined;
  let pending: ToUi[] = [];
  const post = (m: ToUi) => {
    if (failure !== undefined) return;
    if (ready) {
      worker.postMessage(m);
      return;
    }
    // Until the UI listens, keep every event but only the newest progress.
    if (m.type === 'progress') pending = pending.filter((p) => p.type !== 'progress');
    pending.push(m);
  };
  let onReady = () => {};
  const readyOrGone = new Promise<void>((resolve) => { onReady = resolve; });
  const closed = new Promise<void>((resolve) => {
    worker.on('message', (m: FromUi) => {
      if (m.type === 'ready') {
        ready = true;
        for (const p of pending) worker.postMessage(p);
        pending = [];
        onReady();
      } else if (m.type === 'write') {
        terminal[m.stream].write(m.chunk);
      } else {
        resolve();
      }
    });
    worker.on('error', (e) => {
      failure = e instanceof Error ? e.message.split('\n')[0] : String(e);
      resolve();
    });
    worker.on('exit', () => resolve());
  });
  void closed.then(onReady);
  // Let the UI thread finish booting (ink, React, yoga: about a second of CPU)
  // before the search starts: on a 2-core machine a boot running alongside
  // the first second of the search slowed it by about 10 %; a booted UI
  // repainting four times a second costs it nothing measurable.
  let bootTimer: NodeJS.Timeout | undefined;
  await Promise.race([readyOrGone, new Promise<void>((resolve) => { bootTimer = setTimeout(resolve, 5000); })]);
  clearTimeout(bootTimer);
  const onResize = () => post({ type: 'resize', size: size() });
  terminal.stdout.on('resize', onResize);
  // A hard exit (second Ctrl-C) never lets ink restore the cursor: do it here.
  const showCursor = () => terminal.stdout.write('\u001b[?25h');
  process.once('exit', showCursor);

  let run = 0;
  let shutDown: Promise<void> | undefined;
  const shutdown = (last: ToUi) => {
    shutDown ??= (async () => {
      post(last);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => { timer = setTimeout(resolve, 5000); })]);
      clearTimeout(timer);
      terminal.stdout.off('resize', onResize);
      process.off('exit', showCursor);
      await worker.terminate();
    })();
    return shutDown;
  };
  return {
    onStart(r) {
      run = r.index;
      post({ type: 'start', run: r });
    },
    onProgress(event) {
      post({ type: 'progress', sample: { ...event, rssBytes: process.memoryUsage.rss(), run } });
    },
    onFinish(r, entry) {
      if (options.multiRun) post({ type: 'finish', row: { line: finishedLine(r, entry.report), tone: verdictTone(entry.report) } });
    },
    async close(final) {
      await shutdown({ type: 'end', sections: finalReportSections(final) });
      if (failure !== undefined) {
        fallback(`(the terminal UI failed: ${failure}; plain report follows)\n${finalReportToText(final, terminal.stdout.columns || undefined)}`);
      }
    },
    dispose: () => shutdown({ type: 'stop' }),
  };
}

/** Picks the reporter for this invocation: silent for --json/--quiet, ink on an interactive terminal, plain otherwise. */
export async function createReporter(io: CliIO, options: ReporterOptions): Promise<Reporter> {
  if (options.mode !== 'human') return silentReporter;
  if (io.interactive && io.terminal) return inkReporter(io.terminal, options, io.stdout);
  return plainReporter(io, options);
}

/** The environment without the variables ink's CI detection (is-in-ci) looks at. */
function withoutCiVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'CI' && k !== 'CONTINUOUS_INTEGRATION' && !k.startsWith('CI_')));
}
