/**
 * A fixed set of worker threads that run rounds together. Workers run the
 * same code as the main thread: the compiled build, or the TypeScript
 * sources through tsx (see worker-url.ts).
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from './worker-url.js';
import type { RoundRequest, RoundResponse, WorkerInit, WorkerReply } from './protocol.js';

export class WorkerPool {
  private readonly workers: Worker[];

  constructor(size: number, init: WorkerInit) {
    const entry = workerUrl('.', import.meta.url);
    this.workers = Array.from({ length: size }, () => new Worker(entry, { workerData: init }));
  }

  /** Sends every worker the round and waits until all have finished it. */
  round(req: RoundRequest): Promise<RoundResponse[]> {
    return Promise.all(this.workers.map((worker) => new Promise<RoundResponse>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        cleanup();
        if (reply.ok) resolve(reply.response);
        else reject(new Error(`search worker failed: ${reply.error}`));
      };
      const onError = (e: Error) => { cleanup(); reject(e); };
      const onExit = (code: number) => { cleanup(); reject(new Error(`search worker exited with code ${code}`)); };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(req);
    })));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
