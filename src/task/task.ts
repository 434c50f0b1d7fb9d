/**
 * Task: the model's record of a spawned task — its identity, its body (what is polled), its state
 * and poll count, the wakers that can still reach it, and how it ended. The task is also the
 * waker's target: a wake calls the schedule hook (the simulation) with the task. What the oracles
 * remember about a task lives with them (oracles/task-marks.ts), not here.
 *
 * Invariants:
 *  1. `generation` is the number of polls so far; the waker lent to poll k has generation k.
 *  2. `wakersHeld` counts owned clones not yet consumed or dropped (who can still wake it).
 *  3. `outcome` is set exactly once, when the task finishes; then `future` is null.
 */
import type { TaskId } from "../core/ids.js";
import type { WakeHook, WakeTarget } from "../waker/waker.js";
import type { WakerSlot } from "../future/waker-slot.js";
import type { TaskBody } from "./task-body.js";
import { TaskState } from "./task-state.js";

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
  /** What the step loop polls (task-body.ts): for a spawned future, the future itself; null once finished. */
  future: TaskBody<T> | null;
  outcome: JoinOutcome<T> | null = null;
  /** The "cancel" fault may drop it at an await point. */
  readonly cancellable: boolean;
  /** An abort was requested while the task was being polled; honoured when the poll returns. */
  abortRequested = false;
  /** The join handle's waiter (the task that awaits this one); made when one first waits, as most tasks are never awaited. */
  joinWaiter: WakerSlot | null = null;
  /** Called once when the task finishes (after its join waiter is woken): JoinHandle.whenFinished. */
  onFinish: (() => void) | null = null;

  constructor(
    readonly id: TaskId,
    readonly name: string,
    future: TaskBody<T>,
    readonly hook: WakeHook,
    /** Daemon tasks are not expected to finish: they never count as stuck. */
    readonly daemon: boolean,
    cancellable: boolean,
  ) {
    this.future = future;
    this.cancellable = cancellable;
  }
}
