/**
 * What the dm-snapshot designs share: parameters, the `_origins_lock`
 * writers (snapshot_ctr, snapshot_dtr), the bookkeeping variables, the order
 * in which kcopyd completes copies, and the "every origin bio completes"
 * property. Line numbers are from the trees listed in SOURCES.md here,
 * checked against the source text.
 *
 * Abstracted away: chunks beyond their identity, s->lock and the bit
 * spinlocks (never held while waiting on the throttle or while kcopyd takes
 * `_origins_lock`), memory allocation, the persistent store (it only delays
 * pending_complete), merging, errors, rwsem spinning and hand-off. Kept: the
 * global `_origins_lock`, that only kcopyd releases the throttle and only
 * after the retry, that kcopyd runs one completion at a time, and the fix's
 * up_read before sleeping with its `goto again`.
 *
 * Completion order (`--completion-order`). kcopyd runs copy_callback in the
 * order the copies' I/O completes, which is any order. dm-snap re-sequences
 * only complete_exception (230c83afdd9c, out_of_order_tree): a copy whose
 * pe->exception_sequence is not the next one to complete is parked, and its
 * copy_callback only releases the throttle (up() or account_end_copy) without
 * taking `_origins_lock`; the next in-sequence completion then completes
 * every parked successor, each retry taking `_origins_lock`.
 * - `submission` (the default): copies complete in the order they were
 *   submitted and sequence numbers follow that order, so nothing is ever
 *   parked; kcopyd is a FIFO job queue. The smaller space.
 * - `any`: every callback order is explored. pe->exception_sequence is
 *   handed out where __insert_pending_exception runs (a step of its own);
 *   `copying` and `parked` are bit sets over sequence numbers.
 */
import { enumParam, intParam } from '../../src/model/definition.js';
import { add, and, cond, dec, eq, inc, lt, mul, ne, self, set, when } from '../../src/model/expr.js';
import { ModelError } from '../../src/model/model-error.js';
import { ModelBuilder, type JobQueueHandle, type LocalRef, type ProcessBuilder, type RwSemaphoreHandle, type StepSpec, type VarRef } from '../../src/model/builder.js';
import { END_LABEL, type Branch, type Effect, type Expr, type RwSemaphorePolicy } from '../../src/model/types.js';
import { sourceIn } from '../../src/model/source-ref.js';

export const DM_SNAP = 'drivers/md/dm-snap.c';

export const commonParams = {
  writers: intParam(1, 8, 2, 'origin writers, each writing its own chunks (one COW each)'),
  bios: intParam(1, 8, 1, 'bios per writer, each to a distinct chunk'),
  ctrs: intParam(0, 2, 1, 'tasks taking _origins_lock for write: 1 = snapshot_ctr, 2 = snapshot_ctr + snapshot_dtr'),
  rwsem: enumParam(['writer-fair', 'reader-preferring'], 'writer-fair', 'rw_semaphore policy: the kernel\'s writer-fair FIFO, or readers first'),
  rounds: enumParam(['1', '2', '3', '4', 'forever'], '1',
    'rounds of bios per writer, each round after the last one completed (its caller waits, as submit_bio_wait does); forever: writers never stop, for liveness',
    { omitDefault: true }),
  'ctr-rounds': enumParam(['1', '2', 'forever'], '1',
    'times snapshot_ctr (and snapshot_dtr) go round, one after the other; forever: they never stop, so every origin bio completes becomes a liveness property (eventually)',
    { omitDefault: true }),
} as const;

/**
 * Writers that go round: after its bios, a writer waits until kcopyd has
 * remapped them all (its caller sleeps in submit_bio_wait), then writes the
 * next round. A round's chunks are new chunks, named like the last round's:
 * the names only tell copies apart, and the last round's copies are done, so
 * no two copies in flight share one. That keeps the space finite even forever.
 */
export interface WriterLoop {
  readonly rounds: number | 'forever';
  /** Per writer: how many of its current round's bios have been remapped. */
  readonly completed: readonly VarRef[];
}

/** The `rounds` parameter as a count, or `forever` (absent: 1, a single pass). */
export function roundsOf(rounds: string | undefined): number | 'forever' {
  return rounds === undefined ? 1 : rounds === 'forever' ? 'forever' : Number(rounds);
}

/**
 * Where a writer's caller waits for its bio (the same wait in every design):
 * `wait_for_completion_io(&done)` in submit_bio_wait, block/bio.c line 975 at
 * v5.4.6 (checked against hxb-gt/linux-5.4.6 @0d474ff0, blob 43df756b).
 */
