/**
 * Chooser: the one door to nondeterminism (DESIGN §2).
 *
 * Every choice in a run is `choose(n, kind) → i` with 0 ≤ i < n, and index 0 is always the plain,
 * fault-free, in-order option. Strategies are choosers; replay is a chooser that reads back a
 * recorded list. The simulation only asks when n ≥ 2, and only asks fault kinds that the run's
 * options switched on, so a disabled fault costs no choice and shrinking toward 0 removes faults.
 */

import type { TaskId } from "../core/ids.js";
import type { Access, ThreadEvent } from "./access.js";

/** What a choice decides. Scheduling kinds first, then fault kinds (off unless enabled). */
export type ChoiceKind =
  /** which runnable task (among the executor's candidates) is polled next */
  | "task"
  /**
   * in a run with threads (sim/threads.ts): which thread takes the next atomic step — a worker
   * (its in-flight poll, or a new poll), the reactor, or a `sim.thread`; 0 = the one that took
   * the last step runs on (no preemption)
   */
  | "thread"
  /** whether a due reactor event is delivered now (0) or a task is polled first (1) */
  | "deliver"
  /** which of several events due at the same instant goes first */
  | "tie"
  /** an executor-internal choice (work-stealing victim, worker to run) */
  | "executor"
  /** which branch a fair `select` polls first */
  | "select"
  /**
   * which kind of runtime the run models, asked once per run, the first time it matters (a wake
   * through a waker from an older poll of a task, where it would change something, or willWake
   * across two polls of one task): 0 = a task's wakers are all alike, as tokio's and embassy's
   * (old wakers wake it, willWake is true across polls; the plain option); 1 = each poll lends
   * its own waker (an older poll's waker is inert, willWake false across polls — as also for a
   * future that moved to another task or combinator slot). Asked only while
   * `oracles.staleWakers` is "report".
   */
  | "stale-wake"
  /** fault: extra latency ticks for an I/O transfer */
  | "latency"
  /** fault: a read returns fewer bytes than available */
  | "short-read"
  /** fault: a write accepts fewer bytes than offered */
  | "short-write"
  /** fault: an arrival is merged into the previous one (one readiness edge for both) */
  | "coalesce"
  /** fault: an idle task is woken with nothing to do */
  | "spurious-wake"
  /** fault: a readiness poll reports ready with nothing to read */
  | "spurious-readiness"
  /** fault: the connection is reset */
  | "reset"
  /** fault: the reader sees end-of-file before the writer closed */
  | "early-eof"
  /** fault: a `cancellable` task's future is dropped at an await point */
  | "cancel";

/** Fault kinds: switched on per run by the `faults` option (all off by default). */
export const FAULT_KINDS = [
  "latency",
  "short-read",
  "short-write",
  "coalesce",
  "spurious-wake",
  "spurious-readiness",
  "reset",
  "early-eof",
  "tie",
  "cancel",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Chooser {
  /** Generator/strategy name, recorded in reports and replay tokens (e.g. "alea", "replay"). */
  readonly name: string;
  /**
   * False for strategies that starve tasks on purpose (PCT's priorities, exhaustive search):
   * the fairness oracle is only meaningful under a fair chooser. Default: fair.
   */
  readonly fair?: boolean;
  /** Returns an integer in [0, n). Called only with n ≥ 2. */
  choose(n: number, kind: ChoiceKind): number;
  /**
   * Optional: picks which of the executor's candidate tasks is polled next (an index into
   * `candidates`, n ≥ 2). Strategies that rank tasks (PCT) or count preemptions implement it;
   * `previous` is the task polled last. Without it, the simulation asks `choose(n, "task")`.
   */
  chooseTask?(candidates: readonly TaskId[], previous: TaskId | null): number;
  /**
   * Optional: picks which of the events due at one instant goes first, in a run with async tasks
   * (where that order is what is explored: promise/host.ts rule 2). `origins[i]` is the task on
   * whose behalf event i was made (the task whose code set the timer; null when unknown), in
   * registration order (n ≥ 2). Strategies that rank tasks (PCT) implement it, so they rank the
   * async continuations those events resume; without it, the simulation asks `choose(n, "tie")`.
   */
  chooseTie?(origins: readonly (TaskId | null)[]): number;
  /**
   * Optional, for explorers of thread schedules (explore/thread-strategy.ts): picks the thread
   * that takes the next step in a run with threads, asked at *every* such step, even with one
   * option (`enabled` lists the thread numbers, the one that ran last first; `waiting` the
   * threads blocked on a mutex). Answers an index into `enabled`, or -1 to stop the run as
   * redundant. With no thread enabled and some waiting (a deadlock) it is asked once more and
   * the answer ignored. A chooser without it is asked `chooseTask` (thread numbers as
   * `threadKey`s), else `choose(n, "thread")`, only with n ≥ 2.
   */
  pickThread?(enabled: readonly number[], waiting: readonly ThreadEvent[]): number;
  /** Optional, with `pickThread`: what the step just taken touched. */
  threadStepped?(access: Access): void;
}

/** The key a thread stands under where strategies rank tasks (chooseTask): negative, so no TaskId is one. */
export const threadKey = (thread: number): TaskId => (-2 - thread) as TaskId;

/**
 * The simulation's door to its chooser, as the model's parts see it (the reactor, fake I/O,
 * futures through `Runtime`): a disabled fault kind costs no choice, and n < 2 asks nothing.
 */
export interface Decider {
  /** Asks the chooser (returns 0 without asking when n < 2). */
  decide(n: number, kind: ChoiceKind): number;
  /** As `decide`, but returns 0 without asking unless this fault kind is switched on. */
  decideFault(n: number, kind: FaultKind): number;
  /** True when the fault kind is switched on for this run. */
  faultEnabled(kind: FaultKind): boolean;
  /**
   * Optional: an explored tie among events due at one instant (`Chooser.chooseTie`); `origins` as
   * there. Without it, `decide(origins.length, "tie")`.
   */
  decideTie?(origins: readonly (TaskId | null)[]): number;
}

/** Generators whose schedules are unfair by design (the fairness oracle does not apply). */
export const UNFAIR_GENERATORS: ReadonlySet<string> = new Set(["pct", "exhaustive", "dpor", "thread-dfs"]);

/** Thrown when a chooser answers outside [0, n). */
export class ChooserError extends Error {
  override readonly name = "ChooserError";
}
