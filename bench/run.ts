/**
 * `npm run bench`: the reference runs, each in a fresh process, printed as a
 * table and written to out/bench.json. Speed and memory are measured here,
 * never in tests. The first row is the run SPIN is compared against:
 * in-progress, 5 writers, threshold 0, one snapshot_ctr.
 *
 * Bytes per state are given three ways: peak RSS over states; peak RSS less
 * that of the same run stopped after one state (node, the compiled model and
 * the start-up heap: what remains is what the search keeps, growth
 * transients included), over states; and the store's own count.
 *
 * Then the comparisons, each as alternating pairs (A B A B ...) so that load
 * from other processes on a shared machine falls on both sides; the ratio is
 * the median of the per-pair ratios:
 * - SPIN: `interleave check --quiet` (the whole CLI process) against `pan`
 *   built from interleave's own Promela export of the same configuration
 *   (`spin -a -o2`, `gcc -O2 -DNOREDUCE -DSAFETY`, `./pan -m100000`, pan's
 *   default hash table), when spin and gcc are installed;
 * - workers: the reference run with 2 worker threads against 1;
 * - explaining: the share of a deadlocking sweep's time spent on reports
 *   (bench/explain.ts);
 * - compress: the reference run with `--compress` (tree-store.ts) against
 *   without, in CPU seconds (user + system).
 *
 * Usage: npm run bench [-- [--pairs N] [name filter]]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { registry } from '../models/index.js';
import { instantiate } from '../src/model/definition.js';
import { SPIN_COMMANDS, toPromela } from '../src/render/promela.js';
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
const eight = { writers: 8, 'cow-threshold': 2, ctrs: 2 };
const noCtr = { writers: 4, 'cow-threshold': 2, ctrs: 0 };
export const runs: Row[] = [
  { name: 'reference: in-progress w5 t0 c1', model: fix, params: reference },
  { name: 'reference + symmetry', model: fix, params: reference, options: { symmetry: true } },
  { name: 'reference + por', model: fix, params: reference, options: { por: true } },
  { name: 'reference + symmetry + por', model: fix, params: reference, options: { symmetry: true, por: true } },
  { name: 'reference + compress', model: fix, params: reference, options: { compress: true } },
  { name: 'reference, 2 workers', model: fix, params: reference, options: { workers: 2 } },
  { name: 'reference, bitstate 2^28 bits', model: fix, params: reference, options: { bitstate: 28 } },
  { name: 'in-progress w6 t2 c2 + symmetry', model: fix, params: { writers: 6, 'cow-threshold': 2, ctrs: 2 }, options: { symmetry: true } },
  { name: 'in-progress w7 t2 c2 + symmetry', model: fix, params: { writers: 7, 'cow-threshold': 2, ctrs: 2 }, options: { symmetry: true } },
  { name: 'in-progress w8 t2 c2 + symmetry', model: fix, params: eight, options: { symmetry: true } },
  { name: 'in-progress w8 t2 c2 + symmetry + compress', model: fix, params: eight, options: { symmetry: true, compress: true } },
  { name: 'in-progress w8 t2 c2 + symmetry + por', model: fix, params: eight, options: { symmetry: true, por: true } },
  { name: 'in-progress w4 t2 c2', model: fix, params: { writers: 4, 'cow-threshold': 2, ctrs: 2 } },
  { name: 'in-progress w4 t2 c2 + por', model: fix, params: { writers: 4, 'cow-threshold': 2, ctrs: 2 }, options: { por: true } },
  { name: 'in-progress w4 t1 c2 reader-preferring', model: fix, params: { writers: 4, 'cow-threshold': 1, ctrs: 2, rwsem: 'reader-preferring' } },
  { name: 'semaphore w4 t2 c0', model: 'dm-snapshot/semaphore', params: { writers: 4, 'cow-threshold': 2, ctrs: 0 } },
  { name: 'semaphore w4 t2 c0 + por', model: 'dm-snapshot/semaphore', params: { writers: 4, 'cow-threshold': 2, ctrs: 0 }, options: { por: true } },
  // No snapshot_ctr: the writers' down_reads commute, where partial-order reduction pays.
  { name: 'in-progress w4 t2 c0', model: fix, params: noCtr },
  { name: 'in-progress w4 t2 c0 + por', model: fix, params: noCtr, options: { por: true } },
  { name: 'in-progress w4 t2 c0 + symmetry', model: fix, params: noCtr, options: { symmetry: true } },
  { name: 'in-progress w4 t2 c0 + symmetry + por', model: fix, params: noCtr, options: { symmetry: true, por: true } },
  { name: 'unthrottled w5 c1', model: 'dm-snapshot/unthrottled', params: { writers: 5, ctrs: 1 } },
  { name: 'unthrottled w5 c1 + por', model: 'dm-snapshot/unthrottled', params: { writers: 5, ctrs: 1 }, options: { por: true } },
];

const argv = process.argv.slice(2);
const pairsAt = argv.indexOf('--pairs');
const pairs = pairsAt >= 0 ? Number(argv.splice(pairsAt, 2)[1]) : 3;
const only = argv[0];

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
interface Timed { readonly wall: number; readonly rssMiB?: number; readonly cpu?: number; readonly stdout: string }

/** Runs a command to its end; wall time, and peak RSS and CPU seconds (user + system, all threads) of the whole process (GNU time when present). */
function timed(cmd: string, args: readonly string[], cwd = root): Timed {
  const started = process.hrtime.bigint();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'BENCH-TIME %e %M %U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, [...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error) throw r.error;
  const m = /BENCH-TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, rssMiB: m ? Number(m[2]) / 1024 : undefined, cpu: m ? Number(m[3]) + Number(m[4]) : undefined, stdout: r.stdout };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A and B in turn, `pairs` times; per-pair ratios A/B. */
