/**
 * One job of a swarm verification (Holzmann, Joshi and Groce, "Swarm
 * verification techniques", IEEE TSE 2011): for a space too large to
 * explore, many small independent searches, each bounded in memory and
 * time and each diversified (its own process order, successor shuffling and
 * hash functions), so that together they reach deep states one exhaustive
 * search runs out of memory before. A job is a depth-first search with a
 * bitstate seen-set (the same supertrace idea as bitstate.ts): a state costs
 * a few bits, a depth-first search goes deep at once, and its stack is the
 * trace of whatever it finds.
 *
 * Nothing a swarm job reports is a proof: the bit table may take a new state
 * for a seen one, and the depth is bounded by the memory left for the stack.
 * Every violation it reports is real: its path replays from the initial state.
 *
 * Pure and deterministic for a given (seed, job): randomness only from the
 * seeded PRNG of simulate.ts. Time is the only outside input (the `--time`
 * bound), through `now`.
 */
import type { CompiledModel } from './compile.js';
import { describeViolation } from './classify.js';
import { createExpander } from './expand.js';
import { createBitTable } from './bit-table.js';
import type { Discovery } from './result.js';
import { createRandom } from './simulate.js';

/** How a job orders the successors it explores. */
export type SwarmStrategy =
  /** Successors by a seeded permutation of the processes (a fixed priority order). */
  | 'dfs'
  /** Successors shuffled afresh at every state (a randomised depth-first search). */
  | 'random-dfs';

export interface SwarmJobOptions {
  /** 0-based job index and the number of jobs. */
  readonly job: number;
  readonly jobs: number;
  /** The swarm's seed; job `i` derives its own from it. */
  readonly seed: number;
  /** Bytes for the bit table and the depth-first stack together. */
  readonly maxMemoryBytes: number;
  /** Stop after this many milliseconds (by `now`). */
  readonly timeLimitMs?: number;
}

export interface SwarmJobDriver {
  readonly signal?: { readonly aborted: boolean };
  readonly now?: () => number;
  /** Called every few thousand states; resolve to let the event loop run. */
  readonly yieldNow?: () => Promise<void>;
}

export type SwarmStop =
  /** A violation was found (its path replays). */
  | 'violation'
  /** The job's search ran out: every state it could reach within its depth bound and bit table. */
  | 'exhausted'
  | 'time-limit'
  | 'interrupted';

export interface SwarmJobResult {
  readonly job: number;
  readonly jobs: number;
  /** The job's own seed (from the swarm's seed and the job index). */
  readonly seed: number;
  readonly strategy: SwarmStrategy;
  /** The process priority order (`dfs`), by process name. */
  readonly processOrder: readonly string[];
  readonly stop: SwarmStop;
  /** Distinct states visited (bitstate: each set at least one new bit). */
  readonly states: number;
  readonly transitions: number;
  /** The deepest the stack went. */
  readonly maxDepth: number;
  /** The depth at which the stack first did not fit in the memory the bit table left (0: it always fitted). */
  readonly depthLimit: number;
  /** Times the search did not go deeper because it was at the depth bound. */
  readonly truncated: number;
  readonly bits: number;
  readonly hashes: number;
  readonly memoryBytes: number;
  readonly elapsedMs: number;
  readonly discovery?: Discovery;
}

/** The seed of job `job` of a swarm seeded with `seed`: far apart for neighbouring jobs. */
export function jobSeed(seed: number, job: number): number {
  return (seed + Math.imul(job, 0x9e3779b9)) >>> 0;
}

/** Even jobs keep a process priority order, odd jobs shuffle at every state. */
export function strategyOf(job: number): SwarmStrategy {
  return job % 2 === 0 ? 'dfs' : 'random-dfs';
}

/** The largest power-of-two bit table that leaves a quarter of the memory (at least 128 KiB) to the stack. */
function tableBits(maxMemoryBytes: number): number {
  let log2 = 10;
  while (log2 < 33 && 2 ** (log2 + 1) / 8 <= maxMemoryBytes * 0.75 && maxMemoryBytes - 2 ** (log2 + 1) / 8 >= 131072) log2++;
  return log2;
}

const HASHES = 3;

