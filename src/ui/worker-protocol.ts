/**
 * Messages between the command (main thread, which runs the search) and the
 * terminal UI (a worker thread, which runs ink and React). The UI lives in
 * its own thread because with ink and React loaded into the explorer's
 * thread the search ran about 10 % slower on the dm-snapshot models, even
 * with nothing rendering (measured, not understood: JIT or GC effects). In a
 * worker, once booted, repainting costs the search nothing measurable.
 * Everything sent is plain data.
 */
import type { ReportSection } from '../render/final-report.js';
import type { RunStart } from '../render/text.js';
import type { FinishedRow, ProgressSample } from './store.js';

/** The terminal as the UI thread sees it. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export type ToUi =
  | { readonly type: 'start'; readonly run: RunStart }
  | { readonly type: 'progress'; readonly sample: ProgressSample }
  | { readonly type: 'finish'; readonly row: FinishedRow }
  | { readonly type: 'end'; readonly sections: readonly ReportSection[] }
  | { readonly type: 'stop' }
  | { readonly type: 'resize'; readonly size: TerminalSize };

export type FromUi =
  /** The UI listens; messages sent before this are held by the main thread. */
  | { readonly type: 'ready' }
  /** Bytes for the real terminal. */
  | { readonly type: 'write'; readonly stream: 'stdout' | 'stderr'; readonly chunk: string }
  /** Ink has let go of the terminal (after `end` or `stop`). */
  | { readonly type: 'closed' };

/** What the UI thread is started with (`workerData`). */
export interface UiWorkerData {
  readonly size: TerminalSize;
  readonly sampleMs?: number;
}
