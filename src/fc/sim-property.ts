/**
 * simProperty and simPropertyAsync: fast-check properties that run a scenario under a generated
 * schedule (and, optionally, generated fault kinds and a generated workload), so `fc.assert`
 * shrinks the workload and the schedule *together* to a minimal failing pair.
 *
 *   fc.assert(simProperty((n: number) => channelScenario(n), { inputs: fc.integer({ min: 1, max: 8 }) }));
 *   await fc.assert(simPropertyAsync(lockScenario));   // a scenario with async tasks (sim.spawn(async () => …))
 *
 * simPropertyAsync is to simProperty what exploreAsync is to explore: each run is
 * `runScenarioAsync`, and the property is fast-check's async one, so `fc.assert` returns a promise
 * the test must await. It is a function of its own, not simProperty switching by itself: a
 * synchronous `fc.assert(…)` handed an async property returns a promise nobody awaits, and the
 * test would pass without running a single schedule. simProperty given a scenario with async
 * tasks fails with an AsyncTasksError that names simPropertyAsync.
 *
 * On failure the property throws SimPropertyError, whose message is the report of the run
 * (violation, why, replay token, timeline); fast-check adds the counterexample it shrank to.
 */
import fc from "fast-check";
import type { FaultKind } from "../chooser/chooser.js";
import { ReplayChooser } from "../chooser/replay.js";
import { AsyncTasksError } from "../core/errors.js";
import type { SimOptions } from "../sim/config.js";
import type { Outcome } from "../sim/outcome.js";
import { replay, replayAsync, runScenario, runScenarioAsync, type Scenario } from "../sim/scenario.js";
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

/** What a property's run gets from fast-check: the workload, the schedule, the fault kinds. */
type Generated<I> = [I, number[], FaultKind[]];

/** A scenario, or a factory that makes one from the generated workload. */
export type SimPropertyTarget<I> = Scenario | ((inputs: I) => Scenario);

/** The property's arbitraries and, per generated value, the scenario and the options of its run. */
function parts<I>(target: SimPropertyTarget<I>, opts: SimPropertyOptions<I>) {
  const { inputs, faults, schedule, ...simOptions } = opts;
  const inputArb = (inputs ?? fc.constant(undefined)) as fc.Arbitrary<I>;
  const faultArb: fc.Arbitrary<FaultKind[]> = faults === "generated" ? faultPlanArb() : fc.constant([...(faults ?? [])]);
  const arbs = [inputArb, scheduleArb(schedule), faultArb] as const;
  const run = (input: I, faultKinds: readonly FaultKind[]): { scenario: Scenario; options: SimOptions } => ({
    scenario: typeof target === "function" ? target(input) : target,
    options: { ...simOptions, faults: faultKinds },
  });
  return { arbs, run };
}

/** The failure of a property's run, from the traced replay of that run. */
function failure(scenario: Scenario, traced: Outcome): SimPropertyError {
  return new SimPropertyError(formatReport(traced, { scenario: scenario.name, strategy: "fast-check" }), traced);
}

/** A fast-check property over the schedules (and workloads, fault kinds) of a scenario of futures. */
export function simProperty<I = undefined>(target: SimPropertyTarget<I>, opts: SimPropertyOptions<I> = {}): fc.IPropertyWithHooks<Generated<I>> {
  const { arbs, run } = parts(target, opts);
  return fc.property(...arbs, (input, choices, faultKinds) => {
    const { scenario, options } = run(input, faultKinds);
    let out: Outcome;
    try {
      out = runScenario(scenario, { ...options, chooser: new ReplayChooser(choices, "fast-check") });
    } catch (e) {
      throw e instanceof AsyncTasksError ? new AsyncTasksError(SIM_PROPERTY_ASYNC, e.spawnedBy) : e;
    }
    if (out.ok) return;
    throw failure(scenario, replay(scenario, out.token, options));
  });
}

/**
 * As simProperty, for a scenario with async tasks (or any scenario): each run is
 * `runScenarioAsync` and the failure's replay `replayAsync`. Await what `fc.assert` returns.
 */
export function simPropertyAsync<I = undefined>(target: SimPropertyTarget<I>, opts: SimPropertyOptions<I> = {}): fc.IAsyncPropertyWithHooks<Generated<I>> {
  const { arbs, run } = parts(target, opts);
  return fc.asyncProperty(...arbs, async (input, choices, faultKinds) => {
    const { scenario, options } = run(input, faultKinds);
    const out = await runScenarioAsync(scenario, { ...options, chooser: new ReplayChooser(choices, "fast-check") });
    if (out.ok) return;
    throw failure(scenario, await replayAsync(scenario, out.token, options));
  });
}

const SIM_PROPERTY_ASYNC = "make the property with simPropertyAsync(…) instead of simProperty(…), and await it: `await fc.assert(simPropertyAsync(scenario))`";
