/**
 * Worker thread entry: compiles the model itself (compilation is
 * deterministic, so step ids match the main thread's), then, round after
 * round, takes sources of the round a few at a time, expands them and
 * inserts their successors into the store shared with the other threads.
 *
 * The table is cut into one run of slots per thread, and a thread inserts
 * only the successors whose probe starts in its own run: it sends the others
 * to their thread's mail, which that thread inserts once all are done
 * expanding. So while they insert, each run of slots is read and written by
 * one thread only, which claims its slots with plain writes (a locked
 * compare-and-swap keeps the processor from overlapping the cache misses
 * around it), and the slots and new states it touches stay in its own
 * processor's cache. The few successors whose probe runs past the end of
 * their thread's run are inserted last, by all threads at once, claiming
 * slots with compare-and-swap.
 *
 * Each successor is offered with its key (source, successor index); once
 * all are inserted, the threads number the round's new states by key, as a
 * single thread would have, and move them to their ids: first counting them
 * a chunk of sources at a time, then (each chunk's first id being the sum of
 * the counts before it) placing them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { classifyArrival, okClassification, StateKind } from '../classify.js';
import { compileModel } from '../compile.js';
import { createExpander } from '../expand.js';
import { hashInts } from '../hash.js';
import { ConcurrentInserter, INSERT_BLOCK, LEFT_PART, StateStore } from '../state-store.js';
import { buildSymmetry } from '../symmetry.js';
import { CHUNK_SOURCES, GRAB_SOURCES, provisionalMargin, type RoundRequest, type RoundResponse, type WorkerInit, type WorkerReply } from './protocol.js';


const init = workerData as WorkerInit;
const cm = compileModel(init.model);
const expander = createExpander(cm, init.symmetry ? buildSymmetry(cm) : undefined);
const words = cm.packer.words;
const perSource = init.perSource;
const work = new Int32Array(init.work);
const sync = new Int32Array(init.sync);
const emitted = new Int32Array(init.emitted);
const fresh = new Int32Array(init.fresh);
const chunkFresh = new Int32Array(init.chunkFresh);
const placedArrival = new Int32Array(init.placedArrival);
const firstSource = new Int32Array(init.firstSource);
const arrival = new Int32Array(init.arrival);
const parts = init.workers;
/** This thread's part of the table (see the top of this file). */
const part = Atomics.add(new Int32Array(init.sync), 3, 1);
const mail = new Int32Array(init.mail);
const mailCount = new Int32Array(init.mailCount);
/** Ints of one mail entry (packed state, key, hash) and of one thread's mail. */
const entryInts = words + 2;
const mailInts = init.mailCapacity * entryInts;

/**
 * Writes a mail entry at `into[at..]`: the packed state at `p[from..]`, its
 * key and hash. Copied by hand: a call of TypedArray.prototype.set costs
 * more than a few words.
 */
function putEntry(into: Int32Array, at: number, p: Int32Array, from: number, key: number, h: number): void {
  for (let k = 0; k < words; k++) into[at + k] = p[from + k];
  into[at + words] = key;
  into[at + words + 1] = h;
}
/** Per thread: the next mail entry this thread may write and the end of the block it took. */
const mailNext = new Int32Array(parts);
const mailEnd = new Int32Array(parts);
/** Successors whose probe left this thread's part, as mail entries, for the round's last insert phase. */
let left = new Int32Array(64 * entryInts);
let leftCount = 0;
const covered = new Uint8Array(cm.steps.length);
const varSlots = Int32Array.from(cm.model.vars.map((v) => cm.layout.varSlots.get(v.name)!));
const maxima = Int32Array.from(cm.model.vars.map((v) => v.init));
const arrived = okClassification();
const packed = new Int32Array(words);
let store: StateStore | undefined;
let inserter: ConcurrentInserter | undefined;

/** Successors inserted together (see `ConcurrentInserter.insertBatch`). */
const BATCH = 32;
const batch = new Int32Array(BATCH * words);
const batchKeys = new Int32Array(BATCH);
const batchHashes = new Int32Array(BATCH);
const made = new Int32Array(BATCH);
const unpacked = new Int32Array(cm.slotCount);
let batched = 0;

/**
 * Inserts the successors waiting in the batch (`owned`: within this
 * thread's part, see `ConcurrentInserter.insertBatch`), keeps those that
 * left the part for later, then counts and classifies the ones this
 * thread stored.
 */
