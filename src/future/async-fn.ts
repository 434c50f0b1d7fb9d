/**
 * Generator-based async functions: the state machine `async fn` compiles to, written by hand.
 *
 *   const recvTwo = asyncFn(function* (ch: Channel<number>) {
 *     const a = yield* ch.recv();          // awaits a future; the value's type flows through
 *     const b = yield* wait(ch.recv());    // `wait` awaits any Future, even a plain object
 *     return a + b;
 *   });
 *   sim.spawn(recvTwo(ch), { name: "rx" });
 *
 * Rules:
 *  1. The generator yields the future it awaits; the driver polls it with the same Context, and
 *     resumes the generator with the value when it is ready. Pending propagates as pending.
 *  2. A throw from an awaited future's poll is thrown into the generator at its `yield*`, so
 *     try/catch/finally behave as in JavaScript; uncaught, it makes the task panic.
 *  3. `drop()` (cancellation) drops the awaited future first, then returns the generator so its
 *     `finally` blocks run — Rust's drop order for an async fn's locals.
 *  4. Yielding something that is not a future is a clear error, not a hang.
 *  5. A drop is synchronous (Rust has no async drop). A `finally` that awaits during the drop
 *     stops `gen.return()` at its `yield*`: that await is reported as a contract violation
 *     ("await-in-drop", naming the future it yielded), the yielded future is dropped unpolled, and
 *     `return()` is called again — which skips the rest of that `finally` but still runs the
 *     enclosing ones — until the generator is done (at most MAX_DROP_RETURNS times: a finally
 *     that keeps yielding is left suspended rather than hanging the run).
 */
import { ContractError } from "./contract.js";
import type { Runtime } from "./runtime.js";
import type { Context } from "./context.js";
import { FutureBase, isFuture, type Future } from "./future.js";
import { PENDING, ready, type Poll } from "./poll.js";

/** The generator type an async function body has. */
export type AsyncGen<T> = Generator<Future<unknown>, T, unknown>;

/** Rule 5: `return()` calls a drop makes before it leaves a generator that keeps yielding. */
const MAX_DROP_RETURNS = 100;

export class AsyncFnFuture<T> extends FutureBase<T> {
  private gen: AsyncGen<T> | null;
  private awaiting: Future<unknown> | null = null;
  private done = false;
  /** The runtime of the last poll: drop() has no Context, and a body that never ran cannot yield in a drop. */
  private rt: Runtime | null = null;

  constructor(
    gen: AsyncGen<T>,
    readonly label: string,
  ) {
    super();
    this.gen = gen;
  }

  /** The future this body is awaiting now (for diagnoses), or null. */
  get awaitingFuture(): Future<unknown> | null {
    return this.awaiting;
  }

  poll(cx: Context): Poll<T> {
    const gen = this.gen;
    if (gen === null) {
      cx.runtime.contractBroken(this.done ? "poll-after-ready" : "poll-after-drop", this.label);
      throw new ContractError(`async fn '${this.label}' polled after it ${this.done ? "completed" : "was dropped"}`);
    }
    this.rt = cx.runtime;
    // `input` is what resumes the generator: the last awaited value, or an error to throw in.
    let input: unknown = undefined;
    let threw = false;
    for (;;) {
      let fut = this.awaiting;
      if (fut === null) {
        const r = threw ? gen.throw(input) : gen.next(input);
        if (r.done) {
          this.gen = null;
          this.done = true;
          return ready(r.value);
        }
        if (!isFuture(r.value)) this.badYield(r.value);
        fut = this.awaiting = r.value;
      }
      let p: Poll<unknown>;
      try {
        cx.runtime.countInnerPoll();
        p = fut.poll(cx);
      } catch (e) {
        // Rule 2: the awaited future panicked; let the body catch it.
        this.awaiting = null;
        input = e;
        threw = true;
        continue;
      }
      if (!p.ready) return PENDING;
      this.awaiting = null;
      input = p.value;
      threw = false;
    }
  }

  drop(): void {
    const fut = this.awaiting;
    const gen = this.gen;
    this.awaiting = null;
    this.gen = null;
    fut?.drop?.();
    if (gen === null) return;
    let r = gen.return(undefined as T);
    if (r.done) return;
    // Rule 5: the body awaited inside a finally block during the drop.
    const awaited: string[] = [];
    for (let k = 1; ; k++) {
      const y = r.value;
      awaited.push(isFuture(y) ? `'${y.label ?? "future"}'` : String(y));
      if (isFuture(y)) y.drop?.();
      if (k === MAX_DROP_RETURNS) break;
      r = gen.return(undefined as T);
      if (r.done) break;
    }
    const what = awaited.length === 1 ? awaited[0]! : `${awaited.length} futures (${awaited.slice(0, 3).join(", ")}${awaited.length > 3 ? ", …" : ""})`;
    const left = r.done ? "" : ` (and kept yielding: left suspended after ${MAX_DROP_RETURNS} return() calls)`;
    this.rt?.contractBroken("await-in-drop", this.label, what + left);
  }

  private badYield(v: unknown): never {
    const what =
      typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function"
        ? "a JavaScript promise: await it with `yield* fromPromise(p)`, in a run with async tasks (runAsync / exploreAsync), whose steps let promises settle"
        : `${v === null ? "null" : typeof v} (${String(v)}), which is not a future`;
    throw new TypeError(`async fn '${this.label}' yielded ${what}. Await futures with \`yield* fut\` or \`yield* wait(fut)\`, not \`yield fut\`.`);
  }
}

/**
 * Turns a generator function into an async function: calling it returns a Future that runs the
 * body when polled (nothing runs before the first poll, as in Rust).
 */
export function asyncFn<A extends unknown[], T>(body: (...args: A) => AsyncGen<T>, name?: string): (...args: A) => AsyncFnFuture<T> {
  const label = name ?? (body.name || "asyncFn");
  return (...args: A) => new AsyncFnFuture(lazy(body, args), label);
}

/** An async block: a Future made directly from a generator function with no arguments. */
export function asyncBlock<T>(body: () => AsyncGen<T>, name?: string): AsyncFnFuture<T> {
  return new AsyncFnFuture(lazy(body, []), name ?? (body.name || "async block"));
}

/** @internal See watchGeneratorFunctions. */
let watcher: ((body: Function) => void) | null = null;

/**
 * @internal For the fresh-closure diagnosis (src/explore/fresh-closures.ts): while set, every generator
 * function that an async fn or async block starts is passed to `f`. Null turns it off.
 */
export function watchGeneratorFunctions(f: ((body: Function) => void) | null): void {
  watcher = f;
}

// Calling a generator function runs nothing until next(), so creating it eagerly is already lazy;
// the helper exists to keep the args typed.
function lazy<A extends unknown[], T>(body: (...args: A) => AsyncGen<T>, args: A): AsyncGen<T> {
  if (watcher !== null) watcher(body);
  const g = body(...args);
  if (typeof g !== "object" || g === null || typeof (g as { next?: unknown }).next !== "function") {
    throw new TypeError(`asyncFn expects a generator function (function* () { ... }), but '${body.name || "anonymous"}' returned ${String(g)}`);
  }
  return g;
}
