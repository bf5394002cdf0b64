/**
 * Who runs next. The twin's code is ordinary async TypeScript; at every point
 * where the kernel could switch to another task (or another CPU could act
 * first), a task awaits `cpu.preempt(task, point)`, and the Cpu decides when
 * it goes on. Code between two preemption points runs atomically, like
 * kernel code with preemption disabled (a spinlock section).
 *
 * Two Cpus: one backed by fast-check's scheduler (random, shrinkable
 * schedules), and a scripted one that releases named points in a given
 * order, to replay a schedule found by the explorer.
 */
import type fc from 'fast-check';

export interface TaskLike {
  readonly name: string;
}

export interface Cpu {
  /** Resolves when `task` may go on past `point`. */
  preempt(task: TaskLike, point: string): Promise<void>;
}

/** Every preemption point is a task for fast-check's scheduler, labelled `task: point`. */
export function schedulerCpu(s: fc.Scheduler): Cpu {
  return { preempt: (task, point) => s.schedule(Promise.resolve(), `${task.name}: ${point}`) };
}

interface Waiting {
  readonly task: string;
  readonly point: string;
  readonly go: () => void;
}

/** Lets every promise chain that can run, run. The twin uses no timers, so one macrotask turn is enough. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Releases preemption points only when told to: `release(task, point)`
 * requires `task` to be waiting exactly at `point`, which is how a schedule
 * from the explorer is checked against the twin step by step.
 */
export class ScriptedCpu implements Cpu {
  private waiting: Waiting[] = [];

  preempt(task: TaskLike, point: string): Promise<void> {
    return new Promise<void>((go) => this.waiting.push({ task: task.name, point, go }));
  }

  /** Where each task waits for the CPU now. */
  get pending(): ReadonlyArray<{ readonly task: string; readonly point: string }> {
    return this.waiting.map(({ task, point }) => ({ task, point }));
  }

  pointOf(task: string): string | undefined {
    return this.waiting.find((w) => w.task === task)?.point;
  }

  /** Lets `task` go on from `point` and runs until everything is waiting again. */
  async release(task: string, point: string): Promise<void> {
    await settle();
    const i = this.waiting.findIndex((w) => w.task === task);
    if (i < 0) throw new Error(`${task} is not waiting for the CPU (it is asleep or finished), but the schedule runs it at ${point}`);
    const w = this.waiting[i];
    if (w.point !== point) throw new Error(`${task} waits at ${w.point}, but the schedule runs it at ${point}`);
    this.waiting.splice(i, 1);
    w.go();
    await settle();
  }

  /** Releases whatever waits, oldest first, until nothing does. */
  async drain(limit = 10_000): Promise<void> {
    for (let n = 0; n < limit; n++) {
      await settle();
      const w = this.waiting.shift();
      if (!w) return;
      w.go();
    }
    throw new Error(`still running after ${limit} preemption points`);
  }
}
