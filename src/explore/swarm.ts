/**
 * SwarmStrategy: swarm testing (Groce, Zhang, Eide, Chen, Regehr, "Swarm Testing", ISSTA 2012).
 * Each run switches on a random subset of the fault kinds — latency, short reads and writes,
 * spurious wakeups and readiness, coalesced arrivals, timer-tie reordering, resets, early EOF,
 * drops at await points — instead of all of them at once. A bug that one fault kind exposes
 * and another masks (a spurious wakeup re-polls the very task a lost wakeup stranded) is found
 * in the runs where only the first is on. The schedule itself is a seeded random walk.
 */
import seedrandom from "seedrandom";
import { FAULT_KINDS, type FaultKind } from "../chooser/chooser.js";
import { SeededChooser } from "../chooser/seeded.js";
import type { RunPlan, Strategy } from "./strategy.js";

export class SwarmStrategy implements Strategy {
  readonly name = "swarm";
  private readonly rng: () => number;

  constructor(
    private readonly seed: number | string,
    /** The fault kinds swarm may switch on (default: all; explore passes those the options allow). */
    private readonly kinds: readonly FaultKind[] = FAULT_KINDS,
    private readonly faultProbability = 0.2,
  ) {
    this.rng = seedrandom.alea(`swarm:${String(seed)}`);
  }

  nextRun(run: number): RunPlan {
    // Each kind is on with probability 1/2, independently (the paper's default swarm).
    const faults: FaultKind[] = this.kinds.filter(() => this.rng() < 0.5);
    return {
      chooser: new SeededChooser(`${this.seed}:swarm:${run}`, { faultProbability: this.faultProbability }),
      options: { faults },
    };
  }
}
