/**
 * wakesim/explore — the extension points of exploration: the Chooser every choice goes to, the
 * Strategy that hands out a chooser per run, the built-in choosers and strategies, and the
 * shrinker. `explore` itself is on the root.
 */
export type { Chooser, ChoiceKind, Decider, FaultKind } from "../chooser/chooser.js";
export { FAULT_KINDS, ChooserError } from "../chooser/chooser.js";
export { SeededChooser } from "../chooser/seeded.js";
export type { SeededChooserOptions } from "../chooser/seeded.js";
export { ReplayChooser } from "../chooser/replay.js";
export type { Strategy, RunPlan } from "./strategy.js";
export { STRATEGY_NAMES, makeStrategy, isSystematic } from "./strategies.js";
export type { StrategyName } from "./strategies.js";
export { RandomStrategy } from "./random.js";
export { SwarmStrategy } from "./swarm.js";
export { PortfolioStrategy } from "./portfolio.js";
export { PctChooser, PctStrategy, pctMissBound } from "./pct.js";
export type { PctChooserOptions, PctStrategyOptions } from "./pct.js";
export { ExhaustiveStrategy } from "./exhaustive.js";
export type { ExhaustiveOptions } from "./exhaustive.js";
export { shrink } from "./shrink.js";
export type { Rerun, ShrinkInput, ShrinkResult } from "./shrink.js";
export { ThreadExplorerStrategy, dporStrategy, threadDfsStrategy } from "./thread-strategy.js";
export { DporExplorer } from "./dpor.js";
export { ThreadDfsExplorer } from "./thread-dfs.js";
export type { ThreadDfsOptions } from "./thread-dfs.js";
export type { ThreadExplorer, ThreadRun, ThreadExplorerStats } from "./thread-explorer.js";
export type { Access, AccessKind, ThreadEvent, ThreadNo, ObjectId } from "./thread-access.js";
