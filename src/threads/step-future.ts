/**
 * Preemptible polls: a future whose poll is a sequence of atomic steps (`*pollSteps(cx)`, see
 * step-op.ts). Spawned as a task, it is polled step by step on a worker of the executor, and the
 * schedule may run other workers' polls, simulated threads and event deliveries between its
 * steps. Polled through plain `poll(cx)` — nested in a combinator, or an async function's
 * `yield*` — the same steps run back to back (atomically); to keep a nested future preemptible,
 * `yield* inner.pollSteps(cx)` from the outer `pollSteps`.
 */
import type { Context } from "../future/context.js";
import { FutureBase, type Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { isStepOp, type StepThread, type Steps } from "./step-op.js";

/** A future with a preemptible poll. */
export interface SteppedFuture<T> extends Future<T> {
  pollSteps(cx: Context): Steps<Poll<T>>;
}

export function isSteppedFuture(x: unknown): x is SteppedFuture<unknown> {
  return typeof (x as { pollSteps?: unknown } | null)?.pollSteps === "function";
}

/** The thread a back-to-back poll's ops run on (a mutex it locks must be unlocked in the same poll). */
const INLINE: StepThread = { no: -1, name: "an atomic poll" };

/** Runs a step body to its end at once (the atomic poll of a `StepFuture`). */
export function runSteps<T>(steps: Steps<T>, owner = "a pollSteps future"): T {
  let r = steps.next(INLINE);
  while (r.done !== true) {
    const o = r.value;
    if (!isStepOp(o)) throw new TypeError(`${owner} yielded ${String(o)}: yield* an operation (cell.load(), mutex.lock(), point("…")), not a value`);
    if (o.ready !== undefined && !o.ready()) {
      throw new Error(
        `${owner} blocked (${o.label}, waiting for ${o.waitsFor ?? "a condition"}) while polled atomically: ` +
          "a preemptible poll runs step by step only as a task's own future — spawn it, or yield* its pollSteps(cx) from the outer pollSteps",
      );
    }
    r = steps.next(INLINE);
  }
  return r.value;
}

/** Base class: implement `pollSteps`; `poll` runs the steps atomically. */
export abstract class StepFuture<T> extends FutureBase<T> implements SteppedFuture<T> {
  abstract pollSteps(cx: Context): Steps<Poll<T>>;
  poll(cx: Context): Poll<T> {
    return runSteps(this.pollSteps(cx), this.label ?? this.constructor.name);
  }
  readonly label?: string;
}

/** A preemptible future from a step body, for scenarios that need no class. */
export function stepFuture<T>(pollSteps: (cx: Context) => Steps<Poll<T>>, label = "stepFuture"): SteppedFuture<T> {
  return {
    label,
    pollSteps,
    poll: (cx) => runSteps(pollSteps(cx), label),
  };
}
