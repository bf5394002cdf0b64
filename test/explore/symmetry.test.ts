import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { replayPath } from '../../src/explain/path.js';
import { check } from '../../src/explore/check.js';
import { compileModel, type CompiledModel } from '../../src/explore/compile.js';
import { buildSymmetry, symmetryProblems } from '../../src/explore/symmetry.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { instantiate } from '../../src/model/definition.js';
import { add, gt, self } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { reductionGrid as grid } from '../support/dm-grid.js';


const compile = (name: string, params: Record<string, string | number>) =>
  compileModel(instantiate(registry.find((d) => d.name === name)!, params));

/** A state of `cm` with the members of each symmetric group permuted by `perm`. */
function permute(cm: CompiledModel, s: Int32Array, perm: number[]): Int32Array {
  const out = s.slice();
  const writers = cm.layout.processes.filter((p) => p.template.symmetric && p.template.instances > 1);
  const newPid = cm.layout.processes.map((p) => p.pid);
  writers.forEach((w, i) => { newPid[w.pid] = writers[perm[i]].pid; });
  for (const w of writers) {
    const to = cm.layout.processes[newPid[w.pid]];
    out[to.pcSlot] = s[w.pcSlot];
    out[to.waitSlot] = s[w.waitSlot];
    for (const [name, slot] of w.localSlots) out[to.localSlots.get(name)!] = s[slot];
  }
  cm.primitives.forEach((prim, id) => {
    const base = cm.layout.primitives[id].base;
    prim.slotKinds.forEach((kind, k) => {
      const v = s[base + k];
      if (kind === 'mask') out[base + k] = newPid.reduce((m, to, from) => m | (((v >>> from) & 1) << to), 0);
      if (kind === 'pid1' && v !== 0) out[base + k] = newPid[v - 1] + 1;
      if (kind === 'qentry' && v !== 0) out[base + k] = ((newPid[(v >> 2) - 1] + 1) << 2) | (v & 3);
    });
  });
  return out;
}

describe('symmetry reduction', () => {
  it('gives the same verdict and counterexample length as plain search on the dm-snapshot grid (and por, por+symmetry the same verdict)', () => {
    const differences: string[] = [];
    let plainStates = 0;
    let reducedStates = 0;
    for (const [name, params] of grid()) {
      const cm = compile(name, params);
      const plain = check(cm).run();
      const reduced = check(cm).symmetry().run();
      for (const [label, other] of [['por', check(cm).por().run()], ['por+symmetry', check(cm).por().symmetry().run()]] as const) {
        if (other.verdict !== plain.verdict) differences.push(`${name} ${JSON.stringify(params)} ${label}: ${other.verdict} vs ${plain.verdict}`);
      }
      plainStates += plain.stats.states;
      reducedStates += reduced.stats.states;
      const same = plain.verdict === reduced.verdict && plain.discovery?.property === reduced.discovery?.property &&
        plain.discovery?.path.length === reduced.discovery?.path.length;
      if (!same) differences.push(`${name} ${JSON.stringify(params)}: ${plain.verdict}/${plain.discovery?.path.length} vs ${reduced.verdict}/${reduced.discovery?.path.length}`);
      if (reduced.stats.states > plain.stats.states) differences.push(`${name} ${JSON.stringify(params)}: reduced space is larger`);
    }
    expect(differences).toEqual([]);
    expect(plainStates / reducedStates).toBeGreaterThan(5);
  });

  it('maps counterexamples back to concrete schedules that replay and end stuck', () => {
    for (const [name, params] of [
      ['dm-snapshot/semaphore', { writers: 3, 'cow-threshold': 1, ctrs: 2 }],
      ['dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 0, mutant: 'lost-wakeup' }],
    ] as const) {
      const cm = compile(name, params);
      const r = check(cm).symmetry().run();
      expect(r.verdict).toBe('deadlock');
      const states = replayPath(cm, r.discovery!.path);
      expect([...states.at(-1)!]).toEqual([...r.discovery!.state]);
      const scratch = new Int32Array(cm.slotCount);
      expect(cm.steps.some((cs) => cm.runStep(cs.id, r.discovery!.state, scratch))).toBe(false);
    }
  });

  it('maps every permutation of a reachable state to the same representative', () => {
    const cm = compile('dm-snapshot/in-progress', { writers: 3, 'cow-threshold': 0, ctrs: 1, bios: 2 });
    const sym = buildSymmetry(cm)!;
    // Collect reachable states by a bounded walk of the plain space.
    const states: Int32Array[] = [cm.initialState()];
    const out = new Int32Array(cm.slotCount);
    for (let i = 0; i < states.length && states.length < 3000; i++) {
      cm.successors(states[i], out, () => { states.push(out.slice()); });
    }
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: states.length - 1 }), fc.integer({ min: 0, max: 5 }), (i, p) => {
        const a = states[i].slice();
        const b = permute(cm, states[i], perms[p]);
        sym.canonicalize(a);
        sym.canonicalize(b);
        return a.every((v, k) => v === b[k]);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses models where a symmetric process depends on its identity', () => {
    const b = new ModelBuilder('test/asymmetric');
    const x = b.var('x', 0, { max: 5 });
    const at = sourceIn('t.c', 'x');
    b.process('w', { instances: 2 }, (p) => p.step('a', { action: 'a', source: at(1, 'f'), guard: gt(add(self, 1), x) }));
    const cm = compileModel(b.build());
    expect(symmetryProblems(cm)).toEqual([expect.stringMatching(/process w, step 'a': uses self in its guard/)]);
    expect(() => check(cm).symmetry().run()).toThrow(/symmetry reduction would be unsound/);
  });
});
