/**
 * FairSuffix: the fair schedule a run switches to when a liveness oracle suspects a violation,
 * so that no liveness verdict rests on a stretch of schedule that was unfair to a runnable task
 * (DESIGN §8). PCT starves low-priority tasks on purpose, exhaustive search and a fast-check
 * array may keep answering the same index, and even a random walk may pass one task over for a
 * long time: a busy producer then *looks* like a livelock although the task that would stop it
 * simply never ran. Whether a stretch was unfair cannot be judged exactly from the choices (a
 * random walk deviates from the fair pick all the time and is fair; one select branch chosen by
 * a fast-check array may be the whole starvation). So a stretch counts as *possibly unfair* —
 * and a suspicion resting on it is confirmed by continuing the very same run under this
 * policy — when, during it:
 *  - a task was polled after waiting more than `fairWaitSteps` (twice the tasks spawned, plus 8:
 *    under the fair policy a task waits for the tasks ahead of it and a few due events), or a
 *    task is still runnable and has waited that long (`unfairStep` and the watch's scan), or
 *  - the chooser kept a due event waiting for a poll, or picked a select's first branch.
 * A stretch with none of these (a single task, FIFO order, no choice at all) is fair, and its
 * verdict is reported at once. An over-cautious "possibly unfair" costs a confirmation, and the
 * rest of that run: under the suffix its task, deliver and select choices are no longer explored
 * (faults and ties still are), so a safety bug that needs an unusual schedule after the switch is
 * left to the other runs — which is why suspicion waits for 1000 polls without progress.
 *
 * Invariants:
 *  1. Once started, the suffix lasts to the end of the run. It starts at most once per run, at
 *     the first liveness suspicion that rests on a possibly unfair stretch (or halfway through
 *     `maxSteps`, for the step limit), and the watch re-arms every liveness oracle at that step:
 *     a verdict is then reported only if its condition holds for its whole bound again,
 *     entirely under the suffix.
 *  2. The switch and the policy are functions of the run's state (never of the chooser's
 *     answers after the switch), so replaying a token reproduces them byte for byte, and a
 *     shrunk schedule still reaches a real livelock: the suffix does not depend on the choices
 *     the shrinker removes, only on the state they lead to.
 *  3. Policy, applied without asking the chooser (so the choice log holds only real choices):
 *     a. task: the executor's candidate that has been runnable the longest (smallest
 *        `runnableSinceStep`; ties in the executor's order). A task that waits only gets older
 *        while every task polled before it re-enters younger, so each candidate is polled
 *        within (number of candidates) polls: every runnable task polled in turn.
 *     b. deliver: a due event is delivered before the next poll. Events due at one instant are
 *        finitely many (time only moves with polls or when nothing is runnable), so this
 *        cannot starve the tasks — in a run of futures. In a run with async tasks a delivery
 *        runs task code (the promise reactions after it) that may set new timers due at once
 *        (a `setImmediate` loop), so deliveries alone could go on forever while a task waits
 *        for its first poll: there, two deliveries in a row are never made while a task is
 *        runnable (a poll goes between them).
 *     c. select: which branch a fair `select` tries first follows the golden-ratio (Weyl)
 *        sequence: equidistributed, and so is every arithmetic subsequence of it, so two
 *        selects polled alternately cannot both keep landing on their branch 0 (a plain
 *        rotation could align with them).
 *     Everything else — faults, timer ties, an executor's own choices — still goes to the
 *     chooser: they are not what makes a schedule unfair, and shrinking must still see them.
 *  4. The suffix only chooses among the executor's candidates: an executor that itself never
 *     offers a runnable task (an unbounded LIFO slot) is still caught — that unfairness is the
 *     code under test, not the strategy's.
 */
import type { TaskId } from "../core/ids.js";
import type { TaskMarks } from "./task-marks.js";

/** 2^32 / φ: the golden-ratio step of the Weyl sequence for select branches. */
const GOLDEN_STEP = 0x9e3779b9;

export class FairSuffix {
  /** Step at which the suffix began, or -1 while the run is still under its chooser. */
  since = -1;
  /** What was suspected when the suffix began ("a livelock of task 'x'"), for the reports. */
  cause = "";
  /** Last step at which the chooser did something unfair-looking (see the header), or -1. */
  unfairStep = -1;
  private weyl = 0;

  /** The longest wait, in steps, that a fair schedule explains in a run of `tasks` tasks. */
  static fairWaitSteps(tasks: number): number {
    return 2 * tasks + 8;
  }

  get active(): boolean {
    return this.since >= 0;
  }

  start(step: number, cause: string): void {
    this.since = step;
    this.cause = cause;
  }

  /** Rule 3a: the index of the candidate runnable the longest. */
  pickTask(cands: readonly TaskId[], marks: readonly TaskMarks[]): number {
    let best = 0;
    let oldest = Infinity;
    for (let i = 0; i < cands.length; i++) {
      const since = marks[cands[i]!]!.runnableSinceStep;
      if (since < oldest) {
        oldest = since;
        best = i;
      }
    }
    return best;
  }

  /** Rule 3c: the branch a select tries first. */
  pickBranch(n: number): number {
    this.weyl = (this.weyl + GOLDEN_STEP) >>> 0;
    return Math.floor((this.weyl / 2 ** 32) * n);
  }

  /**
   * The sentence a verdict reported under the suffix ends with ("" before it): how long the
   * condition held under the fair schedule (the oracle's own bound and unit) and why the run
   * switched to it — this very suspicion (`cause`), or another oracle's.
   */
  confirmation(amount: number, unit: string, cause: string): string {
    if (!this.active) return "";
    const policy = "a fair schedule (every runnable task polled in turn, due events delivered first)";
    return cause === this.cause
      ? `; it persisted for another ${amount} ${unit} under ${policy}, to which the run switched at step ${this.since} when it was first suspected`
      : `; this held under ${policy}, to which the run had switched at step ${this.since} to confirm ${this.cause}`;
  }
}
