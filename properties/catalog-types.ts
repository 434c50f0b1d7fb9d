/**
 * The fixture catalog's shape: for every buggy twin, what the default exploration must find,
 * within what budget, and how small its shrunk schedule must be; for every correct version,
 * the options it must survive under every strategy.
 */
import type { Scenario, SimOptions, ViolationKind } from "wakesim";

export interface BuggyCase {
  /** The fixture file under fixtures/ (without .ts). */
  readonly fixture: string;
  /** Names the twin in test titles and the README table. */
  readonly twin: string;
  readonly scenario: Scenario;
  /** The bug class it plants (one of the classes listed in issue 5). */
  readonly bugClass: string;
  /** The oracle that must catch it, and its sub-kind (detection, cause, rule, or a stuck task's diagnosis) when it matters. */
  readonly expect: { readonly kind: ViolationKind; readonly sub?: string };
  /** Options for the exploration (faults, executor, thresholds). */
  readonly options?: SimOptions;
  /** The default exploration (portfolio) must find it within this many runs (≤ 2000). */
  readonly budgetRuns: number;
  /** Bound on the shrunk schedule: choices that differ from the default (0). */
  readonly maxShrunkDeviations: number;
}

export interface CorrectCase {
  readonly fixture: string;
  readonly name: string;
  readonly scenario: Scenario;
  /** Options every strategy runs it under (faults on, typically). */
  readonly options?: SimOptions;
}
