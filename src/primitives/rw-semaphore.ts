/**
 * rw_semaphore, as in Linux 5.3 kernel/locking/rwsem.c.
 *
 * writer-fair (the kernel's lock):
 * - down_read takes the lock at once only if no writer holds it and nobody is
 *   queued (fast path fails on WAITERS, rwsem.c L164/L273-279). So **a reader
 *   arriving after a queued writer waits for it**, even while other readers
 *   hold the lock. This is the edge the dm-snapshot deadlock needs.
 * - down_write takes it only if it is free and nobody is queued; otherwise it
 *   queues FIFO at the tail.
 * - When the lock becomes free (last up_read, L1399, or up_write), the head
 *   of the queue is served (rwsem_mark_wake L397): a writer alone; a reader
 *   together with every other queued reader (up to 256, writers keep their
 *   place), which is what 5.3 does.
 * - Optimistic spinning and the hand-off bit are abstracted away. One of them
 *   does let a reader pass a queued writer: from v5.3 (cf69482d62d9,
 *   "locking/rwsem: Enable readers spinning on writer") to v5.10 a reader in
 *   the slow path may spin, and while spinning on a reader-owned lock its
 *   unqueued trylock (rwsem_try_read_lock_unqueued) tests only the writer and
 *   hand-off bits, not WAITERS; 617f3ef95177 ("locking/rwsem: Remove reader
 *   optimistic spinning") removed it in v5.11. The verdicts stand: the spin is
 *   bounded and optional (it ends when the owner is not running, on
 *   need_resched, or once a writer's spin on the reader-owned lock times out
 *   and sets RD_NONSPINNABLE), and a reader that does not get in queues FIFO
 *   as modelled here, so every writer-fair schedule, the deadlocking ones
 *   included, is still a kernel schedule. Passing only adds schedules in
 *   which a reader gets in earlier; the dm-snapshot fix is also proven ok
 *   with reader-preferring (a reader passes every queued writer), and its
 *   argument (no task sleeps on the throttle holding `_origins_lock`) does
 *   not depend on the order in which readers and writers are let in.
 *
 * reader-preferring (for contrast, as loom and shuttle implement it): a reader
 * gets the lock whenever no writer holds it, queued writers or not; on release
 * queued readers are served before writers. With this policy the dm-snapshot
 * semaphore design does not deadlock.
 *
 * recursive down_read (`downRead({ recursive: true })`, op downReadRecursive): the kernel keeps no
 * per-task reader record, so a reader taking it again is just another reader. At v5.3 the fast path
 * (__down_read -> rwsem_read_trylock: add RWSEM_READER_BIAS, fail if the count has any of
 * RWSEM_READ_FAILED_MASK, which includes RWSEM_FLAG_WAITERS) fails while a writer is queued, and
 * rwsem_down_read_slowpath takes the lock without queueing only when the wait list is empty
 * (`if (list_empty(&sem->wait_list))`); otherwise the reader queues behind the writer. So a task
 * holding it for read that calls down_read again while a writer waits deadlocks: the writer waits
 * for the task's first hold, the task waits behind the writer. Function names checked against
 * torvalds/linux kernel/locking/rwsem.c via the code search; line numbers at v5.3 NOT verified.
 * Modelled depth: two levels (a second bitmask); a third is refused as misuse. up_read gives back one.
 *
 * downgrade_write (rwsem.c v5.3: downgrade_write -> __downgrade_write, then if WAITERS
 * rwsem_downgrade_wake -> __rwsem_mark_wake(sem, RWSEM_WAKE_READ_OWNED)): the writer becomes a reader
 * without letting go; if a writer heads the queue nobody is woken (mark_wake wakes a head writer only
 * for RWSEM_WAKE_ANY), else the queued readers are granted as on a release (writers keep their place).
 * Function names checked via the code search; line numbers NOT verified.
 *
 * Slots: [readers bitmask, writer pid+1, queue len, queue entries..., second-level readers bitmask];
 * the Promela encoding keeps the second level in `<name>_nested`.
 */
