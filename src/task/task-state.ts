/**
 * Task states and their transitions, as functions named after the target state that return a
 * typed outcome (tokio's state.rs style), so the caller cannot forget a case.
 *
 * Rules:
 *  1. A wake makes an Idle task Scheduled (the executor is told exactly once).
 *  2. A wake of a Scheduled task changes nothing: it is already queued (wakes coalesce).
 *  3. A wake of a Running task makes it Notified: "woken while being polled". When that poll
 *     returns pending, the task goes straight back to Scheduled — it must be polled again.
 *  4. Wakes of a finished task are ignored (a waker may outlive its task).
 *  5. Only a Scheduled task may start running; a poll ends in Idle, Scheduled (rule 3) or Done.
 */
export const TaskState = {
  Idle: 0,
  Scheduled: 1,
  Running: 2,
  Notified: 3,
  Done: 4,
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const TASK_STATE_NAMES = ["idle", "scheduled", "running", "notified", "done"] as const;

interface HasState {
  state: TaskState;
}

/** Rule 1–4. "schedule" means the caller must hand the task to the executor. */
export function transitionToScheduled(t: HasState): "schedule" | "already-scheduled" | "notified-while-running" | "finished" {
  switch (t.state) {
    case TaskState.Idle:
      t.state = TaskState.Scheduled;
      return "schedule";
    case TaskState.Scheduled:
      return "already-scheduled";
    case TaskState.Running:
      t.state = TaskState.Notified;
      return "notified-while-running";
    case TaskState.Notified:
      return "notified-while-running";
    default:
      return "finished";
  }
}

/** Rule 5: the executor handed out this task. */
export function transitionToRunning(t: HasState): void {
  if (t.state !== TaskState.Scheduled) {
    throw new Error(`internal: task polled in state ${TASK_STATE_NAMES[t.state]} (expected scheduled)`);
  }
  t.state = TaskState.Running;
}

/** After a pending poll. "notified" means it was woken during the poll and must be rescheduled. */
export function transitionToIdle(t: HasState): "idle" | "notified" {
  if (t.state === TaskState.Notified) {
    t.state = TaskState.Scheduled;
    return "notified";
  }
  t.state = TaskState.Idle;
  return "idle";
}

/** The task completed, panicked or was cancelled. */
export function transitionToDone(t: HasState): void {
  t.state = TaskState.Done;
}
