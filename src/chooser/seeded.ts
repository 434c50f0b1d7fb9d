/**
 * SeededChooser: a seeded random walk over the choice tree, using seedrandom's `alea` generator
 * (the generator's name is recorded with every run so a replay token says how it was made).
 *
 * Scheduling choices (and whether a stale waker is inert) are uniform. Fault choices deviate from 0 with a small probability
 * (`faultProbability`), because a uniform coin would inject a fault at every other opportunity
 * and bury the schedule under noise.
 */
import seedrandom from "seedrandom";
import type { ChoiceKind, Chooser } from "./chooser.js";

export interface SeededChooserOptions {
  /** Probability that an enabled fault choice deviates from 0 (default 0.1). */
  faultProbability?: number;
}

export class SeededChooser implements Chooser {
  readonly name = "alea";
  readonly fair = true;
  private readonly next: () => number;
  private readonly faultProbability: number;

  constructor(
    readonly seed: number | string,
    opts: SeededChooserOptions = {},
  ) {
    this.next = seedrandom.alea(String(seed));
    this.faultProbability = opts.faultProbability ?? 0.1;
  }

  choose(n: number, kind: ChoiceKind): number {
    const r = this.next();
    // A stale wake is rare and each is worth both answers: uniform too (it is not a fault).
    if (kind === "task" || kind === "thread" || kind === "deliver" || kind === "select" || kind === "executor" || kind === "stale-wake") return Math.floor(r * n);
    // Faults (and tie reordering): mostly the plain option, sometimes a uniform deviation.
    if (r >= this.faultProbability) return 0;
    return 1 + Math.floor((r / this.faultProbability) * (n - 1));
  }
}
