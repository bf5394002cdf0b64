/** Exit codes: a contract for scripts and CI. */
export const ExitCode = {
  /** No violation (check), every expectation held (gate), the job ran (run). */
  Ok: 0,
  /** A violation was found, or a gate expectation failed. */
  Violation: 1,
  /** Bad usage, unknown model or parameter, malformed model or gate file. */
  Usage: 2,
  /** The search stopped at a state or memory limit before covering the space: no verdict. */
  Incomplete: 3,
  /** Interrupted (Ctrl-C); a partial report was printed. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
