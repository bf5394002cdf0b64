/**
 * Random liveness questions over the random models of random-model.ts: some
 * processes loop back to their start instead of ending (so runs go on
 * forever), some steps are marked `progress` or `mustComplete`, and the model
 * asks one liveness property (or none: then "no process starves") under one
 * fairness. The safety properties are dropped so that most models reach the
 * liveness pass.
 */
import fc from 'fast-check';
import { validateModel } from '../../src/model/validate.js';
import { END_LABEL, type BinaryOp, type Expr, type LivenessProperty, type Model, type ProcessDecl } from '../../src/model/types.js';
import { buildRandomModel, randomModelSpec, type RandomModelSpec } from './random-model.js';

export type LivenessKind = 'starvation' | 'non-progress' | 'progress' | 'must-complete' | 'eventually' | 'leads-to';
export const LIVENESS_KINDS: readonly LivenessKind[] = ['starvation', 'non-progress', 'progress', 'must-complete', 'eventually', 'leads-to'];

/** `x<var> <op> <value>` over the model's variables. */
interface CompareSpec {
  readonly v: number;
  readonly op: BinaryOp;
  readonly value: number;
}

export interface LivenessSpec {
  /** Per process template (modulo): go back to the first location instead of ending. */
  readonly loops: readonly boolean[];
  /** Steps marked progress (or must-complete), as indices into all steps in declaration order (modulo). */
  readonly marks: readonly number[];
  readonly kind: LivenessKind;
  readonly a: CompareSpec;
  readonly b: CompareSpec;
  readonly fairness: 'none' | 'weak' | 'strong';
  /** Another fairness for one process template (modulo), as `--fairness weak,proc1=strong` gives. */
  readonly override: { readonly proc: number; readonly kind: 'none' | 'weak' | 'strong' } | null;
}

const compareArb: fc.Arbitrary<CompareSpec> = fc.record({
  v: fc.nat({ max: 3 }),
  op: fc.constantFrom<BinaryOp>('==', '!=', '>=', '<'),
  value: fc.nat({ max: 2 }),
});

export const livenessSpecArb: fc.Arbitrary<LivenessSpec> = fc.record({
  loops: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
  marks: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 3 }),
  kind: fc.constantFrom(...LIVENESS_KINDS),
  a: compareArb,
  b: compareArb,
  fairness: fc.constantFrom('none' as const, 'weak' as const, 'strong' as const),
  override: fc.option(fc.record({ proc: fc.nat({ max: 3 }), kind: fc.constantFrom('none' as const, 'weak' as const, 'strong' as const) }), { freq: 4, nil: null }),
});

/** The fairness the spec asks for, by process template name. */
export function fairnessOf(model: Model, live: LivenessSpec): { all: 'none' | 'weak' | 'strong'; processes?: Record<string, 'none' | 'weak' | 'strong'> } {
  if (!live.override) return { all: live.fairness };
  return { all: live.fairness, processes: { [model.processes[live.override.proc % model.processes.length].name]: live.override.kind } };
}

export const randomLivenessCase = fc.record({ model: randomModelSpec, live: livenessSpecArb });

/** The random model with the liveness question; undefined when looping breaks the model's rules (a lock held across the jump). */
export function buildLivenessModel(spec: RandomModelSpec, live: LivenessSpec): Model | undefined {
  const base = buildRandomModel(spec, `random-${live.kind}-${live.fairness}`);
  const all = base.processes.flatMap((p, pi) => p.locations.flatMap((l) => l.steps.map((s) => ({ pi, step: s.name }))));
  const marked = live.marks.map((k) => all[k % all.length]);
  // must-complete and progress ask about one template: the one of the first mark.
  const focus = marked[0].pi;
  const kind = live.kind;
  const processes = base.processes.map((p, pi): ProcessDecl => ({
    ...p,
    ...(kind === 'progress' && pi === focus ? { progress: true } : {}),
    locations: p.locations.map((l) => ({
      ...l,
      steps: l.steps.map((s) => {
        const isMarked = marked.some((m) => m.pi === pi && m.step === s.name);
        const mark = !isMarked ? {}
          : kind === 'must-complete' ? (pi === focus ? { mustComplete: 'completes' } : {})
          : { progress: true };
        const loop = live.loops[pi % live.loops.length];
        return {
          ...s,
          ...mark,
          next: loop ? s.next.map((b) => (b.to === END_LABEL ? { ...b, to: p.locations[0].label } : b)) : s.next,
        };
      }),
    })),
  }));
  const compare = (c: CompareSpec): Expr => ({
    kind: 'binary', op: c.op, left: { kind: 'var', name: base.vars[c.v % base.vars.length].name }, right: { kind: 'lit', value: c.value },
  });
  const liveness: LivenessProperty[] = [];
  const focusName = base.processes[focus].name;
  switch (kind) {
    case 'starvation': break;
    case 'non-progress': liveness.push({ kind: 'non-progress', name: 'no non-progress cycle' }); break;
    case 'progress': liveness.push({ kind: 'progress', name: `${focusName} makes progress`, process: focusName }); break;
    case 'must-complete': {
      const steps = marked.filter((m) => m.pi === focus).map((m) => m.step);
      liveness.push({ kind: 'must-complete', name: 'completes', process: focusName, steps: [...new Set(steps)] });
      break;
    }
    case 'eventually': liveness.push({ kind: 'eventually', name: 'eventually a', expr: compare(live.a) }); break;
    case 'leads-to': liveness.push({ kind: 'leads-to', name: 'a leads to b', from: compare(live.a), to: compare(live.b) }); break;
  }
  const model: Model = { ...base, properties: [], processes, liveness };
  return validateModel(model).length === 0 ? model : undefined;
}
