/**
 * SimWakeHook: the schedule hook every waker of the simulation calls (waker.ts) — a wake makes
 * its task runnable, a clone or a drop updates who can still wake it — and the poll budget's
 * counters (oracles/poll-budget.ts), which count what one poll does through its wakers and
 * combinators.
 *
 * Invariants:
 *  1. A wake hands a task to the executor exactly when it moves it from Idle to Scheduled
 *     (task-state.ts rule 1), and marks it runnable from this step (fairness).
 *  2. A wake through a waker of an older poll is inert where the run models per-poll wakers
 *     (InjectedFaults.wakersPerPoll); the first such wake since the task's last poll is
 *     remembered for the stale-waker oracle.
 *  3. `wakersHeld` on the task counts clones cloned and not yet released, whatever happens.
 *  4. The budget counters are reset when a poll starts (`pollStarting`); past the budget the
 *     poll is broken off by a throw, before the offending clone is counted.
 */
import type { Executor } from "../executors/executor.js";
import { PollBudgetError, pollBudgetViolation, type PollBudgetCount } from "../oracles/poll-budget.js";
import { wakerMisuseViolation } from "../oracles/contract.js";
import type { TaskMarks } from "../oracles/task-marks.js";
import { TaskState, transitionToScheduled } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import type { WakeHook, Waker, WakerMisuse, WakeTarget } from "../waker/waker.js";
import type { InjectedFaults } from "./faults.js";
import type { RunPosition, Tracer } from "./tracer.js";
import type { Violation } from "../oracles/violation.js";

/** Where violations go (the step loop). */
export interface ViolationSink {
  report(v: Violation): void;
}

export class SimWakeHook implements WakeHook {
  // Per-poll counters of the poll budget, reset when a poll starts.
  private innerPolls = 0;
  private selfWakes = 0;
  private selfClones = 0;

  constructor(
    private readonly at: RunPosition,
    private readonly executor: Executor,
    private readonly marks: readonly TaskMarks[],
    private readonly faults: InjectedFaults,
    private readonly tracer: Tracer,
    private readonly sink: ViolationSink,
    private readonly pollBudget: number,
    /** Whether the oracles are on (the budget is enforced only then). */
    private readonly watching: boolean,
  ) {}

  /** Rule 4: a poll starts. */
  pollStarting(): void {
    this.innerPolls = 0;
    this.selfWakes = 0;
    this.selfClones = 0;
  }

  /** Counts one inner poll of the current poll (Runtime.countInnerPoll). */
  countInnerPoll(): void {
    const t = this.at.currentTask;
    if (++this.innerPolls <= this.pollBudget || !this.watching || t === null) return;
    this.pollBudgetExceeded(t, this.innerPolls, "inner-polls");
  }

  /** Told of every wake, in a run with threads (sim/threads.ts rule 4: a wake touches the scheduler). */
  onWake: ((t: Task) => void) | null = null;

  wake(target: WakeTarget, waker: Waker): void {
    const t = target as Task;
    this.onWake?.(t);
    const current = this.at.currentTask;
    // A poll waking its own task over and over never yields (poll-budget.ts); Running/Notified:
    // during the poll itself, not the drops and wakes as it finishes.
    if (t === current && ++this.selfWakes > this.pollBudget && this.watching && t.state >= TaskState.Running && t.state <= TaskState.Notified) {
      this.pollBudgetExceeded(t, this.selfWakes, "self-wakes");
    }
    const stale = waker.generation < t.generation && t.outcome === null;
    const inert = stale && this.staleWake(t, waker);
    const effect = inert ? "ignored (stale waker made inert)" : transitionToScheduled(t);
    if (effect === "schedule") {
      this.marks[t.id]!.runnableSinceStep = this.at.steps;
      this.executor.schedule(t.id, "wake", current === null ? null : current.id);
    }
    this.tracer.wakeIssued(t, waker, stale, effect);
  }

  /** Rule 2. True: ignore the wake. */
  private staleWake(t: Task, waker: Waker): boolean {
    // A queued or already-notified task is polled anyway: the wake changes nothing either way.
    if (t.state !== TaskState.Idle && t.state !== TaskState.Running) return false;
    if (!this.faults.wakersPerPoll()) return false;
    const m = this.marks[t.id]!;
    if (m.inertStaleWake === null || m.inertStaleWake.taskGeneration !== t.generation) {
      m.inertStaleWake = { wakerGeneration: waker.generation, taskGeneration: t.generation, step: this.at.steps, time: this.at.now, by: this.at.currentTask?.name ?? null };
    }
    return true;
  }

  wakersPerPoll(): boolean {
    return this.faults.wakersPerPoll();
  }

  wakerCloned(target: WakeTarget, waker: Waker): void {
    const t = target as Task;
    if (t === this.at.currentTask && ++this.selfClones > this.pollBudget && this.watching && t.state >= TaskState.Running && t.state <= TaskState.Notified) {
      this.pollBudgetExceeded(t, this.selfClones, "waker-clones"); // rule 4: not counted as held
    }
    t.wakersHeld++;
    if (waker.generation === t.generation) this.marks[t.id]!.clonedThisPoll = true;
  }

  wakerReleased(target: WakeTarget, waker: Waker, woken: boolean): void {
    const t = target as Task;
    t.wakersHeld--;
    // A clone of the latest poll dropped without a wake while the task waits: remember who, so
    // a later hang is diagnosed as "dropped unwoken" (an overwritten slot, a silent close).
    if (!woken && waker.generation === t.generation && t.state === TaskState.Idle) {
      const m = this.marks[t.id]!;
      const current = this.at.currentTask;
      m.lastWakerDroppedBy = current === null ? "outside any task" : `task '${current.name}'`;
      m.lastWakerDroppedStep = this.at.steps;
    }
  }

  wakerMisused(target: WakeTarget, _waker: Waker, misuse: WakerMisuse, message: string): void {
    this.sink.report(wakerMisuseViolation(target.name, this.at.currentTask?.name ?? null, misuse, message, this.at.steps, this.at.now));
  }

  /** Reports an exceeded poll budget and breaks the poll off: the throw unwinds the poll, the task panics. */
  private pollBudgetExceeded(t: Task, observed: number, counted: PollBudgetCount): never {
    const budget = this.pollBudget;
    this.sink.report(pollBudgetViolation(t, observed, budget, this.at.steps, this.at.now, counted));
    throw new PollBudgetError(t.name, budget, counted);
  }
}
