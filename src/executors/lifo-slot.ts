/**
 * LifoSlotExecutor: a FIFO run queue plus a one-task "run next" slot, as production
 * work-stealing runtimes use (tokio's LIFO slot) for message-passing locality.
 *
 * Policy:
 *  1. A task woken or spawned by the running task goes into the slot; a task already in the slot
 *     is bumped to the back of the queue.
 *  2. A task woken by the reactor, or woken while running (it yielded), goes to the back of the queue.
 *  3. The slot is polled before the queue — at most `maxLifoPollsInRow` times in a row, then the
 *     queue head goes first. Unbounded by default: two tasks that keep waking each other through
 *     the slot starve everything in the queue (the known starvation source this executor exists
 *     to expose). tokio bounds it at 3.
 *
 * Deterministic: it never offers a choice.
 */
import { checkInt } from "../core/checks.js";
import type { TaskId } from "../core/ids.js";
import type { Executor, ScheduleCause } from "./executor.js";
import { TaskQueue } from "./task-queue.js";

export class LifoSlotExecutor implements Executor {
  readonly name = "lifo-slot";
  private readonly queue = new TaskQueue();
  private slot: TaskId | null = null;
  private lifoInRow = 0;
  private readonly one: TaskId[] = [];
  private tookSlot = false;

  private readonly maxLifoPollsInRow: number;

  constructor(maxLifoPollsInRow: number = Infinity) {
    this.maxLifoPollsInRow = maxLifoPollsInRow === Infinity ? Infinity : checkInt("executor.maxLifoPollsInRow", maxLifoPollsInRow, 1);
  }

  schedule(task: TaskId, cause: ScheduleCause, from: TaskId | null): void {
    if (from !== null && cause !== "notified") {
      if (this.slot !== null) this.queue.push(this.slot);
      this.slot = task;
    } else {
      this.queue.push(task);
    }
  }

  candidates(): readonly TaskId[] {
    this.one.length = 0;
    this.tookSlot = this.slot !== null && (this.lifoInRow < this.maxLifoPollsInRow || this.queue.length === 0);
    const next = this.tookSlot ? this.slot : (this.queue.peek() ?? null);
    if (next !== null) this.one.push(next);
    return this.one;
  }

  take(_index: number): TaskId {
    if (this.tookSlot) {
      const t = this.slot!;
      this.slot = null;
      this.lifoInRow++;
      return t;
    }
    this.lifoInRow = 0;
    return this.queue.shift()!;
  }

  remove(task: TaskId): void {
    if (this.slot === task) this.slot = null;
    else this.queue.remove(task);
  }
}
