/** The command line's window on the world, injected so commands are testable. */
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
}

/** A usage error: one line, a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}
