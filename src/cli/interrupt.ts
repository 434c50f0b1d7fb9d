/**
 * Ctrl-C (SIGINT) and SIGTERM (how CI cancels a job, and what `kill` sends) for long
 * explorations. explore() is synchronous, so the CLI runs it in slices and yields to the event
 * loop between them: the first signal sets a flag the loop reads after the current slice (what
 * was found so far is printed — the same summary for both signals —, the corpus stays intact: its
 * files are written by rename, never in place); a second signal exits at once.
 *
 * Exit code after a stop: 128 + the signal's number, as a shell reports a process that signal
 * ended — 130 for SIGINT, 143 for SIGTERM (and a violation found before the stop still makes
 * it 1: a found bug outranks a stop).
 */
import { EXIT } from "./errors.js";

export type StopSignal = "SIGINT" | "SIGTERM";

export interface Interrupt {
  readonly requested: boolean;
  /** The first signal received (null: none). */
  readonly signal: StopSignal | null;
  /** The exit code for a stop by that signal: 130 or 143. */
  readonly exitCode: number;
  dispose(): void;
}

const CODE: Record<StopSignal, number> = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated };

export function onInterrupt(say: (line: string) => void): Interrupt {
  let signal: StopSignal | null = null;
  const handler = (s: StopSignal) => (): void => {
    if (signal !== null) process.exit(CODE[s]);
    signal = s;
    const what = s === "SIGINT" ? "interrupted" : "terminated (SIGTERM)";
    const again = s === "SIGINT" ? "Ctrl-C again" : "SIGTERM again";
    say(`${what}: stopping after the current slice of runs (${again} to quit at once)`);
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, handler(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return {
    get requested() {
      return signal !== null;
    },
    get signal() {
      return signal;
    },
    get exitCode() {
      return signal === null ? EXIT.interrupted : CODE[signal];
    },
    dispose() {
      for (const [s, h] of handlers) process.off(s, h);
    },
  };
}
