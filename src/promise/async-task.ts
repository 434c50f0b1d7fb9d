/**
 * AsyncTask: a task whose body is a JavaScript async function (or any function returning a
 * promise) — the Promise world's kind of task (task/task-body.ts). A promise is a future: the
 * task's first poll calls the function, which runs to its first `await`; the promise it returns
 * settles later, in a microtask the engine runs between steps, and settling wakes the task; the
 * poll after that is Ready with the value (or panics with the rejection).
 *
 * Rules:
 *  1. The function is called once, in the task's first poll (so what it does synchronously is
 *     that task's, as an async function's first segment is), never at spawn.
 *  2. A function that returns a non-thenable is Ready at once with that value; one that throws
 *     panics at once.
 *  3. While its promise is pending the task holds one clone of its waker (of its latest poll: a
 *     spurious poll refreshes it), so the oracles see "waiting, with a way to be woken"; at
 *     quiescence a task still pending is stuck on an await nobody will settle.
 *  4. A rejection is a panic, as an uncaught error in a task; the rejection is handled (a
 *     reaction is attached at the first poll), so Node never reports it as unhandled.
 *  5. `drop` (cancellation) releases the waker; a JavaScript promise cannot be cancelled, so
 *     the function's later segments may still run, and a settlement after the drop wakes nobody.
 */
import type { Context } from "../future/context.js";
import { isFuture } from "../future/future.js";
import { ready, type Poll } from "../future/poll.js";
import type { TaskBody } from "../task/task-body.js";
import { PromiseFuture } from "./bridge.js";
import { lastActiveStep, parkedAt, recording, runOwned } from "./where.js";

/** What `sim.spawn` accepts besides a future: an async function, or any promise-returning one. */
export type AsyncBody<T> = () => PromiseLike<T> | T;

/** How an async task's label (what a report says it awaits) starts: "async function", "async worker". */
const LABEL_PREFIX = "async ";

/** True when `awaiting` (a stuck task's, from a report) is an async task's label: the task is an async function. */
export function isAsyncTaskLabel(awaiting: string | null): boolean {
  return awaiting !== null && awaiting.startsWith(LABEL_PREFIX);
}

export class AsyncTask<T> implements TaskBody<T> {
  private fn: AsyncBody<T> | null;
  /** The function's promise, as a future (bridge.ts): it holds the waker and the settlement (rules 3–5). */
  private awaited: PromiseFuture<T> | null = null;
  /** Its first poll ran in a traced run: where.ts knows its pending promises. */
  private recorded = false;
  private readonly name: string;

  constructor(fn: AsyncBody<T>) {
    this.fn = fn;
    this.name = `${LABEL_PREFIX}${fn.name === "" ? "function" : fn.name}`;
  }

  /** Shown in reports as what the task awaits: in a traced run, with the lines it is parked at (where.ts). */
  get label(): string {
    if (!this.recorded || this.awaited === null || this.awaited.settled) return this.name;
    const at = parkedAt(this);
    return at.length === 0 ? this.name : `${this.name}, parked at ${at.slice(0, 3).join(" < ")}${at.length > 3 ? ` (+${at.length - 3} more)` : ""}`;
  }

  /** The last step its code ran, in a traced run (where.ts); null otherwise. */
  get lastActiveStep(): number | null {
    return this.recorded ? lastActiveStep(this) : null;
  }

  /** An async task awaits promises, not futures: there is no next link to show. */
  get awaitingFuture(): null {
    return null;
  }

  poll(cx: Context): Poll<T> {
    const fn = this.fn;
    if (fn !== null) {
      this.fn = null;
      this.recorded = recording();
      const r = this.recorded ? runOwned(this, fn) : fn(); // rule 2: a throw is this poll's panic
      if (!isThenable(r)) {
        if (isFuture(r) || isGenerator(r)) throw new Error(`sim.spawn was given a function that returns ${isFuture(r) ? "a Future (one made by asyncFn?)" : "a generator (a function*?)"}, not a promise: spawn the future itself, e.g. sim.spawn(f()), or wrap a function* with asyncFn`);
        return ready(r);
      }
      this.awaited = new PromiseFuture(r, this.name);
    }
    return this.awaited!.poll(cx);
  }

  drop(): void {
    this.fn = null;
    this.awaited?.drop();
  }
}

function isGenerator(x: unknown): boolean {
  return typeof x === "object" && x !== null && typeof (x as { next?: unknown }).next === "function" && typeof (x as { throw?: unknown }).throw === "function";
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}
