/**
 * `npm run bench`: the reference runs, each in a fresh process, printed as a
 * table and written to out/bench.json. Speed and memory are measured here,
 * never in tests. The first row is the run SPIN is compared against in
 * issue 6: in-progress, 5 writers, threshold 0, one snapshot_ctr.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { table } from '../src/render/text.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Row {
  readonly name: string;
  readonly model: string;
  readonly params: Record<string, string | number>;
  readonly options?: Record<string, number | boolean>;
}

const fix = 'dm-snapshot/in-progress';
const reference = { writers: 5, 'cow-threshold': 0, ctrs: 1 };
export const runs: Row[] = [
  { name: 'reference: in-progress w5 t0 c1', model: fix, params: reference },
  { name: 'reference + symmetry', model: fix, params: reference, options: { symmetry: true } },
  { name: 'reference + por', model: fix, params: reference, options: { por: true } },
  { name: 'reference + symmetry + por', model: fix, params: reference, options: { symmetry: true, por: true } },
  { name: 'reference, 2 workers', model: fix, params: reference, options: { workers: 2 } },
  { name: 'reference, bitstate 2^28 bits', model: fix, params: reference, options: { bitstate: 28 } },
  { name: 'in-progress w6 t2 c2 + symmetry', model: fix, params: { writers: 6, 'cow-threshold': 2, ctrs: 2 }, options: { symmetry: true } },
  { name: 'in-progress w7 t2 c2 + symmetry', model: fix, params: { writers: 7, 'cow-threshold': 2, ctrs: 2 }, options: { symmetry: true } },
  { name: 'in-progress w8 t2 c2 + symmetry', model: fix, params: { writers: 8, 'cow-threshold': 2, ctrs: 2 }, options: { symmetry: true } },
  { name: 'in-progress w4 t2 c2', model: fix, params: { writers: 4, 'cow-threshold': 2, ctrs: 2 } },
  { name: 'in-progress w4 t1 c2 reader-preferring', model: fix, params: { writers: 4, 'cow-threshold': 1, ctrs: 2, rwsem: 'reader-preferring' } },
  { name: 'semaphore w4 t2 c0', model: 'dm-snapshot/semaphore', params: { writers: 4, 'cow-threshold': 2, ctrs: 0 } },
  { name: 'unthrottled w5 c1', model: 'dm-snapshot/unthrottled', params: { writers: 5, ctrs: 1 } },
];

const only = process.argv[2];
const results = [];
for (const run of runs.filter((r) => !only || r.name.includes(only))) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'one.ts'), JSON.stringify(run)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').at(-1)!);
  results.push({ ...run, ...r });
  process.stderr.write(`${run.name}: ${r.states} states in ${r.seconds.toFixed(2)} s\n`);
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
process.stdout.write(`${table(
  ['run', 'verdict', 'states', 'transitions', 's', 'states/s', 'transitions/s', 'B/state', 'peak RSS MiB'],
  results.map((r) => [r.name, r.completion === 'bitstate' ? 'none found (bitstate)' : r.verdict, fmt(r.states), fmt(r.transitions), r.seconds.toFixed(2), fmt(r.statesPerSecond), fmt(r.transitionsPerSecond), r.bytesPerState.toFixed(1), fmt(r.peakRssMiB)]),
)}\n`);
mkdirSync(join(root, 'out'), { recursive: true });
writeFileSync(join(root, 'out', 'bench.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`);
process.stdout.write('wrote out/bench.json\n');
