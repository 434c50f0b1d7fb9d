/**
 * SimOptions and their eager validation: every bad option fails at `new Sim(...)` with a message
 * that names the option, what was wrong and what is accepted. Each family's options and checks
 * live with their family (executors/spec.ts, oracles/options.ts, chooser/faults.ts); this file
 * composes them.
 */
import type { Chooser, FaultKind } from "../chooser/chooser.js";
import { checkChooser, checkFaults, type FaultSpec } from "../chooser/faults.js";
import { checkBool, checkInt, checkProbability } from "../core/checks.js";
import { closest, OptionError } from "../core/errors.js";
import { checkExecutor, type ExecutorSpec } from "../executors/spec.js";
import { checkOracles, DEFAULT_ORACLES, type OracleOptions, type OracleSettings } from "../oracles/options.js";

export interface SimOptions {
  /** Seed for the default seeded chooser (default 0). */
  seed?: number | string;
  /** A chooser to use instead of the seeded one (a strategy, or a replay). */
  chooser?: Chooser;
  /** Queueing policy (default "permissive"). A function is called once per Sim to build a fresh executor. */
  executor?: ExecutorSpec;
  /** Fault kinds the chooser may inject (default none). */
  faults?: FaultSpec;
  /** Probability that the seeded chooser injects an enabled fault at an opportunity (default 0.1). */
  faultProbability?: number;
  /** Extra latency, in ticks, that the `latency` fault may add to an I/O transfer (default 5). */
  maxLatencyTicks?: number;
  /** Virtual ticks each poll costs; 0 (default) means polls are instantaneous. */
  pollCostTicks?: number;
  /**
   * Workers that poll tasks at the same time, in a run with preemptible polls (`pollSteps`) or
   * threads (sim/threads.ts). Default: the work-stealing executor's workers, 1 for "fifo" and
   * "lifo-slot" (single-threaded run queues), 2 otherwise. Plain polls are atomic whatever it is.
   */
  workers?: number;
  /** Upper bound on steps (polls + event deliveries) for `run()` (default 100000). */
  maxSteps?: number;
  /** Record a full trace (default false: only the choices are recorded). */
  trace?: boolean;
  /** Do not report task panics as violations (they stay values on the join handle). */
  allowPanics?: boolean;
  /** The scenario's name, recorded in replay tokens (runScenario sets it). */
  scenario?: string;
  /** Oracle thresholds, or false to switch every oracle but the quiescence check off (for measuring their cost). */
  oracles?: OracleOptions | false;
  /** End the run at the first violation other than a task panic (default true). */
  stopOnViolation?: boolean;
  /** runScenario: rerun the same choices and compare traces, reporting the first divergence. */
  checkDeterminism?: boolean;
}

/** SimOptions checked, with every default filled in (what a Sim runs with: `sim.options`). */
export interface SimSettings {
  seed: number | string;
  chooser: Chooser | undefined;
  executor: ExecutorSpec;
  faults: ReadonlySet<FaultKind>;
  faultProbability: number;
  maxLatencyTicks: number;
  pollCostTicks: number;
  /** Undefined: the executor's default (see SimOptions.workers). */
  workers: number | undefined;
  maxSteps: number;
  trace: boolean;
  allowPanics: boolean;
  scenario: string;
  oracles: OracleSettings;
  stopOnViolation: boolean;
  checkDeterminism: boolean;
}

const KEYS = [
  "seed",
  "chooser",
  "executor",
  "faults",
  "faultProbability",
  "maxLatencyTicks",
  "pollCostTicks",
  "workers",
  "maxSteps",
  "trace",
  "allowPanics",
  "scenario",
  "oracles",
  "stopOnViolation",
  "checkDeterminism",
] as const;

const KEY_SET: ReadonlySet<string> = new Set(KEYS);

/** Checks `o` (an OptionError names the first bad option and how to fix it) and fills in the defaults. */
export function checkSimOptions(o: SimOptions): SimSettings {
  if (typeof o !== "object" || o === null) throw new OptionError("options", "expected an object like { seed: 1 }");
  for (const k in o) {
    if (!KEY_SET.has(k)) {
      const hint = closest(k, KEYS);
      throw new OptionError(k, `unknown option${hint ? ` — did you mean '${hint}'?` : "."} Known options: ${KEYS.join(", ")}.`);
    }
  }
  const seed = o.seed ?? 0;
  if (!(typeof seed === "string" || Number.isFinite(seed))) throw new OptionError("seed", `expected a finite number or a string, got ${String(seed)}`);
  const chooser = checkChooser(o.chooser);
  return {
    seed,
    chooser,
    executor: checkExecutor(o.executor ?? "permissive"),
    faults: checkFaults(o.faults ?? "none"),
    faultProbability: checkProbability("faultProbability", o.faultProbability ?? 0.1),
    maxLatencyTicks: checkInt("maxLatencyTicks", o.maxLatencyTicks ?? 5, 0),
    pollCostTicks: checkInt("pollCostTicks", o.pollCostTicks ?? 0, 0),
    workers: o.workers === undefined ? undefined : checkInt("workers", o.workers, 1),
    maxSteps: checkInt("maxSteps", o.maxSteps ?? 100_000, 1),
    trace: checkBool("trace", o.trace ?? false),
    allowPanics: checkBool("allowPanics", o.allowPanics ?? false),
    scenario: typeof o.scenario === "string" ? o.scenario : "",
    oracles: o.oracles === undefined ? DEFAULT_ORACLES : checkOracles(o.oracles),
    stopOnViolation: checkBool("stopOnViolation", o.stopOnViolation ?? true),
    checkDeterminism: checkBool("checkDeterminism", o.checkDeterminism ?? false),
  };
}

/**
 * @internal Settings checkSimOptions already made: `new Sim(new CheckedOptions(s))` takes them as
 * they are, so explore() checks its options once, not in every run's fresh Sim.
 */
export class CheckedOptions {
  constructor(readonly settings: SimSettings) {}
}


/** The workers of a run with threads (SimOptions.workers and its default). */
export function workersOf(o: SimSettings): number {
  if (o.workers !== undefined) return o.workers;
  const e = o.executor;
  if (e === "fifo" || e === "lifo-slot" || (typeof e === "object" && e.kind === "lifo-slot")) return 1;
  if (typeof e === "object" && e.kind === "work-stealing") return e.workers ?? 2;
  return 2;
}
