/**
 * What the three dm-snapshot designs share: parameters, the `_origins_lock`
 * writers (snapshot_ctr, snapshot_dtr), the bookkeeping variables and the
 * "every origin bio completes" property. Line numbers are from the trees in
 * ../../../shared/kernel-brief.md §0, checked against the source text (SOURCES.md here).
 *
 * Abstracted away, as the brief argues (§6): chunks beyond their identity,
 * s->lock and the bit spinlocks (never held while waiting on the throttle or
 * while kcopyd takes `_origins_lock`), memory allocation, the persistent
 * store, out-of-order completion parking, merging, errors, rwsem spinning and
 * hand-off. Kept: the global `_origins_lock`, that only kcopyd releases the
 * throttle and only after the retry, that kcopyd runs one completion at a
 * time, and the fix's up_read before sleeping with its `goto again`.
 *
 * Copies complete in submission order: kcopyd's work list is FIFO and
 * `complete_exception` runs in sequence order anyway (out_of_order_tree), and
 * every retry takes the same global lock, so which writer's copy finishes
 * first changes no lock behaviour the model can see.
 */
import { enumParam, intParam } from '../../src/model/definition.js';
import { add, eq, inc, lt, mul, self } from '../../src/model/expr.js';
import { ModelBuilder, type JobQueueHandle, type LocalRef, type ProcessBuilder, type RwSemaphoreHandle, type StepSpec, type VarRef } from '../../src/model/builder.js';
import type { RwSemaphorePolicy } from '../../src/model/types.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Expr } from '../../src/model/types.js';

export const DM_SNAP = 'drivers/md/dm-snap.c';

export const commonParams = {
  writers: intParam(1, 8, 2, 'origin writers, each writing its own chunks (one COW each)'),
  bios: intParam(1, 8, 1, 'bios per writer, each to a distinct chunk'),
  ctrs: intParam(0, 2, 1, 'tasks taking _origins_lock for write: 1 = snapshot_ctr, 2 = snapshot_ctr + snapshot_dtr'),
  rwsem: enumParam(['writer-fair', 'reader-preferring'], 'writer-fair', 'rw_semaphore policy: the kernel\'s writer-fair FIFO, or readers first'),
} as const;

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
export function addOriginsLockWriters(b: ModelBuilder, origins: RwSemaphoreHandle, ctrs: number, lines: CtrLines): void {
  const at = sourceIn(DM_SNAP, lines.commit);
  if (ctrs >= 1) {
    b.process('snapshot_ctr', {}, (p) => p
      .step('down_write', { action: 'register_snapshot: down_write(&_origins_lock)', source: at(lines.registerDownWrite, 'register_snapshot'), op: origins.downWrite() })
      .step('up_write', { action: 'register_snapshot: up_write(&_origins_lock)', source: at(lines.registerUpWrite, 'register_snapshot'), op: origins.upWrite() }));
  }
  if (ctrs >= 2) {
    b.process('snapshot_dtr', {}, (p) => p
      .step('down_read', { action: 'snapshot_dtr: down_read(&_origins_lock)', source: at(lines.dtrDownRead, 'snapshot_dtr'), op: origins.downRead() })
      .step('up_read', { action: 'snapshot_dtr: up_read(&_origins_lock)', source: at(lines.dtrUpRead, 'snapshot_dtr'), op: origins.upRead() })
      .step('down_write', { action: 'unregister_snapshot: down_write(&_origins_lock)', source: at(lines.unregisterDownWrite, 'unregister_snapshot'), op: origins.downWrite() })
      .step('up_write', { action: 'unregister_snapshot: up_write(&_origins_lock)', source: at(lines.unregisterUpWrite, 'unregister_snapshot'), op: origins.upWrite() }));
  }
}

/** Every origin bio is eventually remapped by kcopyd's retry (checked when everything has stopped). */
export function requireAllBiosComplete(b: ModelBuilder, biosDone: VarRef, writers: number, bios: number): void {
  b.atEnd('every origin bio completes', eq(biosDone, mul(writers, bios)));
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
  o: { readonly origins: RwSemaphoreHandle; readonly bio: LocalRef; readonly bios: number; readonly downRead: Said; readonly upRead: Said },
  cow: () => void,
): void {
  w.step('down_read', { ...o.downRead, op: o.origins.downRead() });
  cow();
  w.step('up_read', { ...o.upRead, op: o.origins.upRead(), effects: [inc(o.bio)], goto: [{ when: lt(o.bio, o.bios), to: 'down_read' }, { to: 'end' }] });
}

/**
 * kcopyd's completion of one copy, the same in every design up to the
 * throttle release: copy_callback -> complete_exception -> pending_complete
 * -> retry_origin_bios -> do_origin, which takes `_origins_lock` for read,
 * remaps the parked bio (the chunk is copied now) and gives the lock back.
 * `release` adds what the design does after that (up(), account_end_copy);
 * without it the worker goes straight back to waiting for the next copy.
 */
export function kcopydCompletion(
  k: ProcessBuilder,
  o: {
    readonly origins: RwSemaphoreHandle;
    readonly kcopyd: JobQueueHandle;
    readonly job: LocalRef;
    readonly biosDone: VarRef;
    readonly callback: Said;
    readonly retryDownRead: Said;
    readonly retryUpRead: Said & Pick<StepSpec, 'effects'>;
  },
  release?: () => void,
): void {
  k.step('copy_callback', { ...o.callback, op: o.kcopyd.take(o.job), validEnd: true })
    .step('retry_down_read', { ...o.retryDownRead, op: o.origins.downRead() })
    .step('retry_up_read', {
      ...o.retryUpRead,
      op: o.origins.upRead(),
      effects: [inc(o.biosDone), ...(o.retryUpRead.effects ?? [])],
      ...(release ? {} : { goto: 'copy_callback' }),
    });
  release?.();
}

/**
 * What every design declares, in the same order (so slots line up across
 * designs): the in-flight counter, bios_done, the global `_origins_lock`, the
 * design's throttle (if any), and kcopyd's queue of copies, one per bio.
 */
export function dmSnapshotBase<T>(
  name: string,
  p: { readonly writers: number; readonly bios: number; readonly rwsem: RwSemaphorePolicy },
  counter: string,
  throttle: (b: ModelBuilder) => T,
) {
  const b = new ModelBuilder(name);
  const copies = p.writers * p.bios;
  const inflight = b.var(counter, 0, { max: copies });
  const biosDone = b.var('bios_done', 0, { max: copies });
  const origins = b.rwsem('_origins_lock', { policy: p.rwsem });
  const limit = throttle(b);
  const kcopyd = b.jobQueue('kcopyd', { capacity: copies, jobName: 'copy', payloadName: 'chunk', payloadMax: copies - 1 });
  return { b, copies, inflight, biosDone, origins, limit, kcopyd };
}
