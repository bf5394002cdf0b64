/**
 * What the designs that keep 721b1d98fb51's semaphore share (semaphore and
 * workqueue-retry): the cow_count parameter, the writers that take it under
 * `_origins_lock`, kcopyd's up() at the end of copy_callback, and the hard
 * in-flight bound. Each design passes its tree's lines.
 */
import { intParam } from '../../src/model/definition.js';
import { dec, eq, inc, le, or } from '../../src/model/expr.js';
import type { ProcessBuilder } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { RwSemaphorePolicy } from '../../src/model/types.js';
import { commonParams, completionOrderParam, dmSnapshotBase, DM_SNAP, insertPeSaid, originWriter, pendingException, type CompletionOrder } from './common.js';

const INT_MAX = 2147483647;

export const semaphoreParams = {
  ...commonParams,
  'cow-threshold': intParam(0, 16, 1, 'sema_init count; 0 means unlimited (INT_MAX), as in snapshot_ctr L1330'),
  ...completionOrderParam,
} as const;

/** dm-snap.c lines of the writer's path and of kcopyd's up() in one tree. */
export interface SemaphoreLines {
  readonly commit: string;
  readonly downRead: number;
  readonly upRead: number;
  readonly insertPe: number;
  readonly down: number;
  readonly copy: number;
  readonly up: number;
}

/** The common state and the writers; the caller adds kcopyd (ending with `semaphoreUp`) and the `_origins_lock` writers. */
export function semaphoreDesign(
  name: string,
  p: { readonly writers: number; readonly bios: number; readonly rwsem: RwSemaphorePolicy; readonly 'completion-order': CompletionOrder; readonly 'cow-threshold': number; readonly rounds?: string },
  L: SemaphoreLines,
) {
  const B = p.bios;
  const T = p['cow-threshold'];
  const at = sourceIn(DM_SNAP, L.commit);
  const base = dmSnapshotBase(name, p, 'inflight', (m) => m.semaphore('cow_count', { initial: T > 0 ? T : INT_MAX }));
  const { b, copies, inflight, origins, limit: cowCount, copiesIn, loop } = base;

  b.process('writer', { instances: p.writers }, (w) => {
    const bio = w.local('bio', 0, { max: B });
    const pe = pendingException(w, copiesIn, { copies, bios: B, bio });
    originWriter(w, {
      origins, bio, bios: B, loop,
      downRead: { action: 'do_origin: down_read(&_origins_lock)', source: at(L.downRead, 'do_origin') },
      upRead: { action: 'do_origin: up_read(&_origins_lock)', source: at(L.upRead, 'do_origin') },
    }, () => {
      // The pe gets its sequence number before start_copy's down().
      pe.insert(insertPeSaid(at, L.insertPe, '__insert_pending_exception'));
      w.step('down_cow', {
        action: 'start_copy: down(&s->cow_count) (pe made, bio parked on it)',
        source: at(L.down, 'start_copy'),
        op: cowCount.down(),
        required: true,
      })
        .step('copy', {
          action: 'start_copy: dm_kcopyd_copy(..., copy_callback, pe)',
          source: at(L.copy, 'start_copy'),
          ...pe.submit,
          effects: [inc(inflight), ...(pe.submit.effects ?? [])],
        });
    });
  });

  /** kcopyd's release: copy_callback's last statement. */
  const semaphoreUp = (k: ProcessBuilder) => ({
    label: 'up_cow',
    add: () => k.step('up_cow', {
      action: 'copy_callback: up(&s->cow_count)',
      source: at(L.up, 'copy_callback'),
      op: cowCount.up(),
      effects: [dec(inflight)],
      goto: 'copy_callback',
    }),
  });

  /** The semaphore's bound, a hard one: down() comes before the copy is counted. */
  const requireBound = () => b.always(`in-flight copies <= cow_threshold${T === 0 ? ' (unlimited)' : ''}`, or(eq(T, 0), le(inflight, T)));

  return { ...base, at, semaphoreUp, requireBound };
}
