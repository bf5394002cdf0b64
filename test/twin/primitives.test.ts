import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schedulerCpu, ScriptedCpu, settle, type Cpu } from './cpu.js';
import { KcopydClient, RwSemaphore, Semaphore, Task, WaitQueueHead } from './primitives.js';

/** Starts `body` for a new task; the returned record says when it finished. */
function spawn(cpu: Cpu, name: string, body: (t: Task) => Promise<void>) {
  const t = new Task(name, cpu);
  void body(t).then(() => { t.finished = true; });
  return t;
}

describe('twin RwSemaphore (writer-fair)', () => {
  it('makes a reader that arrives after a queued writer wait for that writer', async () => {
    const cpu = new ScriptedCpu();
    const lock = new RwSemaphore('l');
    const order: string[] = [];
    const r1 = spawn(cpu, 'r1', async (t) => { await lock.downRead(t); order.push('r1 in'); await lock.upRead(t); });
    const w = spawn(cpu, 'w', async (t) => { await lock.downWrite(t); order.push('w in'); await lock.upWrite(t); });
    const r2 = spawn(cpu, 'r2', async (t) => { await lock.downRead(t); order.push('r2 in'); await lock.upRead(t); });
    await cpu.release('r1', 'down_read(&l)');
    await cpu.release('w', 'down_write(&l)');
    expect(w.sleepingIn).toBe('down_write(&l)');
    await cpu.release('r2', 'down_read(&l)');
    expect(r2.sleepingIn).toBe('down_read(&l)'); // held by a reader, but a writer waits
    await cpu.release('r1', 'up_read(&l)');
    await cpu.release('w', 'down_write(&l) (woken)');
    expect(r2.sleepingIn).toBe('down_read(&l)');
    await cpu.release('w', 'up_write(&l)');
    await cpu.release('r2', 'down_read(&l) (woken)');
    await cpu.drain();
    expect(order).toEqual(['r1 in', 'w in', 'r2 in']);
    expect([r1, w, r2].every((t) => t.finished)).toBe(true);
  });

  it('lets that reader in at once when reader-preferring', async () => {
    const cpu = new ScriptedCpu();
    const lock = new RwSemaphore('l', 'reader-preferring');
    spawn(cpu, 'r1', async (t) => { await lock.downRead(t); });
    const w = spawn(cpu, 'w', async (t) => { await lock.downWrite(t); });
    const r2 = spawn(cpu, 'r2', async (t) => { await lock.downRead(t); });
    await cpu.release('r1', 'down_read(&l)');
    await cpu.release('w', 'down_write(&l)');
    await cpu.release('r2', 'down_read(&l)');
    await settle();
    expect(r2.finished).toBe(true);
    expect(w.sleepingIn).toBe('down_write(&l)');
  });

  it('never lets a writer in with anyone else, under any schedule', async () => {
    await fc.assert(fc.asyncProperty(fc.scheduler(), async (s) => {
      const cpu = schedulerCpu(s);
      const lock = new RwSemaphore('l');
      let readers = 0;
      let writers = 0;
      const bad: string[] = [];
      const check = () => { if (writers > 1 || (writers === 1 && readers > 0)) bad.push(`${readers} readers, ${writers} writers`); };
      const tasks = ['a', 'b', 'c', 'd'].map((n, i) => spawn(cpu, n, async (t) => {
        for (let k = 0; k < 2; k++) {
          if ((i + k) % 2 === 0) {
            await lock.downRead(t); readers++; check(); await t.preempt('inside'); readers--; await lock.upRead(t);
          } else {
            await lock.downWrite(t); writers++; check(); await t.preempt('inside'); writers--; await lock.upWrite(t);
          }
        }
      }));
      await s.waitIdle();
      expect(bad).toEqual([]);
      expect(tasks.every((t) => t.finished)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('twin Semaphore', () => {
  it('hands a unit to the first waiter, so a later down() cannot overtake it', async () => {
    const cpu = new ScriptedCpu();
    const sem = new Semaphore('s', 0);
    const got: string[] = [];
    spawn(cpu, 'a', async (t) => { await sem.down(t); got.push('a'); });
    spawn(cpu, 'u', async (t) => { await sem.up(t); });
    spawn(cpu, 'b', async (t) => { await sem.down(t); got.push('b'); });
    await cpu.release('a', 'down(&s)');
    await cpu.release('u', 'up(&s)');
    await cpu.release('b', 'down(&s)'); // the unit went to a, not to the count
    await cpu.drain();
    expect(got).toEqual(['a']);
    expect(sem.count).toBe(0);
  });
});

describe('twin WaitQueueHead', () => {
  /** A waiter sleeps until `cond`, the kernel way; a waker sets it and wakes. `checkUnderLock` false is the lost-wake-up bug. */
  async function waitAndWake(s: fc.Scheduler, checkUnderLock: boolean): Promise<boolean> {
    const cpu = schedulerCpu(s);
    const wq = new WaitQueueHead('wq');
    let cond = false;
    const waiter = spawn(cpu, 'waiter', async (t) => {
      await t.preempt('check');
      if (cond) return;
      await wq.lock.lock(t, 'wait');
      if (!checkUnderLock || !cond) {
        const e = { task: t };
        wq.addLocked(e);
        t.setUninterruptible();
        wq.lock.unlock(t);
        await t.preempt('io_schedule()');
        await t.schedule('io_schedule()');
        await wq.remove(t, e);
        return;
      }
      wq.lock.unlock(t);
    });
    spawn(cpu, 'waker', async (t) => {
      await wq.lock.lock(t, 'wake');
      cond = true;
      if (wq.active()) wq.wakeUpLocked();
      wq.lock.unlock(t);
    });
    await s.waitIdle();
    return waiter.finished;
  }

  it('never loses a wake-up when the condition is re-checked under the lock', async () => {
    await fc.assert(fc.asyncProperty(fc.scheduler(), async (s) => waitAndWake(s, true)), { numRuns: 300 });
  });

  it('loses one in some schedule when the waiter joins on the unlocked check alone', async () => {
    const out = await fc.check(fc.asyncProperty(fc.scheduler(), async (s) => waitAndWake(s, false)), { numRuns: 300, seed: 1, endOnFailure: true });
    expect(out.failed).toBe(true);
  });
});

describe('twin KcopydClient', () => {
  it('runs completions one at a time, in order, and sleeps while there are none', async () => {
    const cpu = new ScriptedCpu();
    const k = new KcopydClient(cpu);
    const ran: number[] = [];
    void k.run();
    await cpu.release('kcopyd', 'kcopyd: do_work');
    expect(k.worker.sleepingIn).toBe('kcopyd: wait for work');
    const submitter = spawn(cpu, 'w', async (t) => {
      await t.preempt('submit');
      k.copy(async () => { ran.push(1); await k.worker.preempt('inside 1'); });
      k.copy(async () => { ran.push(2); });
    });
    await cpu.release('w', 'submit');
    expect(submitter.finished).toBe(true);
    await cpu.release('kcopyd', 'kcopyd: wait for work (woken)');
    await cpu.release('kcopyd', 'kcopyd: do_work');
    expect(ran).toEqual([1]);
    expect(k.busy).toBe(true);
    await cpu.release('kcopyd', 'inside 1');
    await cpu.release('kcopyd', 'kcopyd: do_work');
    expect(ran).toEqual([1, 2]);
    await cpu.drain();
    expect(k.busy).toBe(false);
    expect(k.worker.sleepingIn).toBe('kcopyd: wait for work');
  });
});
