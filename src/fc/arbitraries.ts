/**
 * fast-check arbitraries for schedules and fault plans.
 *
 * A schedule is a plain integer array read by a ReplayChooser: a value ≥ n is taken modulo n and
 * a list that runs out answers 0. So every array is a valid schedule, and fast-check's own
 * shrinking (shorter arrays, smaller numbers) walks toward "0 everywhere" — the default,
 * in-order, fault-free schedule — keeping only the deviations a failure needs.
 */
import fc from "fast-check";
import { FAULT_KINDS, type FaultKind } from "../chooser/chooser.js";

export interface ScheduleArbOptions {
  /** Longest schedule generated (default 300 choices; later choices are 0). */
  maxLength?: number;
  /** Largest choice value (default 7; values are taken modulo the number of options). */
  maxChoice?: number;
}

/** Choice lists, biased toward the default (0) so generated schedules stay near-FIFO. */
export function scheduleArb(opts: ScheduleArbOptions = {}): fc.Arbitrary<number[]> {
  const maxChoice = opts.maxChoice ?? 7;
  // Half the values are 0: a uniform array would deviate at every step, hiding shallow bugs.
  const choice = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat({ max: maxChoice }), weight: 1 });
  return fc.array(choice, { maxLength: opts.maxLength ?? 300 });
}

/** Subsets of fault kinds to switch on (shrinks toward none). */
export function faultPlanArb(kinds: readonly FaultKind[] = FAULT_KINDS): fc.Arbitrary<FaultKind[]> {
  return fc.subarray([...kinds]);
}
