/**
 * Both directions between the worlds:
 *  - `fromPromise(p)`: a promise as a future, for `yield* fromPromise(p)` in an asyncFn (or any
 *    future's poll). It is Pending until the promise settles, then Ready with its value or a
 *    throw with its reason. A promise settles only while the engine runs microtasks, between the
 *    steps of a run with async tasks (`runAsync`, `exploreAsync`): in a synchronous run it stays
 *    pending, and the report's "awaiting" says so.
 *  - `joined(handle)`: a spawned task's outcome as a promise, for `await joined(sim.spawn(fut))`
 *    in an async task: it resolves with the task's value, or rejects with its panic, or with a
 *    TaskCancelledError when it was cancelled.
 *
 * Rule: a PromiseFuture holds one waker clone of its latest pending poll (the willWake idiom) and
 * releases it on drop; a settlement after the drop wakes nobody.
 */
import type { Context } from "../future/context.js";
import { FutureBase } from "../future/future.js";
import { PENDING, ready, type Poll } from "../future/poll.js";
import type { JoinHandle } from "../task/join-handle.js";
import type { Waker } from "../waker/waker.js";

export function fromPromise<T>(p: PromiseLike<T>, label = "a promise"): FutureBase<T> {
  return new PromiseFuture(p, label);
}

/** @internal A promise as a future (fromPromise); AsyncTask drives its function's promise with one. */
export class PromiseFuture<T> extends FutureBase<T> {
  private state: "new" | "pending" | "fulfilled" | "rejected" = "new";
  private value: unknown;
  private waker: Waker | null = null;

  constructor(
    private readonly promise: PromiseLike<T>,
    private readonly name: string,
  ) {
    super();
  }

  get label(): string {
    return `${this.name} (settles only between the steps of runAsync / exploreAsync)`;
  }

  /** True once the promise fulfilled or rejected (as seen by this future). */
  get settled(): boolean {
    return this.state === "fulfilled" || this.state === "rejected";
  }

  poll(cx: Context): Poll<T> {
    if (this.state === "new") {
      this.state = "pending";
      this.promise.then(
        (v) => this.settle("fulfilled", v),
        (e: unknown) => this.settle("rejected", e),
      );
    }
    if (this.state === "fulfilled") return ready(this.value as T);
    if (this.state === "rejected") throw this.value;
    if (this.waker === null || !this.waker.willWake(cx.waker)) {
      this.waker?.drop();
      this.waker = cx.waker.clone();
    }
    return PENDING;
  }

  drop(): void {
    const w = this.waker;
    this.waker = null;
    w?.drop();
  }

  private settle(state: "fulfilled" | "rejected", value: unknown): void {
    this.state = state;
    this.value = value;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
}

/** The rejection of `joined` for a task that was cancelled. */
export class TaskCancelledError extends Error {
  override readonly name = "TaskCancelledError";
}

export function joined<T>(handle: JoinHandle<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    handle.whenFinished(() => {
      const o = handle.outcome!;
      if (o.kind === "completed") resolve(o.value);
      else if (o.kind === "panicked") reject(o.error);
      else reject(new TaskCancelledError(`task '${handle.name}' was cancelled`));
    });
  });
}
