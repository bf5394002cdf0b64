/**
 * Where the reader is in an explorer: a path of step ids from the initial
 * state (the recorded schedule, or a branch of it the reader chose), the
 * number of steps taken at the point shown, and the branches left behind,
 * so "back" returns. Every state comes from the model's own compiled step
 * functions, replayed from the start, so a branch is as real as the
 * recorded schedule. Pure: no DOM, testable in Node.
 */
import type { CompiledModel } from '../../explore/compile.js';
import { replayPath } from '../../explain/path.js';
import { wakeRecipients, wokeMark, wokeNobody } from '../../explain/trace.js';
import type { ExplorerPoint } from './fragment.js';

export interface EnabledStep {
  readonly stepId: number;
  readonly pid: number;
  /** The step would put its process to sleep (the primitive is not free). */
  readonly sleeps: boolean;
}

interface Place {
  readonly path: readonly number[];
  readonly at: number;
}

export class ExplorerSession {
  private pathNow: number[];
  private statesNow: Int32Array[];
  /** `wakeNoteAt`'s answers for the path now, by step (null: no mark), computed when first asked. */
  private notesNow: Array<string | null | undefined> = [];
  private atNow: number;
  private readonly history: Place[] = [];

  constructor(readonly cm: CompiledModel, readonly recorded: readonly number[]) {
    this.pathNow = [...recorded];
    this.statesNow = replayPath(cm, recorded);
    this.atNow = 0;
  }

  get path(): readonly number[] { return this.pathNow; }
  /** Steps taken at the point shown: 0 is the initial state, `path.length` the last. */
  get at(): number { return this.atNow; }
  get state(): Int32Array { return this.statesNow[this.atNow]; }
  stateAt(i: number): Int32Array { return this.statesNow[i]; }

  /**
   * The trace table's mark for step `i` (1-based) of the path, if it is a
   * wake-up that woke nobody or a task not yet asleep (explain/trace.ts).
   * Kept per path, since the schedule's rows ask again on every scroll.
   */
  wakeNoteAt(i: number): string | undefined {
    let note = this.notesNow[i];
    if (note === undefined) {
      const stepId = this.pathNow[i - 1];
      const before = this.statesNow[i - 1];
      note = wokeNobody(this.cm, stepId, before) ? 'woke nobody'
        : wokeMark({ woke: wakeRecipients(this.cm, stepId, before, this.statesNow[i]).map((r) => ({ process: this.cm.processName(r.pid), asleep: r.asleep })) }) ?? null;
      this.notesNow[i] = note;
    }
    return note ?? undefined;
  }
  get canGoBack(): boolean { return this.history.length > 0; }

  /** How many leading steps the path shares with the recorded schedule. */
  get recordedPrefix(): number {
    let k = 0;
    while (k < this.pathNow.length && k < this.recorded.length && this.pathNow[k] === this.recorded[k]) k++;
    return k;
  }

  /** Steps of the recorded schedule (0 when the page has none: a design that holds). */
  get recordedLength(): number {
    return this.recorded.length;
  }

  /** The path is the recorded schedule, whole. */
  get onRecorded(): boolean {
    return this.pathNow.length === this.recorded.length && this.recordedPrefix === this.recorded.length;
  }

  goTo(i: number): void {
    this.atNow = Math.max(0, Math.min(this.pathNow.length, i));
  }

  /** The steps enabled at the point shown, in the model's step order. */
  enabled(): EnabledStep[] {
    const s = this.state;
    const out = new Int32Array(this.cm.slotCount);
    const ids: number[] = [];
    this.cm.successors(s, out, (id) => { ids.push(id); });
    return ids.map((stepId) => {
      const cs = this.cm.steps[stepId];
      this.cm.runStep(stepId, s, out);
      const waitSlot = this.cm.layout.processes[cs.pid].waitSlot;
      return { stepId, pid: cs.pid, sleeps: s[waitSlot] === 0 && out[waitSlot] > 0 };
    });
  }

  /**
   * Takes `stepId` from the point shown. The path's own next step just
   * moves on; any other leaves the path there (it can be returned to with
   * `back`) and continues from the new state.
   */
  choose(stepId: number): void {
    if (this.pathNow[this.atNow] === stepId) {
      this.atNow++;
      return;
    }
    const next = new Int32Array(this.cm.slotCount);
    if (!this.cm.runStep(stepId, this.state, next)) throw new Error(`step ${stepId} is not enabled here`);
    this.history.push({ path: this.pathNow, at: this.atNow });
    this.pathNow = [...this.pathNow.slice(0, this.atNow), stepId];
    this.statesNow = [...this.statesNow.slice(0, this.atNow + 1), next];
    this.notesNow = this.notesNow.slice(0, this.atNow + 1);
    this.atNow++;
  }

  /** Returns to the path and point left by the last `choose` that branched. */
  back(): void {
    const place = this.history.pop();
    if (!place) return;
    this.setPath(place.path, place.at);
  }

  /** Back to the recorded schedule, at the point shown if it is on it, else where the branch left it. */
  returnToRecorded(): void {
    if (this.onRecorded) return;
    const at = Math.min(this.atNow, this.recordedPrefix);
    this.history.push({ path: this.pathNow, at: this.atNow });
    this.setPath(this.recorded, at);
  }

  point(hash: string): ExplorerPoint {
    const k = this.recordedPrefix;
    return { hash, recordedPrefix: k, chosen: this.pathNow.slice(k), step: this.atNow };
  }

  /** Opens a point from a link; throws (a `ReplayError` naming the step) when it does not fit the model. */
  open(p: ExplorerPoint): void {
    const path = [...this.recorded.slice(0, p.recordedPrefix), ...p.chosen];
    if (p.step > path.length) throw new Error(`the link points at step ${p.step}, but its path has ${path.length} steps`);
    this.setPath(path, p.step);
    this.history.length = 0;
  }

  private setPath(path: readonly number[], at: number): void {
    this.statesNow = replayPath(this.cm, path);
    this.notesNow = [];
    this.pathNow = [...path];
    this.atNow = at;
  }
}
