import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../models/index.js';
import { CHECK_USAGE } from '../../src/cli/commands/check.js';
import { DIFF_USAGE } from '../../src/cli/commands/diff.js';
import { EXPLORE_USAGE } from '../../src/cli/commands/explore.js';
import { EXPORT_USAGE } from '../../src/cli/commands/export.js';
import { MINIMIZE_USAGE } from '../../src/cli/commands/minimize.js';
import { SIMULATE_USAGE } from '../../src/cli/commands/simulate.js';
import { SWARM_USAGE } from '../../src/cli/commands/swarm.js';
import { SWEEP_USAGE } from '../../src/cli/commands/sweep.js';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

/** A user's model with parameters named like command options: `workers` (check's threads) and `out`. */
const CLASHING = `
  import { ModelBuilder, defineModel, intParam, sourceIn } from '${process.cwd()}/src/index.ts';
  const at = sourceIn('fs/x.c', 'v1');
  export default defineModel({ name: 'user/clash', description: 'parameters named like options', params: {
    workers: intParam(1, 3, 1, 'workqueue concurrency'), out: intParam(0, 2, 0, 'an output count'),
  }, build: ({ workers }) => {
    const b = new ModelBuilder('user/clash');
    const L = b.mutex('L');
    b.process('t', { instances: workers }, (p) => p
      .step('lock', { action: 'mutex_lock', source: at(1, 'f'), op: L.lock() })
      .step('unlock', { action: 'mutex_unlock', source: at(2, 'f'), op: L.unlock() }));
    return b.build();
  } });`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'interleave-model-command-'));
  writeFileSync(join(dir, 'clash.ts'), CLASHING);
});

describe('a model parameter named like one of the command\'s own options', () => {
  it.each([
    ['check', ['check', 'clash.ts', '--workers', '2'], 'check', '--workers 2'],
    ['check', ['check', 'clash.ts', '--out', 'o'], 'check', '--out o'],
    ['sweep', ['sweep', 'clash.ts', '--out', 'o'], 'sweep', '--out o'],
    ['simulate', ['simulate', 'clash.ts', '--out', 'o', '--runs', '1'], 'simulate', '--out o'],
  ])('is refused when the flag is given (%s), naming both and the fix', async (_, argv, command, given) => {
    const io = fakeIO(dir);
    expect(await main(argv, io)).toBe(2);
    const name = given.split(' ')[0].slice(2);
    expect(io.err).toEqual([
      `interleave: user/clash: parameter ${name} has the name of ${command}'s own option --${name}, so ${given} is ambiguous: ${command} would take it as its option, never as the parameter\n` +
      `hint: rename the parameter ${name} in the model's defineModel params; ${command}'s --${name} keeps its meaning`,
    ]);
  });

  it('is no ambiguity when the flag is not given: the parameter keeps its default', async () => {
    const io = fakeIO(dir);
    expect(await main(['check', 'clash.ts', '--quiet'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^user\/clash workers=1 out=0: OK/);
  });

  it('is the model\'s where the command has no such option (sweep has no --workers)', async () => {
    const io = fakeIO(dir);
    expect(await main(['sweep', 'clash.ts', '--workers', '1..2', '--quiet', '--out', '.'], io)).toBe(2);
    const sweep = fakeIO(dir);
    expect(await main(['sweep', 'clash.ts', '--workers', '1..2', '--quiet'], sweep)).toBe(0);
    expect(sweep.out.join('\n')).toMatch(/2 configurations/);
  });
});

describe('the registered models', () => {
  /** Each model command's own options, as its usage lists them (`--json`, `-o, --output FILE`). */
  const usages: Record<string, string> = {
    check: CHECK_USAGE, sweep: SWEEP_USAGE, simulate: SIMULATE_USAGE, swarm: SWARM_USAGE, minimize: MINIMIZE_USAGE,
    diff: DIFF_USAGE, explore: EXPLORE_USAGE, export: EXPORT_USAGE,
  };
  const options = (usage: string) => new Set([...usage.matchAll(/^\s*(?:-o, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]));

  it('read the options from each usage', () => {
    expect([...options(CHECK_USAGE)]).toEqual(expect.arrayContaining(['workers', 'out', 'json', 'max-states', 'bitstate-bits']));
    expect([...options(EXPORT_USAGE)]).toEqual(expect.arrayContaining(['output', 'format']));
  });

  it('have no parameter named like any model command\'s option', () => {
    const clashes = catalog.registry.flatMap((def) => Object.keys(def.params).flatMap((p) =>
      Object.entries(usages).filter(([, usage]) => options(usage).has(p)).map(([command]) => `${def.name} --${p} (${command})`)));
    expect(clashes).toEqual([]);
  });
});