const BIO_WAIT = sourceIn('block/bio.c', 'v5.4.6')(975, 'submit_bio_wait');

/** The same value for writer `self`: a choice over the writers, as a model has no arrays. */
function perWriter(vars: readonly VarRef[]): Expr {
  return vars.slice(0, -1).reduceRight<Expr>((rest, v, i) => cond(eq(self, i), v, rest), vars[vars.length - 1]);
}

function perIndex(index: Expr, vars: readonly VarRef[], effect: (v: VarRef) => Effect): Effect[] {
  return vars.slice(0, -1).reduceRight<Effect[]>((rest, v, i) => [when(eq(index, i), [effect(v)], rest)], [effect(vars[vars.length - 1])]);
}

/**
 * What remapping one origin bio counts: bios_done (unless writers go round
 * forever, where no run ends to check it) and, going round, its writer's
 * completions. `chunk` is the remapped bio's chunk, numbered writer * bios + bio.
 */
export function bioRemapped(biosDone: VarRef, loop: WriterLoop | undefined, chunk: Expr | undefined, bios: number): Effect[] {
  if (!loop) return [inc(biosDone)];
  if (chunk === undefined) throw new ModelError('--rounds other than 1 needs the remapped bio\'s chunk (completion order submission)');
  const writerOf: Expr = { kind: 'binary', op: '/', left: chunk, right: { kind: 'lit', value: bios } };
  return [...(loop.rounds === 'forever' ? [] : [inc(biosDone)]), ...perIndex(writerOf, loop.completed, (v) => inc(v))];
}

/** Declared last by every design, so a configuration's name only grows at its end. */
export const completionOrderParam = {
  'completion-order': enumParam(['submission', 'any'], 'submission', 'order of kcopyd callbacks: as submitted, or any (out-of-order ones are parked, 230c83afdd9c)'),
} as const;

export type CompletionOrder = 'submission' | 'any';

/** Sequence numbers are bits of `copying` and `parked`; a 32-bit state slot holds this many. */
const MAX_ANY_ORDER_COPIES = 16;
/** Source lines of the `_origins_lock` writers in one tree. */
export interface CtrLines {
  readonly commit: string;
  readonly registerDownWrite: number;
  readonly registerUpWrite: number;
  readonly dtrDownRead: number;
  readonly dtrUpRead: number;
  readonly unregisterDownWrite: number;
  readonly unregisterUpWrite: number;
}

/**
 * snapshot_ctr -> register_snapshot takes `_origins_lock` for write and lets
 * go; snapshot_dtr (of an unrelated snapshot: the lock is global) reads the
 * origin list under the read lock, then unregister_snapshot takes it for write.
 */
export function addOriginsLockWriters(
  b: ModelBuilder,
  origins: RwSemaphoreHandle,
  p: { readonly ctrs: number; readonly 'ctr-rounds'?: string },
  lines: CtrLines,
  loop?: WriterLoop,
): void {
  const at = sourceIn(DM_SNAP, lines.commit);
  const rounds = roundsOf(p['ctr-rounds']);
  // With writers or ctrs that go round, each ctr must get its write lock: starvation is a liveness violation.
  const progress = loop !== undefined || rounds !== 1;
  /** After its up_write, a ctr that goes round (another dmsetup create/remove) starts again. */
  const goRound = (w: ProcessBuilder, first: string): Pick<StepSpec, 'effects' | 'goto'> => {
    if (rounds === 1) return {};
    if (rounds === 'forever') return { goto: first };
    const round = w.local('round', 0, { max: rounds });
    return { effects: [inc(round)], goto: [{ when: lt(round, rounds), to: first }, { to: END_LABEL }] };
  };
  if (p.ctrs >= 1) {
    b.process('snapshot_ctr', { progress }, (w) => {
      const next = goRound(w, 'down_write');
      w.step('down_write', { action: 'register_snapshot: down_write(&_origins_lock)', source: at(lines.registerDownWrite, 'register_snapshot'), op: origins.downWrite(), progress })
        .step('up_write', { action: 'register_snapshot: up_write(&_origins_lock)', source: at(lines.registerUpWrite, 'register_snapshot'), op: origins.upWrite(), ...next });
    });
  }
  if (p.ctrs >= 2) {
    b.process('snapshot_dtr', { progress }, (w) => {
      const next = goRound(w, 'down_read');
      w.step('down_read', { action: 'snapshot_dtr: down_read(&_origins_lock)', source: at(lines.dtrDownRead, 'snapshot_dtr'), op: origins.downRead() })
        .step('up_read', { action: 'snapshot_dtr: up_read(&_origins_lock)', source: at(lines.dtrUpRead, 'snapshot_dtr'), op: origins.upRead() })
        .step('down_write', { action: 'unregister_snapshot: down_write(&_origins_lock)', source: at(lines.unregisterDownWrite, 'unregister_snapshot'), op: origins.downWrite(), progress })
        .step('up_write', { action: 'unregister_snapshot: up_write(&_origins_lock)', source: at(lines.unregisterUpWrite, 'unregister_snapshot'), op: origins.upWrite(), ...next });
    });
  }
}

