/**
 * Builds a strategy from its name: the choices offered by `explore({ strategy })`.
 */
import { ExhaustiveStrategy } from "./exhaustive.js";
import { PctStrategy } from "./pct.js";
import { FAULT_KINDS, type FaultKind } from "../chooser/chooser.js";
import { checkSimOptions, type SimOptions } from "../sim/config.js";
import { PortfolioStrategy } from "./portfolio.js";
import { RandomStrategy } from "./random.js";
import type { Strategy } from "./strategy.js";
import { SwarmStrategy } from "./swarm.js";
import { dporStrategy } from "./thread-strategy.js";

export const STRATEGY_NAMES = ["portfolio", "random", "pct", "swarm", "exhaustive", "dpor"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Strategies that are one deterministic walk (not seeded blocks of runs): no sharding, no pool. */
export const isSystematic = (name: string): boolean => name === "exhaustive" || name === "dpor";

export function makeStrategy(name: StrategyName, seed: number | string, base: SimOptions, pctDepth: number): Strategy {
  const fp = base.faultProbability;
  switch (name) {
    case "random":
      return new RandomStrategy(seed, fp);
    case "pct":
      return new PctStrategy(seed, { depth: pctDepth, ...(fp === undefined ? {} : { faultProbability: fp }) });
    case "swarm":
      return new SwarmStrategy(seed, swarmKinds(base));
    case "exhaustive":
      return new ExhaustiveStrategy({});
    case "dpor":
      return dporStrategy();
    case "portfolio":
      // Weights 2 : 1 : 1 (random, PCT, swarm), measured by `npm run bench:find`: PCT finds
      // starvation-shaped bugs in a few runs but wastes most of its runs on shallow ordering
      // bugs, so random keeps half the runs and the portfolio stays within 2× of it there.
      return new PortfolioStrategy(
        [
          new RandomStrategy(`${seed}:r`, fp),
          new PctStrategy(`${seed}:p`, { depth: pctDepth, ...(fp === undefined ? {} : { faultProbability: fp }) }),
          new SwarmStrategy(`${seed}:s`, swarmKinds(base)),
        ],
        [2, 1, 1],
      );
  }
}

/** The fault kinds swarm may switch on: those the options allow (all when they name none). */
function swarmKinds(base: SimOptions): readonly FaultKind[] {
  return base.faults === undefined ? FAULT_KINDS : [...checkSimOptions({ faults: base.faults }).faults];
}
