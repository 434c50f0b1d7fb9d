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

/**
 * The choice list without its trailing zeros — the short form of a schedule: a replay answers 0
 * once its list runs out, so both replay the same, and a long run that ends on default choices (a
 * livelock confirmed under the fair suffix, thousands of "deliver now") keeps a short token.
 */
export function withoutTrailingDefaults(choices: readonly number[]): readonly number[] {
  let n = choices.length;
  while (n > 0 && choices[n - 1] === 0) n--;
  return n === choices.length ? choices : choices.slice(0, n);
}