/**
 * Every origin bio is remapped by kcopyd's retry: checked when everything has
 * stopped, or, when the ctrs go round forever (no run stops), as a liveness
 * property under the chosen fairness.
 */
export function requireAllBiosComplete(b: ModelBuilder, biosDone: VarRef, writers: number, bios: number, loop?: WriterLoop, ctrRounds?: string): void {
  if (loop?.rounds === 'forever') return; // no run ends; the writers' must-complete step says it instead
  const all = eq(biosDone, mul(writers * (loop ? loop.rounds : 1), bios));
  if (roundsOf(ctrRounds) === 'forever') b.eventually('every origin bio completes', all);
  else b.atEnd('every origin bio completes', all);
}

/** The chunk a writer's current bio covers: distinct per writer and bio. */
export function chunkOf(bios: number, bio: LocalRef): Expr {
  return add(mul(self, bios), bio);
}

/** A step's text and source, the part each design words differently. */
type Said = Pick<StepSpec, 'action' | 'source' | 'required'>;

/**
 * The origin writer's outer loop, the same in every design: do_origin takes
 * `_origins_lock` for read, `cow` adds the design's copy-on-write steps,
 * do_origin gives the lock back and the writer goes on with its next bio.
 */
export function originWriter(
  w: ProcessBuilder,
  o: { readonly origins: RwSemaphoreHandle; readonly bio: LocalRef; readonly bios: number; readonly downRead: Said; readonly upRead: Said; readonly loop?: WriterLoop },
  cow: () => void,
): void {
  const { loop } = o;
  const round = loop && loop.rounds !== 'forever' ? w.local('round', 0, { max: loop.rounds }) : undefined;
  w.step('down_read', { ...o.downRead, op: o.origins.downRead() });
  cow();
  w.step('up_read', { ...o.upRead, op: o.origins.upRead(), effects: [inc(o.bio)], goto: [{ when: lt(o.bio, o.bios), to: 'down_read' }, { to: loop ? 'bio_wait' : 'end' }] });
  if (!loop) return;
  w.step('bio_wait', {
    action: 'the caller: submit_bio_wait -> wait_for_completion_io until this round\'s bios are remapped; next round',
    source: BIO_WAIT,
    guard: eq(perWriter(loop.completed), o.bios),
    effects: [...perIndex(self, loop.completed, (v) => set(v, 0)), set(o.bio, 0), ...(round ? [inc(round)] : [])],
    goto: round && loop.rounds !== 'forever' ? [{ when: lt(round, loop.rounds), to: 'down_read' }, { to: 'end' }] : 'down_read',
    mustComplete: 'every started origin bio completes',
  });
}

/** 2^e for 0 <= e < n, as an expression a compiler and Promela both accept. */
function pow2(e: Expr, n: number): Expr {
  let out: Expr = cond(eq(e, n - 1), 2 ** (n - 1), 0);
  for (let k = n - 2; k >= 0; k--) out = cond(eq(e, k), 2 ** k, out);
  return out;
}

/** Bit `k` (a constant) of the bit set `m`. */
const bitAt = (m: Expr, k: number): Expr => eq(mod2(m, k), 1);
const mod2 = (m: Expr, k: number): Expr => ({ kind: 'binary', op: '%', left: { kind: 'binary', op: '/', left: m, right: { kind: 'lit', value: 2 ** k } }, right: { kind: 'lit', value: 2 } });

/** Bit `e` (an expression in 0..n-1) of `m`. */
function bitOf(m: Expr, e: Expr, n: number): Expr {
  let out: Expr = and(eq(e, n - 1), bitAt(m, n - 1));
  for (let k = n - 2; k >= 0; k--) out = cond(eq(e, k), bitAt(m, k), out);
  return out;
}