function flush(owned: boolean): void {
  inserter!.insertBatch(batch, batchKeys, batched, made, batchHashes, owned);
  for (let i = 0; i < batched; i++) {
    const t = made[i];
    if (t === LEFT_PART) {
      if ((leftCount + 1) * entryInts > left.length) {
        const more = new Int32Array(left.length * 2);
        more.set(left);
        left = more;
      }
      putEntry(left, leftCount++ * entryInts, batch, i * words, batchKeys[i], batchHashes[i]);
      Atomics.add(work, 3, 1);
      continue;
    }
    if (t < 0) continue;
    cm.packer.unpack(batch, i * words, unpacked);
    for (let v = 0; v < varSlots.length; v++) if (unpacked[varSlots[v]] > maxima[v]) maxima[v] = unpacked[varSlots[v]];
    arrival[t] = classifyArrival(cm, unpacked, arrived) ? arrived.index + 1 : 0;
  }
  batched = 0;
}

let source = 0;
let keyBase = 0;
let emits = 0;
/**
 * The successors this thread met last, by the low bits of their hash (hash,
 * and the packed state). One met again is a duplicate to drop before it is
 * sent or inserted: BFS reaches both ends of a diamond (a;b and b;a) from
 * sibling sources, which one thread mostly expands one after the other. It
 * cannot lower the state's least key either: this thread takes sources in
 * increasing order, so its later successors have larger keys.
 */
const RECENT = 1 << 12;
const recentHashes = new Int32Array(RECENT);
const recentStates = new Int32Array(RECENT * words);
const recentSet = new Uint8Array(RECENT);

const sink = (p: Int32Array, stepId: number) => {
  if (covered[stepId] === 0) {
    // This worker takes sources in increasing order, so its first is its least.
    covered[stepId] = 1;
    let old = Atomics.load(firstSource, stepId);
    while (source < old) {
      const seen = Atomics.compareExchange(firstSource, stepId, old, source);
      if (seen === old) break;
      old = seen;
    }
  }
  const h = hashInts(p, 0, words);
  const r = h & (RECENT - 1);
  const cached = r * words;
  if (recentSet[r] === 1 && recentHashes[r] === h) {
    let k = 0;
    while (k < words && recentStates[cached + k] === p[k]) k++;
    if (k === words) {
      emits++;
      return;
    }
  }
  recentSet[r] = 1;
  recentHashes[r] = h;
  for (let k = 0; k < words; k++) recentStates[cached + k] = p[k];
  const to = inserter!.homePart(h);
  // Copied by hand: a call of TypedArray.prototype.set costs more than a few words.
  if (to === part) {
    for (let k = 0, at = batched * words; k < words; k++) batch[at + k] = p[k];
    batchHashes[batched] = h;
    batchKeys[batched++] = keyBase + emits++;
    if (batched === BATCH) flush(true);
    return;
  }
  if (mailNext[to] === mailEnd[to]) {
    const first = Atomics.add(mailCount, to, INSERT_BLOCK);
    // `takeSources` keeps room for every thread's sources taken; this is a check on that reasoning.
    if (first + INSERT_BLOCK > init.mailCapacity) throw new Error('internal: a thread\'s mail overflowed');
    mailNext[to] = first;
    mailEnd[to] = first + INSERT_BLOCK;
  }
  putEntry(mail, to * mailInts + mailNext[to]++ * entryInts, p, 0, keyBase + emits++, h);
};

/** After expanding: the unused rest of this thread's blocks of mail gets key -1, so that their receivers skip it. */
function sealMail(): void {
  for (let to = 0; to < parts; to++) {
    for (let e = mailNext[to]; e < mailEnd[to]; e++) mail[to * mailInts + e * entryInts + words] = -1;
    mailNext[to] = mailEnd[to] = 0;
  }
}

/** Inserts the `n` entries at `entries` (mail entries: packed state, key, hash), skipping those with key -1. */
function insertEntries(entries: Int32Array, from: number, n: number, owned: boolean): void {
  for (let at = from, end = from + n * entryInts; at < end; at += entryInts) {
    const key = entries[at + words];
    if (key < 0) continue;
    for (let k = 0; k < words; k++) batch[batched * words + k] = entries[at + k];
    batchHashes[batched] = entries[at + words + 1];
    batchKeys[batched++] = key;
    if (batched === BATCH) flush(owned);
  }
  flush(owned);
}

/** Waits until every thread of the pool has called it (as often). */
function barrier(): void {
  const passed = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === init.workers - 1) {
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
  } else {
    while (Atomics.load(sync, 1) === passed) Atomics.wait(sync, 1, passed);
  }
}

