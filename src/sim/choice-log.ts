/**
 * ChoiceLog: the simulation's one door to its chooser, and the list of its answers (what a token
 * replays). Every nondeterministic choice of a run — task, deliver, select, fault — is asked and
 * recorded here, or taken from the fair suffix without asking once a liveness suspicion switched
 * the run to it (oracles/fair-suffix.ts).
 *
 * Invariants:
 *  1. A choice among n < 2 options is 0 and is neither asked nor recorded.
 *  2. Every answer is checked (an integer in [0, n)) before it is recorded or used.
 *  3. The list is appended to only while not shared: `share()` hands it to an outcome, and the
 *     next choice copies it first, so an outcome's choices never change afterwards.
 *  4. A fault kind that is switched off is never asked: its answer is 0 (the fault does not happen).
 */
import type { ChoiceKind, Chooser, FaultKind } from "../chooser/chooser.js";
import { ChooserError, threadKey } from "../chooser/chooser.js";
import type { ThreadEvent } from "../chooser/access.js";
import { FairSuffix } from "../oracles/fair-suffix.js";
import type { TaskMarks } from "../oracles/task-marks.js";
import type { TaskId } from "../core/ids.js";
import type { RunPosition, Tracer } from "./tracer.js";

/**
 * Thread steps an explorer (DPOR) decides per run: its race analysis grows with the square of a
 * run's length, and a longer run is a spin the explorer would only repeat (thread-strategy.ts).
 */
export const EXPLORER_MAX_STEPS = 5000;

export class ChoiceLog {
  private choices: number[] = [];
  /** The last thread choice was the explorer's (`pickThread`): it must hear what the step touched. */
  explorerPicked = false;
  private explorerSteps = 0;
  private shared = false;

  constructor(
    readonly chooser: Chooser,
    private readonly faults: ReadonlySet<FaultKind>,
    /** The watch's fair suffix, read on every choice (a liveness suspicion switches the run to it). */
    private readonly suffix: FairSuffix,
    private readonly at: RunPosition,
    private readonly tracer: Tracer,
  ) {}

  /** The answers so far (read-only; `share()` before handing it out for keeps). */
  get list(): readonly number[] {
    return this.choices;
  }

  decide(n: number, kind: ChoiceKind): number {
    if (n < 2) return 0;
    if (kind === "select") {
      // Under the fair suffix a select's first branch is not the chooser's (fair-suffix.ts 3c);
      // before it, a chosen branch may be the unfair part of a stretch.
      if (this.suffix.active) return this.suffix.pickBranch(n);
      this.suffix.unfairStep = this.at.steps;
    }
    return this.record(this.chooser.choose(n, kind), n, kind);
  }

  decideFault(n: number, kind: FaultKind): number {
    return this.faults.has(kind) ? this.decide(n, kind) : 0;
  }

  faultEnabled(kind: FaultKind): boolean {
    return this.faults.has(kind);
  }

  /**
   * A "task" choice among the executor's candidates; strategies that rank tasks (PCT) see which,
   * and which task was polled last (they count a switch away from it as a preemption).
   */
  chooseTask(cands: readonly TaskId[], marks: readonly TaskMarks[], lastPolled: TaskId | null): number {
    const n = cands.length;
    // Under the fair suffix the task runnable longest goes (fair-suffix.ts 3a).
    if (n > 1 && this.suffix.active) return this.suffix.pickTask(cands, marks);
    if (n < 2 || this.chooser.chooseTask === undefined) return this.decide(n, "task");
    return this.record(this.chooser.chooseTask(cands, lastPolled), n, "task");
  }

  /**
   * An explored tie among events due at one instant (a run with async tasks): strategies that
   * rank tasks see on whose behalf each event was made. Under the fair suffix, or for a chooser
   * without `chooseTie` (replay included), it is `decide(n, "tie")`: either way one recorded
   * answer, so a replay reads the same list.
   */
  chooseTie(origins: readonly (TaskId | null)[]): number {
    const n = origins.length;
    if (n < 2 || this.suffix.active || this.chooser.chooseTie === undefined) return this.decide(n, "tie");
    return this.record(this.chooser.chooseTie(origins), n, "tie");
  }

  /**
   * Which thread takes the next step, in a run with threads (sim/threads.ts rule 1): `threads`
   * are the enabled ones, the previous first when enabled (`previous`), `waitedSince` the step
   * each last ran (the fair suffix takes the longest waiting). -1: the explorer stops the run.
   */
  chooseThread(threads: readonly number[], previous: number | null, waiting: readonly ThreadEvent[], waitedSince: readonly number[]): number {
    const n = threads.length;
    const c = this.chooser;
    this.explorerPicked = false;
    // Under the fair suffix the thread waiting longest goes, for every chooser alike (so a
    // replay, which has no pickThread, makes the same run): an explorer's run ends its part
    // there (thread-strategy.ts rule 4).
    if (this.suffix.active) {
      let best = 0;
      for (let i = 1; i < n; i++) if (waitedSince[i]! < waitedSince[best]!) best = i;
      return n === 0 ? -1 : best;
    }
    let i: number;
    if (c.pickThread !== undefined && this.explorerSteps >= EXPLORER_MAX_STEPS) {
      // Past the explorer's horizon the run goes on without preemptions (its choices recorded, so
      // a replay makes the same run): a spin without a spinLoop hint costs the explorer no more.
      i = 0;
      if (n === 0) return -1;
      if (n >= 2) this.record(i, n, "thread");
    } else if (c.pickThread !== undefined) {
      this.explorerSteps++;
      i = c.pickThread(threads, waiting);
      this.explorerPicked = i >= 0;
      if (i < 0 || n === 0) return -1;
      if (n >= 2) this.record(i, n, "thread");
    } else if (n < 2) return 0;
    else i = c.chooseTask === undefined ? this.decide(n, "thread") : this.record(c.chooseTask(threads.map(threadKey), previous === null ? null : threadKey(previous)), n, "thread");
    // A thread passed over after a long wait: the stretch is possibly unfair (fair-suffix.ts) —
    // marked alike for every chooser, so a replay switches to the suffix where the run did.
    const bound = FairSuffix.fairWaitSteps(n);
    for (let j = 0; j < n; j++) if (j !== i && this.at.steps - waitedSince[j]! > bound) this.suffix.unfairStep = this.at.steps;
    return i;
  }

  /** The list, for an outcome to keep: rule 3. */
  share(): number[] {
    this.shared = true;
    return this.choices;
  }

  private record(i: number, n: number, kind: ChoiceKind): number {
    if ((i >>> 0) !== i || i >= n) {
      throw new ChooserError(`chooser '${this.chooser.name}' answered ${String(i)} for a ${kind} choice among ${n}; it must return an integer in [0, ${n})`);
    }
    if (this.shared) {
      this.choices = this.choices.slice();
      this.shared = false;
    }
    this.choices.push(i);
    this.tracer.choiceMade(kind, n, i);
    return i;
  }
}
