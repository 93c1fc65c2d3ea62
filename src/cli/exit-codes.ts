/**
 * Exit codes of the `nestjs-sentinel` command, documented in the README ("Provisioning CLI") so
 * scripts can rely on them.
 */
export const ExitCode = {
  /** The command did what it was asked. */
  Ok: 0,
  /** The management API refused the request; its error is printed as the API gave it. */
  Refused: 1,
  /** The command line is wrong: unknown command or option, missing argument, no endpoint. */
  Usage: 2,
  /** The server could not be reached (connection refused, DNS, timeout). */
  Unreachable: 3,
  /** Something answered, but not a management API (a body that is not JSON). */
  BadResponse: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with `code`; `message` goes to stderr. */
export class CliError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** A usage error (exit 2), the way commander reports its own. */
export function usageError(message: string): CliError {
  return new CliError(ExitCode.Usage, message);
}
