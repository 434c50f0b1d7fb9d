/**
 * Poll budget: one poll may make at most `pollBudget` of each of these, counted separately:
 *  1. inner polls. The reference combinators (join, select, race, timeout, async fns) count
 *     theirs; a user's combinator may count its own with `countInnerPoll(cx)`;
 *  2. wakes of the polled task itself (wake or wakeByRef through any of its wakers), and
 *  3. clones of its wakers — counted by the simulation, since every waker operation is harness
 *     code, so a loop that never yields is caught without the user's cooperation: a combinator
 *     re-polling a child that wakes itself (FuturesUnordered never yielding, Shared re-polling
 *     when woken during its own poll), or a retry loop re-registering a pending future.
 * Past the budget the poll is broken off (the harness call throws PollBudgetError, the task
 * panics) instead of hanging the test run. Legitimate polls stay far below: a yield wakes once
 * per poll, a combinator's children wake and clone about once each, as they are polled once.
 * The counters are plain integers reset per poll: a wake stays O(1).
 */
import type { Context } from "../future/context.js";
import type { Violation } from "./violation.js";
import type { Task } from "../task/task.js";
import { awaitChain } from "./lost-wakeup.js";

/** What a poll budget counts. */
export type PollBudgetCount = "inner-polls" | "self-wakes" | "waker-clones";

const COUNTED: Record<PollBudgetCount, string> = {
  "inner-polls": "inner polls or I/O operations",
  "self-wakes": "wakes of its own task",
  "waker-clones": "clones of its own waker",
};

export class PollBudgetError extends Error {
  override readonly name = "PollBudgetError";
  constructor(task: string, budget: number, counted: PollBudgetCount = "inner-polls") {
    super(`task '${task}' exceeded its poll budget of ${budget} ${COUNTED[counted]} in one poll (the loop was broken off here)`);
  }
}

/** Counts one inner poll of the current poll against the poll budget. */
export function countInnerPoll(cx: Context): void {
  cx.runtime.countInnerPoll();
}

export function pollBudgetViolation(t: Task, observed: number, budget: number, step: number, time: number, counted: PollBudgetCount = "inner-polls"): Violation {
  const chain = awaitChain(t.future);
  const where = chain === null ? "" : ` (in ${chain})`;
  const what =
    counted === "inner-polls"
      ? `made more than ${budget} inner polls or I/O operations${where}: ` +
        `a loop that never yields (a combinator polling a ready child forever, a retry loop ignoring an I/O result) keeps the executor and every other task waiting`
      : counted === "self-wakes"
        ? `woke its own task more than ${budget} times${where} and was broken off: ` +
          `a loop re-polling a future that wakes itself (a FuturesUnordered that never yields while a child keeps waking itself, a Shared that re-polls its inner future whenever it was woken during its own poll) ` +
          `never returns to the executor, and every other task waits. Return pending after the wake: the task is polled again.`
        : `cloned its own waker more than ${budget} times${where} and was broken off: ` +
          `a loop that keeps polling a future that stays pending (a busy retry around poll()) never returns to the executor, and every other task waits. Return pending: the registered waker will wake the task.`;
  return {
    kind: "poll-budget",
    task: t.name,
    counted,
    observed,
    innerPolls: observed,
    budget,
    tasks: [t.name],
    step,
    time,
    message: `one poll of task '${t.name}' ${what}`,
  };
}
