/**
 * TaskBody: what the step loop drives when it polls a task — the one seam between the loop and a
 * kind of task. The loop polls a body once per step in that poll's Context and reads the answer:
 * Ready (the task finished with that value), Pending (it waits, having arranged a wake through
 * `cx.waker`), or a throw (the task panicked). It drops a body when the task is cancelled or
 * panicked, and reports follow its `label` and `awaitingFuture` to say what a stuck task awaits.
 *
 * Kinds of task:
 *  - a future (today's only kind): a `Future` already has exactly this shape, so the spawned
 *    future is its own body and the hot path pays no wrapper;
 *  - a second kind (a native async function, driven by its promise reactions rather than by
 *    `poll`) plugs in by implementing this interface and being passed to `spawn` — the loop, the
 *    wake hook and the oracles do not change.
 *
 * Invariants:
 *  1. `poll` is called only while the task is Running, with a Context whose waker is this poll's.
 *  2. After Ready, a throw, or `drop`, the body is never polled again (the task drops its reference).
 */
import type { Context } from "../future/context.js";
import type { Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";

export interface TaskBody<T> {
  /** Runs the task until it finishes (Ready) or waits (Pending); a throw is a panic. */
  poll(cx: Context): Poll<T>;
  /** Releases what the body holds (its wakers, registrations): on cancel and after a panic. */
  drop?(): void;
  /** Shown in reports as the first link of what the task awaits. */
  readonly label?: string;
  /** The next link of that chain, if the body awaits a future (reports only). */
  readonly awaitingFuture?: Future<unknown> | null;
  /**
   * For a body whose code runs outside its polls (an async function, in its promise reactions):
   * the last step at which it ran, when known (traced runs) — so a step-limit report does not
   * call it parked while it was busy.
   */
  readonly lastActiveStep?: number | null;
}
