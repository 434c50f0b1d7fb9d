/**
 * Reference combinators — correct versions, each with its wake rule. Users' own versions are
 * what wakesim tests; these are the yardstick (and what the examples build on).
 *
 * Shared rule: a combinator polls its children with its own Context, so a child that returns
 * pending has registered the waker of *this* poll; the combinator returns pending only when
 * every child it polled did. A child that lost (select, race, timeout) is dropped at once, and
 * when the run is traced the drop is recorded (`FutureDropped`: the task's lane shows which
 * future it gave up on and why). Only losers are recorded: a timeout's timer dropped because the
 * future won is routine, and a whole combinator dropped by its owner is the owner's drop.
 */
import type { Runtime } from "./runtime.js";
import type { Context } from "./context.js";
import { FutureBase, type Future } from "./future.js";
import { PENDING, ready, type Poll } from "./poll.js";
import { sleep, type Sleep } from "./sleep.js";

/** The output type of a future. */
export type Output<F> = F extends Future<infer T> ? T : never;

type Outputs<T extends readonly Future<unknown>[]> = { -readonly [K in keyof T]: Output<T[K]> };

/** One branch's result in `select`: which branch won, and its value. */
export type Selected<T extends readonly Future<unknown>[]> = {
  [K in keyof T]: { readonly index: K extends `${infer N extends number}` ? N : number; readonly value: Output<T[K]> };
}[number];

/**
 * Waits for all futures; completes with their values in order.
 * Wake rule: every poll polls each unfinished child (all registered this poll's waker).
 */
export class Join<T extends readonly Future<unknown>[]> extends FutureBase<Outputs<T>> {
  private readonly results: unknown[];
  private readonly done: boolean[];
  private remaining: number;
  readonly label = "join";

  constructor(private readonly futs: T) {
    super();
    this.results = new Array(futs.length);
    this.done = new Array<boolean>(futs.length).fill(false);
    this.remaining = futs.length;
  }

  poll(cx: Context): Poll<Outputs<T>> {
    for (let i = 0; i < this.futs.length; i++) {
      if (this.done[i]) continue;
      cx.runtime.countInnerPoll();
      const p = this.futs[i]!.poll(cx);
      if (p.ready) {
        this.results[i] = p.value;
        this.done[i] = true;
        this.remaining--;
      }
    }
    return this.remaining === 0 ? ready(this.results as Outputs<T>) : PENDING;
  }

  drop(): void {
    for (let i = 0; i < this.futs.length; i++) if (!this.done[i]) this.futs[i]!.drop?.();
  }
}

/**
 * Waits for the first future to complete; drops the others.
 * Fairness: the branch polled first is a chooser decision on every poll (as tokio's `select!`
 * starts at a random branch), so no branch can starve the others — a select that always starts
 * at branch 0 is a classic starvation bug — and exploration covers every start order.
 */
export class Select<T extends readonly Future<unknown>[]> extends FutureBase<Selected<T>> {
  private finished = false;

  constructor(
    private readonly futs: T,
    readonly label: string = "select",
  ) {
    super();
    if (futs.length === 0) throw new TypeError("select() needs at least one future");
  }

  poll(cx: Context): Poll<Selected<T>> {
    const n = this.futs.length;
    const first = cx.runtime.decide(n, "select");
    for (let k = 0; k < n; k++) {
      const i = (first + k) % n;
      cx.runtime.countInnerPoll();
      const p = this.futs[i]!.poll(cx);
      if (p.ready) {
        this.finished = true;
        this.dropAllBut(i, cx.runtime);
        return ready({ index: i, value: p.value } as Selected<T>);
      }
    }
    return PENDING;
  }

  drop(): void {
    if (!this.finished) this.dropAllBut(-1, null);
  }

  /** Drops every branch but `winner`; with `rt` (a win), records each loser before its drop runs. */
  private dropAllBut(winner: number, rt: Runtime | null): void {
    for (let i = 0; i < this.futs.length; i++) {
      if (i === winner) continue;
      const f = this.futs[i]!;
      if (rt?.tracing === true) rt.futureDropped(f.label ?? `branch ${i}`, `${this.label}: branch ${winner} won`);
      f.drop?.();
    }
  }
}

/** Both `a` and `b` (or more) concurrently; `join(a, b)` completes with `[va, vb]`. */
export function join<T extends readonly Future<unknown>[]>(...futs: T): Join<T> {
  return new Join(futs);
}

/** The first of several futures to complete, with its index: `{ index, value }`. */
export function select<T extends readonly Future<unknown>[]>(...futs: T): Select<T> {
  return new Select(futs);
}

/** Like `select` for futures of one type: completes with the winner's value. */
export function race<T>(...futs: readonly Future<T>[]): Future<T> & FutureBase<T> {
  return new Race(new Select(futs, "race"));
}

class Race<T> extends FutureBase<T> {
  readonly label = "race";
  constructor(private readonly inner: Select<readonly Future<T>[]>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    const p = this.inner.poll(cx);
    return p.ready ? ready(p.value.value as T) : PENDING;
  }
  drop(): void {
    this.inner.drop();
  }
}

export type TimeoutResult<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/**
 * Runs `fut` with a deadline of `ticks` of virtual time. The inner future is polled before the
 * timer, so one that completes at the deadline instant still wins; the loser is dropped.
 */
export class Timeout<T> extends FutureBase<TimeoutResult<T>> {
  private readonly timer: Sleep;
  private finished = false;
  readonly label: string;

  constructor(
    private readonly fut: Future<T>,
    ticks: number,
  ) {
    super();
    this.timer = sleep(ticks);
    this.label = `timeout(${ticks})`;
  }

  poll(cx: Context): Poll<TimeoutResult<T>> {
    cx.runtime.countInnerPoll();
    const p = this.fut.poll(cx);
    if (p.ready) {
      this.finished = true;
      this.timer.drop();
      return ready({ timedOut: false, value: p.value });
    }
    if (this.timer.poll(cx).ready) {
      this.finished = true;
      if (cx.runtime.tracing) cx.runtime.futureDropped(this.fut.label ?? "future", `${this.label}: deadline passed`);
      this.fut.drop?.();
      return ready({ timedOut: true });
    }
    return PENDING;
  }

  drop(): void {
    if (this.finished) return;
    this.fut.drop?.();
    this.timer.drop();
  }
}

export function timeout<T>(fut: Future<T>, ticks: number): Timeout<T> {
  return new Timeout(fut, ticks);
}

/**
 * Gives other tasks a turn: the first poll wakes its own waker and returns pending (the task is
 * "notified while running" and goes back to the executor); the second poll completes.
 */
export class YieldNow extends FutureBase<void> {
  private yielded = false;
  readonly label = "yieldNow";
  poll(cx: Context): Poll<void> {
    if (this.yielded) return ready();
    this.yielded = true;
    cx.waker.wakeByRef();
    return PENDING;
  }
}

export function yieldNow(): YieldNow {
  return new YieldNow();
}

/** A future that is ready at once with its value. */
export class ReadyFuture<T> extends FutureBase<T> {
  readonly label = "ready";
  constructor(private readonly value: T) {
    super();
  }
  poll(): Poll<T> {
    return ready(this.value);
  }
}

/** A future that is ready at once with `value` (useful in tests and combinators). */
export function readyFuture<T>(value: T): ReadyFuture<T> {
  return new ReadyFuture(value);
}
