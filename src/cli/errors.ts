/**
 * Errors the CLI turns into exit codes. A CliError's message is shown as it is (no stack):
 * it names the argument, file or corpus entry at fault and says what to do. Exit code 2 is
 * "usage or configuration error" for every command.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** Exit codes, shared by every command (the README and `wakesim --help` list them). */
export const EXIT = {
  ok: 0,
  violation: 1,
  usage: 2,
  /** Stopped by Ctrl-C before the budget was spent (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A thrown value as one line for a message: `Name: message` for errors. */
export function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
