/**
 * guard(fut): checks a future against the poll contract — never polled again after it returned
 * ready, never polled while its own poll is running (re-entrancy). Wrap a user's combinator's
 * children (or the combinator itself) to have the harness catch the slip at the exact poll.
 *
 * A broken rule is reported as a contract violation and then thrown as ContractError, so the
 * offending poll panics instead of carrying on with a broken state.
 */
import type { Context } from "../future/context.js";
import { ContractError } from "../future/contract.js";
import { FutureBase, type Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";

const IDLE = 0;
const POLLING = 1;
const DONE = 2;

export class Guarded<T> extends FutureBase<T> {
  private state = IDLE;
  readonly label: string;

  constructor(
    private readonly inner: Future<T>,
    label?: string,
  ) {
    super();
    this.label = label ?? inner.label ?? "future";
  }

  /** The guarded future (for diagnoses). */
  get awaitingFuture(): Future<T> {
    return this.inner;
  }

  poll(cx: Context): Poll<T> {
    if (this.state !== IDLE) {
      const rule = this.state === DONE ? "poll-after-ready" : "reentrant-poll";
      cx.runtime.contractBroken(rule, this.label);
      throw new ContractError(`${rule}: ${this.label}`);
    }
    this.state = POLLING;
    let done = false;
    try {
      const p = this.inner.poll(cx);
      done = p.ready;
      return p;
    } finally {
      this.state = done ? DONE : IDLE;
    }
  }

  drop(): void {
    if (this.state !== DONE) this.inner.drop?.();
  }
}

/** Wraps `fut` so that polling it after ready, or re-entrantly, is reported at that poll. */
export function guard<T>(fut: Future<T>, label?: string): Guarded<T> {
  return new Guarded(fut, label);
}
