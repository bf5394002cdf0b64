// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/**
 * The UI thread: ink renders the App into a stand-in terminal whose bytes go
 * to the main thread, which writes them to the real one. See worker-protocol.ts.
 */
import { EventEmitter } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { render } from 'ink';
import { App } from './App.js';
import { UiStore } from './store.js';
import type { FromUi, TerminalSize, ToUi, UiWorkerData } from './worker-protocol.js';

/** Enough of a TTY write stream for ink: size, resize events, write. */
class RelayedTerminal extends EventEmitter {
  readonly isTTY = true;
  columns: number;
  rows: number;

  constructor(
    size: TerminalSize,
    private readonly stream: 'stdout' | 'stderr',
    private readonly send: (m: FromUi) => void,
  ) {
    super();
    this.columns = size.columns;
    this.rows = size.rows;
  }

  write = (chunk: string | Uint8Array): boolean => {
    this.send({ type: 'write', stream: this.stream, chunk: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    return true;
  };

  resize(size: TerminalSize): void {
    this.columns = size.columns;
    this.rows = size.rows;
    this.emit('resize');
  }
}

const port = parentPort;
if (!port) throw new Error('src/ui/worker.tsx runs as a worker thread');
const data = workerData as UiWorkerData;
const send = (m: FromUi) => port.postMessage(m);
const stdout = new RelayedTerminal(data.size, 'stdout', send);
const stderr = new RelayedTerminal(data.size, 'stderr', send);
const store = new UiStore();
const instance = render(<App store={store} sampleMs={data.sampleMs} />, {
  stdout: stdout as unknown as NodeJS.WriteStream,
  stderr: stderr as unknown as NodeJS.WriteStream,
  // Ctrl-C is the main thread's (it stops the search); no console to patch here.
  exitOnCtrlC: false,
  patchConsole: false,
});

let closing = false;
async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  instance.unmount();
  await instance.waitUntilExit();
  send({ type: 'closed' });
  port!.close();
}

port.on('message', (m: ToUi) => {
  switch (m.type) {
    case 'start':
      store.start(m.run);
      break;
    case 'progress':
      store.progress(m.sample);
      break;
    case 'finish':
      store.finish(m.row);
      break;
    case 'end':
      store.end(m.sections);
      void close();
      break;
    case 'stop':
      store.stop();
      void close();
      break;
    case 'resize':
      stdout.resize(m.size);
      stderr.resize(m.size);
      break;
  }
});
send({ type: 'ready' });
