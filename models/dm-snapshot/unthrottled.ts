/**
 * dm-snapshot before any COW throttle (v4.20, before 721b1d98fb51): every
 * origin write that needs a copy hands one to kcopyd, with no bound on how
 * many are in flight. That is the memory problem that started it all: it
 * cannot deadlock on `_origins_lock`, but no fixed bound on in-flight copies
 * holds. `--max-inflight N` states such a bound as an invariant.
 */
import { defineModel, intParam } from '../../src/model/definition.js';
import { dec, inc, le } from '../../src/model/expr.js';
import type { LocalRef } from '../../src/model/builder.js';
import { sourceIn } from '../../src/model/source-ref.js';
import { addOriginsLockWriters, commonParams, completionOrderParam, dmSnapshotBase, DM_SNAP, insertPeSaid, kcopydCompletion, originWriter, pendingException, requireAllBiosComplete, retryOriginBios } from './common.js';

const COMMIT = 'v4.20';

export default defineModel({
  name: 'dm-snapshot/unthrottled',
  description: 'COW copies handed to kcopyd with no throttle (v4.20): unbounded in-flight copies',
  params: {
    ...commonParams,
    'max-inflight': intParam(0, 64, 0, 'check "in-flight copies <= N"; 0 checks no bound'),
    ...completionOrderParam,
  },
  build(p) {
    const W = p.writers;
    const B = p.bios;
    const N = p['max-inflight'];
    const at = sourceIn(DM_SNAP, COMMIT);
    const { b, copies, inflight, biosDone, origins, copiesIn, loop } = dmSnapshotBase('dm-snapshot/unthrottled', p, 'inflight', () => undefined);

    b.process('writer', { instances: W }, (w) => {
      const bio = w.local('bio', 0, { max: B });
      const pe = pendingException(w, copiesIn, { copies, bios: B, bio });
      originWriter(w, {
        origins, bio, bios: B, loop,
        downRead: { action: 'do_origin: down_read(&_origins_lock)', source: at(2200, 'do_origin') },
        upRead: { action: 'do_origin: up_read(&_origins_lock)', source: at(2204, 'do_origin') },
      }, () => {
        pe.insert(insertPeSaid(at, 2144, '__find_pending_exception'));
        w.step('copy', {
          action: '__origin_write: pe made, bio parked; start_copy: dm_kcopyd_copy(..., copy_callback, pe)',
          source: at(1601, 'start_copy'),
          ...pe.submit,
          effects: [inc(inflight), ...(pe.submit.effects ?? [])],
        });
      });
    });

    let job: LocalRef | undefined;
    b.process('kcopyd', {}, (k) => kcopydCompletion(k, {
      copiesIn, copies,
      job: () => (job = k.local('job', 0, { max: copies })),
      callback: { action: 'copy_callback: copy done, complete_exception -> pending_complete', source: at(1534, 'copy_callback') },
      completeLabel: 'retry_down_read',
    }, (finish) => retryOriginBios(k, {
      origins, biosDone, loop, chunk: job, bios: B,
      retryDownRead: { action: 'retry_origin_bios -> do_origin: down_read(&_origins_lock)', source: at(1411, 'retry_origin_bios') },
      retryUpRead: {
        action: 'do_origin: __origin_write remaps the bio (chunk copied); up_read(&_origins_lock); pe freed',
        source: at(2204, 'do_origin'),
        effects: [dec(inflight)],
      },
    }, finish)));

    addOriginsLockWriters(b, origins, p, {
      commit: COMMIT, registerDownWrite: 538, registerUpWrite: 563,
      dtrDownRead: 1337, dtrUpRead: 1346, unregisterDownWrite: 587, unregisterUpWrite: 596,
    }, loop);
    if (N > 0) b.always(`in-flight copies <= ${N}`, le(inflight, N));
    requireAllBiosComplete(b, biosDone, W, B, loop, p['ctr-rounds']);
    return b.build();
  },
});
