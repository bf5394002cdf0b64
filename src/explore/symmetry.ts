/**
 * Symmetry reduction: instances of a process declared symmetric (the origin
 * writers) are interchangeable, so states equal up to a permutation of them
 * are stored once, as a canonical representative.
 *
 * The representative sorts the members of each group by a key: their own
 * slots (pc, wait slot, locals) followed by a signature of how the
 * primitives refer to them (holder, reader bit, position in each waiter
 * queue, wait-queue membership). Two members with equal keys are referred to
 * identically, so swapping them changes nothing: the sorted state does not
 * depend on how ties are broken, which makes it canonical.
 *
 * Sound only if nothing observable depends on which member is which. A
 * member may use `self` only to compute job payloads, and only if those
 * payloads are never read (taken into locals nobody reads): such write-only
 * data is erased from the stored state, so it cannot split an orbit. Traces
 * are mapped back to concrete states by `concretize`.
 */
import { readSet, selfUses } from '../model/data-flow.js';
import type { CompiledModel } from './compile.js';

export interface Symmetry {
  /** Rewrites `s` in place into its canonical representative. */
  canonicalize(s: Int32Array): void;
  /** Human summary, e.g. `writer x5`. */
  readonly description: string;
}

/** Job queues some process takes a job from into a local that is read: their payloads matter. */
function queuesWithReadPayloads(model: CompiledModel['model']): Set<string> {
  const reads = readSet(model);
  const out = new Set<string>();
  for (const p of model.processes) {
    for (const loc of p.locations) {
      for (const s of loc.steps) {
        if (s.op?.op === 'take' && s.op.into !== undefined && reads.locals.get(p.name)?.has(s.op.into)) out.add(s.op.primitive);
      }
    }
  }
  return out;
}

/** Why symmetry reduction would be unsound for this model (empty when it is fine). */
export function symmetryProblems(cm: CompiledModel): string[] {
  const model = cm.model;
  const problems: string[] = [];
  const queuesTakenIntoReadLocals = queuesWithReadPayloads(model);
  for (const p of model.processes) {
    if (!p.symmetric || p.instances < 2) continue;
    for (const use of selfUses(model, p.name)) {
      const harmless = use.where === 'op argument' && use.op === 'submit' && !queuesTakenIntoReadLocals.has(use.primitive!);
      if (!harmless) {
        problems.push(
          `process ${p.name}, step '${use.step}': uses self in its ${use.where}` +
            (use.where === 'op argument' ? ` (jobs of ${use.primitive} are taken into a local that is read)` : ''),
        );
      }
    }
  }
  return problems.map((p) => `${model.name}: symmetry reduction would be unsound: ${p}`);
}

