/**
 * Where one thread's search time goes, by parts timed on their own: the
 * search's inner loop (expand, insert) is run again over the states it
 * found, with one part added at a time, and growth is timed by storing the
 * same states into a store that must grow and into one sized for them
 * beforehand. The parts overlap in the processor (cache misses of one hide
 * behind work of another), so they need not add up to the search; they say
 * what an optimization can win at most. The lookup is that of a successor
 * the store's cache of recent states misses (in the search it answers about
 * 60% of them, from states met a moment ago; a pass over a finished search
 * cannot reproduce that, so it is not timed here). Page faults are counted by the
 * operating system (`process.resourceUsage`), and their price on this
 * machine is measured by writing fresh memory.
 *
 * The parts are timed once each, after the search warmed the code up, so
 * they mean something for searches of a million states or more; on small
 * ones the compiler's warm-up and the machine's noise dominate (a part can
 * come out negative).
 *
 * Usage: node --import tsx bench/phases.ts [model] [params as JSON]
 * (default: the reference run, dm-snapshot/in-progress w5 t0 c1)
 */
import { registry } from '../models/index.js';
import { compileModel } from '../src/explore/compile.js';
import { createExpander } from '../src/explore/expand.js';
import { hashInts } from '../src/explore/hash.js';
import { StateStore } from '../src/explore/state-store.js';
import { instantiate } from '../src/model/definition.js';
import { table } from '../src/render/text.js';

const usage = (why: string): never => {
  process.stderr.write(`bench/phases.ts: ${why}\nusage: node --import tsx bench/phases.ts [model] [params as JSON]\n`);
  process.exit(2);
};
const name = process.argv[2] ?? 'dm-snapshot/in-progress';
const def = registry.find((d) => d.name === name) ?? usage(`no model named ${name}; known: ${registry.map((d) => d.name).join(', ')}`);
const params = process.argv[3] ?? '{"writers":5,"cow-threshold":0,"ctrs":1}';
const compiled = () => {
  try {
    return compileModel(instantiate(def, JSON.parse(params) as never));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
};
const cm = compiled();
const words = cm.packer.words;
const expander = createExpander(cm, undefined);
const faults = () => process.resourceUsage().minorPageFault;

/** The search's own loop: expand each stored state in id order and insert its successors (no parent log, no classifying). */
function search(): { store: StateStore; ms: number; faults: number } {
  const f0 = faults();
  const t0 = performance.now();
  const store = new StateStore(words);
  const init = new Int32Array(words);
  expander.packKey(cm.initialState(), init);
  store.insert(init);
  const packed = new Int32Array(words);
  const insert = (p: Int32Array) => { store.insert(p); };
  for (let id = 0; id < store.count; id++) {
    store.read(id, packed);
    expander.expand(packed, 0, insert);
  }
  return { store, ms: performance.now() - t0, faults: faults() - f0 };
}

const first = search();
const { store } = first;
const n = store.count;
// The states back to back, so that reading a source costs the same in every pass below.
const flat = new Int32Array(n * words);
for (let id = 0; id < n; id++) store.read(id, flat, id * words);

let successors = 0;
let sink = 0;
/** Expands every state again with `each` as the successor sink; milliseconds, the best of `reps`. */
function pass(each: (p: Int32Array) => void, reps = 2): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    successors = 0;
    const t0 = performance.now();
    for (let id = 0; id < n; id++) expander.expand(flat, id * words, each);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
const expandMs = pass(() => { successors++; });
const hashMs = pass((p) => { successors++; sink ^= hashInts(p, 0, words); });
const findMs = pass((p) => { successors++; sink ^= store.find(p); });

/** Stores all states in id order into a new store, grown as it fills or sized beforehand. */
function refill(reserve: boolean): number {
  let best = Infinity;
  for (let r = 0; r < 2; r++) {
    const fresh = new StateStore(words);
    if (reserve) fresh.reserve(n);
    const t0 = performance.now();
    for (let id = 0; id < n; id++) fresh.insert(flat.subarray(id * words, (id + 1) * words));
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
const grownMs = refill(false);
const sizedMs = refill(true);

/** Microseconds per 4 KiB page for a first write to fresh memory. */
function faultPrice(): number {
  const mib = 64;
  const f0 = faults();
  const t0 = performance.now();
  const a = new Int32Array(mib * 262144);
  for (let i = 0; i < a.length; i += 1024) a[i] = 1;
  const us = (performance.now() - t0) * 1000;
  sink ^= a[0];
  return us / Math.max(1, faults() - f0);
}
const pagePrice = faultPrice();

const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
const per = (x: number) => `${((x * 1e6) / successors).toFixed(1)} ns`;
const share = (x: number) => `${((100 * x) / first.ms).toFixed(0)}%`;
const row = (part: string, x: number, how: string) => [part, ms(x), per(x), share(x), how];
const lookupMs = findMs - hashMs;
const faultMs = (first.faults * pagePrice) / 1000;

process.stdout.write(`${name} ${params}: ${n.toLocaleString('en-US')} states, ${successors.toLocaleString('en-US')} successors, ${words} words a state\n\n`);
process.stdout.write(`${table(['part', 'time', 'per successor', 'of the search', 'timed as'], [
  row('the search (expand and insert)', first.ms, 'the loop alone, in a fresh store'),
  row('expanding', expandMs, 'unpack, run the steps, pack; successors dropped'),
  row('hashing', hashMs - expandMs, 'expanding and hashing, less expanding'),
  row('lookup in the whole table', lookupMs, 'expanding and find, less hashing: all stored, no cache'),
  row('growth', grownMs - sizedMs, 'storing all states, grown less sized beforehand'),
  row('page faults', faultMs, `${first.faults.toLocaleString('en-US')} faults in the search at ${pagePrice.toFixed(1)} us each`),
])}\n`);
if (sink === 0.5) process.stdout.write('\n');
