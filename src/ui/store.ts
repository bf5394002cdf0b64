/**
 * What the terminal UI shows, as a small external store: the reporter pushes
 * display data in (strings, tones, report sections: everything already
 * formatted by render/), the ink components read it. Finished items only ever
 * grow, so ink's <Static> prints each once. Progress is kept as the latest
 * sample only: the explorer reports often, the UI samples it when it
 * repaints (use-progress), so a fast search never waits for the screen.
 * All of it is plain, cloneable data, so the UI can live in a worker thread.
 */
import type { ProgressEvent } from '../explore/result.js';
import type { ReportSection } from '../render/final-report.js';
import type { RunStart, Tone } from '../render/text.js';

/** A progress event plus what the host process knows (resident memory). */
export interface ProgressSample extends ProgressEvent {
  readonly rssBytes?: number;
  /** `RunStart.index` of the run it belongs to, so a stale sample is never shown for the next run. */
  readonly run?: number;
}

/** A finished run as one row: its line (`finishedLine`) and the tone of its verdict. */
export interface FinishedRow {
  readonly line: string;
  readonly tone: Tone;
}

/** Printed once, above the live line. */
export type StaticItem =
  | ({ readonly kind: 'run'; readonly key: string } & FinishedRow)
  | { readonly kind: 'final'; readonly key: string; readonly sections: readonly ReportSection[] };

export interface UiState {
  readonly items: readonly StaticItem[];
  /** The run being explored now, if any. */
  readonly current?: RunStart;
  /** Set once the command has ended; no live line after that. */
  readonly ended: boolean;
}

export class UiStore {
  private state: UiState = { items: [], ended: false };
  private latest: ProgressSample | undefined;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getState = (): UiState => this.state;

  /** The newest progress sample of the current run (undefined before the first). */
  readonly latestProgress = (): ProgressSample | undefined => this.latest;

  start(run: RunStart): void {
    this.latest = undefined;
    this.set({ ...this.state, current: run });
  }

  /** Cheap on purpose: no render, just remember. */
  progress(sample: ProgressSample): void {
    this.latest = sample;
  }

  /** A finished run, shown as one static row (multi-run commands). */
  finish(row: FinishedRow): void {
    const item: StaticItem = { kind: 'run', key: `run-${this.state.items.length}`, ...row };
    this.set({ ...this.state, items: [...this.state.items, item], current: undefined });
  }

  /** Ends without a report (the command failed): the live line goes away. */
  stop(): void {
    if (!this.state.ended) this.set({ ...this.state, current: undefined, ended: true });
  }

  /** The final report's sections (`finalReportSections`), printed once; no live line after. */
  end(sections: readonly ReportSection[]): void {
    const item: StaticItem = { kind: 'final', key: `final-${this.state.items.length}`, sections };
    this.set({ items: [...this.state.items, item], current: undefined, ended: true });
  }

  private set(next: UiState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }
}
