/**
 * Worker thread entry: compiles the model itself (compilation is
 * deterministic, so step ids match the main thread's), then expands the
 * chunks of states it is sent and returns their successors packed, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileModel } from '../compile.js';
import { createExpander } from '../expand.js';
import { buildSymmetry } from '../symmetry.js';
import type { ExpandRequest, WorkerInit, WorkerReply } from './protocol.js';

const init = workerData as WorkerInit;
const cm = compileModel(init.model);
const expander = createExpander(cm, init.symmetry ? buildSymmetry(cm) : undefined);
const words = cm.packer.words;

let buffer = new Int32Array(1 << 16);
let used = 0;
const sink = (packed: Int32Array, stepId: number) => {
  if (used + words + 1 > buffer.length) {
    const bigger = new Int32Array(buffer.length * 2);
    bigger.set(buffer.subarray(0, used));
    buffer = bigger;
  }
  buffer.set(packed, used);
  buffer[used + words] = stepId;
  used += words + 1;
};

parentPort!.on('message', (req: ExpandRequest) => {
  try {
    const meta = new Int32Array(req.count * 3);
    const messages: string[] = [];
    used = 0;
    for (let i = 0; i < req.count; i++) {
      const before = used;
      const r = expander.expand(req.states, i * words, sink);
      meta[i * 3] = (used - before) / (words + 1);
      meta[i * 3 + 1] = r.kind;
      meta[i * 3 + 2] = r.index;
      if (r.message) messages.push(r.message);
    }
    const successors = buffer.slice(0, used);
    const reply: WorkerReply = { ok: true, response: { chunk: req.chunk, meta, successors, messages } };
    parentPort!.postMessage(reply, [meta.buffer as ArrayBuffer, successors.buffer as ArrayBuffer]);
  } catch (e) {
    const reply: WorkerReply = { ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
