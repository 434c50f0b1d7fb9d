/**
 * Ctrl-C (SIGINT) handling for long explorations. explore() is synchronous, so the CLI runs it in
 * slices and yields to the event loop between them: the first Ctrl-C sets a flag the loop reads
 * after the current slice (what was found so far is printed, the corpus stays intact — its files
 * are written by rename, never in place); a second Ctrl-C exits at once with 130.
 */
import { EXIT } from "./errors.js";

export interface Interrupt {
  readonly requested: boolean;
  dispose(): void;
}

export function onInterrupt(say: (line: string) => void): Interrupt {
  let requested = false;
  const handler = (): void => {
    if (requested) process.exit(EXIT.interrupted);
    requested = true;
    say("interrupted: stopping after the current slice of runs (Ctrl-C again to quit at once)");
  };
  process.on("SIGINT", handler);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off("SIGINT", handler);
    },
  };
}
