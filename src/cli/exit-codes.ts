/** Exit codes: a contract for scripts and CI. */
export const ExitCode = {
  /** No violation (check), every expectation held (gate), the job ran (run). */
  Ok: 0,
  /** A violation was found, or a gate expectation failed. */
  Violation: 1,
  /** Bad usage, unknown model or parameter, malformed model or gate file, an output location that cannot be written. */
  Usage: 2,
  /** The search stopped at a state or memory limit before covering the space: no verdict. */
  Incomplete: 3,
  /**
   * The work finished and its report reached stdout, but files under --out
   * could not be written: 4 + the verdict's own code (4 no violation, 5 a
   * violation, 7 stopped at a limit).
   */
  OkNotWritten: 4,
  ViolationNotWritten: 5,
  IncompleteNotWritten: 7,
  /** Interrupted (Ctrl-C); a partial report was printed. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The code for `code` when the outputs could not be written (an interrupted run stays 130). */
export function notWritten(code: ExitCode): ExitCode {
  switch (code) {
    case ExitCode.Ok: return ExitCode.OkNotWritten;
    case ExitCode.Violation: return ExitCode.ViolationNotWritten;
    case ExitCode.Incomplete: return ExitCode.IncompleteNotWritten;
    default: return code;
  }
}
