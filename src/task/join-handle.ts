/**
 * JoinHandle: awaits a spawned task's outcome. Itself a future; the outcome says whether the
 * task completed (with its value), panicked or was cancelled.
 *
 * Dropping a JoinHandle detaches (the task keeps running), as in tokio; `abort()` cancels.
 */
import type { Context } from "../future/context.js";
import { FutureBase } from "../future/future.js";
import { PENDING, ready, type Poll } from "../future/poll.js";
import type { TaskId } from "../core/ids.js";
import { WakerSlot } from "../future/waker-slot.js";
import type { JoinOutcome, Task } from "./task.js";

/** What a JoinHandle needs from its simulation. */
export interface TaskAborter {
  abortTask(task: Task): void;
}

export class JoinHandle<T> extends FutureBase<JoinOutcome<T>> {
  /** @internal */
  constructor(
    private readonly task: Task<T>,
    private readonly owner: TaskAborter,
  ) {
    super();
  }

  /** Built when read (reports only): every spawn makes a handle, and most are never awaited. */
  get label(): string {
    return `join(${this.task.name})`;
  }

  get id(): TaskId {
    return this.task.id;
  }

  get name(): string {
    return this.task.name;
  }

  /** True once the task completed, panicked or was cancelled. */
  get isFinished(): boolean {
    return this.task.outcome !== null;
  }

  /** The outcome if finished, else undefined (does not wait). */
  get outcome(): JoinOutcome<T> | undefined {
    return this.task.outcome ?? undefined;
  }

  poll(cx: Context): Poll<JoinOutcome<T>> {
    const o = this.task.outcome;
    if (o !== null) return ready(o);
    (this.task.joinWaiter ??= new WakerSlot()).register(cx);
    return PENDING;
  }

  /**
   * Calls `fn` once the task has finished (at once if it has): how code outside any poll — an
   * async task's `await joined(handle)` (promise/bridge.ts) — learns of it.
   */
  whenFinished(fn: () => void): void {
    if (this.task.outcome !== null) return fn();
    const before = this.task.onFinish;
    this.task.onFinish = before === null ? fn : () => (before(), fn());
  }

  /** Stops waiting (detaches); the task keeps running. */
  drop(): void {
    this.task.joinWaiter?.clear();
  }

  /** Cancels the task: its future is dropped and the outcome becomes "cancelled". */
  abort(): void {
    this.owner.abortTask(this.task);
  }
}
