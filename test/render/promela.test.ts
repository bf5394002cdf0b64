import { describe, expect, it } from 'vitest';
import { registry } from '../../models/index.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { instantiate } from '../../src/model/definition.js';
import { eq, inc, le, lt, ne, or, self, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Model } from '../../src/model/types.js';
import { PromelaExportError, toPromela } from '../../src/render/promela.js';
import { locksModel } from '../spin/toy-models.js';

const at = sourceIn('t.c', 'test');

function dmSnapshot(name: string, params: Record<string, string | number>): Model {
  return instantiate(registry.find((d) => d.name === `dm-snapshot/${name}`)!, params);
}

const semaphore = dmSnapshot('semaphore', { writers: 2, 'cow-threshold': 1, ctrs: 1 });
const pml = toPromela(semaphore);

/** The body of one proctype. */
function proctype(text: string, name: string): string {
  const start = text.search(new RegExp(`proctype ${name}\\(\\) \\{`));
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start, text.indexOf('\n}\n', start));
}

const labels = (text: string) => [...text.matchAll(/^\s*([A-Za-z_]\w*):\s/gm)].map((m) => m[1]);

describe('toPromela', () => {
  it('names the model, its parameters and every process with its SPIN _pid in the header', () => {
    expect(pml).toMatch(/^\/\*\n \* dm-snapshot\/semaphore \(writers=2 bios=1 ctrs=1 rwsem=writer-fair cow-threshold=1 completion-order=submission\)/);
    expect(pml).toContain(' *   0  writer#1\n *   1  writer#2\n *   2  kcopyd\n *   3  snapshot_ctr');
    expect(pml).toContain('spin -a -o2');
    expect(pml).toContain('-DNOREDUCE');
  });

  it('declares one active proctype per process template, instances as active [n]', () => {
    expect(pml).toContain('active [2] proctype writer() {');
    expect(pml).toContain('active proctype kcopyd() {');
    expect(pml).toContain('active proctype snapshot_ctr() {');
    expect(pml.indexOf('proctype writer')).toBeLessThan(pml.indexOf('proctype kcopyd'));
  });

  it('labels each location after its step and tags each d_step with the step name and kernel source', () => {
    for (const p of semaphore.processes) {
      const body = proctype(pml, p.name);
      for (const loc of p.locations) {
        expect(labels(body)).toContain(loc.validEnd ? `end_${loc.label}` : loc.label);
        for (const step of loc.steps) {
          expect(body).toContain(`/* [${step.name}]`);
          expect(body).toContain(`${step.source.file}:${step.source.line}@${step.source.commit} (${step.source.func})`);
          expect(body).toContain(step.action);
        }
      }
    }
    expect(proctype(pml, 'writer')).toContain('down_cow:  /* 1: start_copy: down(&s->cow_count) (pe made, bio parked on it) -- drivers/md/dm-snap.c:1759@v5.3.1 (start_copy) */');
  });

  it('makes every step one d_step: calls that may sleep get a sleeping alternative and a wake-up at <label>_asleep', () => {
    const writer = proctype(pml, 'writer');
    // down_read: takes or sleeps, then wakes; down_cow likewise; copy; up_read in two branches.
    expect(writer.match(/d_step \{/g)).toHaveLength(9);
    expect(labels(writer)).toEqual(['down_read', 'down_read_asleep', 'down_cow', 'down_cow_asleep', 'copy', 'up_read', 'end_done']);
    expect(writer).toContain('/* [down_cow, sleeps] */');
    expect(writer).toContain('wait[_pid] = 2;  /* asleep on cow_count */');
    expect(writer).toMatch(/\/\* \[down_cow, wakes\] \*\/\n\s+wait\[_pid\] == -1 ->\n\s+wait\[_pid\] = 0;/);
    expect(pml).not.toMatch(/\batomic\b(?! \{ timeout)/);
  });

  it('routes progress steps through progress_ labels only when asked (for SPIN -l), every half of a sleeping one', () => {
    const def = registry.find((d) => d.name === 'dm-snapshot/semaphore')!;
    const m = instantiate(def, { writers: 2, 'cow-threshold': 0, ctrs: 1, rounds: 'forever' });
    expect(toPromela(m)).not.toMatch(/progress_/);
    const pml = toPromela(m, { progressLabels: true });
    const ctr = pml.slice(pml.indexOf('proctype snapshot_ctr'));
    const body = ctr.slice(0, ctr.indexOf('\n}'));
    // down_write: taken at once, or it sleeps, or (granted) it wakes: three ways through, each its own label.
    expect(body.match(/goto progress_\d+/g)).toEqual(['goto progress_1', 'goto progress_2', 'goto progress_3']);
    // ... each label then goes on where the step went: up_write twice (taken, woken), the sleeping place once.
    const targets = [...body.matchAll(/progress_\d+:[^\n]*\n\s+goto (\w+);/g)].map((x) => x[1]).sort();
    expect(targets).toEqual(['down_write_asleep', 'up_write', 'up_write']);
  });

  it('gives end labels to valid-end locations and finished processes only', () => {
    const ends = (body: string) => labels(body).filter((l) => l.startsWith('end'));
    expect(ends(proctype(pml, 'writer'))).toEqual(['end_done']);
    expect(ends(proctype(pml, 'kcopyd'))).toEqual(['end_copy_callback', 'end_done']);
    expect(ends(proctype(pml, 'snapshot_ctr'))).toEqual(['end_done']);
    expect(pml).toMatch(/end_done: {2}\/\* finished .*\*\/\n\s+false\n/);
  });

  it('keeps a location named end... that is not a valid end from looking like one to SPIN', () => {
    const kcopyd = proctype(toPromela(dmSnapshot('in-progress', { writers: 2 })), 'kcopyd');
    expect(labels(kcopyd)).toContain('at_end_copy');
    expect(labels(kcopyd).filter((l) => l.startsWith('end'))).toEqual(['end_copy_callback', 'end_done']);
  });

  it('asserts the invariants after every step and the terminal properties in the at_end monitor', () => {
    expect(pml).toContain('inline check_always() {\n  assert(1 == 0 || inflight <= 1)  /* always: in-flight copies <= cow_threshold */\n}');
    expect(pml.match(/check_always\(\)\n/g)).toHaveLength(pml.match(/d_step \{/g)!.length);
    expect(pml).toContain('active proctype at_end() {\nend_watch:');
    expect(pml).toContain('timeout && ALL_AT_VALID_END ->\n       assert(bios_done == 2 * 1)  /* at end: every origin bio completes */\n     }');
    expect(pml).toContain('(wait[2] == 0 && (kcopyd[2]@end_copy_callback || kcopyd[2]@end_done))');
  });

  it('chooses a conditional next inside the step: one alternative per branch, conditions over the state before', () => {
    const writer = proctype(pml, 'writer');
    expect(writer).toContain('/* [up_read], then down_read if bio < 1 (after the step) */\n         ((bio + 1) < 1) ->');
    expect(writer).toContain('/* [up_read], then end otherwise */\n         !((bio + 1) < 1) ->');
  });

  it('encodes primitives slot for slot: FIFO queues as front-aligned arrays of (pid + 1) * 4 + mode', () => {
    expect(pml).toContain('byte _origins_lock_readers = 0;');
    expect(pml).toContain('byte _origins_lock_q[4];');
    expect(pml).toContain('_origins_lock_q[_origins_lock_qlen] = (_pid + 1) * 4 + 1;');
    expect(pml).toContain('byte cow_count_count = 1;');
    expect(pml).toContain('byte kcopyd_q[2];');
  });

  it('renames what Promela or C would misread: dashes, keywords, clashes between processes and primitives', () => {
    const text = toPromela(locksModel());
    expect(text).toContain('big_lock_owner');
    expect(text).toContain('byte skip_ = 0;');
    expect(text).toContain('len_holder');
    expect(text).not.toMatch(/\bbyte skip\b/);
    // kcopyd is both a process and a job queue above; the queue only prefixes its variables.
    expect(pml).toContain('proctype kcopyd()');
    expect(pml).toContain('kcopyd_len');
  });

  it('keeps a guard with || in parentheses when it is joined to the lock\'s condition', () => {
    // Regression: `3 != x || self && p0_writer == 0` took the lock whatever x was (found by the random SPIN agreement test).
    const b = new ModelBuilder('test/or-guard');
    const x = b.var('x', 0, { max: 3 });
    const l = b.rwsem('L', { policy: 'reader-preferring' });
    b.process('p', {}, (p) => p
      .step('take', { action: 'down_read', source: at(1, 'p'), guard: or(ne(x, 3), self), op: l.downRead() })
      .step('give', { action: 'up_read', source: at(2, 'p'), op: l.upRead() }));
    const text = toPromela(b.build());
    expect(text).toContain('(x != 3 || _pid) &&\n         L_writer == 0 ->');
    expect(text).toContain('(x != 3 || _pid) &&\n         !(L_writer == 0) ->');
  });

  it('never gives a label the name of a variable, a proctype or a local (SPIN: "bad label-name")', () => {
    const b = new ModelBuilder('test/label-clash');
    const x = b.var('step_a', 0, { max: 1 });
    b.process('p', {}, (p) => {
      const l = p.local('step_b', 0, { max: 1 });
      p.step('step_a', { action: 'a', source: at(1, 'p'), effects: [inc(x)] })
        .step('step_b', { action: 'b', source: at(2, 'p'), effects: [inc(l)] })
        .step('p', { action: 'c', source: at(3, 'p') });
    });
    const body = proctype(toPromela(b.build()), 'p');
    expect(labels(body)).toEqual(['step_a_2', 'step_b_2', 'p_2', 'end_done']);
  });

  it('parenthesises an op\'s argument wherever it goes', () => {
    // Regression: a payload `x < 1` became `assert(0 <= x < 1 && ...)` (found by the random SPIN agreement test).
    const b = new ModelBuilder('test/arg');
    const x = b.var('x', 0, { max: 3 });
    const q = b.jobQueue('q', { capacity: 1, payloadMax: 3 });
    b.process('p', {}, (p) => p.step('submit', { action: 'submit', source: at(1, 'p'), op: q.submit(lt(x, 1)) }));
    const text = toPromela(b.build());
    expect(text).toContain('assert(0 <= (x < 1) && (x < 1) <= 3)');
    expect(text).toContain('q_q[q_len] = (x < 1);');
  });

  it('guards division by a variable, which interleave defines as 0', () => {
    const b = new ModelBuilder('test/div');
    const x = b.var('x', 0, { max: 3 });
    const y = b.var('y', 0, { max: 3 });
    b.process('p', {}, (p) => p.step('d', { action: 'x = 3 / y', source: at(1, 'p'), effects: [set(x, { kind: 'binary', op: '/', left: { kind: 'lit', value: 3 }, right: y })] }));
    expect(toPromela(b.build())).toContain('x = (y != 0 -> 3 / y : 0)');
  });

  it('adds an initial_state process when the initial state already breaks an invariant', () => {
    const b = new ModelBuilder('test/initial');
    const x = b.var('x', 2, { max: 3 });
    b.process('p', {}, (p) => p.step('s', { action: 'x++', source: at(1, 'p'), guard: lt(x, 3), effects: [inc(x)] }));
    b.always('x small', le(x, 1));
    const text = toPromela(b.build());
    expect(text).toContain('active proctype initial_state() {\n  assert(x <= 1)  /* always: x small */\n}');
    expect(toPromela(semaphore)).not.toContain('initial_state');
  });

  it('refuses a branch that reads a primitive the step just changed, which one transition cannot express', () => {
    const b = new ModelBuilder('test/query-after-op');
    const q = b.jobQueue('q', { capacity: 2 });
    b.process('p', {}, (p) => p
      .step('submit', { action: 'submit', source: at(1, 'p'), op: q.submit(0), goto: [{ when: eq(q.length(), 1), to: 'again' }, { to: 'end' }] })
      .step('again', { action: 'submit again', source: at(2, 'p'), op: q.submit(1) }));
    expect(() => toPromela(b.build())).toThrow(PromelaExportError);
    expect(() => toPromela(b.build())).toThrow(/branch condition reads length\(q\) after submit changed it/);
  });

  it('is deterministic and takes a Model or a CompiledModel', () => {
    expect(toPromela(semaphore)).toBe(pml);
    expect(toPromela(compileModel(semaphore))).toBe(pml);
  });
});
