/**
 * Scenarios: a named setup that spawns the tasks of one test, so the harness can run it again
 * and again — under other seeds, strategies, or a recorded schedule (replay).
 *
 * A fixture file's default export is a scenario. `options` are the scenario's own defaults
 * (say, the executor it needs); options given to a run override them.
 */
import { ReplayChooser } from "../chooser/replay.js";
import { compareTraces } from "../oracles/determinism.js";
import { formatTrace } from "../trace/event.js";
import { optionsFingerprint, parseToken, TokenError } from "../trace/token.js";
import { CheckedOptions, checkSimOptions, type SimSettings, type SimOptions } from "./config.js";
import { OptionError } from "../core/errors.js";
import { isFuture } from "../future/future.js";
import { withViolation, type Outcome } from "./outcome.js";
import { Sim } from "./sim.js";

export interface Scenario {
  /** Names the scenario in reports and replay tokens. */
  readonly name: string;
  /** Spawns the tasks (and sets up the primitives) of one run. Must not keep state between runs. */
  setup(sim: Sim): void;
  /** Defaults for every run of this scenario. */
  readonly options?: SimOptions;
}

export function defineScenario(s: Scenario): Scenario {
  if (typeof s !== "object" || s === null) throw new OptionError("scenario", "expected { name, setup(sim) }");
  if (typeof s.name !== "string" || s.name.trim() === "") throw new OptionError("name", "a scenario needs a non-empty name (it appears in reports and replay tokens)");
  if (typeof s.setup !== "function") throw new OptionError("setup", `scenario '${s.name}' needs a setup(sim) function that spawns its tasks`);
  if (s.options !== undefined) checkSimOptions(s.options); // fail now, not on the first run
  return Object.freeze({ ...s });
}

/**
 * Runs a scenario once in a fresh Sim. With `checkDeterminism`, runs it traced, reruns the same
 * choices, and adds a "nondeterminism" violation if the two traces differ.
 */
export function runScenario(scenario: Scenario, options: SimOptions = {}): Outcome {
  const merged: SimOptions = { ...scenario.options, ...options, scenario: scenario.name };
  if (merged.checkDeterminism !== true) return runOnce(scenario, merged);
  const first = runOnce(scenario, { ...merged, trace: true });
  const again = runOnce(scenario, { ...merged, trace: true, chooser: new ReplayChooser(first.choices, first.chooser) });
  const v = compareTraces(first.trace!, again.trace!);
  return v === null ? first : withViolation(first, v);
}

/**
 * True when the scenario's setup spawns an async function (its runs need runScenarioAsync,
 * exploreAsync, replayAsync). Calls the setup once and runs nothing (a first poll may never
 * return); a setup that throws says false (its runs report the throw).
 */
export function spawnsAsyncTasks(scenario: Scenario, options: SimOptions = {}): boolean {
  let found = false;
  try {
    const sim = new Sim({ ...scenario.options, ...options, scenario: scenario.name, trace: false });
    const spawn = sim.spawn.bind(sim);
    sim.spawn = (task, opts) => {
      if (typeof task === "function" && !isFuture(task)) found = true;
      return spawn(task, opts);
    };
    scenario.setup(sim);
  } catch {
    // its runs report it
  }
  return found;
}

/** As runScenario, for a scenario with async tasks (or any scenario): each run is `sim.runAsync()`. */
export async function runScenarioAsync(scenario: Scenario, options: SimOptions = {}): Promise<Outcome> {
  const merged: SimOptions = { ...scenario.options, ...options, scenario: scenario.name };
  if (merged.checkDeterminism !== true) return runOnceAsync(scenario, merged);
  const first = await runOnceAsync(scenario, { ...merged, trace: true });
  const again = await runOnceAsync(scenario, { ...merged, trace: true, chooser: new ReplayChooser(first.choices, first.chooser) });
  const v = compareTraces(first.trace!, again.trace!);
  return v === null ? first : withViolation(first, v);
}

function runOnce(scenario: Scenario, options: SimOptions | CheckedOptions): Outcome {
  const sim = new Sim(options);
  scenario.setup(sim);
  return sim.run();
}

function runOnceAsync(scenario: Scenario, options: SimOptions | CheckedOptions): Promise<Outcome> {
  const sim = new Sim(options);
  // Inside the run: what the setup reads of the clock, and the timers it sets, are the run's.
  return sim.runAsync({ scenario });
}

/**
 * @internal One run with options that checkSimOptions already checked, the scenario's name and
 * defaults merged in (explore's runs: checked once per exploration, not once per run). Without
 * `checkDeterminism`: that check reruns under other options, which runScenario builds.
 */
export function runChecked(scenario: Scenario, options: SimSettings): Outcome {
  return runOnce(scenario, new CheckedOptions(options));
}

/** @internal As runChecked, with `runAsync`. */
export function runCheckedAsync(scenario: Scenario, options: SimSettings): Promise<Outcome> {
  return runOnceAsync(scenario, new CheckedOptions(options));
}

/**
 * Reruns the exact run a token was printed for, with a full trace. The scenario and the
 * run-relevant options (executor, faults, latency, poll cost, step bound) must be the ones of
 * the original run; a token for another scenario or other options is refused, saying which.
 */
export function replay(scenario: Scenario, token: string, options: SimOptions = {}): Outcome {
  return runScenario(scenario, replayOptions(scenario, token, options));
}

/** As replay, for a scenario with async tasks: the run is `sim.runAsync()`. */
export function replayAsync(scenario: Scenario, token: string, options: SimOptions = {}): Promise<Outcome> {
  return runScenarioAsync(scenario, replayOptions(scenario, token, options));
}

/** The options that rerun a token's run, after checking that it belongs to this scenario and these options. */
function replayOptions(scenario: Scenario, token: string, options: SimOptions): SimOptions {
  const t = parseToken(token);
  if (t.scenario !== scenario.name) {
    throw new TokenError(`this replay token was recorded for scenario '${t.scenario}', not '${scenario.name}': replay it against the scenario that printed it`);
  }
  // The token carries the run's fault kinds; the rest of the options must match the original run.
  const merged: SimOptions = { ...scenario.options, ...options, faults: t.faults, scenario: scenario.name, trace: true };
  const fp = optionsFingerprint(checkSimOptions(merged));
  if (fp !== t.fingerprint) {
    throw new TokenError(
      `this replay token for scenario '${scenario.name}' was recorded under other simulation options (fingerprint ${hex(t.fingerprint)}, these give ${hex(fp)}): ` +
        `pass the executor, maxLatencyTicks, pollCostTicks and maxSteps of the original run`,
    );
  }
  return { ...merged, chooser: new ReplayChooser(t.choices, t.generator) };
}

/** The trace of an outcome as text (empty when the run was not traced). */
export function traceText(o: Outcome): string {
  return o.trace === null ? "" : formatTrace(o.trace);
}

const hex = (n: number) => n.toString(16).padStart(8, "0");
