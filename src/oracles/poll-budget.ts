/**
 * Poll budget: one poll may make at most `pollBudget` inner polls. The reference combinators
 * (join, select, race, timeout, async fns) count theirs; a user's combinator counts its own with
 * `countInnerPoll(cx)` — once per child poll, inside its loop, so a loop that never yields is
 * broken off (the task panics with PollBudgetError) instead of hanging the test run.
 */
import type { Context } from "../future/context.js";
import type { Violation } from "../sim/violation.js";
import type { Task } from "../task/task.js";
import { awaitChain } from "./lost-wakeup.js";

export class PollBudgetError extends Error {
  override readonly name = "PollBudgetError";
  constructor(task: string, budget: number) {
    super(`task '${task}' exceeded its poll budget of ${budget} inner polls in one poll (the loop was broken off here)`);
  }
}

/** Counts one inner poll of the current poll against the poll budget. */
export function countInnerPoll(cx: Context): void {
  cx.runtime.countInnerPoll();
}

export function pollBudgetViolation(t: Task, innerPolls: number, budget: number, step: number, time: number): Violation {
  const chain = awaitChain(t.future);
  return {
    kind: "poll-budget",
    task: t.name,
    innerPolls,
    budget,
    tasks: [t.name],
    step,
    time,
    message:
      `one poll of task '${t.name}' made more than ${budget} inner polls or I/O operations${chain === null ? "" : ` (in ${chain})`}: ` +
      `a loop that never yields (a combinator polling a ready child forever, a retry loop ignoring an I/O result) keeps the executor and every other task waiting`,
  };
}