export async function runSwarmJob(cm: CompiledModel, options: SwarmJobOptions, driver: SwarmJobDriver = {}): Promise<SwarmJobResult> {
  const now = driver.now ?? Date.now;
  const started = now();
  const seed = jobSeed(options.seed, options.job);
  const random = createRandom(seed);
  const strategy = strategyOf(options.job);
  const procCount = cm.layout.processes.length;
  // A seeded permutation of the processes: rank[pid] = its priority (lower first).
  const order = Array.from({ length: procCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rank = new Int32Array(procCount);
  order.forEach((pid, r) => { rank[pid] = r; });

  const words = cm.packer.words;
  // Each job hashes with its own seeds, so their bitstate omissions differ.
  const table = createBitTable(tableBits(options.maxMemoryBytes), HASHES, words, [(0x9747b28c ^ seed) >>> 0, (0x5bd1e995 ^ Math.imul(seed, 0x85ebca6b)) >>> 0]);
  const testAndSet = (p: Int32Array, at: number) => table.testAndSet(p, at);

  const expander = createExpander(cm, undefined);
  // The stack: per frame, its successors (packed, with their step ids) and which one is next.
  // It may use what the bit table leaves; a frame that would not fit is not pushed (the depth bound).
  const slotBytes = words * 4 + 4;
  const maxSlots = Math.max(0, Math.floor((options.maxMemoryBytes - table.byteLength - 65536) / slotBytes));
  let succ = new Int32Array(words * Math.min(1024, maxSlots));
  let succSteps = new Int32Array(Math.min(1024, maxSlots));
  let succTop = 0;
  const frameStart: number[] = [];
  const frameNext: number[] = [];
  const pathSteps: number[] = [];

  const scratch = new Int32Array(cm.slotCount);
  const collected: Array<{ step: number; packed: Int32Array }> = [];
  const sink = (packed: Int32Array, stepId: number) => { collected.push({ step: stepId, packed: packed.slice() }); };

  let states = 0;
  let transitions = 0;
  let maxDepth = 0;
  let truncated = 0;
  let depthLimit = 0;
  let pending: Omit<Discovery, 'path' | 'state'> | undefined;
  let stop: SwarmStop = 'exhausted';

  const checkAlways = (packed: Int32Array, at: number): boolean => {
    if (cm.alwaysProperties.length === 0) return false;
    cm.packer.unpack(packed, at, scratch);
    const v = cm.violatedAlways(scratch);
    if (v < 0) return false;
    const name = cm.alwaysProperties[v];
    pending = { kind: 'invariant', property: name, message: `invariant "${name}" is violated` };
    return true;
  };

  /** Expands the state at `from[at..]` and pushes its frame: `violation` if the state is one, `full` if its frame does not fit. */
  const push = (from: Int32Array, at: number): 'pushed' | 'violation' | 'full' => {
    collected.length = 0;
    const r = expander.expand(from, at, sink);
    pending = describeViolation(cm, r);
    if (pending) return 'violation';
    transitions += collected.length;
    const need = succTop + collected.length;
    if (need > maxSlots) return 'full';
    if (strategy === 'random-dfs') {
      for (let i = collected.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [collected[i], collected[j]] = [collected[j], collected[i]];
      }
    } else {
      // Stable: by the process's priority, then step order.
      collected.sort((a, b) => rank[cm.steps[a.step].pid] - rank[cm.steps[b.step].pid] || a.step - b.step);
    }
    if (need > succSteps.length) {
      const grow = Math.min(maxSlots, Math.max(need, succSteps.length * 2));
      const a = new Int32Array(grow * words); a.set(succ); succ = a;
      const b = new Int32Array(grow); b.set(succSteps); succSteps = b;
    }
    frameStart.push(succTop);
    frameNext.push(succTop);
    for (const c of collected) {
      succ.set(c.packed, succTop * words);
      succSteps[succTop] = c.step;
      succTop++;
    }
    if (frameStart.length - 1 > maxDepth) maxDepth = frameStart.length - 1;
    return 'pushed';
  };

  const init = new Int32Array(words);
  expander.packKey(cm.initialState(), init);
  testAndSet(init, 0);
  states = 1;
  if (!checkAlways(init, 0) && push(init, 0) === 'full') throw new RangeError(`--max-memory ${options.maxMemoryBytes} bytes leaves no room for a search stack`);

  let sinceYield = 0;
  while (!pending && frameStart.length > 0) {
    const f = frameStart.length - 1;
    const end = f + 1 < frameStart.length ? frameStart[f + 1] : succTop;
    if (frameNext[f] >= end) {
      // Frame done: pop it.
      succTop = frameStart[f];
      frameStart.pop();
      frameNext.pop();
      pathSteps.pop();
      continue;
    }
    const i = frameNext[f]++;
    if (!testAndSet(succ, i * words)) continue;
    states++;
    pathSteps.push(succSteps[i]);
    if (checkAlways(succ, i * words)) break;
    const pushed = push(succ, i * words);
    if (pushed === 'violation') break;
    if (pushed === 'full') {
      // Checked, counted, but not expanded: the stack is as deep as memory allows here.
      if (depthLimit === 0) depthLimit = frameStart.length;
      truncated++;
      pathSteps.pop();
    }
    if (++sinceYield >= 4096) {
      sinceYield = 0;
      if (driver.signal?.aborted) { stop = 'interrupted'; break; }
      if (options.timeLimitMs !== undefined && now() - started >= options.timeLimitMs) { stop = 'time-limit'; break; }
      if (driver.yieldNow) await driver.yieldNow();
    }
  }

  let discovery: Discovery | undefined;
  if (pending) {
    stop = 'violation';
    // The path replays from the initial state: a real trace, not a shortest one.
    const path = pathSteps.slice();
    let cur = cm.initialState();
    const next = new Int32Array(cm.slotCount);
    for (const stepId of path) {
      if (!cm.runStep(stepId, cur, next)) throw new Error('internal: swarm trace does not replay');
      cur = next.slice();
    }
    discovery = { ...pending, path, state: cur };
  }
  return {
    job: options.job,
    jobs: options.jobs,
    seed,
    strategy,
    processOrder: order.map((pid) => cm.processName(pid)),
    stop,
    states,
    transitions,
    maxDepth,
    depthLimit,
    truncated,
    bits: table.bits,
    hashes: HASHES,
    memoryBytes: table.byteLength + succ.byteLength + succSteps.byteLength,
    elapsedMs: now() - started,
    ...(discovery ? { discovery } : {}),
  };
}
