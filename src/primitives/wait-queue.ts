/**
 * Wait queue with the kernel's lost-wake-up-safe sleep protocol
 * (include/linux/wait.h, kernel/sched/wait.c):
 * 1. prepareToWait: `__add_wait_queue` + `set_current_state(TASK_UNINTERRUPTIBLE)`,
 *    done under the queue's spinlock together with the re-check of the condition;
 * 2. the lock is dropped;
 * 3. schedule: sleeps only if still TASK_UNINTERRUPTIBLE; a wake-up that came
 *    between 1 and 3 left the task runnable, so it returns at once;
 * 4. finishWait: `remove_wait_queue`, TASK_RUNNING.
 * wakeAll is `wake_up_locked`: nr_exclusive = 1 limits only exclusive
 * entries (wait.c L96) and DECLARE_WAITQUEUE entries are not exclusive, so
 * every waiter is woken. It does not remove waiters from the queue.
 *
 * Whether the protocol is used correctly (re-check and join under one lock) is
 * the model's business: a model that checks outside the lock can lose wake-ups,
 * and the checker will find it.
 *
 * Slots: [members bitmask, sleeping bitmask].
 */
import type { PrimitiveDecl } from '../model/types.js';
import { bitsOf, grant, type PrimitiveContext, type PrimitiveRuntime } from './primitive.js';

export function createWaitQueue(
  decl: Extract<PrimitiveDecl, { kind: 'waitqueue' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const MEMBERS = ctx.base;
  const SLEEPING = ctx.base + 1;
  const blockedHere = ctx.id + 1;
  return {
    decl,
    slotCount: 2,
    slotRanges: [[0, 2 ** ctx.processCount - 1], [0, 2 ** ctx.processCount - 1]],
    slotKinds: ['mask', 'mask'],
    init() {},
    ops: {
      prepareToWait: {
        kind: 'apply',
        apply(s, pid) {
          s[MEMBERS] |= 1 << pid;
          s[SLEEPING] |= 1 << pid;
          return 0;
        },
      },
      schedule: {
        kind: 'blocking',
        tryAcquire: (s, pid) => (s[SLEEPING] & (1 << pid)) === 0,
        block() {},
      },
      finishWait: {
        kind: 'apply',
        apply(s, pid) {
          s[MEMBERS] &= ~(1 << pid);
          s[SLEEPING] &= ~(1 << pid);
          return 0;
        },
      },
      wakeAll: {
        kind: 'apply',
        apply(s) {
          const sleeping = s[SLEEPING] & s[MEMBERS];
          for (const pid of bitsOf(sleeping)) {
            s[SLEEPING] &= ~(1 << pid);
            if (s[ctx.waitSlot[pid]] === blockedHere) grant(s, ctx, pid);
          }
          return 0;
        },
      },
    },
    queries: { active: (s) => (s[MEMBERS] !== 0 ? 1 : 0) },
    releaseOps: ['wakeAll'],
    holders: () => [],
    queue: (s) => bitsOf(s[MEMBERS]).map((pid) => ({ pid, mode: (s[SLEEPING] >> pid) & 1 ? 'sleeping' : 'woken' })),
    waitInfo() {
      return { primitive: decl.name, mode: 'wake-up', holders: [], queuedAhead: [], needsRelease: true };
    },
    describe(s, name) {
      const members = bitsOf(s[MEMBERS]);
      if (members.length === 0) return 'empty';
      return `[${members.map((p) => `${name(p)}${(s[SLEEPING] >> p) & 1 ? ' (asleep)' : ' (woken)'}`).join(', ')}]`;
    },
  };
}
