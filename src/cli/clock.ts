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

// Taken when this module loads: while a run with async tasks steps, the global performance.now
// reads that run's virtual time (src/oracles/escape-traps.ts rule 4), and the CLI's own code may
// run in between its steps.
const realNow = performance.now.bind(performance);
// Likewise node:timers/promises' setTimeout, whose export follows the escape traps' patch.
const realSleep = sleep;

export const realClock: CliClock = {
  now: () => realNow(),
  sleep: (ms) => realSleep(ms),
};
