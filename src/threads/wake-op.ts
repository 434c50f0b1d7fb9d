/**
 * A wake as an atomic step: `yield* wake(waker)` — a preemption point before the wake, and an
 * access the explorers see (a wake changes the scheduler's state: the task's state and the run
 * queue). A plain `waker.wake()` inside a step body works too; it counts as part of the step.
 */
import type { Waker } from "../waker/waker.js";
import { op, SCHEDULER_OBJECT, type Steps } from "./step-op.js";

export function* wake(waker: Waker): Steps<void> {
  yield op(SCHEDULER_OBJECT, "wake", `wake ${waker._target.name}`);
  waker.wake();
}

export function* wakeByRef(waker: Waker): Steps<void> {
  yield op(SCHEDULER_OBJECT, "wake", `wakeByRef ${waker._target.name}`);
  waker.wakeByRef();
}
