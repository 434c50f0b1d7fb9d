/**
 * Adapters that harden a future under test (futures-test's `FutureTestExt`): they change how it
 * is polled, not what it computes. Each is a Future of the same output, so they work in a mock
 * task and in exploration alike (in a Sim run the extra wakes are the task's own and count
 * against its poll budget as any yield does).
 *
 *  - `interleavePending(fut)`: before every poll of `fut`, one poll that wakes its waker and
 *    returns pending — so `fut` is never polled twice in a row without its task going back to
 *    the executor. futures-test's `interleave_pending` inserts the extra pending once per
 *    result (it re-arms only when the inner poll is ready: once per future, per stream item,
 *    per read); this one does it before every inner poll, pending ones included, which is what
 *    a combinator that assumes "polled again at once" needs to be shaken out of.
 *  - `pendingOnce(fut)`: one such pending, before the first poll only (futures-test `pending_once`).
 *  - `countWakes(fut)`: `fut` polled with a waker of its own that counts the wakes and clones
 *    made through it and forwards each to the task's waker, clone for clone — so the harness
 *    still knows exactly who holds a wake source (a dropped counted clone drops its forward).
 */
import type { Context } from "../future/context.js";
import { Context as Cx } from "../future/context.js";
import { FutureBase, type Future } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { asTaskId } from "../core/ids.js";
import { Waker, type WakeHook, type WakerMisuse, type WakeTarget } from "../waker/waker.js";
import type { WakeCounts } from "./wakers.js";

class InterleavePending<T> extends FutureBase<T> {
  readonly label: string;
  private pended = false;

  constructor(
    private readonly inner: Future<T>,
    private readonly everyPoll: boolean,
  ) {
    super();
    this.label = `${everyPoll ? "interleavePending" : "pendingOnce"}(${inner.label ?? "future"})`;
  }

  get awaitingFuture(): Future<T> {
    return this.inner;
  }

  poll(cx: Context): Poll<T> {
    if (!this.pended) {
      this.pended = true;
      cx.waker.wakeByRef(); // pending with a wake already issued: the task is polled again
      return PENDING;
    }
    if (this.everyPoll) this.pended = false;
    return this.inner.poll(cx);
  }

  drop(): void {
    this.inner.drop?.();
  }
}

/** Returns pending (having woken the task) once before every poll of `fut`. */
export function interleavePending<T>(fut: Future<T>): FutureBase<T> {
  return new InterleavePending(fut, true);
}

/** Returns pending (having woken the task) once, before the first poll of `fut`. */
export function pendingOnce<T>(fut: Future<T>): FutureBase<T> {
  return new InterleavePending(fut, false);
}

let nextCountedId = 2_000_000;

/** A future polled through a counting waker; `counts` says what it did with its wakers. */
export class WakeCounted<T> extends FutureBase<T> implements WakeTarget, WakeCounts {
  readonly label: string;
  readonly id = asTaskId(nextCountedId++);
  /** @internal WakeTarget */
  cloneSerial = 0;
  /** @internal WakeTarget */
  readonly hook: WakeHook;
  wakes = 0;
  clones = 0;
  held = 0;
  /** The task waker of the poll running now (borrowed), or null between polls. */
  private outer: Waker | null = null;
  /** Each counted clone's forward: an owned clone of the task's waker of the same poll. */
  private readonly forwards = new Map<Waker, Waker>();

  constructor(private readonly inner: Future<T>) {
    super();
    this.label = `countWakes(${inner.label ?? "future"})`;
    this.hook = new ForwardingHook(this);
  }

  get name(): string {
    return this.label;
  }

  get awaitingFuture(): Future<T> {
    return this.inner;
  }

  /** What the future did with its wakers so far. */
  get counts(): WakeCounts {
    return { wakes: this.wakes, clones: this.clones, held: this.held };
  }

  poll(cx: Context): Poll<T> {
    const own = new Waker(this, cx.waker.generation, true, 0);
    this.outer = cx.waker;
    try {
      return this.inner.poll(new Cx(own, cx.runtime));
    } finally {
      own._expire();
      this.outer = null;
    }
  }

  drop(): void {
    this.inner.drop?.();
  }

  /** @internal */
  _wake(w: Waker): void {
    this.wakes++;
    const fwd = w.isBorrowed ? this.outer : this.forwards.get(w);
    fwd?.wakeByRef();
  }

  /** @internal A counted clone was made: make its forward from the task's waker of that poll. */
  _cloned(w: Waker): void {
    this.clones++;
    this.held++;
    let from = this.outer;
    if (from === null || from.generation !== w.generation) {
      // Cloned from a clone after its poll: any live forward of the same poll will do.
      from = null;
      for (const f of this.forwards.values()) if (f.generation === w.generation) from = f;
    }
    if (from !== null) this.forwards.set(w, from.clone());
  }

  /** @internal */
  _released(w: Waker): void {
    this.held--;
    const fwd = this.forwards.get(w);
    this.forwards.delete(w);
    fwd?.drop();
  }

  /** @internal A misuse of a counted waker is the task's misuse: report it where the task's waker reports. */
  _misused(w: Waker, misuse: WakerMisuse, message: string): void {
    const any = this.outer ?? this.forwards.values().next().value;
    if (any !== undefined && any !== null) any._target.hook.wakerMisused(any._target, w, misuse, message);
  }

  /** @internal */
  _wakersPerPoll(): boolean {
    const any = this.outer ?? this.forwards.values().next().value;
    return any !== undefined && any !== null ? any._target.hook.wakersPerPoll(any._target) : false;
  }
}

class ForwardingHook implements WakeHook {
  constructor(private readonly f: WakeCounted<unknown>) {}
  wake(_t: WakeTarget, w: Waker): void {
    this.f._wake(w);
  }
  wakerCloned(_t: WakeTarget, w: Waker): void {
    this.f._cloned(w);
  }
  wakerReleased(_t: WakeTarget, w: Waker): void {
    this.f._released(w);
  }
  wakerMisused(_t: WakeTarget, w: Waker, misuse: WakerMisuse, message: string): void {
    this.f._misused(w, misuse, message);
  }
  wakersPerPoll(): boolean {
    return this.f._wakersPerPoll();
  }
}

/** Polls `fut` through a waker that counts its wakes and clones (`.counts`) and forwards them to the task. */
export function countWakes<T>(fut: Future<T>): WakeCounted<T> {
  return new WakeCounted(fut);
}
