/**
 * TaskTable: the tasks of one simulation, in spawn order, and the counts the step loop stops on.
 *
 * Invariants:
 *  1. `list[id]` is the task with that id: ids are dense, in spawn order, never reused.
 *  2. Names are unique: a repeated name gets `#id` appended.
 *  3. `unfinished` counts non-daemon tasks without an outcome (the run completes at 0);
 *     `cancellable` counts tasks spawned `cancellable` (the "cancel" fault looks only when > 0).
 */
import type { WakeHook } from "../waker/waker.js";
import type { TaskBody } from "../task/task-body.js";
import { TaskState } from "../task/task-state.js";
import { Task } from "../task/task.js";
import { asTaskId } from "../core/ids.js";

export class TaskTable {
  readonly list: Task[] = [];
  private readonly names = new Set<string>();
  unfinished = 0;
  cancellable = 0;

  /** Records a new task (Idle; the caller schedules it). */
  add<T>(body: TaskBody<T>, name: string | undefined, daemon: boolean, cancellable: boolean, hook: WakeHook): Task<T> {
    const id = asTaskId(this.list.length);
    let unique = name ?? `task${id}`;
    if (this.names.has(unique)) unique = `${unique}#${id}`;
    this.names.add(unique);
    const t = new Task<T>(id, unique, body, hook, daemon, cancellable);
    if (cancellable) this.cancellable++;
    this.list.push(t as Task);
    if (!daemon) this.unfinished++;
    return t;
  }

  /** `t` just got its outcome. */
  finished(t: Task): void {
    if (!t.daemon) this.unfinished--;
  }

  /** Tasks parked (Idle), in spawn order. */
  idle(): Task[] {
    const out: Task[] = [];
    for (const t of this.list) if (t.state === TaskState.Idle) out.push(t);
    return out;
  }

  /** Cancellable tasks not finished and polled at least once (parked at an await point or queued), in spawn order. */
  liveCancellable(): Task[] {
    const out: Task[] = [];
    for (const t of this.list) if (t.cancellable && t.outcome === null && t.generation > 0) out.push(t);
    return out;
  }
}
