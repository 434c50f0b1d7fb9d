/**
 * Strategy: how an exploration picks the schedule of each run. A strategy hands out one chooser
 * per run (DESIGN §2: strategies are choosers), may adjust that run's options (swarm switches
 * fault kinds on and off), and hears each run's outcome (PCT learns the step count, exhaustive
 * search backtracks).
 */
import type { Chooser } from "../chooser/chooser.js";
import type { SimOptions } from "../sim/config.js";
import type { Outcome } from "../sim/outcome.js";

export interface RunPlan {
  readonly chooser: Chooser;
  /** Options for this run only, over the exploration's own (e.g. swarm's fault kinds). */
  readonly options?: SimOptions;
}

export interface Strategy {
  /** Recorded in reports and replay tokens (through the chooser's name). */
  readonly name: string;
  /** The plan for run `run` (0-based), or null when the strategy has nothing left (exhausted). */
  nextRun(run: number): RunPlan | null;
  /** Called after each run with its outcome. */
  runDone?(outcome: Outcome): void;
  /** For bounded exhaustive search: whether every schedule within the bound was explored. */
  readonly exhausted?: boolean;
  /** Counters a strategy reports about itself (schedules explored, current bound, …). */
  stats?(): Record<string, number | string | boolean>;
}
