/**
 * md: mddev_suspend() against md_write_start() (fixed by cc27b0c78c79, "md:
 * fix deadlock between mddev_suspend() and md_write_start()", NeilBrown,
 * 2017, whose wait condition d47c8ad261f7, "md: fix deadlock error in recent
 * patch.", NeilBrown, 2017, corrected; cc27b0c78c79's Fix: line blames
 * 68866e425be2, "MD: no sync IO while suspended", Jonathan Brassow, 2011,
 * which made md_check_recovery return at once while the array is suspended).
 *
 * - A writer in md_make_request counts itself in active_io, and in
 *   md_write_start marks a clean array dirty (MD_SB_CHANGE_PENDING, wakes the
 *   md thread) and waits on sb_wait for the superblock to be written.
 * - The suspender (level_store, the sysfs `level` attribute) takes
 *   reconfig_mutex (mddev_lock), then mddev_suspend sets `suspended` and waits
 *   on sb_wait for active_io to drain.
 * - Only the md thread writes the superblock and clears PENDING:
 *   md_check_recovery returns at once while suspended, and otherwise updates
 *   only if mddev_trylock(reconfig_mutex) succeeds.
 *
 * Designs:
 * - bug (v4.12.3): md_write_start waits for !PENDING unconditionally.
 * - fix (v4.14.5, cc27b0c78c79 + d47c8ad261f7): mddev_suspend wakes sb_wait
 *   after setting `suspended`; md_write_start waits for !PENDING || suspended
 *   and, still PENDING, returns false; md_handle_request then drops active_io,
 *   wakes sb_wait and goes back to wait until the array is resumed.
 * Mutants of the fix:
 * - and-suspended: the wait condition `!PENDING && !suspended`, as
 *   cc27b0c78c79 wrote it and trees without d47c8ad261f7 read it (v4.13.4 and
 *   v4.13.9 md.c L8014 / L8028; v4.14.0-v4.14.2 L8042; 4.14.y changed it in
 *   v4.14.3): the abort path is dead code and the writer still waits.
 * - no-suspend-wakeup: mddev_suspend without its wake_up(&sb_wait) (v4.14.5
 *   L350): the writer asleep in md_write_start never re-checks.
 * - keep-active-io: the abort path goes back without atomic_dec(&active_io).
 *
 * Abstracted: the RCU read section in md_make_request and synchronize_rcu in
 * mddev_suspend are one atomic step (the check of `suspended` and the
 * increment of active_io; synchronize_rcu waits for exactly that section);
 * mddev->lock's section in md_write_start is one step; the md thread's own
 * sleep is a wait for THREAD_WAKEUP (md_wakeup_thread sets it); reconfig_mutex
 * is a variable, as nobody here sleeps on it (the suspender is its only
 * locker, the md thread only trylocks it); the safemode timer (which would
 * mark the array clean again) and the personality's quiesce.
 */
import { defineModel, enumParam, intParam } from '../../src/model/definition.js';
import { and, dec, eq, inc, not, or, set, when } from '../../src/model/expr.js';
import { ModelBuilder, type ProcessBuilder } from '../../src/model/builder.js';
import { ModelError } from '../../src/model/model-error.js';
import { sourceIn } from '../../src/model/source-ref.js';
import type { Expr } from '../../src/model/types.js';

const MD = 'drivers/md/md.c';

/** The lines each design cites, from its tree. */
const LINES = {
  bug: {
    commit: 'v4.12.3', request: 'md_make_request', checkSuspended: 282, prepare: 285, recheck: 287, schedule: 290, finish: 293, activeInc: 295,
    makeRequest: 305, endDec: 312, markDirty: 7980, writeWait: 7989, abort: 0, abortDec: 0,
    lock: 3597, suspend: 327, suspendWake: 0, suspendWait: 330, resume: 339, resumeWake: 341, resumeThread: 345, unlock: 3781, unlockThread: 634,
    recovery: 8598, recoverySuspended: 8600, trylock: 8627, updateSb: 8678, clearPending: 2526, sbWake: 2530, recoveryUnlock: 8755,
  },
  fix: {
    commit: 'v4.14.5', request: 'md_handle_request', checkSuspended: 273, prepare: 276, recheck: 278, schedule: 281, finish: 284, activeInc: 286,
    makeRequest: 289, endDec: 295, markDirty: 8032, writeWait: 8041, abort: 8044, abortDec: 290,
    lock: 3640, suspend: 347, suspendWake: 350, suspendWait: 351, resume: 360, resumeWake: 362, resumeThread: 366, unlock: 3824, unlockThread: 665,
    recovery: 8655, recoverySuspended: 8657, trylock: 8684, updateSb: 8738, clearPending: 2569, sbWake: 2573, recoveryUnlock: 8815,
  },
} as const;

