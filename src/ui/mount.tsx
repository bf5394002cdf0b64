// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/** Puts the App on a real terminal and takes it off again, leaving the last frame. */
import { render } from 'ink';
import { App } from './App.js';
import type { UiStore } from './store.js';

export interface MountedUi {
  /** Lets the last update paint, unmounts and waits for ink to let go of the terminal. */
  close(): Promise<void>;
}

export interface MountOptions {
  /** Route stray console output above the live line (default true; off where console is not Node's, e.g. under a test runner). */
  readonly patchConsole?: boolean;
}

export function mountUi(store: UiStore, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream, options: MountOptions = {}): MountedUi {
  // exitOnCtrlC off: Ctrl-C must reach bin/interleave.js's SIGINT handler, which stops the search and lets us print a partial report.
  const instance = render(<App store={store} />, { stdout, stderr, exitOnCtrlC: false, patchConsole: options.patchConsole ?? true });
  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return closed;
    },
  };
}
