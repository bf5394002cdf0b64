/**
 * A shard's part: what one CI job of a sharded gate, sweep, minimize, diff
 * or swarm hands the merge job, in `DIR/part.json`. It carries the results
 * themselves (so `interleave merge` renders them with the same code as an
 * unsharded run) and what must agree between parts for their union to mean
 * anything: the interleave version, the input (gate file or grid) by hash,
 * a version of every model (a hash of the models built for the input's
 * configurations), and which shard of how many it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instantiate, type ModelDefinition } from '../model/definition.js';
import { UsageError } from './io.js';
import { writeFileAtomic } from './out-dir.js';
import type { Shard } from './shard.js';
import { packageJson } from './package-info.js';

export const PART_SCHEMA = 'interleave/part@1';
export const PART_FILE = 'part.json';

export type PartKind = 'gate' | 'sweep' | 'minimize' | 'diff' | 'swarm';

/** What a part's input is called in messages. */
const INPUT_NAME: Record<PartKind, string> = { gate: 'gate file', sweep: 'grid', minimize: 'grid', diff: 'grid', swarm: 'swarm configuration (model, parameters, seed, jobs or limits)' };

export interface PartHeader {
  readonly schema: typeof PART_SCHEMA;
  readonly kind: PartKind;
  /** The interleave version that wrote it. */
  readonly interleave: string;
  /** What was split: the gate file or the command's grid, as shown, and its hash. */
  readonly input: { readonly source: string; readonly sha256: string };
  /** Per model: a hash of every model built for the input's configurations. */
  readonly models: Readonly<Record<string, string>>;
  readonly shard: Shard;
  /** The unit keys this shard was dealt (all of them, run or not). */
  readonly units: readonly string[];
  /** False when the shard was interrupted before every unit ran. */
  readonly complete: boolean;
  readonly startedAt: string;
  readonly elapsedMs: number;
}

export interface Part<B = unknown> extends PartHeader {
  readonly body: B;
}

/** A part as written: its body's checksum beside it (see `writePart`). */
interface WrittenPart extends Part {
  readonly bodySha256: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A model's version: the hash of the models it builds for these parameters.
 * Any change to what a check explores (a step, a guard, a source line) changes it.
 */
export function modelVersion(def: ModelDefinition, configurations: ReadonlyArray<Readonly<Record<string, string | number>>>): string {
  const h = createHash('sha256');
  for (const params of configurations) h.update(JSON.stringify(instantiate(def, params))).update('\n');
  return h.digest('hex');
}

export function partHeader(fields: Omit<PartHeader, 'schema' | 'interleave'>): PartHeader {
  return { schema: PART_SCHEMA, interleave: packageJson().version, ...fields };
}

/**
 * JSON keeps typed arrays (a result's `covered` steps, a discovery's packed
 * state) as `{ "$typed": "Int32Array", "data": [...] }`, so a report read
 * back is the report that was written.
 */
const TYPED = { Int32Array, Uint8Array, Uint32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED;

function replacer(_key: string, value: unknown): unknown {
  for (const [name, ctor] of Object.entries(TYPED)) if (value instanceof ctor) return { $typed: name, data: Array.from(value as ArrayLike<number>) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  const v = value as { $typed?: TypedName; data?: number[] };
  if (v !== null && typeof v === 'object' && typeof v.$typed === 'string' && Array.isArray(v.data) && v.$typed in TYPED) return TYPED[v.$typed].from(v.data);
  return value;
}

/**
 * Writes `dir`/part.json with a checksum of its body, which merge checks: a
 * result changed by hand (a verdict, a count) or by a damaged upload would
 * otherwise be merged as if a search had found it.
 */
export function writePart(dir: string, part: Part): string {
  const path = join(dir, PART_FILE);
  const written: WrittenPart = { ...part, bodySha256: sha256(JSON.stringify(part.body, replacer)) };
  writeFileAtomic(path, `${JSON.stringify(written, replacer)}\n`);
  return path;
}

/** A part as read, with the directory it came from. */
export interface LoadedPart<B = unknown> extends Part<B> {
  readonly dir: string;
}

/**
 * The part files under the given paths: each a part.json, a directory
 * holding one, or a directory whose subdirectories hold them (as CI
 * artifact downloads lay them out). In the order found, sorted per directory.
 */
export function findParts(paths: readonly string[], resolvePath: (p: string) => string): Array<{ readonly dir: string; readonly file: string; readonly shown: string }> {
  const found: Array<{ dir: string; file: string; shown: string }> = [];
  for (const shown of paths) {
    const path = resolvePath(shown);
    if (!existsSync(path)) throw new UsageError(`merge: ${shown}: no such file or directory`);
    if (path.endsWith('.json')) {
      found.push({ dir: join(path, '..'), file: path, shown });
      continue;
    }
    if (existsSync(join(path, PART_FILE))) {
      found.push({ dir: path, file: join(path, PART_FILE), shown });
      continue;
    }
    let subs: string[] = [];
    try {
      subs = readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(path, e.name, PART_FILE))).map((e) => e.name).sort();
    } catch {
      /* not a directory: reported below */
    }
    if (subs.length === 0) throw new UsageError(`merge: ${shown} holds no ${PART_FILE}`, 'give the --out directories of the sharded runs (or a directory holding them)');
    for (const s of subs) found.push({ dir: join(path, s), file: join(path, s, PART_FILE), shown: join(shown, s) });
  }
  return found;
}

export function readPart(file: string, shown: string): Part {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'), reviver);
  } catch {
    throw new UsageError(`merge: ${shown}: ${PART_FILE} is not valid JSON (a shard cut off while writing?)`);
  }
  const p = json as Partial<Part>;
  if (typeof p !== 'object' || p === null || p.schema !== PART_SCHEMA || typeof p.kind !== 'string' || typeof p.shard !== 'object' || p.body === undefined) {
    throw new UsageError(`merge: ${shown}: not a shard part (schema ${PART_SCHEMA})`);
  }
  // JSON.stringify of what JSON.parse gave is the text that was hashed (same keys, same order, same numbers).
  if ((json as Partial<WrittenPart>).bodySha256 !== sha256(JSON.stringify(p.body, replacer))) {
    throw new UsageError(`merge: ${shown}: ${PART_FILE}'s results are not the ones its shard wrote (their checksum does not match)`, 're-run that shard; a part is merged only as its shard wrote it');
  }
  return json as Part;
}

