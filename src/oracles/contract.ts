/**
 * Violation builders for the contract, escape and step-limit oracles: the words a
 * user reads when the model's rules are broken. The simulation detects; these say what it means.
 */
import type { ContractRule, Violation } from "../sim/violation.js";
import type { Task } from "../task/task.js";
import type { WakerMisuse } from "../waker/waker.js";

export function describeThrown(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `thrown value: ${String(e)}`;
}

/** A task panicked (a throw in poll, or in drop): `what` says where. */
export function panicViolation(task: string, e: unknown, what: string, step: number, time: number): Violation {
  const error = describeThrown(e);
  return { kind: "panic", task, tasks: [task], error, stack: e instanceof Error ? (e.stack ?? "") : "", step, time, message: `${what}: ${error}` };
}

export function wakerMisuseViolation(task: string, by: string | null, misuse: WakerMisuse, message: string, step: number, time: number): Violation {
  const rule: ContractRule = misuse === "borrowed-after-poll" ? "waker-borrowed-after-poll" : "waker-used-after-consume";
  const other = by !== null && by !== task;
  return {
    kind: "contract",
    rule,
    task,
    tasks: other ? [task, by] : [task],
    step,
    time,
    message: other ? `${message} (used during a poll of task '${by}')` : message,
  };
}

/** A contract rule broken by a future (poll after ready, re-entrant poll), found by `guard`. */
export function futureContractViolation(rule: ContractRule, task: string, label: string, step: number, time: number): Violation {
  const what =
    rule === "poll-after-ready"
      ? `future '${label}' was polled again after it returned ready: a finished future must not be polled (drop it, or remember that it finished)`
      : rule === "poll-after-drop"
        ? `future '${label}' was polled after it was dropped: a dropped (cancelled) future is gone and must not be polled again`
        : `future '${label}' was polled while its own poll was still running (a re-entrant poll): a future may not poll itself, directly or through a cycle`;
  return { kind: "contract", rule, task, tasks: [task], step, time, message: `${what} — in task '${task}' at step ${step}` };
}

export function escapeViolation(api: string, callSite: string | null, task: string | null, step: number, time: number): Violation {
  const who = task === null ? "" : ` during a poll of task '${task}'`;
  return {
    kind: "nondeterminism",
    cause: "escape",
    api,
    callSite,
    tasks: task === null ? [] : [task],
    step,
    time,
    message:
      `${api}() was called${who}${callSite === null ? "" : ` at ${callSite}`}: real time, randomness and event-loop callbacks make a run unrepeatable. ` +
      `Use the simulation's clock (sim.now, sleep) and its faults instead`,
  };
}

export function stepLimitViolation(tasks: readonly Task[], maxSteps: number, step: number, time: number): Violation {
  const pending = tasks.filter((t) => t.outcome === null && !t.daemon).map((t) => t.name);
  return {
    kind: "step-limit",
    maxSteps,
    tasks: pending,
    step,
    time,
    message:
      `the run did not finish within maxSteps=${maxSteps} (tasks still pending: ${pending.join(", ") || "none"}). ` +
      `Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps.`,
  };
}

/** A cancelled task's drop left wakers or registrations behind. */
export function leakViolation(t: Task, heldBy: readonly string[], step: number, time: number): Violation {
  const where = heldBy.length > 0 ? ` (${heldBy.join(", ")})` : "";
  return {
    kind: "leak",
    task: t.name,
    wakersHeld: t.wakersHeld,
    heldBy,
    tasks: [t.name],
    step,
    time,
    message:
      `task '${t.name}' was cancelled (its future dropped) but ${t.wakersHeld} clone${t.wakersHeld === 1 ? "" : "s"} of its waker ${t.wakersHeld === 1 ? "is" : "are"} still held${where}: ` +
      `a future's drop() must release what it registered, or a notification meant for a live waiter can go to the dead one`,
  };
}
