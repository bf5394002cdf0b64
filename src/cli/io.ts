import type { ModelCatalog } from '../model/definition.js';

/**
 * The command line's window on the world, injected by its caller so commands
 * are testable: streams, working directory, the models known by name and how
 * to import a model file. The CLI itself imports no particular model.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** An interactive terminal (not CI, not a pipe): animations allowed. */
  readonly interactive: boolean;
  /** Set when the user asked to stop (Ctrl-C). */
  readonly signal: { readonly aborted: boolean };
  readonly cwd: string;
  /** The real terminal streams, for the ink UI; used only when `interactive`. */
  readonly terminal?: { readonly stdout: NodeJS.WriteStream; readonly stderr: NodeJS.WriteStream };
  /** The models known by name and the main job's configurations (`interleave run`). */
  readonly models: ModelCatalog;
  /**
   * Imports a model file (a file: URL) as an ES module. The caller knows how
   * TypeScript gets compiled where it runs (tsx from the command line, the
   * test runner's own loader under test).
   */
  readonly importModule: (url: string) => Promise<unknown>;
}

/** A usage error: one line, a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}
