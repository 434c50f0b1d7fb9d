/**
 * BypassMonitor: bounded bypass for a resource with waiters (a lock, a semaphore, a queue).
 *
 * A waiter is *overtaken* when another task acquires the resource although it started waiting
 * later (or never waited: a barging newcomer). A waiter overtaken more than `limit` times is
 * starved — the classic unfair lock that lets newcomers barge past a parked waiter forever.
 * The primitive reports `waiting`, `acquired` and `gaveUp`; tasks default to the one being polled.
 */
import type { Violation } from "./violation.js";
import type { Task } from "../task/task.js";

interface Host {
  readonly steps: number;
  readonly now: number;
  report(v: Violation): void;
}

interface Waiter {
  readonly since: number;
  readonly seq: number;
  overtaken: number;
}

export class BypassMonitor {
  private readonly waiters = new Map<Task, Waiter>();
  private seq = 0;
  private reported = false;

  /** @internal */
  constructor(
    readonly resource: string,
    private readonly limit: number,
    private readonly host: Host,
    /** Resolves "the task being polled" (set by the simulation). */
    private readonly current: () => Task | null = () => null,
  ) {}

  /** `task` (default: the task being polled) starts waiting; repeated calls keep its place. */
  waiting(task: Task | null = this.current()): void {
    if (task === null || this.waiters.has(task)) return;
    this.waiters.set(task, { since: this.host.steps, seq: this.seq++, overtaken: 0 });
  }

  /** `task` (default: the task being polled) acquired the resource. */
  acquired(task: Task | null = this.current()): void {
    if (task === null) return;
    const mine = this.waiters.get(task);
    this.waiters.delete(task);
    for (const [other, w] of this.waiters) {
      if (mine !== undefined && w.seq > mine.seq) continue; // it queued after us: not overtaken
      if (++w.overtaken > this.limit && !this.reported) {
        this.reported = true;
        const h = this.host;
        h.report({
          kind: "starvation",
          cause: "bypass",
          bound: this.limit,
          observed: w.overtaken,
          tasks: [other.name, task.name],
          step: h.steps,
          time: h.now,
          message:
            `task '${other.name}' has waited for ${this.resource} since step ${w.since} and was overtaken ${w.overtaken} times ` +
            `(bound ${this.limit}), last by '${task.name}'${mine === undefined ? ", which never waited (barging)" : ""}`,
        });
      }
    }
  }

  /** `task` stopped waiting without acquiring (cancelled, timed out). */
  gaveUp(task: Task | null = this.current()): void {
    if (task !== null) this.waiters.delete(task);
  }
}
