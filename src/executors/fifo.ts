/**
 * FifoExecutor: the textbook single-threaded run queue. Runnable tasks are polled in the order
 * they became runnable; there is never a choice, so every schedule it allows is the same.
 */
import type { TaskId } from "../core/ids.js";
import type { Executor } from "./executor.js";
import { TaskQueue } from "./task-queue.js";

export class FifoExecutor implements Executor {
  readonly name = "fifo";
  private readonly queue = new TaskQueue();
  private readonly one: TaskId[] = [];

  schedule(task: TaskId): void {
    this.queue.push(task);
  }

  candidates(): readonly TaskId[] {
    const head = this.queue.peek();
    this.one.length = 0;
    if (head !== undefined) this.one.push(head);
    return this.one;
  }

  take(_index: number): TaskId {
    return this.queue.shift()!;
  }

  remove(task: TaskId): void {
    this.queue.remove(task);
  }
}
