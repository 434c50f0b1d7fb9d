/**
 * Task: a spawned future and everything the simulation knows about it. The task is also the
 * waker's target: a wake calls the schedule hook (the simulation) with the task.
 *
 * Invariants:
 *  1. `generation` is the number of polls so far; the waker lent to poll k has generation k.
 *  2. `wakersHeld` counts owned clones not yet consumed or dropped (who can still wake it).
 *  3. `outcome` is set exactly once, when the task finishes; then `future` is null.
 */
import type { Future } from "../future/future.js";
import type { TaskId } from "../core/ids.js";
import type { WakeHook, WakeTarget } from "../waker/waker.js";
import type { WakerSlot } from "../future/waker-slot.js";
import { TaskState } from "./task-state.js";

/**
 * A wake through a waker from an older poll that the run treated as inert (`staleWakers`): if
 * the task is then never polled again, that wake is what lost it.
 */
export interface InertStaleWake {
  /** The poll whose waker was woken (kept past later polls). */
  readonly wakerGeneration: number;
  /** The task's poll count when it was woken: the wake lost it if it was never polled again. */
  readonly taskGeneration: number;
  readonly step: number;
  readonly time: number;
  /** The task whose poll woke it, or null (the reactor, a drop outside any task). */
  readonly by: string | null;
}

/** How a task ended: panics and cancellation are values, not exceptions. */
export type JoinOutcome<T> =
  | { readonly kind: "completed"; readonly value: T }
  | { readonly kind: "panicked"; readonly error: unknown; readonly message: string }
  | { readonly kind: "cancelled" };

export class Task<T = unknown> implements WakeTarget {
  state: TaskState = TaskState.Idle;
  generation = 0;
  cloneSerial = 0;
  wakersHeld = 0;
  /** Step of the last poll, -1 before the first. */
  lastPolledStep = -1;
  /** Wakes received since the last poll started. */
  wakesSinceLastPoll = 0;
  future: Future<T> | null;
  outcome: JoinOutcome<T> | null = null;
  /** Step at which it last became runnable (fairness oracle). */
  runnableSinceStep = 0;
  /** A clone of the current poll's waker was taken during the poll (pending-without-waker oracle). */
  clonedThisPoll = false;
  /** Livelock oracle: the progress epoch last seen, and polls since then. */
  progressEpoch = -1;
  pollsSinceProgress = 0;
  /** Already reported as stuck (each task is reported once). */
  reportedStuck = false;
  /** The first stale wake made inert since its last poll began (null: none, or polled since). */
  inertStaleWake: InertStaleWake | null = null;
  /** Who dropped, unwoken, a clone of its latest poll's waker while it waited (and when), if anyone. */
  lastWakerDroppedBy: string | null = null;
  lastWakerDroppedStep = -1;
  /** The "cancel" fault may drop it at an await point. */
  cancellable = false;
  /** An abort was requested while the task was being polled; honoured when the poll returns. */
  abortRequested = false;
  /** The join handle's waiter (the task that awaits this one); made when one first waits, as most tasks are never awaited. */
  joinWaiter: WakerSlot | null = null;

  constructor(
    readonly id: TaskId,
    readonly name: string,
    future: Future<T>,
    readonly hook: WakeHook,
    /** Daemon tasks are not expected to finish: they never count as stuck. */
    readonly daemon: boolean,
  ) {
    this.future = future;
  }
}