export function buildSymmetry(cm: CompiledModel): Symmetry | undefined {
  const { layout, model } = cm;
  const groups = model.processes.filter((p) => p.symmetric && p.instances > 1).map((template) => {
    const members = layout.processes.filter((x) => x.template === template);
    return { template, first: members[0].pid, members };
  });
  if (groups.length === 0) return undefined;

  // Write-only data: locals nobody reads, and job payloads (only taken into such locals).
  const reads = readSet(model);
  const erase: number[] = [];
  const eraseTo: number[] = [];
  for (const proc of layout.processes) {
    for (const l of proc.template.locals) {
      if (!reads.locals.get(proc.template.name)?.has(l.name)) {
        erase.push(proc.localSlots.get(l.name)!);
        eraseTo.push(l.min);
      }
    }
  }
  const refSlots: number[] = [];
  const refKinds: number[] = []; // 0 mask, 1 pid1, 2 qentry
  // Payloads nobody reads are write-only data; payloads someone reads are kept as data.
  const readPayloads = queuesWithReadPayloads(model);
  cm.primitives.forEach((prim, id) => {
    const base = layout.primitives[id].base;
    prim.slotKinds.forEach((kind, k) => {
      if (kind === 'payload') {
        if (!readPayloads.has(prim.decl.name)) {
          erase.push(base + k);
          eraseTo.push(prim.slotRanges[k][0]);
        }
      } else if (kind !== 'value') {
        refSlots.push(base + k);
        refKinds.push(kind === 'mask' ? 0 : kind === 'pid1' ? 1 : 2);
      }
    });
  });
  const eraseSlots = Int32Array.from(erase);
  const eraseValues = Int32Array.from(eraseTo);
  const refs = Int32Array.from(refSlots);
  const kinds = Int32Array.from(refKinds);

  const plans = groups.map((g) => {
    const blockSlots = g.members.map((m) => Int32Array.from([m.pcSlot, m.waitSlot, ...g.template.locals.map((l) => m.localSlots.get(l.name)!)]));
    const blockLen = blockSlots[0].length;
    const k = g.members.length;
    // A member's key packed into words, most significant field first: its own
    // slots (offset by their minimum, in their range's width), then one bit per
    // reference slot. Comparing the words in order is comparing the fields in
    // order, so this is the same order as a key of one int per field.
    const fieldWord: number[] = [];
    const fieldShift: number[] = [];
    const widths = [...blockSlots[0]].map((slot) => {
      const [min, max] = cm.ranges[slot];
      return Math.min(32, Math.max(1, Math.ceil(Math.log2(max - min + 1))));
    });
    let word = 0;
    let used = 0;
    const place = (w: number) => {
      if (used > 0 && used + w > 30) { word++; used = 0; } // a field wider than 30 bits gets a word of its own
      fieldWord.push(word);
      used += w;
      fieldShift.push(used); // fixed below, once each word's length is known
    };
    widths.forEach(place);
    for (let r = 0; r < refs.length; r++) place(1);
    const wordLen: number[] = [];
    fieldWord.forEach((w, i) => { wordLen[w] = Math.max(wordLen[w] ?? 0, fieldShift[i]); });
    const shifts = Int32Array.from(fieldShift.map((end, i) => wordLen[fieldWord[i]] - end));
    const words = word + 1;
    const mins = Int32Array.from([...blockSlots[0]].map((slot) => cm.ranges[slot][0]));
    return {
      first: g.first, k, blockSlots, blockLen, keyLen: words, words: Int32Array.from(fieldWord), shifts, mins,
      keys: new Int32Array(k * words), order: new Int32Array(k), newPid: new Int32Array(layout.processes.length),
    };
  });
  const tmp = new Int32Array(cm.slotCount);

  const canonicalize = (s: Int32Array): void => {
    for (let i = 0; i < eraseSlots.length; i++) s[eraseSlots[i]] = eraseValues[i];
    for (const plan of plans) {
      const { first, k, blockSlots, blockLen, keyLen, keys, order, newPid, words, shifts, mins } = plan;
      // Own slots first, then a signature of how the primitives refer to each member.
      keys.fill(0);
      for (let m = 0; m < k; m++) {
        const o = m * keyLen;
        const slots = blockSlots[m];
        for (let i = 0; i < blockLen; i++) keys[o + words[i]] |= (s[slots[i]] - mins[i]) << shifts[i];
        order[m] = m;
      }
      for (let r = 0; r < refs.length; r++) {
        const v = s[refs[r]];
        if (v === 0) continue;
        const kind = kinds[r];
        const at = words[blockLen + r];
        const bit = 1 << shifts[blockLen + r];
        if (kind === 0) {
          let bits = (v >>> first) & ((1 << k) - 1);
          while (bits !== 0) {
            const m = 31 - Math.clz32(bits & -bits);
            keys[m * keyLen + at] |= bit;
            bits &= bits - 1;
          }
        } else {
          const m = (kind === 1 ? v - 1 : (v >> 2) - 1) - first;
          if (m >= 0 && m < k) keys[m * keyLen + at] |= bit;
        }
      }
      // Insertion sort: groups are small (<= 8 writers here).
      let sorted = true;
      for (let i = 1; i < k; i++) {
        const x = order[i];
        const xo = x * keyLen;
        let j = i - 1;
        for (; j >= 0; j--) {
          const yo = order[j] * keyLen;
          let d = 0;
          for (let c = 0; c < keyLen && d === 0; c++) d = (keys[yo + c] >>> 0) - (keys[xo + c] >>> 0);
          if (d <= 0) break;
          order[j + 1] = order[j];
          sorted = false;
        }
        order[j + 1] = x;
      }
      if (sorted) continue;
      for (let p = 0; p < newPid.length; p++) newPid[p] = p;
      for (let pos = 0; pos < k; pos++) newPid[first + order[pos]] = first + pos;
      tmp.set(s);
      for (let m = 0; m < k; m++) {
        const from = blockSlots[m];
        const to = blockSlots[newPid[first + m] - first];
        for (let i = 0; i < blockLen; i++) s[to[i]] = tmp[from[i]];
      }
      const lo = first;
      const hi = first + k;
      for (let r = 0; r < refs.length; r++) {
        const slot = refs[r];
        const v = tmp[slot];
        if (v === 0) continue;
        const kind = kinds[r];
        if (kind === 0) {
          let out = v;
          for (let p = lo; p < hi; p++) out &= ~(1 << p);
          for (let p = lo; p < hi; p++) if ((v >>> p) & 1) out |= 1 << newPid[p];
          s[slot] = out;
        } else if (kind === 1) {
          s[slot] = newPid[v - 1] + 1;
        } else {
          s[slot] = ((newPid[(v >> 2) - 1] + 1) << 2) | (v & 3);
        }
      }
    }
  };

  return {
    canonicalize,
    description: groups.map((g) => `${g.template.name} x${g.members.length}`).join(', '),
  };
}

/**
 * Maps a path found in the reduced space back to concrete steps: from each
 * concrete state, take the first enabled step whose successor has the same
 * representative as the next state of the reduced path.
 */
export function concretize(cm: CompiledModel, sym: Symmetry, representatives: readonly Int32Array[]): { path: number[]; states: Int32Array[] } {
  const { pack, words } = cm.packer;
  const want = new Int32Array(words);
  const got = new Int32Array(words);
  const canon = new Int32Array(cm.slotCount);
  let concrete = cm.initialState();
  const states = [concrete];
  const path: number[] = [];
  for (let i = 1; i < representatives.length; i++) {
    pack(representatives[i], want, 0);
    const next = new Int32Array(cm.slotCount);
    let step = -1;
    for (const cs of cm.steps) {
      let enabled = false;
      try { enabled = cm.runStep(cs.id, concrete, next); } catch { enabled = false; } // a step that fails here is not the one taken
      if (!enabled) continue;
      canon.set(next);
      sym.canonicalize(canon);
      pack(canon, got, 0);
      let k = 0;
      while (k < words && got[k] === want[k]) k++;
      if (k === words) {
        step = cs.id;
        break;
      }
    }
    if (step < 0) throw new Error(`internal: symmetry: no concrete step matches reduced step ${i}`);
    path.push(step);
    concrete = next;
    states.push(concrete);
  }
  return { path, states };
}
