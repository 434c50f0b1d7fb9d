/**
 * TaskMarks: what the oracles remember about one task, kept apart from the task record (which
 * holds only what the model itself needs). The watch owns one per spawned task, in an array
 * indexed by task id, so the hot path reaches it with one indexed load and no lookup.
 *
 * Invariants:
 *  1. `marks[t.id]` exists from the moment `t` is spawned (Watch.taskSpawned) to the end of the run.
 *  2. Each field is written by the simulation at the fixed points its comment names, and read by
 *     the oracle named there; nothing here changes what the model does, only what is reported.
 */

/**
 * A wake through a waker from an older poll that the run treated as inert (`staleWakers`): if
 * the task is then never polled again, that wake is what lost it.
 */
export interface InertStaleWake {
  /** The poll whose waker was woken (kept past later polls). */
  readonly wakerGeneration: number;
  /** The task's poll count when it was woken: the wake lost it if it was never polled again. */
  readonly taskGeneration: number;
  readonly step: number;
  readonly time: number;
  /** The task whose poll woke it, or null (the reactor, a drop outside any task). */
  readonly by: string | null;
}

export class TaskMarks {
  /** Step at which it last became runnable (fairness, the fair suffix, the step-limit report). */
  runnableSinceStep: number;
  /** Step of its last poll, -1 before the first (lost-wakeup and step-limit diagnoses). */
  lastPolledStep = -1;
  /** A clone of the current poll's waker was taken during the poll (pending-without-waker). */
  clonedThisPoll = false;
  /** Livelock: the progress epoch last seen, and polls since then. */
  progressEpoch = -1;
  pollsSinceProgress = 0;
  /** Already reported as stuck (each task is reported once). */
  reportedStuck = false;
  /** The first stale wake made inert since its last poll began (null: none, or polled since). */
  inertStaleWake: InertStaleWake | null = null;
  /** Who dropped, unwoken, a clone of its latest poll's waker while it waited (and when), if anyone. */
  lastWakerDroppedBy: string | null = null;
  lastWakerDroppedStep = -1;

  constructor(runnableSinceStep: number) {
    this.runnableSinceStep = runnableSinceStep;
  }
}
