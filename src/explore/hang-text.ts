/**
 * The words a hang is reported in — a poll the watchdog stopped — wherever it is reported: the
 * CLI's hang report (src/cli/hang.ts) and simTest's failure (src/vitest.ts) lay them out each
 * in its own way.
 */

/** The headline after "<scenario>: FAILED — ": `what` (the task's poll, as far as known) ran past `limit` (as the user gave it). */
export function watchdogHeadline(what: string, limit: string, async = false, thread = false): string {
  const guess = async ? "an endless loop in an async function, or a promise chain that never waits?" : thread ? "an infinite loop between two of its steps?" : "an infinite loop in a future's poll?";
  return `watchdog: ${what} did not return within ${limit} (${guess})`;
}

/** What hung, in a run with async tasks: a step, or the promise reactions the engine ran after it. */
export const ASYNC_HANG_WHAT = "a step of a run with async tasks (or the promise reactions after it)";

/** Why a poll usually does not return: "Why it usually happens", wrapped, without indent. */
export const HANG_WHY: readonly string[] = [
  "A loop inside poll that never returns: a spin-wait for a flag or a message that another task",
  "would provide (no other task runs while one poll runs), or a retry loop that never gives up.",
  "A poll must return Pending, with its waker stored where the awaited event will wake it, instead",
  "of waiting in place.",
];

/** Why a step of a run with async tasks usually does not end (HANG_WHY's counterpart). */
export const ASYNC_HANG_WHY: readonly string[] = [
  "Code that never gives the event loop back: a loop with no await in it (a spin-wait for a flag",
  "another task would set: no other task runs meanwhile), or a promise chain that keeps queueing",
  "reactions without ever waiting for a timer or I/O (`while (!done) await null` — microtasks run",
  "before any other step). Wait for what you need with a promise the other side resolves, or a timer.",
];
