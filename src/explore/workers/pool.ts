/**
 * A fixed set of worker threads, each expanding one chunk at a time. Workers
 * run the same code as the main thread: the compiled build, or the
 * TypeScript sources through tsx (see worker-url.ts).
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from './worker-url.js';
import type { ExpandRequest, ExpandResponse, WorkerInit, WorkerReply } from './protocol.js';

export class WorkerPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly waiting: Array<(w: Worker) => void> = [];

  constructor(size: number, init: WorkerInit) {
    const entry = workerUrl('.', import.meta.url);
    this.workers = Array.from({ length: size }, () => new Worker(entry, { workerData: init }));
    this.idle = [...this.workers];
  }

  /** Expands one chunk on the next free worker. */
  async expand(req: ExpandRequest): Promise<ExpandResponse> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise<ExpandResponse>((resolve, reject) => {
        const onMessage = (reply: WorkerReply) => {
          cleanup();
          if (reply.ok) resolve(reply.response);
          else reject(new Error(`expansion worker failed: ${reply.error}`));
        };
        const onError = (e: Error) => { cleanup(); reject(e); };
        const onExit = (code: number) => { cleanup(); reject(new Error(`expansion worker exited with code ${code}`)); };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage(req, [req.states.buffer as ArrayBuffer]);
      });
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
