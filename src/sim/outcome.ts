/**
 * Outcome: what `sim.run()` returns. A run ends because every expected task finished
 * ("completed"), because nothing could happen any more ("quiescent"), at the step bound, or
 * because an oracle reported a violation ("stopped"), or because a thread explorer found the rest
 * of the run redundant — a schedule equivalent to it was explored already ("pruned", clean:
 * explore/thread-strategy.ts rule 2).
 */
import type { FaultKind } from "../chooser/chooser.js";
import type { Task } from "../task/task.js";
import type { TraceEvent } from "../trace/event.js";
import { runToken } from "../trace/token.js";
import type { SimSettings } from "./config.js";
import type { Violation } from "../oracles/violation.js";

export type RunStatus = "completed" | "quiescent" | "step-limit" | "stopped" | "pruned";

export interface TaskSummary {
  readonly id: number;
  readonly name: string;
  readonly state: "completed" | "panicked" | "cancelled" | "pending";
  readonly polls: number;
  readonly daemon: boolean;
}

export interface Outcome {
  /** True when the run completed (or was pruned) and no oracle reported a violation. */
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
  /** The fault kinds that were switched on (a lost wakeup found with "spurious-wake" off may hide under spurious wakeups). */
  readonly faults: readonly FaultKind[];
  /** Every choice made, in order: feed them to a ReplayChooser to rerun exactly this run. */
  readonly choices: readonly number[];
  readonly tasks: readonly TaskSummary[];
  /** Replays this exact run: `replay(scenario, token)` (`replayAsync` with async tasks) or `wakesim replay <file> <token>`. */
  readonly token: string;
  /** The full trace, when the run was made with `trace: true`. */
  readonly trace: readonly TraceEvent[] | null;
  /**
   * True when the run had async tasks (sim.spawn of an async function): it replays with
   * `replayAsync`, as the report says. Absent (false) in outcomes made before there were any.
   */
  readonly hasAsyncTasks?: boolean;
}

/** Outcome with the costly parts (task summaries, the token) built on first read. */
export class RunOutcome implements Outcome {
  private summaries: TaskSummary[] | null = null;
  constructor(
    readonly ok: boolean,
    readonly status: RunStatus,
    readonly violations: readonly Violation[],
    readonly steps: number,
    readonly polls: number,
    readonly time: number,
    readonly chooser: string,
    readonly choices: readonly number[],
    readonly trace: readonly TraceEvent[] | null,
    private readonly opts: SimSettings,
    private readonly taskList: readonly Task[],
    readonly hasAsyncTasks: boolean,
  ) {}

  get seed(): number | string {
    return this.opts.seed;
  }

  get faults(): readonly FaultKind[] {
    return [...this.opts.faults].sort();
  }

  get tasks(): readonly TaskSummary[] {
    return (this.summaries ??= this.taskList.map((t) => ({
      id: t.id,
      name: t.name,
      state: t.outcome === null ? "pending" : t.outcome.kind,
      polls: t.generation,
      daemon: t.daemon,
    })));
  }

  get token(): string {
    return runToken(this.opts, this.chooser, this.choices);
  }
}

/** The same outcome with one more violation (so no longer ok). */
export function withViolation(o: Outcome, v: Violation): Outcome {
  return Object.create(o, {
    ok: { value: false, enumerable: true },
    violations: { value: [...o.violations, v], enumerable: true },
  }) as Outcome;
}