import type { PrimitiveDecl } from '../model/types.js';
import {
  bitsOf, grant, PrimitiveMisuse,
  type PrimitiveContext, type PrimitiveModule, type PrimitiveRuntime, type QueuedWaiter,
} from './primitive.js';
import { comment, intType, maskType, removeInline, unknownOp, unknownQuery, waiterQueueVars, type PrimitiveCode, type PromelaContext } from './promela-code.js';
import { WaiterQueue } from './waiter-queue.js';
import { DEPT_SERIES } from './sleep-state.js';

/** Ops that neither take nor give the lock for write. */
const READ_OPS: ReadonlySet<string> = new Set(['downRead', 'downReadRecursive', 'downReadTrylock', 'upRead']);

const READ = 0;
const WRITE = 1;
const modeName = (tag: number) => (tag === WRITE ? 'write' : 'read');

export function createRwSemaphore(
  decl: Extract<PrimitiveDecl, { kind: 'rwsem' }>,
  ctx: PrimitiveContext,
): PrimitiveRuntime {
  const READERS = ctx.base;
  const WRITER = ctx.base + 1;
  const q = new WaiterQueue(ctx.base + 2, ctx.processCount);
  const writerFair = decl.policy === 'writer-fair';
  // Last, so the existing slots keep their places; always 0 unless a recursive down_read is used.
  const NESTED = ctx.base + 2 + q.slotCount;

  const holdsRead = (s: Int32Array, pid: number) => (s[READERS] & (1 << pid)) !== 0;

  const grantReaders = (s: Int32Array) => {
    for (let i = 0; i < q.length(s); ) {
      if (q.tag(s, i) === READ) {
        const pid = q.pid(s, i);
        // A queued task that already reads is a recursive down_read: it gets its second level.
        if (holdsRead(s, pid)) s[NESTED] |= 1 << pid;
        else s[READERS] |= 1 << pid;
        q.removeAt(s, i);
        grant(s, ctx, pid);
      } else i++;
    }
  };

  const grantWriter = (s: Int32Array, i: number) => {
    const pid = q.pid(s, i);
    s[WRITER] = pid + 1;
    q.removeAt(s, i);
    grant(s, ctx, pid);
  };

  /** Serve waiters after a release. */
  const wake = (s: Int32Array) => {
    if (s[WRITER] !== 0 || q.length(s) === 0) return;
    if (writerFair) {
      if (q.tag(s, 0) === WRITE) {
        if (s[READERS] === 0) grantWriter(s, 0);
      } else grantReaders(s);
    } else {
      grantReaders(s);
      if (s[READERS] === 0) {
        for (let i = 0; i < q.length(s); i++) if (q.tag(s, i) === WRITE) { grantWriter(s, i); break; }
      }
    }
  };

  return {
    decl,
    slotCount: 2 + q.slotCount + 1,
    slotRanges: [[0, 2 ** ctx.processCount - 1], [0, ctx.processCount], ...q.slotRanges, [0, 2 ** ctx.processCount - 1]],
    slotKinds: ['mask', 'pid1', ...q.slotKinds, 'mask'],
    init() {},
    ops: {
      downRead: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) {
            throw new PrimitiveMisuse(`down_read(&${decl.name}) by a task that already holds it`);
          }
          if (s[WRITER] !== 0 || (writerFair && q.length(s) !== 0)) return false;
          s[READERS] |= 1 << pid;
          return true;
        },
        block(s, pid) { q.push(s, pid, READ); },
      },
      downReadRecursive: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (s[WRITER] === pid + 1) throw new PrimitiveMisuse(`down_read(&${decl.name}) by a task that holds it for write`);
          if ((s[NESTED] & (1 << pid)) !== 0) throw new PrimitiveMisuse(`down_read(&${decl.name}) a third time: only two levels of read nesting are modelled`);
          // Exactly down_read's test: holding it already for read earns no pass over a queued writer.
          if (s[WRITER] !== 0 || (writerFair && q.length(s) !== 0)) return false;
          if (holdsRead(s, pid)) s[NESTED] |= 1 << pid;
          else s[READERS] |= 1 << pid;
          return true;
        },
        block(s, pid) { q.push(s, pid, READ); },
      },
      downgradeWrite: {
        kind: 'apply',
        apply(s, pid) {
          if (s[WRITER] !== pid + 1) throw new PrimitiveMisuse(`downgrade_write(&${decl.name}) by a task that does not hold it for write`);
          s[WRITER] = 0;
          s[READERS] |= 1 << pid;
          // With readers now holding it, wake() grants only queued readers at the head (writer-fair) or all of them.
          wake(s);
          return 0;
        },
      },
      downWrite: {
        kind: 'blocking',
        tryAcquire(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) {
            throw new PrimitiveMisuse(`down_write(&${decl.name}) by a task that already holds it`);
          }
          if (s[WRITER] !== 0 || s[READERS] !== 0 || q.length(s) !== 0) return false;
          s[WRITER] = pid + 1;
          return true;
        },
        block(s, pid) { q.push(s, pid, WRITE); },
      },
      // down_read_trylock / down_write_trylock (kernel/locking/rwsem.c:1390/1432 at v5.11): take it only if down_read/down_write
      // would without sleeping; the kernel's fast paths fail as soon as anyone is queued (RWSEM_FLAG_WAITERS). 1 = taken.
      downReadTrylock: {
        kind: 'apply',
        apply(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) throw new PrimitiveMisuse(`down_read_trylock(&${decl.name}) by a task that already holds it`);
          if (s[WRITER] !== 0 || (writerFair && q.length(s) !== 0)) return 0;
          s[READERS] |= 1 << pid;
          return 1;
        },
      },
      downWriteTrylock: {
        kind: 'apply',
        apply(s, pid) {
          if (holdsRead(s, pid) || s[WRITER] === pid + 1) throw new PrimitiveMisuse(`down_write_trylock(&${decl.name}) by a task that already holds it`);
          if (s[WRITER] !== 0 || s[READERS] !== 0 || q.length(s) !== 0) return 0;
          s[WRITER] = pid + 1;
          return 1;
        },
      },
      upRead: {
        kind: 'apply',
        apply(s, pid) {
          if (!holdsRead(s, pid)) throw new PrimitiveMisuse(`up_read(&${decl.name}) by a task that does not hold it for read`);
          if ((s[NESTED] & (1 << pid)) !== 0) {
            s[NESTED] &= ~(1 << pid);
            return 0;
          }
          s[READERS] &= ~(1 << pid);
          if (s[READERS] === 0) wake(s);
          return 0;
        },
      },
      upWrite: {
        kind: 'apply',
        apply(s, pid) {
          if (s[WRITER] !== pid + 1) throw new PrimitiveMisuse(`up_write(&${decl.name}) by a task that does not hold it for write`);
          s[WRITER] = 0;
          wake(s);
          return 0;
        },
      },
    },
    queries: {},
    // Where no writer holds the lock, waits for it or may still ask for it, nobody queues:
    // the read ops only set and clear each reader's own bits, so any two commute.
    commutes(s, mine, theirs, others) {
      // A reader's up_read behind a queued writer (writer-fair) commutes with any op of another task.
      // The up_read's task holds the lock for read until it runs, so, while it does not, no writer
      // is granted and the writer heading the queue stays there: every down_read, down_write and
      // trylock of another task queues or fails (the queue is not empty), whichever runs first, and
      // up_write/downgrade_write cannot run at all. The up_read only clears its own bit and, if it
      // is the last reader, grants that head writer alone, which changes neither outcome: a later
      // down_read or down_write queues behind the writer that now holds the lock, as it would have
      // queued behind the waiting one, at the same place in the queue.
      if (mine === 'upRead' && writerFair && q.length(s) !== 0 && q.tag(s, 0) === WRITE) return true;
      if (s[WRITER] !== 0 || q.length(s) !== 0 || !READ_OPS.has(mine) || !READ_OPS.has(theirs)) return false;
      for (const op of others) if (!READ_OPS.has(op)) return false;
      return true;
    },
    releaseOps: ['upRead', 'upWrite'],
    holders(s) {
      const out = bitsOf(s[READERS]).map((pid) => ({ pid, mode: 'read' }));
      if (s[WRITER] !== 0) out.push({ pid: s[WRITER] - 1, mode: 'write' });
      return out;
    },
    queue(s) {
      return q.entries(s).map((e) => ({ pid: e.pid, mode: modeName(e.tag) }));
    },
    waitInfo(s, pid, op) {
      const entries = q.entries(s);
      const at = entries.findIndex((e) => e.pid === pid);
      const ahead: QueuedWaiter[] = entries.slice(0, at < 0 ? 0 : at).map((e) => ({ pid: e.pid, mode: modeName(e.tag) }));
      return {
        primitive: decl.name,
        mode: op === 'downWrite' ? 'write' : 'read',
        holders: this.holders(s),
        queuedAhead: ahead,
        needsRelease: false,
      };
    },
    describe(s, name) {
      const parts: string[] = [];
      if (s[WRITER] !== 0) parts.push(`writer ${name(s[WRITER] - 1)}`);
      const readers = bitsOf(s[READERS]);
      if (readers.length > 0) parts.push(`readers {${readers.map(name).join(', ')}}`);
      const queued = q.entries(s);
      if (queued.length > 0) parts.push(`queue [${queued.map((e) => `${name(e.pid)}:${e.tag === WRITE ? 'W' : 'R'}`).join(', ')}]`);
      return parts.length > 0 ? parts.join(', ') : 'free';
    },
  };
}

