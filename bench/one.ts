/**
 * One benchmark run in its own process, so its peak RSS is its own. Prints
 * one JSON line. Usage: node --import tsx bench/one.ts '<spec json>'
 */
import { registry } from '../models/index.js';
import { check } from '../src/explore/check.js';
import { instantiate } from '../src/model/definition.js';

interface Spec {
  readonly model: string;
  readonly params: Record<string, string | number>;
  readonly options?: Record<string, number | boolean>;
}

const spec = JSON.parse(process.argv[2]) as Spec;
const def = registry.find((d) => d.name === spec.model);
if (!def) throw new Error(`unknown model ${spec.model}`);
const checker = check(instantiate(def, spec.params));
const opts = spec.options ?? {};
if (opts.symmetry) checker.symmetry();
if (opts.por) checker.por();
if (opts.compress) checker.compress();
if (typeof opts.workers === 'number') checker.workers(opts.workers);
if (typeof opts.maxStates === 'number') checker.maxStates(opts.maxStates);
if (typeof opts.bitstate === 'number') checker.bitstate({ log2Bits: opts.bitstate });
const started = process.hrtime.bigint();
const result = await checker.runAsync({});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({
  verdict: result.verdict,
  completion: result.completion,
  states: result.stats.states,
  transitions: result.stats.transitions,
  depth: result.stats.depth,
  seconds,
  statesPerSecond: result.stats.states / seconds,
  transitionsPerSecond: result.stats.transitions / seconds,
  bytesPerState: result.stats.bytesPerState,
  storeBytes: result.stats.memoryBytes,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
})}\n`);
