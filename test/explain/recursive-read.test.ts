/**
 * Issue 13: a recursive down_read with a writer queued in between deadlocks,
 * as in the kernel (writer-fair rwsem); without the queued writer it succeeds.
 * downgrade_write lets the writer keep reading and lets a queued reader in.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, type CheckReport } from '../../src/explain/report.js';
import { check } from '../../src/explore/check.js';
import { compileModel } from '../../src/explore/compile.js';
import { ModelBuilder } from '../../src/model/builder.js';
import { eq, set } from '../../src/model/expr.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { toPromela } from '../../src/render/promela.js';

const at = sourceIn('fs/x/y.c', 'test');

function recursiveReadModel(withWriter: boolean) {
  const b = new ModelBuilder('test/recursive-read');
  const L = b.rwsem('L', { policy: 'writer-fair' });
  const start = b.var('start', 0, { max: 1 });
  b.process('A', {}, (p) => p
    .step('read1', { action: 'down_read(&L)', source: at(10, 'a'), op: L.downRead() })
    .step('let_writer_in', { action: '(writer may queue now)', source: at(11, 'a'), effects: [set(start, 1)] })
    .step('read2', { action: 'down_read(&L)', source: at(12, 'a'), op: L.downRead({ recursive: true }) })
    .step('up2', { action: 'up_read(&L)', source: at(13, 'a'), op: L.upRead() })
    .step('up1', { action: 'up_read(&L)', source: at(14, 'a'), op: L.upRead() }));
  if (withWriter) {
    b.process('B', {}, (p) => p
      .step('write', { action: 'down_write(&L)', source: at(20, 'b'), guard: eq(start, 1), op: L.downWrite() })
      .step('unwrite', { action: 'up_write(&L)', source: at(21, 'b'), op: L.upWrite() }));
  }
  return b.build();
}

function recursiveRead(withWriter: boolean): CheckReport {
  const cm = compileModel(recursiveReadModel(withWriter));
  return buildReport(cm, check(cm).run());
}

describe('recursive down_read', () => {
  it('deadlocks behind a writer that queued between the two reads: A -> L (behind B) -> B -> L (read-held by A)', () => {
    const r = recursiveRead(true);
    expect(r.result.verdict).toBe('deadlock');
    const cycle = r.counterexample!.analysis.cycle!;
    const nodes = cycle.steps.map((s) => s.node);
    expect(nodes).toContain('resource:L');
    expect(nodes.filter((n) => n.startsWith('process:')).sort()).toEqual(['process:A', 'process:B']);
  });

  it('succeeds when no writer is queued', () => {
    const r = recursiveRead(false);
    expect(r.result.verdict).toBe('ok');
  });

  it('is exported to Promela with its second read level (SPIN agrees on it: toy/rwsem-nesting in test/spin)', () => {
    expect(toPromela(recursiveReadModel(true))).toMatch(/(\w+)_nested = \1_nested \| \(1 << /);
  });
});