type RwSemDecl = Extract<PrimitiveDecl, { kind: 'rwsem' }>;

export const rwSemaphoreModule: PrimitiveModule<RwSemDecl> = {
  kind: 'rwsem',
  title: 'rw_semaphore',
  create: createRwSemaphore,
  kernelNames: {
    downRead: 'down_read', upRead: 'up_read', downWrite: 'down_write', upWrite: 'up_write',
    downReadTrylock: 'down_read_trylock', downWriteTrylock: 'down_write_trylock',
    downReadRecursive: 'down_read', downgradeWrite: 'downgrade_write',
  },
  // Two readers leaving: either order clears both bits, and whichever is last serves the queue.
  commuting: [['upRead', 'upRead']],
  sliceRoles: {},
  conflicts: (_decl, waiter, other) => !(waiter === 'read' && other === 'read'),
  passesQueue: (decl, waiter) => decl.policy === 'reader-preferring' && waiter === 'read',
  visibility: {
    lockdep: { sees: true, why: 'down_read/down_write are lockdep acquisitions of the rwsem\'s dep_map (rwsem_acquire_read/rwsem_acquire in down_read/down_write, kernel/locking/rwsem.c:1353/1406 at v5.11)' },
    dept: { sees: true, why: `${DEPT_SERIES} follows the lockdep annotations ("dept: tie to lockdep and IRQ tracing"), and a blocking down_read/down_write is a wait to it` },
  },
  // down_read/down_write sleep in TASK_UNINTERRUPTIBLE, the _killable forms in TASK_KILLABLE (__down_read_common/__down_write_common, kernel/locking/rwsem.c:1222/1232/1270/1275 at v5.11).
  sleepStates: { downRead: 'uninterruptible', downReadRecursive: 'uninterruptible', downWrite: 'uninterruptible' },
  sleepVariants: ['downRead', 'downWrite'],
  dot: { shape: 'box', style: 'rounded,filled' },
  nodeFacts: (decl) => ({ policy: decl.policy }),
  handOffLabel: (decl) => `hands over ${decl.name}`,
  promelaSuffixes: ['_readers', '_writer', '_qlen', '_q', '_nested', '_remove', '_grant_writer', '_grant_readers', '_wake'],
  promela: rwsemCode,
};

