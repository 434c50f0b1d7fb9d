/**
 * PermissiveExecutor: any runnable task may be polled next, and the chooser picks. This models an
 * arbitrary multi-threaded runtime (any ready task may be the next to run on some thread) and is
 * the default for fuzzing futures: a future that is correct under it is correct under any
 * executor that eventually polls every woken task.
 *
 * Candidates are listed oldest-runnable first, so the default schedule (always 0) is FIFO.
 */
import type { TaskId } from "../sim/ids.js";
import type { Executor } from "./executor.js";

export class PermissiveExecutor implements Executor {
  readonly name = "permissive";
  private readonly runnable: TaskId[] = [];

  schedule(task: TaskId): void {
    this.runnable.push(task);
  }

  candidates(): readonly TaskId[] {
    return this.runnable;
  }

  take(index: number): TaskId {
    const r = this.runnable;
    const t = r[index]!;
    if (index === 0) r.shift();
    else {
      // In place: splice would allocate the array of removed items on every such poll (3% of a
      // short run's allocation). pop(), not `length--`, which is a slow path in V8.
      for (let i = index + 1; i < r.length; i++) r[i - 1] = r[i]!;
      r.pop();
    }
    return t;
  }

  remove(task: TaskId): void {
    const i = this.runnable.indexOf(task);
    if (i >= 0) this.runnable.splice(i, 1);
  }
}
