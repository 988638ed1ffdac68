/** The CLI's exit codes (documented in the README's CLI section and in `--help`). */
export enum ExitCode {
  Ok = 0,
  /** A check failed: a fixture expectation, `trigger` not seeing its event, a `--wait` that timed out. */
  CheckFailed = 1,
  /** Usage: unknown command or flag, bad argument, invalid fixture file. */
  Usage = 2,
  /** The sandbox cannot be reached at SANDBOX_URL / --url. */
  Unreachable = 3,
  /** No API key, or the sandbox refused it (401). */
  Auth = 4,
  /** The sandbox refused a request (any other 4xx/5xx). */
  ApiError = 5,
}

export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  a check failed (fixture expectation, trigger did not see its event, --wait timed out)
  2  usage error (unknown command or flag, bad argument, invalid fixture file)
  3  the sandbox cannot be reached (SANDBOX_URL / --url)
  4  no API key, or the sandbox refused it (401)
  5  the sandbox refused a request (another 4xx/5xx)`;

/** An error the CLI reports as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}
