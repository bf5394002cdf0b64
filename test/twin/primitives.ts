/**
 * An executable twin of the kernel primitives the dm-snapshot designs use,
 * written as ordinary async code after the kernel sources (Linux 5.3
 * kernel/locking/rwsem.c, semaphore.c, include/linux/wait.h,
 * kernel/sched/wait.c, drivers/md/dm-kcopyd.c), not derived from
 * src/primitives or from the models. Tasks sleep on plain promises that only
 * a waker resolves; every call that the kernel could preempt (or that
 * another CPU could race) starts with a preemption point, so the Cpu
 * (fast-check's scheduler, or a script) picks the interleaving.
 *
 * A deadlock shows as: no task waits for the CPU any more, yet some task has
 * not finished.
 */
import type { Cpu } from './cpu.js';

export type TaskState = 'TASK_RUNNING' | 'TASK_UNINTERRUPTIBLE';

/** A kernel task: a name, a scheduler state, and a way to sleep and be woken. */
export class Task {
  state: TaskState = 'TASK_RUNNING';
  /** Where the task sleeps, while it does. */
  sleepingIn: string | undefined;
  finished = false;
  private wake: (() => void) | undefined;

  constructor(readonly name: string, private readonly cpu: Cpu) {}

  /** A point where another task may run first. */
  preempt(point: string): Promise<void> {
    return this.cpu.preempt(this, point);
  }

  /** `set_current_state(TASK_UNINTERRUPTIBLE)`. */
  setUninterruptible(): void {
    this.state = 'TASK_UNINTERRUPTIBLE';
  }

  /**
   * `schedule()`: a task still TASK_UNINTERRUPTIBLE sleeps until
   * `wakeUpProcess`; one that was woken in between (state back to
   * TASK_RUNNING) returns at once. A woken task waits for the CPU again at
   * `<where> (woken)`.
   */
  async schedule(where: string): Promise<void> {
    if (this.state === 'TASK_RUNNING') return;
    this.sleepingIn = where;
    await new Promise<void>((resolve) => { this.wake = resolve; });
    this.sleepingIn = undefined;
    await this.preempt(`${where} (woken)`);
  }

