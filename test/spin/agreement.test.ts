/**
 * interleave and SPIN must agree on every configuration of the default gate:
 * the same verdict; with SPIN's reductions off, the same number of reachable
 * states; shortest counterexamples (SPIN's -DBFS) of the same length. Where
 * they disagree the test prints both counterexamples side by side.
 *
 * Needs `spin` and `gcc` (`.ci/run` installs spin). Without them the suite
 * fails, unless INTERLEAVE_SKIP_SPIN=1, which reports it as skipped.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../src/explore/compile.js';
import { toPromela } from '../../src/render/promela.js';
import { buildRandomModel, randomModelSpec } from '../support/random-model.js';
import { disagreementReport, disagreements, trailOffset } from './compare.js';
import { configTitle, spinConfigs } from './configs.js';
import { checkCompiled, checkWithInterleave, type InterleaveSide } from './interleave-side.js';
import { findTools, runSpin, type SpinOutcome } from './spin-runner.js';
import { toyConfigs } from './toy-models.js';

/** Configurations checked at once: SPIN runs are a spin -a and one or two gcc builds each. */
const PARALLEL = 2;
/** Random models (test/support/random-model.ts) checked by both, from a fixed seed (18, so the two toys of issue 13 cost no more runs). */
const RANDOM_MODELS = 18;
const RANDOM_SEED = 8;

function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

interface Row {
  readonly title: string;
  readonly il: InterleaveSide;
  readonly sp: SpinOutcome;
}

const skip = process.env.INTERLEAVE_SKIP_SPIN === '1';
const tools = skip ? { spin: false, gcc: false } : await findTools();
const missing = [!tools.spin && 'spin', !tools.gcc && 'gcc'].filter(Boolean);

if (skip) {
  describe.skip('SPIN agreement (skipped: INTERLEAVE_SKIP_SPIN=1)', () => {
    it('agrees with SPIN on the default gate', () => {});
  });
} else if (missing.length > 0) {
  describe('SPIN agreement', () => {
    it('needs spin and gcc', () => {
      expect.fail(
        `the SPIN agreement suite needs ${missing.join(' and ')} on PATH: install with \`apt-get install -y spin gcc\` ` +
          '(.ci/run does this), or set INTERLEAVE_SKIP_SPIN=1 to skip the suite',
      );
    });
  });
} else {
  const rows: Row[] = [];
  const slot = limiter(PARALLEL);
  const started = Date.now();

  const agree = async (title: string, side: () => InterleaveSide, detail = '') => {
    const { il, sp, pml } = await slot(async () => {
      const il = side();
      const pml = toPromela(il.cm);
      return { il, pml, sp: await runSpin(pml) };
    });
    rows.push({ title, il, sp });
    const problems = disagreements(il, sp, pml);
    if (problems.length > 0) console.log(`${disagreementReport(title, il, sp, problems)}${detail}`);
    expect(problems).toEqual([]);
  };

  describe('interleave agrees with SPIN on the default gate', () => {
    for (const c of spinConfigs) {
      const title = configTitle(c);
      it.concurrent(title, () => agree(title, () => checkWithInterleave(c)), 600_000);
    }
  });

  describe('interleave agrees with SPIN on every other primitive and construct', () => {
    for (const t of toyConfigs) it.concurrent(t.title, () => agree(t.title, t.build), 600_000);
  });

  // Models whose invariant is already false in the initial state say little; skip them.
  const randomSpecs = fc.sample(randomModelSpec, { numRuns: 4 * RANDOM_MODELS, seed: RANDOM_SEED })
    .filter((spec) => {
      const cm = compileModel(buildRandomModel(spec));
      return cm.violatedAlways(cm.initialState()) < 0;
    })
    .slice(0, RANDOM_MODELS);
  const randomTitle = (k: number) => `random model ${k} (seed ${RANDOM_SEED})`;
  describe('interleave agrees with SPIN on random models', () => {
    randomSpecs.forEach((spec, k) => {
      it.concurrent(randomTitle(k), () => agree(
        randomTitle(k),
        () => checkCompiled(compileModel(buildRandomModel(spec, `random-${k}`))),
        `\nspec (buildRandomModel in test/support/random-model.ts): ${JSON.stringify(spec)}`,
      ), 600_000);
    });
  });

  afterAll(() => {
    const titles = [...spinConfigs.map(configTitle), ...toyConfigs.map((t) => t.title), ...randomSpecs.map((_, k) => randomTitle(k))];
    const order = new Map(titles.map((t, i) => [t, i]));
    rows.sort((a, b) => order.get(a.title)! - order.get(b.title)!);
    const table = [['config', 'interleave states', 'reachable', 'SPIN states', 'interleave', 'SPIN', 'cx il', 'cx SPIN', 'SPIN time']];
    for (const { title, il, sp } of rows) {
      table.push([
        title, String(il.states), String(il.reachable), String(sp.dfs.stored),
        il.property && il.verdict !== 'ok' ? `${il.verdict} (${il.property})` : il.verdict, sp.verdict,
        il.trace ? String(il.trace.length) : '-',
        sp.trail ? `${sp.trail.length}${trailOffset(il) ? ` (+${trailOffset(il)})` : ''}` : '-',
        `${(sp.elapsedMs / 1000).toFixed(1)} s`,
      ]);
    }
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    const text = table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
    console.log(`${text}\n\n${rows.length} configurations, ${((Date.now() - started) / 1000).toFixed(1)} s with ${PARALLEL} at a time`);
  });
}
