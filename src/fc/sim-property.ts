/**
 * simProperty: a fast-check property that runs a scenario under a generated schedule (and,
 * optionally, generated fault kinds and a generated workload), so `fc.assert` shrinks the
 * workload and the schedule *together* to a minimal failing pair.
 *
 *   fc.assert(simProperty((n: number) => channelScenario(n), { inputs: fc.integer({ min: 1, max: 8 }) }));
 *
 * On failure the property throws SimPropertyError, whose message is the report of the run
 * (violation, why, replay token, timeline); fast-check adds the counterexample it shrank to.
 */
import fc from "fast-check";
import type { FaultKind } from "../chooser/chooser.js";
import { ReplayChooser } from "../chooser/replay.js";
import type { SimOptions } from "../sim/config.js";
import type { Outcome } from "../sim/outcome.js";
import { replay, runScenario, type Scenario } from "../sim/scenario.js";
import { formatReport } from "../report/report.js";
import { faultPlanArb, scheduleArb, type ScheduleArbOptions } from "./arbitraries.js";

/**
 * The error a failing simProperty throws (fast-check reports it as the cause). Printed, it is
 * the report and the token only: test runners print an error's own properties (vitest walks them
 * all, through `toJSON` where there is one; Node's inspect prints the enumerable ones), and the
 * outcome with its trace and options printed as some 30–50 KB of object dump after the report.
 */
export class SimPropertyError extends Error {
  override readonly name = "SimPropertyError";
  /** The failing run (replayed with its full trace). Not enumerable: see the class comment. */
  declare readonly outcome: Outcome;
  constructor(message: string, outcome: Outcome) {
    super(message);
    Object.defineProperty(this, "outcome", { value: outcome, enumerable: false });
  }

  /** What vitest serializes and prints for this error: the report (as the message) and the token. */
  toJSON(): { name: string; message: string; stack: string | undefined; token: string } {
    return { name: this.name, message: this.message, stack: this.stack, token: this.outcome.token };
  }
}

export interface SimPropertyOptions<I> extends Omit<SimOptions, "chooser" | "faults" | "seed"> {
  /** Generates the workload handed to a scenario factory. */
  inputs?: fc.Arbitrary<I>;
  /** Fault kinds: fixed, or "generated" to let fast-check pick (and shrink) them. Default none. */
  faults?: readonly FaultKind[] | "generated";
  /** Shape of the generated schedules. */
  schedule?: ScheduleArbOptions;
}

export function simProperty<I = undefined>(
  target: Scenario | ((inputs: I) => Scenario),
  opts: SimPropertyOptions<I> = {},
): fc.IPropertyWithHooks<[I, number[], FaultKind[]]> {
  const { inputs, faults, schedule, ...simOptions } = opts;
  const inputArb = (inputs ?? fc.constant(undefined)) as fc.Arbitrary<I>;
  const faultArb: fc.Arbitrary<FaultKind[]> = faults === "generated" ? faultPlanArb() : fc.constant([...(faults ?? [])]);
  return fc.property(inputArb, scheduleArb(schedule), faultArb, (input, choices, faultKinds) => {
    const scenario = typeof target === "function" ? target(input) : target;
    const options: SimOptions = { ...simOptions, faults: faultKinds };
    const out = runScenario(scenario, { ...options, chooser: new ReplayChooser(choices, "fast-check") });
    if (out.ok) return;
    const traced = replay(scenario, out.token, options);
    throw new SimPropertyError(formatReport(traced, { scenario: scenario.name, strategy: "fast-check" }), traced);
  });
}
