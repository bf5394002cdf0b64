/**
 * Parallel BFS: worker threads expand states and insert the successors
 * into one store shared between threads (a lock-free table in
 * SharedArrayBuffers, see `ConcurrentInserter`), with no hashing or
 * inserting on the main thread.
 *
 * The search goes in rounds over consecutive sources of one BFS level.
 * Within a round, which thread stores a new state first is a race, but
 * each new state keeps the least key (source, successor index) that reached
 * it. At the end of a round the workers number the round's new states by
 * that key, which is the order a single thread would have stored them in,
 * and move them to those final ids (see worker.ts); the main thread then
 * only books them, source by source: so ids, counts, coverage and the first
 * counterexample are the same for every worker count (unlike TLC's
 * multi-worker BFS), and levels stay contiguous id ranges. A search that
 * stops inside a round (a violation, a state limit) keeps exactly the states
 * a single thread would have kept and drops the rest.
 */
import type { CompiledModel } from './compile.js';
import { SearchCore, symmetryFor, type ExploredLevels, type SearchLimits, type SearchOutcome } from './bfs.js';
import { createExpander } from './expand.js';
import { okClassification, StateKind, type Classification, type StateKind as Kind } from './classify.js';
import type { ProgressEvent } from './result.js';
import { createRoundShare, SHARED_REHASH_MIN_SLOTS, StateStore, StoreFullError } from './state-store.js';
import { CHUNK_SOURCES, provisionalMargin, type RoundResponse } from './workers/protocol.js';
import { WorkerPool } from './workers/pool.js';

/**
 * Most sources one round expands: every round costs each thread a few waits
 * for the others (and far more when the machine is busy and a thread is not
 * running), so rounds are as large as their records allow.
 */
const ROUND_SOURCES = 1 << 16;
/** Sources expanded on this thread between looks at whether the workers have started. */
const SOLO_SOURCES = 1 << 10;
/**
 * Most provisional (new) states one round can store (room for them is made
 * before the round); a round whose sources make many new states ends early
 * (see `roomFor` in worker.ts).
 */
const ROUND_PROVISIONAL = 1 << 18;

export interface ParallelOptions {
  readonly workers: number;
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly progressIntervalMs?: number;
  readonly onExplored?: (levels: ExploredLevels) => void;
  /** Most sources expanded on this thread while the workers start (default: no limit; the outcome is the same either way). */
  readonly soloSources?: number;
  /** Most new states one round stores (default `ROUND_PROVISIONAL`; fewer, and rounds end early more often). */
  readonly roundStates?: number;
}

/**
 * Most successors one state can have: each step emits at most one, and
 * only the steps at each process's current location can run. Keys
 * (source offset * bound + successor index) are then unique per successor.
 */
function successorBound(cm: CompiledModel): number {
  const most = new Map<number, number>();
  const at = new Map<string, number>();
  for (const cs of cm.steps) {
    const k = `${cs.pid}:${cs.location}`;
    const n = (at.get(k) ?? 0) + 1;
    at.set(k, n);
    most.set(cs.pid, Math.max(most.get(cs.pid) ?? 0, n));
  }
  let bound = 0;
  for (const n of most.values()) bound += n;
  return Math.max(1, bound);
}

