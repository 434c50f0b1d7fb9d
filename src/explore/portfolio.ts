/**
 * PortfolioStrategy: rotates among strategies run by run, by weight (the default for `explore`). No single
 * strategy wins everywhere — the random walk is best on shallow ordering bugs, PCT on bugs that
 * need one task to lose many decisions in a row, swarm on bugs that a fault exposes — so a
 * portfolio pays at most a small constant factor on each while never being stuck with the wrong
 * one (the idea behind algorithm portfolios in SAT solving).
 */
import type { Outcome } from "../sim/outcome.js";
import type { RunPlan, Strategy } from "./strategy.js";

export class PortfolioStrategy implements Strategy {
  readonly name = "portfolio";
  private last = -1;
  /** How many runs each member got. */
  private readonly counts: number[];

  /** `members` take turns; `weights` (default all 1) give some members several turns in a row. */
  constructor(
    private readonly members: readonly Strategy[],
    private readonly weights: readonly number[] = members.map(() => 1),
  ) {
    if (members.length === 0) throw new Error("a portfolio needs at least one strategy");
    this.counts = members.map(() => 0);
  }

  nextRun(run: number): RunPlan | null {
    const total = this.weights.reduce((a, b) => a + b, 0);
    let slot = run % total;
    for (let tries = 0; tries < this.members.length; tries++) {
      let i = 0;
      while (slot >= this.weights[i]!) slot -= this.weights[i++]!;
      const plan = this.members[i]!.nextRun(this.counts[i]!);
      if (plan !== null) {
        this.counts[i]!++;
        this.last = i;
        return plan;
      }
      slot = this.weights.slice(0, i + 1).reduce((a, b) => a + b, 0) % total; // skip an exhausted member
    }
    return null;
  }

  runDone(outcome: Outcome): void {
    if (this.last >= 0) this.members[this.last]!.runDone?.(outcome);
  }

  stats(): Record<string, number | string | boolean> {
    const out: Record<string, number | string | boolean> = {};
    this.members.forEach((m, i) => {
      out[`runs.${m.name}`] = this.counts[i]!;
      for (const [k, v] of Object.entries(m.stats?.() ?? {})) out[`${m.name}.${k}`] = v;
    });
    return out;
  }
}
