/**
 * Future: a computation that can stop and resume. `poll(cx)` either finishes (ready) or returns
 * PENDING — and a future that returns PENDING must already have arranged for this poll's waker
 * (or a clone of it) to be woken when it can make progress (DESIGN §1).
 *
 * `drop()` is cancellation, as Rust's Drop: the owner gave up on the future, which must release
 * whatever it registered (waker slots, timers, permits in flight). It is never called on a future
 * that completed.
 */
import type { Context } from "./context.js";
import type { Poll } from "./poll.js";

export interface Future<T> {
  poll(cx: Context): Poll<T>;
  drop?(): void;
  /** Optional label used in reports (e.g. "recv(chan#1)"). */
  readonly label?: string;
}

/** Awaits a future inside an async function: `const v = yield* wait(fut)`. */
export function* wait<T>(fut: Future<T>): Generator<Future<unknown>, T, unknown> {
  return (yield fut) as T;
}

/**
 * A base class for futures that can be awaited directly with `yield* fut` inside `asyncFn`.
 * Built-in futures extend it; users' own futures may, or may use `yield* wait(fut)`.
 */
export abstract class FutureBase<T> implements Future<T> {
  abstract poll(cx: Context): Poll<T>;
  *[Symbol.iterator](): Generator<Future<unknown>, T, unknown> {
    return (yield this) as T;
  }
}

/** True for anything with a `poll` method. */
export function isFuture(x: unknown): x is Future<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { poll?: unknown }).poll === "function";
}
