/**
 * PermissiveExecutor: any runnable task may be polled next, and the chooser picks. This models an
 * arbitrary multi-threaded runtime (any ready task may be the next to run on some thread) and is
 * the default for fuzzing futures: a future that is correct under it is correct under any
 * executor that eventually polls every woken task.
 *
 * Candidates are listed oldest-runnable first, so the default schedule (always 0) is FIFO.
 */
import type { TaskId } from "../core/ids.js";
import type { Executor } from "./executor.js";

/** Up to this many candidates after the one taken are moved by a JS loop, more by splice. */
const SHIFT_IN_JS_MAX = 16;

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
    else if (r.length - index > SHIFT_IN_JS_MAX) {
      // Many to move: splice's native memmove wins (1000 runnable tasks: the JS loop below
      // halved the polls/s of `npm run bench`).
      r.splice(index, 1);
    } else {
      // A few to move, as in most scenarios: in place, because splice allocates the array of
      // removed items on every such poll (3% of a short run's allocation). pop(), not
      // `length--`, which is a slow path in V8.
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