/** How copies reach kcopyd and come back: a FIFO job queue, or sequence-numbered bit sets. */
export type Copies =
  | { readonly order: 'submission'; readonly kcopyd: JobQueueHandle }
  | {
      readonly order: 'any';
      /** Copies submitted whose copy_callback has not run, by exception_sequence. */
      readonly copying: VarRef;
      /** Copies whose callback ran out of order, waiting in out_of_order_tree. */
      readonly parked: VarRef;
      /** s->exception_start_sequence: the next sequence number to hand out. */
      readonly nextSeq: VarRef;
      /** s->exception_complete_sequence: the next sequence number to complete. */
      readonly completeSeq: VarRef;
    };

/**
 * What every design declares, in the same order (so slots line up across
 * designs): the in-flight counter, bios_done, the global `_origins_lock`, the
 * design's throttle (if any), and kcopyd: a queue of copies, one per bio, or
 * (completion order `any`) the sequence bookkeeping.
 */
export function dmSnapshotBase<T>(
  name: string,
  p: { readonly writers: number; readonly bios: number; readonly rwsem: RwSemaphorePolicy; readonly 'completion-order': CompletionOrder; readonly rounds?: string },
  counter: string,
  throttle: (b: ModelBuilder) => T,
  counterInit = 0,
) {
  const b = new ModelBuilder(name);
  const copies = p.writers * p.bios;
  const rounds = roundsOf(p.rounds);
  if (rounds !== 1 && p['completion-order'] === 'any') {
    throw new ModelError(`${name}: --rounds ${p.rounds} needs --completion-order submission (with any order a round's exception sequence numbers would have to wrap around)`);
  }
  // Going round, a writer may start its next copy before kcopyd has released the throttle for its last one.
  const inflight = b.var(counter, counterInit, { max: counterInit + copies + (rounds === 1 ? 0 : 1) });
  const biosDone = b.var('bios_done', 0, { max: copies * (rounds === 'forever' ? 1 : rounds) });
  const origins = b.rwsem('_origins_lock', { policy: p.rwsem });
  const limit = throttle(b);
  let c: Copies;
  if (p['completion-order'] === 'submission') {
    c = { order: 'submission', kcopyd: b.jobQueue('kcopyd', { capacity: copies, jobName: 'copy', payloadName: 'chunk', payloadMax: copies - 1 }) };
  } else {
    if (copies > MAX_ANY_ORDER_COPIES) {
      throw new ModelError(`${name}: --completion-order any keeps one bit per copy and allows at most ${MAX_ANY_ORDER_COPIES} copies (writers x bios), got ${copies}`);
    }
    const all = 2 ** copies - 1;
    c = {
      order: 'any',
      copying: b.var('copying', 0, { max: all }),
      parked: b.var('parked', 0, { max: all }),
      nextSeq: b.var('exception_start_sequence', 0, { max: copies }),
      completeSeq: b.var('exception_complete_sequence', 0, { max: copies }),
    };
  }
  const loop: WriterLoop | undefined = rounds === 1 ? undefined : {
    rounds,
    completed: Array.from({ length: p.writers }, (_, i) => b.var(`completed_w${i + 1}`, 0, { max: p.bios })),
  };
  return { b, copies, inflight, biosDone, origins, limit, copiesIn: c, loop };
}

/**
 * A writer's pending exception. With completion order `any` it gets its
 * exception_sequence where __insert_pending_exception runs, a step of its
 * own at `said` (a no-op otherwise: sequence order is submission order).
 * Returns what the step that hands the copy to kcopyd does.
 */
export function pendingException(w: ProcessBuilder, c: Copies, o: { readonly copies: number; readonly bios: number; readonly bio: LocalRef }) {
  if (c.order === 'submission') {
    return { insert: (_said: Said) => {}, submit: { op: c.kcopyd.submit(chunkOf(o.bios, o.bio)) } as Pick<StepSpec, 'op' | 'effects'> };
  }
  const seq = w.local('seq', 0, { max: o.copies - 1 });
  return {
    insert: (said: Said) => {
      w.step('insert_pe', { ...said, effects: [set(seq, c.nextSeq), inc(c.nextSeq)] });
    },
    submit: { effects: [inc(c.copying, pow2(seq, o.copies))] } as Pick<StepSpec, 'op' | 'effects'>,
  };
}

/** The step a writer's `insert_pe` (completion order `any`) names: __insert_pending_exception in __origin_write. */
export function insertPeSaid(at: ReturnType<typeof sourceIn>, line: number, call: string): Said {
  return { action: `__origin_write: ${call} (pe->exception_sequence = s->exception_start_sequence++)`, source: at(line, '__origin_write') };
}

