/**
 * Runs SPIN on a Promela export and reads back what the agreement suite
 * compares: states stored, errors, the first error and its BFS trail.
 *
 * Per model: `spin -a -o2` (keep write-only variables, as interleave does),
 * then two verifiers, both with `-DNOREDUCE -DSAFETY` (no partial-order
 * reduction; full state storage, no bitstate or hash compaction):
 * - depth first, run with `-c0` so it does not stop at an error: the whole
 *   reachable space, comparable to interleave's even when a violation exists;
 * - breadth first (`-DBFS`), stopping at the first error: a shortest
 *   counterexample, replayed with `spin -t -p` to count and name its steps.
 *   Built only when the depth-first search found an error (the compiles
 *   are most of the suite's time).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which of the tools the suite needs are on PATH. */
export async function findTools(): Promise<{ spin: boolean; gcc: boolean }> {
  const has = async (cmd: string, args: string[]) => {
    try {
      await run(cmd, args, { timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  };
  return { spin: await has('spin', ['-V']), gcc: await has('gcc', ['--version']) };
}

export type SpinVerdict = 'ok' | 'deadlock' | 'invariant';

export interface PanResult {
  readonly stored: number;
  readonly errors: number;
  /** pan's own message for the first error, e.g. `invalid end state (at depth 9)`. */
  readonly firstError?: string;
  readonly verdict: SpinVerdict;
  /** Number of `invalid end state` reports (with -c0: one per deadlocked state). */
  readonly invalidEndStates: number;
  readonly output: string;
}

export interface TrailStep {
  readonly pid: number;
  /** Promela line of the step's first statement inside a proctype. */
  readonly line: number;
  /** The step as its `d_step` comment names it: `down_cow`, `down_cow, sleeps`, ... */
  readonly tag: string;
}

export interface SpinOutcome {
  /** Depth first, whole space (`-c0`). */
  readonly dfs: PanResult;
  /** Breadth first, stopped at the first error; run only when the depth-first search found one. */
  readonly bfs?: PanResult;
  /** ok, or the kind of the first error breadth first. */
  readonly verdict: SpinVerdict;
  readonly firstError?: string;
  /** The BFS counterexample, replayed. */
  readonly trail?: readonly TrailStep[];
  readonly elapsedMs: number;
}

export interface SpinOptions {
  /** gcc optimisation level for pan (default: tcc if installed, else gcc -O0). */
  readonly optimize?: string;
  /** log2 of pan's hash table size. */
  readonly hashBits?: number;
  /** Keep the work directory (its path is in the error message when a step fails). */
  readonly keep?: boolean;
}

function verdictOf(message: string | undefined): SpinVerdict {
  if (message === undefined) return 'ok';
  if (message.includes('invalid end state')) return 'deadlock';
  if (message.includes('assertion violated')) return 'invariant';
  throw new Error(`pan reported an error the suite does not know: ${message}`);
}

function parsePan(output: string): PanResult {
  const stored = /(\d+) states, stored/.exec(output);
  const errors = /errors: (\d+)/.exec(output);
  if (!stored || !errors) throw new Error(`cannot read pan's output:\n${output}`);
  if (/max search depth too small/.test(output)) throw new Error(`pan's depth limit cut the search short (raise -m):\n${output}`);
  if (!/Full statespace search/.test(output)) throw new Error(`pan did not store full states (bitstate or hash compaction?):\n${output}`);
  const first = /^pan:1: (.*)$/m.exec(output)?.[1];
  return {
    stored: Number(stored[1]),
    errors: Number(errors[1]),
    firstError: first,
    verdict: verdictOf(first),
    invalidEndStates: (output.match(/^pan:\d+: invalid end state/gm) ?? []).length,
    output,
  };
}

/** Line ranges of the proctype bodies in a Promela text. */
function proctypeRanges(pml: string): Array<[number, number]> {
  const lines = pml.split('\n');
  const out: Array<[number, number]> = [];
  let start = -1;
  lines.forEach((l, i) => {
    if (/^(active\b.*)?proctype\b/.test(l)) start = i + 1;
    else if (l === '}' && start >= 0) {
      out.push([start, i + 1]);
      start = -1;
    }
  });
  return out;
}

/** The `d_step` tag (`/* [name] *\/`) above a line, within the same proctype. */
function tagAt(lines: readonly string[], line: number): string {
  for (let i = line - 1; i >= 0; i--) {
    const m = /\/\*\s*\[([^\]]+)\]/.exec(lines[i]);
    if (m) return m[1];
    if (/proctype\b/.test(lines[i])) break;
  }
  return `line ${line}`;
}

/**
 * Steps of a `spin -t -p` replay: one per step number, located by its first
 * statement inside a proctype. Counting executed steps, not trail lines,
 * matters for BFS: pan's BFS trail for an invalid end state ends with one
 * more line (nuerror() appends the last transition it tried, which is not
 * executable in that state), and the replay does not execute it.
 */
export function parseReplay(replay: string, pml: string): TrailStep[] {
  const lines = pml.split('\n');
  const ranges = proctypeRanges(pml);
  const inBody = (n: number) => ranges.some(([a, b]) => n > a && n < b);
  const steps = new Map<number, { pid: number; lines: number[] }>();
  for (const l of replay.split('\n')) {
    const m = /^\s*(\d+):\s+proc\s+(\d+) \([^)]*\) \S+?:(\d+) \(state \d+\)\s+\[/.exec(l);
    if (!m) continue;
    const n = Number(m[1]);
    const s = steps.get(n) ?? { pid: Number(m[2]), lines: [] };
    s.lines.push(Number(m[3]));
    steps.set(n, s);
  }
  return [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => {
    const line = s.lines.find(inBody) ?? s.lines[0];
    return { pid: s.pid, line, tag: tagAt(lines, line) };
  });
}

let compiler: Promise<'tcc' | 'gcc'> | undefined;

/**
 * Compiles pan.c in `dir` to `out`: with tcc when it is installed (.ci/run
 * installs it and INTERLEAVE_SPIN_CC is not `gcc`), else gcc -O0;
 * `optimize` asks for gcc at that level.
 * Compiling pan.c is most of the SPIN suites' time. On in-progress with 3
 * writers (9,013 states) tcc took 0.03 s of CPU, gcc -O0 0.58 s and -O1
 * 1.3 s, and tcc's verifier ran as fast (0.24 s against 0.21 s).
 */
async function compilePan(dir: string, out: string, defines: readonly string[], optimize?: string): Promise<void> {
  compiler ??= process.env.INTERLEAVE_SPIN_CC === 'gcc'
    ? Promise.resolve('gcc' as const)
    : run('tcc', ['-v'], { timeout: 10_000 }).then(() => 'tcc' as const, () => 'gcc' as const);
  const cc = optimize === undefined ? await compiler : 'gcc';
  const args = cc === 'tcc' ? [...defines, '-o', out, 'pan.c'] : [optimize ?? '-O0', ...defines, '-o', out, 'pan.c'];
  await run(cc, args, { cwd: dir, maxBuffer: 1 << 24 });
}

/** Generates, compiles and runs SPIN's verifiers on `pml`. */
export async function runSpin(pml: string, options: SpinOptions = {}): Promise<SpinOutcome> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'interleave-spin-'));
  const w = `-w${options.hashBits ?? 20}`;
  const cc = (out: string, extra: string[]) => compilePan(dir, out, ['-DNOREDUCE', '-DSAFETY', ...extra], options.optimize);
  // pan exits non-zero when it finds an error; its output is what counts.
  const pan = async (bin: string, args: string[]) => {
    try {
      return (await run(join(dir, bin), args, { cwd: dir, maxBuffer: 1 << 26 })).stdout;
    } catch (e) {
      const out = (e as { stdout?: string }).stdout;
      if (typeof out === 'string' && /states, stored/.test(out)) return out;
      throw e;
    }
  };
  try {
    writeFileSync(join(dir, 'model.pml'), pml);
    await run('spin', ['-a', '-o2', 'model.pml'], { cwd: dir, maxBuffer: 1 << 24 });
    await cc('pan_dfs', []);
    const dfs = parsePan(await pan('pan_dfs', ['-m1000000', w, '-c0']));
    if (dfs.errors === 0) return { dfs, verdict: 'ok', elapsedMs: Date.now() - started };
    await cc('pan_bfs', ['-DBFS']);
    const bfs = parsePan(await pan('pan_bfs', [w]));
    const replay = (await run('spin', ['-t', '-p', 'model.pml'], { cwd: dir, maxBuffer: 1 << 26 })).stdout;
    return { dfs, bfs, verdict: bfs.verdict, firstError: bfs.firstError, trail: parseReplay(replay, pml), elapsedMs: Date.now() - started };
  } catch (e) {
    if (options.keep) throw new Error(`SPIN failed in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** What SPIN's non-progress-cycle search (`pan -l`, with `-f` for weak fairness) found. */
export interface NonProgressOutcome {
  readonly cycle: boolean;
  readonly output: string;
}

/**
 * SPIN's `-l` on a Promela export made with `progressLabels`: compiled with
 * -DNP (its never claim for non-progress cycles) and -DNOREDUCE, run once
 * without fairness and once with `-f` (weak fairness), one compile for both.
 */
export async function runSpinNonProgress(pml: string): Promise<{ none: NonProgressOutcome; weak: NonProgressOutcome }> {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-spin-np-'));
  const pan = async (args: string[]): Promise<NonProgressOutcome> => {
    let output: string;
    try {
      output = (await run(join(dir, 'pan'), args, { cwd: dir, maxBuffer: 1 << 24 })).stdout;
    } catch (e) {
      output = (e as { stdout?: string }).stdout ?? '';
      if (!/errors: \d+/.test(output)) throw e;
    }
    if (/max search depth too small/.test(output)) throw new Error(`pan's depth limit cut the search short (raise -m):\n${output}`);
    const errors = /errors: (\d+)/.exec(output);
    if (!errors) throw new Error(`cannot read pan's output:\n${output}`);
    const cycle = /^pan:1: non-progress cycle/m.test(output);
    if (Number(errors[1]) > 0 && !cycle) throw new Error(`pan found an error other than a non-progress cycle:\n${output}`);
    return { cycle, output };
  };
  try {
    writeFileSync(join(dir, 'model.pml'), pml);
    await run('spin', ['-a', '-o2', 'model.pml'], { cwd: dir, maxBuffer: 1 << 24 });
    await compilePan(dir, 'pan', ['-DNOREDUCE', '-DNP']);
    return { none: await pan(['-l', '-m1000000']), weak: await pan(['-l', '-f', '-m1000000']) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