function rwsemCode(decl: Extract<PrimitiveDecl, { kind: 'rwsem' }>, ctx: PromelaContext): PrimitiveCode {
  const n = ctx.name;
  const [R, W, QL, Q, N] = [`${n}_readers`, `${n}_writer`, `${n}_qlen`, `${n}_q`, `${n}_nested`];
  const fair = decl.policy === 'writer-fair';
  const bit = (p: string) => `(1 << ${p})`;
  const holdsNothing = (p: string) => `(${R} & ${bit(p)}) == 0 && ${W} != ${p} + 1`;
  const wakeDoc = fair
    ? 'the head of the queue is served: a writer alone (once no reader holds it), or every queued reader (writers keep their place)'
    : 'every queued reader is served first, then the first queued writer if no reader holds it';
  const grantWriterAt = [
    `inline ${n}_grant_writer(at) {`,
    `  pid_ = (${Q}[at] >> 2) - 1;`,
    `  ${W} = pid_ + 1;`,
    `  ${n}_remove(at);`,
    '  wait[pid_] = -1;',
    '  pid_ = 0',
    '}',
  ];
  const grantReaders = [
    `inline ${n}_grant_readers() {`,
    '  i_ = 0;',
    '  do',
    `  :: i_ < ${QL} ->`,
    '     if',
    `     :: (${Q}[i_] & 3) == 0 ->`,
    `        pid_ = (${Q}[i_] >> 2) - 1;`,
    '        if',
    `        :: (${R} & (1 << pid_)) != 0 -> ${N} = ${N} | (1 << pid_)  ${comment('a recursive down_read: its second level')}`,
    `        :: else -> ${R} = ${R} | (1 << pid_)`,
    '        fi;',
    `        ${n}_remove(i_);`,
    '        wait[pid_] = -1;',
    '        pid_ = 0',
    '     :: else -> i_++',
    '     fi',
    '  :: else -> break',
    '  od;',
    '  i_ = 0',
    '}',
  ];
  const wake = fair
    ? [
        `inline ${n}_wake() {  ${comment(`after a release: ${wakeDoc}`)}`,
        '  if',
        `  :: ${W} == 0 && ${QL} > 0 ->`,
        '     if',
        `     :: (${Q}[0] & 3) == 1 ->`,
        '        if',
        `        :: ${R} == 0 -> ${n}_grant_writer(0)`,
        '        :: else -> skip',
        '        fi',
        `     :: else -> ${n}_grant_readers()`,
        '     fi',
        '  :: else -> skip',
        '  fi',
        '}',
      ]
    : [
        `inline ${n}_wake() {  ${comment(`after a release: ${wakeDoc}`)}`,
        '  if',
        `  :: ${W} == 0 && ${QL} > 0 ->`,
        `     ${n}_grant_readers();`,
        '     if',
        `     :: ${R} == 0 ->`,
        '        j_ = 0;',
        '        do',
        `        :: j_ < ${QL} && (${Q}[j_] & 3) != 1 -> j_++`,
        '        :: else -> break',
        '        od;',
        '        if',
        `        :: j_ < ${QL} -> ${n}_grant_writer(j_)`,
        '        :: else -> skip',
        '        fi;',
        '        j_ = 0',
        '     :: else -> skip',
        '     fi',
        '  :: else -> skip',
        '  fi',
        '}',
      ];
  return {
    decl,
    title: fair
      ? `rw_semaphore, writer-fair: a reader arriving after a queued writer waits for it; ${wakeDoc}`
      : `rw_semaphore, reader-preferring: a reader gets it whenever no writer holds it; ${wakeDoc}`,
    vars: [
      `${maskType(ctx.processCount)} ${R} = 0;  ${comment('bit p set: process p holds it for read')}`,
      `${intType(0, ctx.processCount)} ${W} = 0;  ${comment('pid + 1 of the process holding it for write, 0 = none')}`,
      ...waiterQueueVars(n, ctx.processCount, ', mode 0 read, 1 write'),
      `${maskType(ctx.processCount)} ${N} = 0;  ${comment('bit p set: process p holds it for read a second time (recursive down_read)')}`,
    ],
    inlines: [removeInline(n, Q, QL), grantWriterAt.join('\n'), grantReaders.join('\n'), wake.join('\n')],
    op(op, p) {
      switch (op) {
        case 'downRead':
          return {
            kind: 'blocking',
            misuse: holdsNothing(p),
            canAcquire: fair ? `${W} == 0 && ${QL} == 0` : `${W} == 0`,
            acquire: [`${R} = ${R} | ${bit(p)}`],
            block: [`${Q}[${QL}] = (${p} + 1) * 4 + 0`, `${QL}++`],
          };
        case 'downReadRecursive':
          return {
            kind: 'blocking',
            misuse: `${W} != ${p} + 1 && (${N} & ${bit(p)}) == 0`,
            // down_read's own test: a read already held earns no pass over a queued writer.
            canAcquire: fair ? `${W} == 0 && ${QL} == 0` : `${W} == 0`,
            acquire: [`if\n:: (${R} & ${bit(p)}) != 0 -> ${N} = ${N} | ${bit(p)}\n:: else -> ${R} = ${R} | ${bit(p)}\nfi`],
            block: [`${Q}[${QL}] = (${p} + 1) * 4 + 0`, `${QL}++`],
          };
        case 'downgradeWrite':
          return { kind: 'apply', misuse: `${W} == ${p} + 1`, apply: [`${W} = 0`, `${R} = ${R} | ${bit(p)}`, `${n}_wake()`] };
        case 'downWrite':
          return {
            kind: 'blocking',
            misuse: holdsNothing(p),
            canAcquire: `${W} == 0 && ${R} == 0 && ${QL} == 0`,
            acquire: [`${W} = ${p} + 1`],
            block: [`${Q}[${QL}] = (${p} + 1) * 4 + 1`, `${QL}++`],
          };
        case 'downReadTrylock': {
          const can = fair ? `${W} == 0 && ${QL} == 0` : `${W} == 0`;
          return { kind: 'apply', misuse: holdsNothing(p), result: `(${can} -> 1 : 0)`, apply: [`if\n:: ${can} -> ${R} = ${R} | ${bit(p)}\n:: else -> skip\nfi`] };
        }
        case 'downWriteTrylock': {
          const can = `${W} == 0 && ${R} == 0 && ${QL} == 0`;
          return { kind: 'apply', misuse: holdsNothing(p), result: `(${can} -> 1 : 0)`, apply: [`if\n:: ${can} -> ${W} = ${p} + 1\n:: else -> skip\nfi`] };
        }
        case 'upRead':
          return {
            kind: 'apply',
            misuse: `(${R} & ${bit(p)}) != 0`,
            apply: [`if\n:: (${N} & ${bit(p)}) != 0 -> ${N} = ${N} & ~${bit(p)}\n:: else ->\n   ${R} = ${R} & ~${bit(p)};\n   if\n   :: ${R} == 0 -> ${n}_wake()\n   :: else -> skip\n   fi\nfi`],
          };
        case 'upWrite':
          return { kind: 'apply', misuse: `${W} == ${p} + 1`, apply: [`${W} = 0`, `${n}_wake()`] };
        default: throw unknownOp(decl, op);
      }
    },
    query(q) { throw unknownQuery(decl, q); },
  };
}
