/**
 * Leaf futures driven by the reactor's virtual clock: `sleep(ticks)` and `sleepUntil(at)`.
 *
 * Wake rules: the first poll registers a timer holding a clone of the waker; each later pending
 * poll replaces that clone when it is stale (keep the latest). Ready once the timer fired.
 * `drop()` cancels the timer and releases the clone, so a dropped sleep leaks nothing.
 */
import { checkInt } from "../core/checks.js";
import type { Timer } from "../reactor/reactor.js";
import type { Context } from "./context.js";
import { FutureBase } from "./future.js";
import { PENDING, ready, type Poll } from "./poll.js";

export class Sleep extends FutureBase<void> {
  private timer: Timer | null = null;
  readonly label: string;

  /** `deadline` is relative (`ticks`) or absolute (`at`). */
  constructor(private readonly deadline: { ticks: number } | { at: number }) {
    super();
    this.label = "ticks" in deadline ? `sleep(${deadline.ticks})` : `sleepUntil(${deadline.at})`;
  }

  poll(cx: Context): Poll<void> {
    const t = this.timer;
    if (t === null) {
      const rt = cx.runtime;
      const at = "ticks" in this.deadline ? rt.now + this.deadline.ticks : this.deadline.at;
      if (at <= rt.now) return ready();
      this.timer = rt.reactor.addTimer(at, cx.waker.clone());
      return PENDING;
    }
    if (t.fired) return ready();
    if (t.waker === null || !t.waker.willWake(cx.waker)) {
      t.waker?.drop();
      t.waker = cx.waker.clone();
    }
    return PENDING;
  }

  drop(): void {
    const t = this.timer;
    if (t !== null && !t.fired) t.reactorOf.cancel(t);
    this.timer = null;
  }
}

/** Completes after `ticks` of virtual time (0 completes at once). */
export function sleep(ticks: number): Sleep {
  return new Sleep({ ticks: checkInt("sleep(ticks)", ticks, 0) });
}

/** Completes when virtual time reaches `at`. */
export function sleepUntil(at: number): Sleep {
  return new Sleep({ at: checkInt("sleepUntil(at)", at, 0) });
}
