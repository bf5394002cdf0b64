/**
 * `--shard I/N`: one CI matrix job's share of a gate, sweep, minimize or
 * diff. The units of work (distinct explorations, in the order an unsharded
 * run meets them) are dealt to N shards by longest-processing-time-first
 * over a cost estimate, so every job runs about as long and every job,
 * given the same units and costs, computes the same partition on its own.
 *
 * Costs: the state counts of a previous run's JSON (`--costs` with a
 * gate.json or sweep.json written by interleave), else a size heuristic.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParsedArgs } from './args.js';
import { takeString } from './args.js';
import { UsageError } from './io.js';
import { isObject } from '../model/plain-object.js';
import { reason } from './out-dir.js';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** At most this many shards: more than any CI matrix allows. */
export const MAX_SHARDS = 1000;

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const hint = 'write --shard I/N with 1 <= I <= N, e.g. --shard 2/3 (in GitHub Actions: --shard ${{ matrix.shard }}/3)';
  if (!m) throw new UsageError(`--shard must be I/N, got ${JSON.stringify(text)}`, hint);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${text}: N must be 1..${MAX_SHARDS}`, hint);
  if (index < 1 || index > count) throw new UsageError(`--shard ${text}: I must be 1..${count}`, hint);
  return { index, count };
}

export const shardText = (s: Shard) => `${s.index}/${s.count}`;

/** One unit of work: its key (what makes two units the same exploration) and parameters. */
export interface ShardUnit {
  readonly key: string;
  readonly model: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** Known costs (states explored) by unit key. */
export type CostTable = ReadonlyMap<string, number>;

/**
 * Without a previous run to go by: state spaces here grow about
 * geometrically with every integer parameter (writers, bios, ctrs, the
 * threshold), so 4 to the sum of them orders configurations well enough.
 */
export function heuristicCost(params: Readonly<Record<string, string | number>>): number {
  let sum = 0;
  for (const v of Object.values(params)) if (typeof v === 'number') sum += v;
  return 4 ** Math.min(sum, 40);
}

/**
 * Deals units to `count` shards: largest estimated cost first (ties in unit
 * order), each to the shard with the least estimated load so far (ties to
 * the lowest shard). Returns, per unit, its shard's 1-based index.
 * Deterministic: the same units and costs give the same partition.
 */
export function partition(units: readonly ShardUnit[], count: number, costs?: CostTable): number[] {
  const cost = (u: ShardUnit) => costs?.get(u.key) ?? heuristicCost(u.params);
  const order = units.map((u, i) => ({ i, c: cost(u) })).sort((a, b) => b.c - a.c || a.i - b.i);
  const load = new Array<number>(count).fill(0);
  const owner = new Array<number>(units.length);
  for (const { i, c } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    owner[i] = best + 1;
    // A unit of unknown or zero cost still takes a turn.
    load[best] += Math.max(c, 1);
  }
  return owner;
}

/** The keys of the units shard `shard` runs. */
export function unitsOf(units: readonly ShardUnit[], shard: Shard, costs?: CostTable): Set<string> {
  const owner = partition(units, shard.count, costs);
  return new Set(units.filter((_, i) => owner[i] === shard.index).map((u) => u.key));
}

/** The key of one exploration: the model, its parameters (in a fixed order) and the reductions. */
export function unitKey(model: string, params: Readonly<Record<string, string | number>>, reductions: readonly string[] = []): string {
  return JSON.stringify([model, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), reductions]);
}


/**
 * Reads the states of each exploration from a previous run's gate.json
 * (`interleave/gate@1`) or sweep.json (`interleave/sweep@1`), keyed as
 * `unitKey` keys them. A unit the file does not know falls back to the heuristic.
 */
export function readCosts(path: string, shown: string): Map<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--costs ${shown}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read it (${reason(e)})` : 'not valid JSON'}`, 'give the gate.json or sweep.json of an earlier run');
  }
  const costs = new Map<string, number>();
  const add = (model: unknown, params: unknown, states: unknown, reductions: unknown) => {
    if (typeof model !== 'string' || !isObject(params) || typeof states !== 'number') return;
    const red = Array.isArray(reductions) ? reductions.filter((r): r is string => typeof r === 'string') : [];
    costs.set(unitKey(model, params as Record<string, string | number>, red), states);
  };
  if (isObject(json) && json.schema === 'interleave/gate@1' && Array.isArray(json.checks)) {
    for (const check of json.checks) {
      if (!isObject(check) || !Array.isArray(check.cases)) continue;
      for (const c of check.cases) if (isObject(c)) add(check.model, c.params, c.states, check.symmetry === true ? ['symmetry'] : []);
    }
  } else if (isObject(json) && json.schema === 'interleave/sweep@1' && Array.isArray(json.runs)) {
    for (const r of json.runs) if (isObject(r)) add(json.model, r.params, r.states, []);
  } else {
    throw new UsageError(`--costs ${shown}: not a gate.json or sweep.json written by interleave`, 'give out/gate/gate.json or out/sweep/<model>/sweep.json of an earlier run');
  }
  return costs;
}

export interface ShardOptions {
  readonly shard?: Shard;
  readonly costs?: CostTable;
}

/** Takes `--shard I/N` and `--costs FILE` out of the arguments. */
export function takeShardOptions(args: ParsedArgs, cwd: string): ShardOptions {
  const shardArg = takeString(args, 'shard');
  const costsArg = takeString(args, 'costs');
  if (costsArg !== undefined && shardArg === undefined) throw new UsageError('--costs only matters with --shard I/N');
  return {
    ...(shardArg !== undefined ? { shard: parseShard(shardArg) } : {}),
    ...(costsArg !== undefined ? { costs: readCosts(resolve(cwd, costsArg), costsArg) } : {}),
  };
}
