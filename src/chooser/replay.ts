/**
 * ReplayChooser: reads back a recorded choice list. A run is a pure function of
 * (scenario, options, choices), so feeding the same list reproduces the run exactly.
 *
 * Lists from elsewhere (a shrinker, fast-check) may not fit the run: a value ≥ n is taken
 * modulo n and a list that runs out answers 0 (the plain option) from then on, so every list
 * is a valid schedule and shrinking toward "0 everywhere" means toward the default schedule.
 */
import { UNFAIR_GENERATORS, type ChoiceKind, type Chooser } from "./chooser.js";

export class ReplayChooser implements Chooser {
  private i = 0;

  /** Fair unless the run it replays came from an unfair strategy (so replays judge alike). */
  readonly fair: boolean;

  constructor(
    private readonly choices: readonly number[],
    readonly name = "replay",
  ) {
    this.fair = !UNFAIR_GENERATORS.has(name);
  }

  /** How many recorded choices were read so far. */
  get consumed(): number {
    return this.i;
  }

  choose(n: number, _kind: ChoiceKind): number {
    if (this.i >= this.choices.length) return 0;
    const v = this.choices[this.i++]!;
    return v < n ? v : v % n;
  }
}
