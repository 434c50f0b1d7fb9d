/**
 * The words a hang is reported in — a poll the watchdog stopped — wherever it is reported: the
 * CLI's hang report (src/cli/hang.ts) and simTest's failure (src/vitest.ts) lay them out each
 * in its own way.
 */

/** The headline after "<scenario>: FAILED — ": `what` (the task's poll, as far as known) ran past `limit` (as the user gave it). */
export function watchdogHeadline(what: string, limit: string): string {
  return `watchdog: ${what} did not return within ${limit} (an infinite loop in a future's poll?)`;
}

/** Why a poll usually does not return: "Why it usually happens", wrapped, without indent. */
export const HANG_WHY: readonly string[] = [
  "A loop inside poll that never returns: a spin-wait for a flag or a message that another task",
  "would provide (no other task runs while one poll runs), or a retry loop that never gives up.",
  "A poll must return Pending, with its waker stored where the awaited event will wake it, instead",
  "of waiting in place.",
];