function alternate(a: () => Timed, b: () => Timed): { a: Timed[]; b: Timed[]; ratio: number; ratios: number[] } {
  const as: Timed[] = [];
  const bs: Timed[] = [];
  for (let i = 0; i < pairs; i++) {
    as.push(a());
    bs.push(b());
  }
  const ratios = as.map((x, i) => x.wall / bs[i].wall);
  return { a: as, b: bs, ratio: median(ratios), ratios };
}

const oneRun = (row: Row) => {
  const t = timed(process.execPath, ['--import', 'tsx', join(root, 'bench', 'one.ts'), JSON.stringify(row)]);
  return { t, r: JSON.parse(t.stdout.trim().split('\n').at(-1)!) };
};

const results = [];
for (const run of runs.filter((r) => !only || r.name.includes(only))) {
  const { t, r } = oneRun(run);
  // The same process stopped after one state: what the search's memory is counted above.
  const start = oneRun({ ...run, options: { ...run.options, maxStates: 1 } }).r.peakRssMiB;
  results.push({ ...run, ...r, processWall: t.wall, startRssMiB: start });
  process.stderr.write(`${run.name}: ${r.states} states in ${r.seconds.toFixed(2)} s\n`);
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const x = (n: number) => `${n.toFixed(2)}x`;
process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; shared with other work unless stated\n`);
process.stdout.write(`${table(
  ['run', 'verdict', 'states', 'transitions', 'search s', 'process s', 'states/s', 'B/state (RSS)', 'B/state (RSS - start)', 'B/state (store)', 'peak RSS MiB'],
  results.map((r) => [r.name, r.completion === 'bitstate' ? 'none found (bitstate)' : r.verdict, fmt(r.states), fmt(r.transitions), r.seconds.toFixed(2), r.processWall.toFixed(2), fmt(r.statesPerSecond), (r.peakRssMiB * 2 ** 20 / r.states).toFixed(1), ((r.peakRssMiB - r.startRssMiB) * 2 ** 20 / r.states).toFixed(1), r.bytesPerState.toFixed(1), fmt(r.peakRssMiB)]),
)}\n`);

// Reductions, from the rows above.
const byName = new Map(results.map((r) => [r.name, r]));
const reductions: string[][] = [];
const reduce = (label: string, base: string, reduced: string) => {
  const a = byName.get(base);
  const b = byName.get(reduced);
  if (a && b) reductions.push([label, `${fmt(a.states)} -> ${fmt(b.states)}`, x(a.states / b.states), x(b.seconds / a.seconds)]);
};
reduce('symmetry, reference', 'reference: in-progress w5 t0 c1', 'reference + symmetry');
reduce('por, reference', 'reference: in-progress w5 t0 c1', 'reference + por');
reduce('por on top of symmetry, reference', 'reference + symmetry', 'reference + symmetry + por');
reduce('por on top of symmetry, w8', 'in-progress w8 t2 c2 + symmetry', 'in-progress w8 t2 c2 + symmetry + por');
reduce('por, in-progress w4 t2 c2', 'in-progress w4 t2 c2', 'in-progress w4 t2 c2 + por');
reduce('por, semaphore w4 t2 c0', 'semaphore w4 t2 c0', 'semaphore w4 t2 c0 + por');
reduce('por, unthrottled w5 c1', 'unthrottled w5 c1', 'unthrottled w5 c1 + por');
reduce('por, in-progress w4 t2 c0', 'in-progress w4 t2 c0', 'in-progress w4 t2 c0 + por');
reduce('por on top of symmetry, in-progress w4 t2 c0', 'in-progress w4 t2 c0 + symmetry', 'in-progress w4 t2 c0 + symmetry + por');
if (reductions.length > 0) {
  process.stdout.write(`\nreductions (states stored; time = search time reduced / unreduced)\n${table(['reduction', 'states', 'fewer states', 'time'], reductions)}\n`);
}

const comparisons: Array<Record<string, unknown>> = [];
const refRow = runs[0];
const cmp: string[][] = [];
if (!only || refRow.name.includes(only)) {
  // SPIN on the same configuration, from interleave's own export.
  const hasTool = (t: string, args: string[]) => spawnSync(t, args, { encoding: 'utf8' }).status === 0;
  if (!hasTool('spin', ['-V']) || !hasTool('gcc', ['--version'])) {
    cmp.push(['SPIN ratio, reference', 'not measured: spin and/or gcc are not installed', '', '']);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-bench-'));
    try {
      const def = registry.find((d) => d.name === refRow.model)!;
      writeFileSync(join(dir, 'model.pml'), toPromela(instantiate(def, refRow.params)));
      execFileSync('spin', ['-a', '-o2', 'model.pml'], { cwd: dir });
      execFileSync('sh', ['-c', SPIN_COMMANDS.compile], { cwd: dir });
      const flags = Object.entries(refRow.params).flatMap(([k, v]) => [`--${k}`, String(v)]);
      const cli = () => timed(process.execPath, [join(root, 'bin', 'interleave.js'), 'check', refRow.model, ...flags, '--quiet']);
      const pan = () => timed(join(dir, 'pan'), SPIN_COMMANDS.run.split(' ').slice(1), dir);
      const p = alternate(cli, pan);
      const panStates = Number(/(\d+) states, stored/.exec(p.b[0].stdout)?.[1] ?? NaN);
      const ours = byName.get(refRow.name)?.states ?? panStates;
      const wallA = median(p.a.map((t) => t.wall));
      const wallB = median(p.b.map((t) => t.wall));
      cmp.push(['interleave check / pan, reference (wall, whole process)', x(p.ratio),
        `interleave ${wallA.toFixed(2)} s, ${fmt(ours / wallA)} states/s, ${fmt(median(p.a.map((t) => t.rssMiB ?? NaN)))} MiB; pan ${wallB.toFixed(2)} s, ${fmt(panStates / wallB)} states/s, ${fmt(median(p.b.map((t) => t.rssMiB ?? NaN)))} MiB (${fmt(panStates)} states)`,
        p.ratios.map((r) => r.toFixed(2)).join(' ')]);
      comparisons.push({ what: 'spin', ...p });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const w = alternate(() => oneRun(refRow).t, () => oneRun({ ...refRow, options: { workers: 2 } }).t);
  cmp.push(['worker speed-up, reference (1 worker / 2 workers, wall)', x(w.ratio),
    `1 worker ${median(w.a.map((t) => t.wall)).toFixed(2)} s (CPU ${median(w.a.map((t) => t.cpu ?? NaN)).toFixed(2)} s), 2 workers ${median(w.b.map((t) => t.wall)).toFixed(2)} s (CPU ${median(w.b.map((t) => t.cpu ?? NaN)).toFixed(2)} s)`, w.ratios.map((r) => r.toFixed(2)).join(' ')]);
  comparisons.push({ what: 'workers', ...w });
  const ex = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'explain.ts')], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1)!);
  cmp.push(['explaining, semaphore sweep (72 configurations; share of search + report time)', `${(ex.explainShare * 100).toFixed(1)}%`,
    `search ${(ex.searchMs / 1000).toFixed(1)} s, explain ${(ex.explainMs / 1000).toFixed(1)} s, ${ex.violations} counterexamples`, 'one run']);
  comparisons.push({ what: 'explain', ...ex });
}
// The tree-compressed store against the plain one: CPU seconds (user + system), since memory is what it is for.
const compressRow = runs.find((r) => r.name === 'reference + compress')!;
if (!only || compressRow.name.includes(only)) {
  const c = alternate(() => oneRun(refRow).t, () => oneRun(compressRow).t);
  const cpuRatios = c.a.map((t, i) => (c.b[i].cpu ?? NaN) / (t.cpu ?? NaN));
  cmp.push(['--compress / plain, reference (CPU seconds)', x(median(cpuRatios)),
    `plain ${median(c.a.map((t) => t.cpu ?? NaN)).toFixed(2)} s CPU, ${fmt(median(c.a.map((t) => t.rssMiB ?? NaN)))} MiB; --compress ${median(c.b.map((t) => t.cpu ?? NaN)).toFixed(2)} s CPU, ${fmt(median(c.b.map((t) => t.rssMiB ?? NaN)))} MiB`,
    cpuRatios.map((r) => r.toFixed(2)).join(' ')]);
  comparisons.push({ what: 'compress', ...c, cpuRatios });
}
if (cmp.length > 0) {
  process.stdout.write(`\ncomparisons (${pairs} alternating pairs, median of per-pair ratios)\n${table(['comparison', 'ratio', 'medians', 'per pair'], cmp)}\n`);
}

mkdirSync(join(root, 'out'), { recursive: true });
writeFileSync(join(root, 'out', 'bench.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results, comparisons }, null, 2)}\n`);
process.stdout.write('wrote out/bench.json\n');
