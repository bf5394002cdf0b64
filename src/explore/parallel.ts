/**
 * Parallel BFS: worker threads expand chunks of consecutive states, and the
 * main thread merges their successors into the store strictly in state-id
 * order, exactly as the sequential search would have admitted them. So ids,
 * counts, coverage and the first counterexample are the same for every
 * worker count (unlike TLC's multi-worker BFS); only the expansion work is
 * shared out. Hashing and inserting stay on the main thread.
 */
import type { CompiledModel } from './compile.js';
import { SearchCore, symmetryFor, type ExploredLevels, type SearchLimits, type SearchOutcome } from './bfs.js';
import { createExpander } from './expand.js';
import { okClassification, StateKind, type StateKind as Kind } from './classify.js';
import type { ProgressEvent } from './result.js';
import { StoreFullError } from './state-store.js';
import type { ExpandResponse } from './workers/protocol.js';
import { WorkerPool } from './workers/pool.js';

/** States per chunk sent to a worker. */
const CHUNK = 2048;

export interface ParallelOptions {
  readonly workers: number;
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly progressIntervalMs?: number;
  readonly onExplored?: (levels: ExploredLevels) => void;
}

export async function runParallel(cm: CompiledModel, limits: SearchLimits, options: ParallelOptions): Promise<SearchOutcome> {
  const sym = symmetryFor(cm, limits);
  const core = new SearchCore(cm, limits, createExpander(cm, sym), sym);
  const words = cm.packer.words;
  const pool = new WorkerPool(options.workers, { model: cm.model, symmetry: sym !== undefined });
  const inFlight = new Map<number, Promise<ExpandResponse>>();
  let dispatched = 0; // states handed out so far (ids below it)
  let nextChunk = 0;
  let mergeChunk = 0;
  const chunkStart = new Map<number, number>();
  const maxInFlight = options.workers * 2;
  let lastReport = 0;
  const packed = new Int32Array(words);
  const result = okClassification();

  const dispatch = () => {
    while (inFlight.size < maxInFlight && dispatched < core.store.count) {
      const count = Math.min(CHUNK, core.store.count - dispatched);
      const states = new Int32Array(count * words);
      for (let i = 0; i < count; i++) core.store.read(dispatched + i, states, i * words);
      chunkStart.set(nextChunk, dispatched);
      const reply = pool.expand({ chunk: nextChunk, states, count });
      // Chunks still in flight when the search stops are dropped with the pool.
      reply.catch(() => {});
      inFlight.set(nextChunk, reply);
      nextChunk++;
      dispatched += count;
    }
  };

  try {
    while (!core.stopped && !core.exhausted) {
      if (options.signal?.aborted) return core.finish(true);
      dispatch();
      const response = await inFlight.get(mergeChunk)!;
      inFlight.delete(mergeChunk);
      const start = chunkStart.get(mergeChunk)!;
      chunkStart.delete(mergeChunk);
      mergeChunk++;
      if (start !== core.current) throw new Error(`internal: merging chunk at ${start} while at ${core.current}`);
      const { meta, successors, messages } = response;
      let at = 0;
      let message = 0;
      for (let i = 0; i < meta.length / 3 && !core.stopped; i++) {
        core.beginSource();
        const n = meta[i * 3];
        for (let k = 0; k < n; k++) {
          for (let w = 0; w < words; w++) packed[w] = successors[at + w];
          core.admit(packed, successors[at + words]);
          at += words + 1;
        }
        result.kind = meta[i * 3 + 1] as Kind;
        result.index = meta[i * 3 + 2];
        result.message = result.kind === StateKind.ModelError ? messages[message++] : '';
        core.endSource(result);
      }
      const now = Date.now();
      if (options.onProgress && now - lastReport >= (options.progressIntervalMs ?? 200)) {
        lastReport = now;
        options.onProgress(core.progress());
      }
    }
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