export default defineModel({
  name: 'md/suspend-write-start',
  description: 'mddev_suspend() under reconfig_mutex against md_write_start() waiting for the superblock (cc27b0c78c79)',
  params: {
    design: enumParam(['bug', 'fix'], 'bug', 'bug: v4.12.3 (before cc27b0c78c79); fix: v4.14.5 (md_write_start aborts while suspended)'),
    writers: intParam(1, 3, 1, 'tasks writing to the array'),
    mutant: enumParam(['none', 'and-suspended', 'no-suspend-wakeup', 'keep-active-io'], 'none', 'a deliberately broken variant of the fix (needs --design fix)'),
  },
  build(p) {
    const fix = p.design === 'fix';
    if (!fix && p.mutant !== 'none') throw new ModelError(`md/suspend-write-start: --mutant ${p.mutant} is a variant of the fix; use it with --design fix`);
    const L = LINES[p.design];
    const W = p.writers;
    const at = sourceIn(MD, L.commit);
    const name = p.mutant === 'none' ? `md/suspend-write-start[${p.design}]` : `md/suspend-write-start[fix,${p.mutant}]`;
    const b = new ModelBuilder(name);

    const suspended = b.var('suspended', 0, { max: 1 });
    const activeIo = b.var('active_io', 0, { max: W });
    const pending = b.var('MD_SB_CHANGE_PENDING', 0, { max: 1 });
    const inSync = b.var('in_sync', 1, { max: 1 });
    const wakeup = b.var('THREAD_WAKEUP', 0, { max: 1 });
    const reconfig = b.var('reconfig_mutex', 0, { max: 1 });
    const written = b.var('writes_done', 0, { max: W });
    const sbWait = b.waitQueue('sb_wait');

    /**
     * wait_event(sb_wait, cond): prepare_to_wait, test, schedule, again. The
     * test runs after joining the queue, so a wake-up after the test is kept.
     */
    const waitEvent = (w: ProcessBuilder, label: string, cond: Expr, o: { line: number; func: string; what: string; then: string }) => {
      w.step(`${label}`, { action: `${o.func}: wait_event(sb_wait, ${o.what}): prepare_to_wait`, source: at(o.line, o.func), op: sbWait.prepareToWait() })
        .choice(`${label}_test`, [
          { name: 'true', action: `${o.func}: ${o.what}: finish_wait`, source: at(o.line, o.func), guard: cond, op: sbWait.finishWait(), goto: o.then },
          { name: 'false', action: `${o.func}: not ${o.what}`, source: at(o.line, o.func), guard: not(cond), goto: `${label}_sleep` },
        ])
        .step(`${label}_sleep`, { action: `${o.func}: wait_event: schedule()`, source: at(o.line, o.func), op: sbWait.schedule(), kernelWait: 'wait_event', goto: label });
    };

    b.process('writer', { instances: W }, (w) => {
      // md_make_request's loop while suspended, and the RCU section that counts the request.
      w.choice('check_suspended', [
        { name: 'running', action: `${L.request}: rcu_read_lock; not suspended: atomic_inc(&active_io)`, source: at(L.activeInc, L.request), guard: not(suspended), effects: [inc(activeIo)], goto: 'write_start' },
        { name: 'suspended', action: `${L.request}: suspended: prepare_to_wait(&sb_wait)`, source: at(L.prepare, L.request), guard: suspended, op: sbWait.prepareToWait(), goto: 'recheck' },
      ])
        .choice('recheck', [
          { name: 'resumed', action: `${L.request}: !suspended: finish_wait; atomic_inc(&active_io)`, source: at(L.recheck, L.request), guard: not(suspended), op: sbWait.finishWait(), effects: [inc(activeIo)], goto: 'write_start' },
          { name: 'suspended', action: `${L.request}: still suspended`, source: at(L.recheck, L.request), guard: suspended, goto: 'sleep' },
        ])
        .step('sleep', { action: `${L.request}: schedule()`, source: at(L.schedule, L.request), op: sbWait.schedule() })
        .step('again', { action: `${L.request}: prepare_to_wait(&sb_wait) again`, source: at(L.prepare, L.request), op: sbWait.prepareToWait(), goto: 'recheck' })
        .step('write_start', {
          action: `->make_request -> md_write_start: [mddev->lock] in_sync: in_sync = 0; set MD_SB_CHANGE_PENDING; md_wakeup_thread`,
          source: at(L.markDirty, 'md_write_start'),
          effects: [when(inSync, [set(inSync, 0), set(pending, 1), set(wakeup, 1)])],
        });
      const mutant = p.mutant;
      const cond = !fix ? not(pending)
        : mutant === 'and-suspended' ? and(not(pending), not(suspended))
          : or(not(pending), suspended);
      const what = !fix ? '!MD_SB_CHANGE_PENDING'
        : mutant === 'and-suspended' ? 'MUTANT !MD_SB_CHANGE_PENDING && !suspended' : '!MD_SB_CHANGE_PENDING || suspended';
      waitEvent(w, 'sb_wait', cond, { line: mutant === 'and-suspended' ? 8014 : L.writeWait, func: 'md_write_start', what, then: fix ? 'aborted' : 'write' });
      if (fix) {
        const keep = mutant === 'keep-active-io';
        w.choice('aborted', [
          {
            name: 'abort',
            action: keep ? 'MUTANT md_write_start: still PENDING: return false; md_handle_request: wake_up(&sb_wait); goto check_suspended (active_io kept)'
              : 'md_write_start: still PENDING: return false; md_handle_request: atomic_dec(&active_io); wake_up(&sb_wait); goto check_suspended',
            source: at(L.abortDec, 'md_handle_request'),
            guard: pending,
            op: sbWait.wakeUp(),
            effects: keep ? [] : [dec(activeIo)],
            goto: 'check_suspended',
            required: true,
          },
          { name: 'go', action: 'md_write_start: superblock written: return true', source: at(L.abort, 'md_write_start'), guard: not(pending), goto: 'write' },
        ]);
      }
      // The write is submitted; the request leaves md.
      const last = and(eq(activeIo, 1), suspended);
      w.choice('write', [
        { name: 'wake', action: `${L.request}: atomic_dec_and_test(&active_io) && suspended: wake_up(&sb_wait)`, source: at(L.endDec, L.request), guard: last, op: sbWait.wakeUp(), effects: [dec(activeIo), inc(written)], goto: 'end' },
        { name: 'quiet', action: `${L.request}: atomic_dec(&active_io)`, source: at(L.endDec, L.request), guard: not(last), effects: [dec(activeIo), inc(written)], goto: 'end' },
      ]);
    });

    b.process('suspender', {}, (s) => {
      s.step('lock', { action: 'level_store: mddev_lock(mddev) (reconfig_mutex)', source: at(L.lock, 'level_store'), guard: eq(reconfig, 0), effects: [set(reconfig, 1)] });
      const wakes = fix && p.mutant !== 'no-suspend-wakeup';
      s.step('suspend', {
        action: wakes ? 'mddev_suspend: suspended++; synchronize_rcu(); wake_up(&sb_wait)'
          : fix ? 'MUTANT mddev_suspend: suspended++; synchronize_rcu() (no wake_up)' : 'mddev_suspend: suspended++; synchronize_rcu()',
        source: at(wakes ? L.suspendWake : L.suspend, 'mddev_suspend'),
        effects: [set(suspended, 1)],
        ...(wakes ? { op: sbWait.wakeUp() } : {}),
      });
      waitEvent(s, 'drain', eq(activeIo, 0), { line: L.suspendWait, func: 'mddev_suspend', what: 'atomic_read(&active_io) == 0', then: 'resume' });
      s.step('resume', {
        action: 'level_store -> mddev_resume: suspended--; wake_up(&sb_wait); md_wakeup_thread',
        source: at(L.resumeWake, 'mddev_resume'),
        op: sbWait.wakeUp(),
        effects: [set(suspended, 0), set(wakeup, 1)],
      })
        .step('unlock', { action: 'level_store: mddev_unlock(mddev): mutex_unlock; md_wakeup_thread', source: at(L.unlockThread, 'mddev_unlock'), effects: [set(reconfig, 0), set(wakeup, 1)] });
    });

    b.process('md_thread', {}, (t) => t
      .step('md_thread', { action: 'md_thread: THREAD_WAKEUP: clear it and run the personality -> md_check_recovery', source: at(L.recovery, 'md_check_recovery'), guard: wakeup, effects: [set(wakeup, 0)], validEnd: true })
      .choice('check_recovery', [
        { name: 'suspended', action: 'md_check_recovery: mddev->suspended: return', source: at(L.recoverySuspended, 'md_check_recovery'), guard: suspended, goto: 'md_thread' },
        { name: 'clean', action: 'md_check_recovery: no sb_flags: return', source: at(L.recovery, 'md_check_recovery'), guard: and(not(suspended), not(pending)), goto: 'md_thread' },
        { name: 'busy', action: 'md_check_recovery: mddev_trylock fails (reconfig_mutex held): return', source: at(L.trylock, 'md_check_recovery'), guard: and(not(suspended), pending, reconfig), goto: 'md_thread' },
        { name: 'locked', action: 'md_check_recovery: mddev_trylock(mddev) succeeds', source: at(L.trylock, 'md_check_recovery'), guard: and(not(suspended), pending, not(reconfig)), effects: [set(reconfig, 1)], goto: 'update_sb', required: true },
      ])
      .step('update_sb', {
        action: 'md_check_recovery -> md_update_sb: superblock written; clear MD_SB_CHANGE_PENDING; wake_up(&sb_wait)',
        source: at(L.sbWake, 'md_update_sb'),
        op: sbWait.wakeUp(),
        effects: [set(pending, 0)],
      })
      .step('unlock', { action: 'md_check_recovery: unlock: mddev_unlock: mutex_unlock; md_wakeup_thread', source: at(L.recoveryUnlock, 'md_check_recovery'), effects: [set(reconfig, 0), set(wakeup, 1)], goto: 'md_thread' }));

    b.atEnd('every write completes', eq(written, W));
    return b.build();
  },
});
