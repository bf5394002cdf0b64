/**
 * An executable twin of the dm-snapshot code paths (drivers/md/dm-snap.c),
 * ported by hand from the kernel sources cited in shared/kernel-brief.md as
 * ordinary async code over the twin primitives: origin writes (origin_map ->
 * do_origin -> __origin_write -> start_copy), snapshot_ctr/dtr taking
 * `_origins_lock` for write, and kcopyd completions (copy_callback ->
 * pending_complete -> retry_origin_bios -> do_origin, then releasing the
 * throttle). Three designs: no throttle (v4.20), the semaphore of
 * 721b1d98fb51 (v5.3.1 lines), and the in_progress counter with its wait
 * queue of b21555786f1 (v5.4.6 lines), plus the two ways the fix could
 * have been wrong.
 *
 * It is written independently of models/dm-snapshot: no step table, no
 * state vector, just the kernel's control flow. What the brief says may be
 * abstracted is (chunk lookup beyond "already copied or not", s->lock and
 * the bit spinlocks, allocation, the persistent store); a copy's I/O
 * completes by queueing its callback for the kcopyd worker.
 */
import type { Cpu } from './cpu.js';
import { KcopydClient, RwSemaphore, Semaphore, Task, WaitQueueHead, type WaitQueueEntry } from './primitives.js';

export interface DmSnapshotConfig {
  readonly design: 'unthrottled' | 'semaphore' | 'in-progress';
  readonly writers: number;
  /** Bios per writer, each to its own chunk. */
  readonly bios?: number;
  /** semaphore: sema_init count, 0 = unlimited; in-progress: sleep while in_progress > cow_threshold. */
  readonly cowThreshold: number;
  /** 1: a snapshot_ctr; 2: also a snapshot_dtr. */
  readonly ctrs: 0 | 1 | 2;
  readonly rwsem?: 'writer-fair' | 'reader-preferring';
  readonly mutant?: 'none' | 'sleep-holding-lock' | 'lost-wakeup';
}

interface Bio {
  readonly chunk: number;
}

/** A pending exception: the copy of one chunk, with the origin bios parked on it. */
interface PendingException {
  readonly chunk: number;
  readonly originBios: Bio[];
}

const INT_MAX = 2147483647;

export interface StuckTask {
  readonly task: string;
  /** Where it sleeps, or 'waiting for the CPU' if it could still run. */
  readonly in: string;
}

export class DmSnapshotTwin {
  readonly originsLock: RwSemaphore;
  readonly kcopyd: KcopydClient;
  readonly tasks: Task[] = [];
  /** s->cow_count (semaphore design). */
  readonly cowCount: Semaphore | undefined;
  /** s->in_progress and s->in_progress_wait (in-progress design). */
  inProgress = 0;
  maxInProgress = 0;
  readonly inProgressWait = new WaitQueueHead('in_progress_wait');
  /** Origin bios remapped after their chunk was copied. */
  biosDone = 0;
  /** Chunk -> pending (copy in flight) or complete (the exception store). */
  private readonly exceptions = new Map<number, 'pending' | 'complete'>();
  private readonly bodies: Array<{ task: Task; body: () => Promise<void> }> = [];

  constructor(readonly config: DmSnapshotConfig, cpu: Cpu) {
    this.originsLock = new RwSemaphore('_origins_lock', config.rwsem ?? 'writer-fair');
    this.kcopyd = new KcopydClient(cpu);
    // snapshot_ctr L1330: sema_init(&s->cow_count, (cow_threshold > 0) ? cow_threshold : INT_MAX)
    this.cowCount = config.design === 'semaphore' ? new Semaphore('s->cow_count', config.cowThreshold > 0 ? config.cowThreshold : INT_MAX) : undefined;
    const bios = config.bios ?? 1;
    for (let w = 0; w < config.writers; w++) {
      const t = new Task(`writer#${w + 1}`, cpu);
      this.bodies.push({
        task: t,
        body: async () => {
          // origin_map: each bio covers one chunk; a writer submits its bios one after another.
          for (let b = 0; b < bios; b++) await this.doOrigin(t, { chunk: w * bios + b }, true);
        },
      });
    }
    if (config.ctrs >= 1) {
      const t = new Task('snapshot_ctr', cpu);
      this.bodies.push({ task: t, body: () => this.registerSnapshot(t) });
    }
    if (config.ctrs >= 2) {
      const t = new Task('snapshot_dtr', cpu);
      this.bodies.push({ task: t, body: () => this.snapshotDtr(t) });
    }
    this.tasks.push(...this.bodies.map((b) => b.task));
  }

  /** Starts every task and the kcopyd worker; they run as the Cpu lets them. */
  start(): void {
    for (const { task, body } of this.bodies) {
      void body().then(() => { task.finished = true; });
    }
    void this.kcopyd.run();
  }

  /** Tasks that have not finished, and kcopyd if it is inside a completion. */
  stuck(): StuckTask[] {
    const out: StuckTask[] = [];
    for (const t of this.tasks) if (!t.finished) out.push({ task: t.name, in: t.sleepingIn ?? 'waiting for the CPU' });
    if (this.kcopyd.busy) out.push({ task: this.kcopyd.worker.name, in: this.kcopyd.worker.sleepingIn ?? 'waiting for the CPU' });
    return out;
  }

  // --- origin writes -------------------------------------------------------

