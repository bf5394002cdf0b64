/**
 * Bit-packs an unpacked state (one int per slot) into a few 32-bit words and
 * back, using each slot's declared range: a program counter with 9 locations
 * takes 4 bits, a wait slot 2 or 3, a lock holder log2(processes + 1). Fields
 * never straddle a word, so each one is a shift and a mask. Both directions
 * are generated code, unrolled per slot, like the transition function.
 */
import type { Layout } from './layout.js';
import type { Model } from '../model/types.js';
import type { PrimitiveRuntime } from '../primitives/primitive.js';

export interface Packer {
  /** 32-bit words per packed state. */
  readonly words: number;
  /** Bits actually used (before rounding fields into words). */
  readonly bits: number;
  pack(s: Int32Array, into: Int32Array, at: number): void;
  unpack(from: Int32Array, at: number, s: Int32Array): void;
}

/** Inclusive range of every slot of the layout. */
export function slotRanges(model: Model, layout: Layout, primitives: readonly PrimitiveRuntime[]): Array<readonly [number, number]> {
  const ranges: Array<readonly [number, number]> = new Array(layout.slotCount);
  for (const v of model.vars) ranges[layout.varSlots.get(v.name)!] = [v.min, v.max];
  for (const p of layout.processes) {
    ranges[p.pcSlot] = [0, p.template.locations.length];
    ranges[p.waitSlot] = [-1, model.primitives.length];
    for (const l of p.template.locals) ranges[p.localSlots.get(l.name)!] = [l.min, l.max];
  }
  primitives.forEach((prim, id) => {
    prim.slotRanges.forEach((r, k) => { ranges[layout.primitives[id].base + k] = r; });
  });
  return ranges;
}

interface Field {
  readonly slot: number;
  readonly min: number;
  readonly bits: number;
  readonly word: number;
  readonly shift: number;
}

export function buildPacker(ranges: ReadonlyArray<readonly [number, number]>): Packer {
  const fields: Field[] = [];
  const constants: Array<{ slot: number; value: number }> = [];
  const wanted: Array<{ slot: number; min: number; width: number }> = [];
  let bits = 0;
  ranges.forEach(([min, max], slot) => {
    const span = max - min;
    if (span === 0) {
      constants.push({ slot, value: min });
      return;
    }
    const width = span >= 2 ** 31 ? 32 : Math.ceil(Math.log2(span + 1));
    bits += width;
    wanted.push({ slot, min, width });
  });
  // First fit, widest first: fields never straddle a word, and few bits are wasted.
  wanted.sort((a, b) => b.width - a.width || a.slot - b.slot);
  const free: number[] = [];
  for (const w of wanted) {
    let word = free.findIndex((room) => room >= w.width);
    if (word < 0) word = free.push(32) - 1;
    fields.push({ slot: w.slot, min: w.min, bits: w.width, word, shift: 32 - free[word] });
    free[word] -= w.width;
  }
  const words = Math.max(1, free.length);

  const packLines: string[] = [];
  for (let w = 0; w < words; w++) {
    const parts = fields.filter((f) => f.word === w).map((f) => {
      const v = f.min === 0 ? `s[${f.slot}]` : `(s[${f.slot}] - ${f.min})`;
      return f.shift === 0 ? v : `(${v} << ${f.shift})`;
    });
    packLines.push(`d[o + ${w}] = ${parts.length > 0 ? parts.join(' | ') : '0'};`);
  }
  const unpackLines: string[] = [];
  for (let w = 0; w < words; w++) {
    const mine = fields.filter((f) => f.word === w);
    if (mine.length === 0) continue;
    unpackLines.push(`{ const w = d[o + ${w}];`);
    for (const f of mine) {
      const raw = f.bits === 32 ? 'w' : `((w >>> ${f.shift}) & ${2 ** f.bits - 1})`;
      unpackLines.push(`s[${f.slot}] = ${f.min === 0 ? raw : `${raw} + ${f.min}`};`);
    }
    unpackLines.push('}');
  }
  for (const c of constants) unpackLines.push(`s[${c.slot}] = ${c.value};`);
  // Generated from slot indices and numeric ranges only.
  const pack = new Function('s', 'd', 'o', packLines.join('\n')) as Packer['pack'];
  const unpack = new Function('d', 'o', 's', unpackLines.join('\n')) as Packer['unpack'];
  return { words, bits, pack, unpack };
}
