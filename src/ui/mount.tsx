// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/** Puts the App on a real terminal and takes it off again, leaving the last frame. */
import { render } from 'ink';
import { App } from './App.js';
import type { UiStore } from './store.js';

export interface MountedUi {
  /** Lets the last update paint, unmounts and waits for ink to let go of the terminal. */
  close(): Promise<void>;
}

export function mountUi(store: UiStore, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): MountedUi {
  const instance = render(<App store={store} />, { stdout, stderr, exitOnCtrlC: false, patchConsole: true });
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
