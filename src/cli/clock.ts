/**
 * The time the CLI reads for its budgets (--time), progress and pacing: injected, so that tests
 * drive it instead of the wall clock. Default: the real one (performance.now(), real timers).
 * Runs themselves never read it: a run is a pure function of its choices.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

export interface CliClock {
  /** Milliseconds on a monotonic clock (as performance.now()). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
}

export const realClock: CliClock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};