  /**
   * do_origin (B L2490, C L2541). In the fix, with `limit`, every snapshot's
   * wait_for_in_progress runs under the read lock first; if it slept, start
   * again (`goto again`, C L2553-2554).
   */
  private async doOrigin(t: Task, bio: Bio, limit: boolean): Promise<void> {
    for (;;) {
      await this.originsLock.downRead(t);
      if (this.config.design === 'in-progress' && limit && !(await this.waitForInProgress(t, true))) continue;
      await this.originWrite(t, bio);
      await this.originsLock.upRead(t);
      return;
    }
  }

  /** __origin_write: remap a bio whose chunk was copied; otherwise make a pending exception, park the bio on it and start the copy. */
  private async originWrite(t: Task, bio: Bio): Promise<void> {
    const e = this.exceptions.get(bio.chunk);
    if (e === 'complete') {
      this.biosDone++;
      return;
    }
    if (e === 'pending') throw new Error(`twin: chunk ${bio.chunk} written twice while its copy is in flight (the designs here write distinct chunks)`);
    const pe: PendingException = { chunk: bio.chunk, originBios: [bio] };
    this.exceptions.set(bio.chunk, 'pending');
    await this.startCopy(t, pe);
  }

  /** start_copy (A L1601, B L1741, C L1787): throttle, then hand the copy to kcopyd. */
  private async startCopy(t: Task, pe: PendingException): Promise<void> {
    if (this.cowCount) await this.cowCount.down(t); // B L1759: sleeps holding _origins_lock for read
    if (this.config.design === 'in-progress') await this.accountStartCopy(t); // C L1805
    await t.preempt('dm_kcopyd_copy');
    this.kcopyd.copy(() => this.copyCallback(pe));
  }

  // --- the fix's throttle (v5.4.6) -----------------------------------------

  /** account_start_copy L1516: in_progress++ under the wait queue's lock. */
  private async accountStartCopy(t: Task): Promise<void> {
    await this.inProgressWait.lock.lock(t, 'account_start_copy');
    this.inProgress++;
    this.maxInProgress = Math.max(this.maxInProgress, this.inProgress);
    this.inProgressWait.lock.unlock(t);
  }

  /** account_end_copy L1523: in_progress--, and wake every waiter once at or below the threshold. */
  private async accountEndCopy(t: Task): Promise<void> {
    await this.inProgressWait.lock.lock(t, 'account_end_copy');
    if (this.inProgress === 0) throw new Error('BUG_ON(!s->in_progress)');
    this.inProgress--;
    if (this.inProgress <= this.config.cowThreshold && this.inProgressWait.active()) this.inProgressWait.wakeUpLocked();
    this.inProgressWait.lock.unlock(t);
  }

  /**
   * wait_for_in_progress L1534: returns false if it slept (the caller starts
   * again), true if the copy may go ahead. The mutants: sleeping with
   * `_origins_lock` still held (dropping it only after waking), and joining
   * the queue on the unlocked check alone (no re-check under the lock).
   */
  private async waitForInProgress(t: Task, unlockOrigins: boolean): Promise<boolean> {
    const T = this.config.cowThreshold;
    const wq = this.inProgressWait;
    await t.preempt('wait_for_in_progress');
    if (this.inProgress > T) { // unlikely(s->in_progress > cow_threshold), without the lock
      await wq.lock.lock(t, 'wait_for_in_progress');
      if (this.config.mutant === 'lost-wakeup' || this.inProgress > T) {
        const wait: WaitQueueEntry = { task: t }; // DECLARE_WAITQUEUE(wait, current)
        wq.addLocked(wait);
        t.setUninterruptible();
        wq.lock.unlock(t);
        const holding = this.config.mutant === 'sleep-holding-lock';
        if (unlockOrigins && !holding) await this.originsLock.upRead(t);
        await t.preempt('io_schedule()');
        await t.schedule('io_schedule()');
        await wq.remove(t, wait);
        if (unlockOrigins && holding) await this.originsLock.upRead(t);
        return false;
      }
      wq.lock.unlock(t);
    }
    return true;
  }

  // --- kcopyd completion ---------------------------------------------------

  /**
   * copy_callback (B L1691, C L1737) in the kcopyd worker: complete_exception
   * -> pending_complete makes the exception complete and retry_origin_bios
   * resubmits the parked bios through do_origin (no throttling: C L1589
   * passes limit = false); only then is the throttle released (B L1735 up(),
   * C account_end_copy).
   */
  private async copyCallback(pe: PendingException): Promise<void> {
    const k = this.kcopyd.worker;
    this.exceptions.set(pe.chunk, 'complete');
    for (const bio of pe.originBios) await this.doOrigin(k, bio, false);
    if (this.cowCount) await this.cowCount.up(k);
    if (this.config.design === 'in-progress') await this.accountEndCopy(k);
  }

  // --- _origins_lock writers -------------------------------------------------

  /** snapshot_ctr -> register_snapshot (B L559-584): the write lock around the origin list update. */
  private async registerSnapshot(t: Task): Promise<void> {
    await this.originsLock.downWrite(t);
    await this.originsLock.upWrite(t);
  }

  /** snapshot_dtr (B L1463): reads the origin list, then unregister_snapshot takes the write lock. */
  private async snapshotDtr(t: Task): Promise<void> {
    await this.originsLock.downRead(t);
    await this.originsLock.upRead(t);
    await this.originsLock.downWrite(t);
    await this.originsLock.upWrite(t);
  }
}
