/**
 * dm-bufio/shrinker-loop: the bug deadlocks on c->lock, the reverted trylock
 * change still deadlocks (in bit_wait_io, as cf3591ef8329 says), and the loop
 * worker with PF_MEMALLOC_NOIO never does. Verdicts come from exploring.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from './helpers.js';

const M = 'dm-bufio/shrinker-loop';

describe('dm-bufio/shrinker-loop', () => {
  it('bug: kswapd holds c->lock waiting for B_WRITING; the loop worker, which would clear it, sleeps on c->lock', () => {
    const r = checkModel(M, { design: 'bug' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.analysis.summary).toMatch(/^cycle: kswapd -> bit_wait_B_WRITING -> .*loop_worker -> c_lock \(held by kswapd\)/);
    const waits = Object.fromEntries(cx.blocked.map((b) => [b.process, b.wait?.primitive]));
    expect(waits).toMatchObject({ kswapd: 'bit_wait_B_WRITING', loop_worker: 'c_lock' });
    // The loop worker got there because its allocation entered reclaim.
    expect(cx.trace.some((t) => t.process === 'loop_worker' && t.step === 'alloc/reclaim')).toBe(true);
  });

  it('trylock (bd293d071ffe): still deadlocks, in bit_wait_io and not on the mutex', () => {
    const r = checkModel(M, { design: 'trylock' });
    expect(r.result.verdict).toBe('deadlock');
    const cx = r.counterexample!;
    expect(cx.blocked.map((b) => [b.process, b.wait?.primitive])).toEqual([['loop_worker', 'bit_wait_B_WRITING']]);
    // It took the mutex with a trylock, then waited for the write it was serving.
    const steps = cx.trace.filter((t) => t.process === 'loop_worker').map((t) => t.step);
    expect(steps).toContain('worker_taken/yes');
    expect(steps.at(-1)).toBe('worker_wait_sleep');
    // An event only it can cause, not a lost wake-up.
    const lockdep = cx.scenario!.detectors.find((x) => x.detector === 'lockdep')!.note;
    expect(lockdep).toMatch(/loop_worker sleeps in schedule\(&bit_wait_B_WRITING\) for a wake-up that only its own code gives/);
    expect(lockdep).not.toMatch(/lost wake-up/);
  });

  it('noio (d0a255e795ab): no deadlock, the buffer is written back, and the worker does reclaim', () => {
    const r = checkModel(M, { design: 'noio' });
    expect(r.result.verdict).toBe('ok');
    expect(r.result.completion).toBe('complete');
    expect(r.unreached.map((u) => u.step)).not.toContain('alloc/reclaim');
    expect(r.unreached.map((u) => u.step)).not.toContain('worker_taken/yes');
  });
});
