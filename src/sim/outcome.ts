/**
 * Outcome: what `sim.run()` returns. A run ends because every expected task finished
 * ("completed"), because nothing could happen any more ("quiescent"), or at the step bound.
 */
import type { TraceEvent } from "../trace/event.js";
import type { Violation } from "./violation.js";

export type RunStatus = "completed" | "quiescent" | "step-limit";

export interface TaskSummary {
  readonly id: number;
  readonly name: string;
  readonly state: "completed" | "panicked" | "cancelled" | "pending";
  readonly polls: number;
  readonly daemon: boolean;
}

export interface Outcome {
  /** True when the run completed and no oracle reported a violation. */
  readonly ok: boolean;
  readonly status: RunStatus;
  readonly violations: readonly Violation[];
  /** Polls plus event deliveries. */
  readonly steps: number;
  readonly polls: number;
  /** Virtual time at the end, in ticks. */
  readonly time: number;
  readonly seed: number | string;
  /** The chooser (generator or strategy) that made the choices. */
  readonly chooser: string;
  /** Every choice made, in order: feed them to a ReplayChooser to rerun exactly this run. */
  readonly choices: readonly number[];
  readonly tasks: readonly TaskSummary[];
  /** Replays this exact run: `replay(scenario, token)` or `wakesim replay <file> <token>`. */
  readonly token: string;
  /** The full trace, when the run was made with `trace: true`. */
  readonly trace: readonly TraceEvent[] | null;
}
