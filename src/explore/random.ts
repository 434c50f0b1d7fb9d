/**
 * RandomStrategy: the seeded random walk (the baseline every other strategy is measured
 * against). Run r uses a SeededChooser seeded with `${seed}:${r}`, so any run can be redone
 * alone and two explorations with the same seed make the same runs.
 */
import { SeededChooser } from "../chooser/seeded.js";
import type { RunPlan, Strategy } from "./strategy.js";

export class RandomStrategy implements Strategy {
  readonly name = "random";

  constructor(
    private readonly seed: number | string,
    private readonly faultProbability?: number,
  ) {}

  nextRun(run: number): RunPlan {
    const opts = this.faultProbability === undefined ? {} : { faultProbability: this.faultProbability };
    return { chooser: new SeededChooser(`${this.seed}:${run}`, opts) };
  }
}