/** What the step that ends completing one pe must add: its effects and where to go next. */
export interface Finish {
  readonly effects: readonly Effect[];
  readonly goto: string | readonly Branch[];
}

/**
 * kcopyd's copy_callback, the same in every design up to completing a pe and
 * releasing the throttle. With completion order `submission` it takes the
 * oldest copy; with `any` it takes any copy in flight: the next in sequence is
 * completed, then every parked successor in turn; one out of sequence is
 * parked (rb_link_node into out_of_order_tree) and goes straight to the
 * throttle release, without `_origins_lock`.
 *
 * `complete` adds the steps that complete one pe (complete_exception ->
 * pending_complete -> ...), starting at `completeLabel`; its last step
 * must carry `finish`. `release` adds what the design does after that
 * (up(), account_end_copy) starting at `releaseLabel`, ending with a goto
 * to `copy_callback`; without it the worker goes straight back.
 */
export function kcopydCompletion(
  k: ProcessBuilder,
  o: {
    readonly copiesIn: Copies;
    readonly copies: number;
    readonly job: () => LocalRef;
    readonly callback: Said;
    /** The label of the first step `complete` adds. */
    readonly completeLabel: string;
  },
  complete: (finish: Finish) => void,
  release?: { readonly label: string; readonly add: () => void },
): void {
  const after = release ? release.label : 'copy_callback';
  const c = o.copiesIn;
  if (c.order === 'submission') {
    k.step('copy_callback', { ...o.callback, op: c.kcopyd.take(o.job()), validEnd: true });
    complete({ effects: [], goto: after });
  } else {
    const n = o.copies;
    const alternatives: StepSpec[] = [];
    for (let s = 0; s < n; s++) {
      alternatives.push({
        name: `in-order-${s}`,
        action: `${o.callback.action} (copy of exception ${s}, the next in sequence)`,
        source: o.callback.source,
        guard: and(bitAt(c.copying, s), eq(c.completeSeq, s)),
        effects: [dec(c.copying, 2 ** s)],
        goto: o.completeLabel,
      });
      alternatives.push({
        name: `parked-${s}`,
        action: `copy_callback: copy of exception ${s} done out of sequence: rb_link_node into out_of_order_tree`,
        source: o.callback.source,
        guard: and(bitAt(c.copying, s), ne(c.completeSeq, s)),
        effects: [dec(c.copying, 2 ** s), inc(c.parked, 2 ** s)],
        goto: after,
      });
    }
    k.choice('copy_callback', alternatives, { validEnd: true });
    // The pe just completed leaves out_of_order_tree (the kernel erases it
    // before complete_exception; only kcopyd reads the tree, so the order is
    // invisible), and a parked successor that is next in sequence follows.
    // Effects run in order and the goto reads the state after them, so the
    // same test names the pe just completed, then its successor.
    const parkedAtSeq = bitOf(c.parked, c.completeSeq, n);
    complete({
      effects: [when(parkedAtSeq, [dec(c.parked, pow2(c.completeSeq, n))]), inc(c.completeSeq)],
      goto: [{ when: parkedAtSeq, to: o.completeLabel }, { to: after }],
    });
  }
  release?.add();
}

/**
 * The retry every design but workqueue-retry does in kcopyd:
 * pending_complete -> retry_origin_bios -> do_origin, which takes
 * `_origins_lock` for read, remaps the parked bio (the chunk is copied now)
 * and gives the lock back. `between` adds steps after the down_read (a
 * mutant's throttle); they fall through to `retry_up_read`.
 */
export function retryOriginBios(
  k: ProcessBuilder,
  o: {
    readonly origins: RwSemaphoreHandle;
    readonly biosDone: VarRef;
    readonly retryDownRead: Said;
    readonly retryUpRead: Said & Pick<StepSpec, 'effects'>;
    /** Writers going round, and the chunk kcopyd is completing (its job). */
    readonly loop?: WriterLoop;
    readonly chunk?: Expr;
    readonly bios?: number;
  },
  finish: Finish,
  between?: () => void,
): void {
  k.step('retry_down_read', { ...o.retryDownRead, op: o.origins.downRead() });
  between?.();
  k.step('retry_up_read', {
    ...o.retryUpRead,
    op: o.origins.upRead(),
    effects: [...bioRemapped(o.biosDone, o.loop, o.chunk, o.bios ?? 1), ...(o.retryUpRead.effects ?? []), ...finish.effects],
    goto: finish.goto,
  });
}