export async function runParallel(cm: CompiledModel, limits: SearchLimits, options: ParallelOptions): Promise<SearchOutcome> {
  const sym = symmetryFor(cm, limits);
  const store = new StateStore(cm.packer.words, 1 << 12, true);
  const core = new SearchCore(cm, limits, createExpander(cm, sym), sym, Date.now, store);
  const perSource = successorBound(cm);
  const roundSources = ROUND_SOURCES;
  const provisional = Math.max(options.roundStates ?? ROUND_PROVISIONAL, 2 * provisionalMargin(options.workers, perSource));
  const round = createRoundShare(provisional, roundSources * perSource, cm.packer.words);
  const ints = (n: number) => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
  const counter = new Int32Array(round.counter);
  const work = ints(4);
  const sync = ints(4);
  const mailCount = ints(options.workers);
  // A thread's mail holds what the others send it in a round: at most the round's successors, and
  // the round ends early (see `takeSources` in worker.ts) rather than overflow it.
  const mailCapacity = Math.max(2 * provisionalMargin(options.workers, perSource), Math.ceil((2 * provisional) / options.workers));
  // Two halves each (see WorkerInit.emitted).
  const emitted = ints(2 * roundSources);
  const fresh = ints(2 * roundSources);
  const placedArrival = ints(2 * provisional);
  const firstSource = ints(cm.steps.length).fill(0x7fffffff);
  const arrival = ints(provisional);
  const pool = new WorkerPool(options.workers, {
    model: cm.model, workers: options.workers, symmetry: sym !== undefined, perSource, round,
    work: work.buffer as SharedArrayBuffer, sync: sync.buffer as SharedArrayBuffer,
    emitted: emitted.buffer as SharedArrayBuffer, fresh: fresh.buffer as SharedArrayBuffer,
    chunkFresh: ints(Math.ceil(roundSources / CHUNK_SOURCES)).buffer as SharedArrayBuffer,
    firstSource: firstSource.buffer as SharedArrayBuffer, arrival: arrival.buffer as SharedArrayBuffer,
    placedArrival: placedArrival.buffer as SharedArrayBuffer,
    mail: ints(options.workers * mailCapacity * (cm.packer.words + 2)).buffer as SharedArrayBuffer,
    mailCount: mailCount.buffer as SharedArrayBuffer, mailCapacity,
  });
  const fine = okClassification();
  const found: Classification = okClassification();
  const broken: Classification = { kind: StateKind.Invariant, index: 0, message: '' };
  let lastReport = 0;
  /** Whether the workers hold views of the store (after the first round). */
  let attached = false;

  /** A round the workers ran: sources `start .. end - 1` (those they took), whose new states have ids from `base` on. */
  interface Ran { readonly start: number; readonly end: number; readonly base: number; readonly records: 0 | 1; readonly replies: readonly RoundResponse[] }

  /** Books a round's new states (already at their ids) source by source, as one thread would, stopping where it would stop. */
  const book = ({ start, end, base, records, replies }: Ran) => {
    const sourcesAt = records * roundSources - start;
    const placedAt = records * provisional - base;
    const events = new Map<number, RoundResponse['events'][number]>();
    for (const r of replies) for (const e of r.events) events.set(e.source, e);
    let last = start - 1;
    for (let s = start; s < end && !core.stopped; s++) {
      core.beginSource();
      const first = store.count;
      store.claim(fresh[sourcesAt + s]);
      for (let id = first; id < store.count; id++) {
        const broke = placedArrival[placedAt + id];
        if (broke === 0) core.recordArrival(id, undefined);
        else {
          broken.index = broke - 1;
          core.recordArrival(id, broken);
        }
      }
      core.transitions += emitted[sourcesAt + s];
      const e = events.get(s);
      if (e) {
        found.kind = e.kind as Kind;
        found.index = e.index;
        found.message = e.message;
      }
      core.endSource(e ? found : fine);
      last = s;
    }
    for (let step = 0; step < firstSource.length; step++) if (firstSource[step] <= last) core.covered[step] = 1;
    for (const r of replies) core.mergeMaxima(r.maxima);
  };

  const report = () => {
    const now = Date.now();
    if (options.onProgress && now - lastReport >= (options.progressIntervalMs ?? 200)) {
      lastReport = now;
      options.onProgress(core.progress());
    }
  };

  try {
    // While the workers start (load the code, compile the model: a few tenths of a second), the
    // search goes on here, alone, as on one thread; small searches end before they are needed.
    const packed = new Int32Array(cm.packer.words);
    const soloEnd = options.soloSources ?? Infinity;
    while (!core.stopped && !core.exhausted && core.current < soloEnd && Atomics.load(sync, 2) < options.workers) {
      if (options.signal?.aborted) return core.finish(true);
      for (let n = 0; n < SOLO_SOURCES && !core.stopped && !core.exhausted && core.current < soloEnd; n++) {
        core.beginSource();
        store.read(core.current, packed);
        core.endSource(core.expander.expand(packed, 0, core.admit));
      }
      report();
      // Lets a Ctrl-C be noticed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Round after round, the main thread books one while the workers run the next, so the workers
    // need not wait for it; where the search stops, the states of the rounds past that are dropped.
    /** Ids the workers placed (booked or not), sources they took, and the end of the level those are in. */
    let placedEnd = store.count;
    let takenEnd = core.current;
    let levelEnd = core.levelEndId;
    let records: 0 | 1 = 0;
    let toBook: Ran | undefined;
    let interrupted = false;
    for (;;) {
      let running: { start: number; end: number; base: number; records: 0 | 1; replies: Promise<RoundResponse[]> } | undefined;
      if (options.signal?.aborted) interrupted = true;
      else if (!core.stopped && takenEnd < placedEnd) {
        if (takenEnd === levelEnd) levelEnd = placedEnd;
        const start = takenEnd;
        const end = Math.min(start + roundSources, levelEnd);
        const grown = store.startGrowth(placedEnd + provisional);
        // A small table is quicker to fill here than to share out.
        if (grown && (!attached || store.table.length < SHARED_REHASH_MIN_SLOTS)) store.rehashIds(0, placedEnd);
        else if (grown) {
          // The workers put the stored states into the new table, each into its part of it.
          work.fill(0);
          await pool.round({ start: 0, end: 0, base: placedEnd, records, share: store.share(), rehash: placedEnd });
        }
        attached = true;
        counter[0] = 0;
        work.fill(0);
        mailCount.fill(0);
        const replies = pool.round({ start, end, base: placedEnd, records, ...(store.shareChanged ? { share: store.share() } : {}) });
        running = { start, end, base: placedEnd, records, replies };
        records = records === 0 ? 1 : 0;
      }
      if (toBook) book(toBook);
      toBook = undefined;
      report();
      if (!running) break;
      const replies = await running.replies;
      // The sources the workers took (fewer than asked when the round's records filled up).
      const end = Math.min(running.end, running.start + work[0]);
      for (let i = running.records * roundSources, to = i + end - running.start; i < to; i++) placedEnd += fresh[i];
      takenEnd = end;
      toBook = { ...running, end, replies };
    }
    if (store.count < placedEnd) {
      for (let id = store.count; id < placedEnd; id++) store.forget(id);
      // The workers counted the dropped states in their maxima too.
      core.recomputeMaxima();
    }
    if (interrupted) return core.finish(true);
    options.onProgress?.(core.progress());
    const outcome = core.finish();
    const levels = options.onExplored ? core.explored() : undefined;
    if (levels) options.onExplored!(levels);
    return outcome;
  } catch (e) {
    if (e instanceof StoreFullError || e instanceof RangeError) {
      core.outOfMemory();
      return core.finish();
    }
    throw e;
  } finally {
    await pool.close();
  }
}
