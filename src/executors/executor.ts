/**
 * Executor: the queueing policy, and nothing else (DESIGN §4).
 *
 * The simulation owns tasks, wakers, the reactor and the oracles. It tells the executor when a
 * task becomes runnable (`schedule`), asks which runnable tasks may be polled next
 * (`candidates`), lets the chooser pick one, and reports the pick (`take`). A user's own
 * executor implements this same interface and faces the same oracles.
 *
 * Contract (checked by the simulation):
 *  1. Every scheduled task is eventually offered by `candidates()` unless `remove`d — an
 *     executor that forgets one is "losing a wake", and the lost-wakeup oracle says so.
 *  2. `candidates()` lists each task at most once; index 0 is the executor's own preferred pick,
 *     so the default schedule (chooser answers 0) is the executor's textbook order.
 *  3. `take(i)` removes `candidates()[i]` from the queues and returns it.
 *  4. The executor never polls anything and never reads time or randomness; an internal choice
 *     (which victim to steal from) goes through `env.choose`.
 */
import type { ChoiceKind } from "../chooser/chooser.js";
import type { TaskId } from "../core/ids.js";

/** Why a task became runnable. */
export type ScheduleCause =
  /** newly spawned */
  | "spawn"
  /** woken by a waker while idle */
  | "wake"
  /** woken while it was being polled: its poll returned pending and it must run again */
  | "notified";

/** What the simulation lends an executor. */
export interface ExecutorEnv {
  /** The simulation's chooser (only asked when n ≥ 2). */
  choose(n: number, kind: ChoiceKind): number;
}

export interface Executor {
  /** Shown in reports. */
  readonly name: string;
  /** Called once, when the simulation that owns this executor is created. */
  attach?(env: ExecutorEnv): void;
  /**
   * `task` became runnable. `from` is the task whose poll caused it (its waker call or its spawn),
   * or null when the reactor or the test itself did.
   */
  schedule(task: TaskId, cause: ScheduleCause, from: TaskId | null): void;
  /** The runnable tasks that may be polled next; empty when nothing is runnable. */
  candidates(): readonly TaskId[];
  /** Removes and returns `candidates()[index]`; it is about to be polled. */
  take(index: number): TaskId;
  /** Forgets a queued task (it was cancelled). Must be a no-op for a task it does not hold. */
  remove(task: TaskId): void;
  /** Called after the poll of a taken task returns (whatever the result). */
  pollDone?(task: TaskId): void;
}

/** Creates a fresh executor for each simulation. */
export type ExecutorFactory = () => Executor;