  /** `wake_up_process()`: TASK_RUNNING again; a sleeping task goes back on the run queue. */
  wakeUpProcess(): void {
    this.state = 'TASK_RUNNING';
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** A spinlock. Its sections never contain a preemption point (preemption is off while it is held). */
export class Spinlock {
  private owner: Task | undefined;

  constructor(readonly name: string) {}

  /** `spin_lock()`, called from `caller` (named in the preemption point). */
  async lock(t: Task, caller: string): Promise<void> {
    for (;;) {
      await t.preempt(`${caller}: spin_lock(&${this.name})`);
      if (this.owner === undefined) {
        this.owner = t;
        return;
      }
    }
  }

  unlock(t: Task): void {
    if (this.owner !== t) throw new Error(`spin_unlock(&${this.name}) by ${t.name}, which does not hold it`);
    this.owner = undefined;
  }
}

interface RwsemWaiter {
  readonly task: Task;
  readonly type: 'read' | 'write';
  /** Set by the waker when it hands the lock over (5.3 clears `waiter.task`). */
  granted: boolean;
}

/**
 * `struct rw_semaphore`, writer-fair as in 5.3: down_read's fast path fails
 * when a writer holds the lock *or anyone waits* (RWSEM_FLAG_WAITERS,
 * rwsem.c L164), so a reader arriving after a queued writer queues behind
 * it; waiters queue FIFO at the tail (L1050); on release rwsem_mark_wake
 * (L397) wakes a writer at the head alone, or every queued reader. Spinning
 * and hand-off timing are left out, as the kernel brief allows (§3). The
 * reader-preferring variant lets readers in whenever no writer holds it.
 */
export class RwSemaphore {
  private readers = new Set<Task>();
  private writer: Task | undefined;
  private waitList: RwsemWaiter[] = [];

  constructor(readonly name: string, readonly policy: 'writer-fair' | 'reader-preferring' = 'writer-fair') {}

  async downRead(t: Task): Promise<void> {
    const call = `down_read(&${this.name})`;
    await t.preempt(call);
    const fastPath = this.writer === undefined && (this.policy === 'reader-preferring' || this.waitList.length === 0);
    if (fastPath) {
      this.readers.add(t);
      return;
    }
    await this.sleep(t, 'read', call);
  }

  async downWrite(t: Task): Promise<void> {
    const call = `down_write(&${this.name})`;
    await t.preempt(call);
    if (this.writer === undefined && this.readers.size === 0 && this.waitList.length === 0) {
      this.writer = t;
      return;
    }
    await this.sleep(t, 'write', call);
  }

  async upRead(t: Task): Promise<void> {
    await t.preempt(`up_read(&${this.name})`);
    if (!this.readers.delete(t)) throw new Error(`up_read(&${this.name}) by ${t.name}, which does not hold it`);
    if (this.readers.size === 0) this.markWake();
  }

  async upWrite(t: Task): Promise<void> {
    await t.preempt(`up_write(&${this.name})`);
    if (this.writer !== t) throw new Error(`up_write(&${this.name}) by ${t.name}, which does not hold it`);
    this.writer = undefined;
    this.markWake();
  }

  /** Queue at the tail and sleep until a waker grants the lock. */
  private async sleep(t: Task, type: 'read' | 'write', call: string): Promise<void> {
    const waiter: RwsemWaiter = { task: t, type, granted: false };
    this.waitList.push(waiter);
    while (!waiter.granted) {
      t.setUninterruptible();
      await t.schedule(call);
    }
  }

  /** rwsem_mark_wake: hand the free lock to the waiters at the head. */
  private markWake(): void {
    if (this.writer !== undefined || this.waitList.length === 0) return;
    const grant = (w: RwsemWaiter) => {
      this.waitList.splice(this.waitList.indexOf(w), 1);
      if (w.type === 'write') this.writer = w.task;
      else this.readers.add(w.task);
      w.granted = true;
      w.task.wakeUpProcess();
    };
    const readers = this.waitList.filter((w) => w.type === 'read');
    if (this.policy === 'writer-fair' && this.waitList[0].type === 'write') {
      if (this.readers.size === 0) grant(this.waitList[0]);
      return;
    }
    readers.forEach(grant);
    if (this.readers.size === 0) {
      const w = this.waitList.find((x) => x.type === 'write');
      if (w) grant(w);
    }
  }

  /** Who holds it and who waits, for reports. */
  describe(): string {
    const holders = this.writer ? [`${this.writer.name} (write)`] : [...this.readers].map((r) => `${r.name} (read)`);
    return `${this.name}: held by [${holders.join(', ')}], waiting [${this.waitList.map((w) => `${w.task.name}:${w.type}`).join(', ')}]`;
  }
}

/**
 * `struct semaphore` (kernel/locking/semaphore.c): down (L53) takes a unit
 * or queues FIFO (L209) and sleeps until `__up` hands it one (L255): the
 * waiter's `up` flag, checked after each wake-up. up (L178) by any task.
 */
export class Semaphore {
  private waitList: Array<{ readonly task: Task; up: boolean }> = [];

  constructor(readonly name: string, public count: number) {}

  async down(t: Task): Promise<void> {
    const call = `down(&${this.name})`;
    await t.preempt(call);
    if (this.count > 0) {
      this.count--;
      return;
    }
    const waiter = { task: t, up: false };
    this.waitList.push(waiter);
    for (;;) {
      t.setUninterruptible();
      await t.schedule(call);
      if (waiter.up) return;
    }
  }

  async up(t: Task): Promise<void> {
    await t.preempt(`up(&${this.name})`);
    const waiter = this.waitList.shift();
    if (waiter === undefined) {
      this.count++;
      return;
    }
    waiter.up = true;
    waiter.task.wakeUpProcess();
  }
}

/** One `wait_queue_entry` from DECLARE_WAITQUEUE: non-exclusive, woken by default_wake_function. */
export interface WaitQueueEntry {
  readonly task: Task;
}

/**
 * `wait_queue_head_t` (include/linux/wait.h, kernel/sched/wait.c). The
 * double-underscore calls and `wakeUpLocked` expect the caller to hold
 * `lock`. `wake_up_locked` passes nr_exclusive = 1, which limits only
 * exclusive entries (wait.c L96), so every entry here is woken.
 */
export class WaitQueueHead {
  readonly lock: Spinlock;
  private entries: WaitQueueEntry[] = [];

  constructor(readonly name: string) {
    this.lock = new Spinlock(`${name}.lock`);
  }

  /** `__add_wait_queue` (caller holds the lock). */
  addLocked(e: WaitQueueEntry): void {
    this.entries.unshift(e);
  }

  /** `waitqueue_active` (caller holds the lock). */
  active(): boolean {
    return this.entries.length > 0;
  }

  /** `wake_up_locked` (caller holds the lock): try_to_wake_up every entry. */
  wakeUpLocked(): void {
    for (const e of [...this.entries]) e.task.wakeUpProcess();
  }

  /** `remove_wait_queue`: takes the lock itself. */
  async remove(t: Task, e: WaitQueueEntry): Promise<void> {
    await this.lock.lock(t, 'remove_wait_queue');
    this.entries = this.entries.filter((x) => x !== e);
    this.lock.unlock(t);
  }
}

/**
 * A kcopyd client (drivers/md/dm-kcopyd.c): one work item, so one worker at
 * a time runs the client's completions, in order (L744-752). `copy` stands
 * for dm_kcopyd_copy plus the I/O completing: the callback is queued for the
 * worker. If a callback sleeps, every later completion of the client waits.
 */
export class KcopydClient {
  readonly worker: Task;
  /** The worker is inside a callback (not idle). */
  busy = false;
  private jobs: Array<() => Promise<void>> = [];

  constructor(cpu: Cpu, name = 'kcopyd') {
    this.worker = new Task(name, cpu);
  }

  copy(callback: () => Promise<void>): void {
    this.jobs.push(callback);
    this.worker.wakeUpProcess();
  }

  /** do_work: forever take the next completion and run it; sleep while there is none. */
  async run(): Promise<never> {
    const t = this.worker;
    for (;;) {
      await t.preempt('kcopyd: do_work');
      const job = this.jobs.shift();
      if (job === undefined) {
        t.setUninterruptible();
        await t.schedule('kcopyd: wait for work');
        continue;
      }
      this.busy = true;
      await job();
      this.busy = false;
    }
  }
}
