/**
 * InjectedFaults: the faults the simulation itself injects between steps — a spurious wake of a
 * parked task, the cancellation of a `cancellable` task at an await point — and the run's one
 * answer to "are wakers per poll?" (the stale-waker model, oracles/stale-waker.ts). Faults on
 * futures and I/O (short reads, latency, ties…) are asked by those parts through the Runtime.
 *
 * Invariants:
 *  1. Each fault is a choice of the chooser, asked only when its kind is switched on (and, for
 *     "cancel", only when a cancellable task exists), so a run without faults asks nothing here.
 *  2. The wakers-per-poll answer is asked at most once per run, the first time it matters, and
 *     kept to the end of the run.
 */
import type { Executor } from "../executors/executor.js";
import type { TaskMarks } from "../oracles/task-marks.js";
import { transitionToScheduled } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import type { ChoiceLog } from "./choice-log.js";
import type { SimSettings } from "./config.js";
import type { TaskTable } from "./task-table.js";
import type { RunPosition, Tracer } from "./tracer.js";

export class InjectedFaults {
  /** Whether a spurious wake may happen before a step; whether a task may be cancelled. */
  readonly spuriousWakes: boolean;
  private readonly cancelFault: boolean;
  /** Whether this run's wakers are per poll; null until it first matters (wakersPerPoll). */
  private perPollWakers: boolean | null = null;

  constructor(
    private readonly options: SimSettings,
    private readonly choices: ChoiceLog,
    private readonly tasks: TaskTable,
    private readonly marks: readonly TaskMarks[],
    private readonly executor: Executor,
    private readonly tracer: Tracer,
    private readonly at: RunPosition,
  ) {
    this.spuriousWakes = options.faults.has("spurious-wake");
    this.cancelFault = options.faults.has("cancel");
  }

  /** The "spurious-wake" fault: maybe wake one parked task that nothing woke. */
  maybeSpuriousWake(): void {
    if (this.choices.decide(2, "spurious-wake") === 0) return;
    const idle = this.tasks.idle();
    if (idle.length === 0) return;
    const t = idle[this.choices.decide(idle.length, "spurious-wake")]!;
    this.tracer.noteOn(t, "spurious wakeup");
    if (transitionToScheduled(t) === "schedule") {
      this.marks[t.id]!.runnableSinceStep = this.at.steps;
      this.executor.schedule(t.id, "wake", null);
    }
  }

  /**
   * The "cancel" fault: between two steps, maybe pick one `cancellable` task that is parked at an
   * await point or queued to run — as an abort from elsewhere, or a select whose other branch
   * won, would drop it — even right after it was woken. The caller cancels it.
   */
  pickCancel(): Task | null {
    if (this.tasks.cancellable === 0 || !this.cancelFault) return null;
    const live = this.tasks.liveCancellable();
    if (live.length === 0 || this.choices.decide(2, "cancel") === 0) return null;
    return live[this.choices.decide(live.length, "cancel")]!;
  }

  /**
   * Rule 2 (oracles/stale-waker.ts): "report" asks the chooser the first time it matters
   * (0 = per-task wakers, as tokio and embassy; 1 = per-poll wakers), "inert" is always per
   * poll, "off" always per task.
   */
  wakersPerPoll(): boolean {
    if (this.perPollWakers === null) {
      const mode = this.options.oracles.staleWakers;
      this.perPollWakers = mode === "inert" || (mode === "report" && this.choices.decide(2, "stale-wake") === 1);
      if (this.perPollWakers) this.tracer.note("per-poll wakers (old ones inert)");
    }
    return this.perPollWakers;
  }
}
