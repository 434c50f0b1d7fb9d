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
  [Symbol.iterator](): Iterator<Future<unknown>, T, unknown> {
    return new Await(this);
  }
}

const FRESH = 0;
const SUSPENDED = 1;
const DONE = 2;

/**
 * What `yield* fut` iterates for a FutureBase: the one-yield generator `return (yield fut) as T`
 * written out as a small object, because every await in an async fn makes one and a generator
 * object is several times its size. It behaves as that generator at each step, so `yield*`
 * cannot tell them apart: the first next() yields the future, the next one returns the value it
 * was resumed with; throw() passes the error through (the body sees it at its `yield*`) and
 * return() finishes, both ending the iterator; a finished one answers done with undefined.
 */
class Await<T> implements Iterator<Future<unknown>, T, unknown> {
  private state = FRESH;

  constructor(private readonly fut: Future<T>) {}

  next(value?: unknown): IteratorResult<Future<unknown>, T> {
    const s = this.state;
    if (s === FRESH) {
      this.state = SUSPENDED;
      return { value: this.fut, done: false };
    }
    this.state = DONE;
    return { value: (s === SUSPENDED ? value : undefined) as T, done: true };
  }

  throw(e?: unknown): IteratorResult<Future<unknown>, T> {
    this.state = DONE;
    throw e;
  }

  return(value?: T): IteratorResult<Future<unknown>, T> {
    this.state = DONE;
    return { value: value as T, done: true };
  }
}

/** True for anything with a `poll` method. */
export function isFuture(x: unknown): x is Future<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { poll?: unknown }).poll === "function";
}