/**
 * Checks that the parts belong together and that every shard 1..N is there
 * exactly once; throws a UsageError naming what does not fit. Returns the
 * parts in shard order.
 */
export function checkParts<B>(parts: ReadonlyArray<LoadedPart<B>>): Array<LoadedPart<B>> {
  if (parts.length === 0) throw new UsageError('merge needs at least one shard part');
  const first = parts[0];
  const where = (p: LoadedPart<B>) => `${p.dir} (shard ${p.shard.index}/${p.shard.count})`;
  for (const p of parts.slice(1)) {
    if (p.kind !== first.kind) throw new UsageError(`merge: ${where(p)} is a ${p.kind} part, ${where(first)} a ${first.kind} part`);
    if (p.interleave !== first.interleave) throw new UsageError(`merge: ${where(p)} was written by interleave ${p.interleave}, ${where(first)} by interleave ${first.interleave}`, 'run every shard with the same interleave version');
    if (p.input.sha256 !== first.input.sha256) {
      throw new UsageError(
        `merge: ${where(p)} ran a different ${INPUT_NAME[first.kind]} (${p.input.source}, sha256 ${p.input.sha256.slice(0, 12)}) than ${where(first)} (${first.input.source}, sha256 ${first.input.sha256.slice(0, 12)})`,
        'every shard must run the same input; re-run the shards of one commit',
      );
    }
    const names = new Set([...Object.keys(p.models), ...Object.keys(first.models)]);
    for (const m of names) {
      if (p.models[m] !== first.models[m]) throw new UsageError(`merge: model ${m} differs between ${where(p)} and ${where(first)} (version ${(p.models[m] ?? 'absent').slice(0, 12)} vs ${(first.models[m] ?? 'absent').slice(0, 12)})`, 'every shard must run the same models; re-run the shards of one commit');
    }
    if (p.shard.count !== first.shard.count) throw new UsageError(`merge: ${where(p)} and ${where(first)} split the work differently (N = ${p.shard.count} vs ${first.shard.count})`);
  }
  const n = first.shard.count;
  const byIndex = new Map<number, Array<LoadedPart<B>>>();
  for (const p of parts) byIndex.set(p.shard.index, [...(byIndex.get(p.shard.index) ?? []), p]);
  const dup = [...byIndex.entries()].find(([, ps]) => ps.length > 1);
  if (dup) throw new UsageError(`merge: shard ${dup[0]}/${n} is given ${dup[1].length} times: ${dup[1].map((p) => p.dir).join(', ')}`, 'give each shard once');
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new UsageError(`merge: missing ${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((i) => `${i}/${n}`).join(', ')} (have ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${n}`).join(', ')})`, 'every shard 1..N must have run and uploaded its out/ directory');
  }
  return [...parts].sort((a, b) => a.shard.index - b.shard.index);
}