/** Where id 0 would be in `placedArrival` this round. */
let placedAt = 0;
const placed = (t: number, id: number) => { placedArrival[placedAt + id] = arrival[t]; };

const capacity = init.round.keys.byteLength / 4;
const margin = provisionalMargin(init.workers, perSource);

/**
 * Takes the next sources of the round to expand and returns the first
 * (offset from the round's start), or `sources` when there are none left or
 * the round's records lack room for what they may store: the sources taken
 * are then all those before it, so the round ends there.
 */
function takeSources(sources: number): number {
  for (;;) {
    const taken = Atomics.load(work, 0);
    // New states may still come from the mail and from the successors left for last, besides those in hand.
    let pending = Atomics.load(work, 3);
    let mailFull = false;
    for (let to = 0; to < parts; to++) {
      const n = Atomics.load(mailCount, to);
      pending += n;
      if (n + margin > init.mailCapacity) mailFull = true;
    }
    if (taken >= sources || mailFull || inserter!.handedOut() + pending + margin > capacity) return sources;
    if (Atomics.compareExchange(work, 0, taken, taken + GRAB_SOURCES) === taken) return taken;
  }
}

/** The first error of this thread's round: it still meets the others at every barrier, so they do not wait for it forever. */
let failure: unknown;

/** Runs one phase of a round, then (unless it is the last: the main thread waits for every reply) waits for the other threads to finish it. */
function phase(run: () => void, last = false): void {
  if (failure === undefined) {
    try { run(); } catch (e) { failure = e; }
  }
  if (!last) barrier();
}

function runRound(req: RoundRequest): RoundResponse {
  failure = undefined;
  if (req.rehash !== undefined) {
    const count = req.rehash;
    store!.adopt(req.share!);
    const deferred: number[] = [];
    phase(() => store!.rehashIds(0, count, { index: Atomics.add(work, 0, 1), parts: init.workers, deferred }));
    phase(() => store!.rehashDeferred(deferred), true);
    if (failure !== undefined) throw failure;
    return { events: [], maxima };
  }
  if (req.share) {
    if (store) store.adopt(req.share);
    else {
      store = StateStore.attach(req.share);
      inserter = new ConcurrentInserter(store, init.round);
    }
  }
  inserter!.begin(req.base, part, parts);
  leftCount = 0;
  const sourcesAt = req.records * (emitted.length / 2);
  const events: Array<RoundResponse['events'][number]> = [];
  phase(() => {
    for (;;) {
      const from = req.start + takeSources(req.end - req.start);
      if (from >= req.end) break;
      const to = Math.min(from + GRAB_SOURCES, req.end);
      for (let s = from; s < to; s++) {
        store!.read(s, packed);
        source = s;
        keyBase = (s - req.start) * perSource;
        emits = 0;
        const r = expander.expand(packed, 0, sink);
        emitted[sourcesAt + s - req.start] = emits;
        if (r.kind !== StateKind.Ok) events.push({ source: s, kind: r.kind, index: r.index, message: r.message });
      }
      flush(true);
    }
    sealMail();
  });
  phase(() => insertEntries(mail, part * mailInts, Math.min(Atomics.load(mailCount, part), init.mailCapacity), true));
  phase(() => insertEntries(left, 0, leftCount, false));
  // The sources taken, which every thread sees the same once all are done expanding.
  const sources = Math.min(req.end - req.start, Atomics.load(work, 0));
  const chunks = Math.ceil(sources / CHUNK_SOURCES);
  phase(() => {
    for (let c; (c = Atomics.add(work, 1, 1)) < chunks;) {
      let total = 0;
      for (let i = c * CHUNK_SOURCES, to = Math.min(i + CHUNK_SOURCES, sources); i < to; i++) {
        const n = inserter!.owned(i * perSource, (i + 1) * perSource);
        fresh[sourcesAt + i] = n;
        total += n;
      }
      chunkFresh[c] = total;
    }
  });
  placedAt = req.records * (placedArrival.length / 2) - req.base;
  phase(() => {
    for (let c; (c = Atomics.add(work, 2, 1)) < chunks;) {
      let first = req.base;
      for (let d = 0; d < c; d++) first += chunkFresh[d];
      inserter!.place(c * CHUNK_SOURCES * perSource, Math.min((c + 1) * CHUNK_SOURCES, sources) * perSource, first, placed);
    }
  }, true);
  if (failure !== undefined) throw failure;
  return { events, maxima };
}

parentPort!.on('message', (req: RoundRequest) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, response: runRound(req) };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
Atomics.add(sync, 2, 1);
