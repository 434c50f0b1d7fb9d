/**
 * SimOptions and their eager validation: every bad option fails at `new Sim(...)` with a message
 * that names the option, what was wrong and what is accepted.
 */
import type { Chooser, FaultKind } from "../chooser/chooser.js";
import { FAULT_KINDS } from "../chooser/chooser.js";
import type { Executor, ExecutorFactory } from "../executors/executor.js";
import { closest, OptionError } from "./errors.js";

export type ExecutorName = "fifo" | "permissive" | "lifo-slot" | "work-stealing";

export interface WorkStealingOptions {
  kind: "work-stealing";
  /** Number of simulated workers (default 2). */
  workers?: number;
  /** Every this many polls a worker checks the global injector first (default 61, as tokio). */
  globalQueueIntervalPolls?: number;
  /** Use a LIFO slot per worker for tasks woken by the running task (default true). */
  lifoSlot?: boolean;
  /** Polls in a row a worker may take from its LIFO slot before it must use its queue (default 3). */
  maxLifoPollsInRow?: number;
}

export interface LifoSlotOptions {
  kind: "lifo-slot";
  /** Polls in a row from the LIFO slot before the queue head must go (default: unbounded, the starvation source). */
  maxLifoPollsInRow?: number;
}

export type ExecutorSpec = ExecutorName | WorkStealingOptions | LifoSlotOptions | ExecutorFactory;

/**
 * Oracle thresholds. Every default is chosen to give no false alarm on correct code under the
 * built-in strategies; each is a named knob with its unit in the name.
 */
export interface OracleOptions {
  /** Flag a poll that returns pending with no clone of its waker taken and no wake issued (default true). */
  pendingWithoutWaker?: boolean;
  /**
   * Wakes through a waker from an older poll of the task (stale wakers). Such a wake reaches the
   * task in most runtimes, so it is reported only when it would lose the task:
   * "report" (default) explores both kinds of runtime, one per run (chosen the first time it
   * matters): wakers per task, where old wakers wake it and willWake is true across polls
   * (choice 0), or per poll, where old wakers are inert and willWake false across polls
   * (choice 1) — and reports `stale-waker` when an inert one leaves the task parked; "inert" is
   * always per poll (no choice); "off" always per task and never reports one.
   */
  staleWakers?: "report" | "inert" | "off";
  /** A runnable task must be polled within max(fairnessMinSteps, fairnessStepsPerRunnable × runnable tasks) steps (defaults 200 and 50). Checked only under a fair chooser. */
  fairnessStepsPerRunnable?: number;
  fairnessMinSteps?: number;
  /** Polls in a row without any reactor delivery while events are pending (default 1000). */
  reactorStarvationPolls?: number;
  /** Polls of one task with no progress anywhere: no task finished, no event delivered, no bytes moved, no sim.progress() (default 10 000). */
  livelockPolls?: number;
  /** Inner polls one poll may make (counted by the reference combinators and countInnerPoll) (default 10000). */
  pollBudget?: number;
  /** Steps a waiter may stay parked on a simulation resource that is ready for it (default 50). */
  parkedWhileReadySteps?: number;
  /** Times a waiter may be overtaken on a monitored resource (default 100). */
  bypassLimit?: number;
  /** Trap Date.now, Math.random, real timers and microtasks while the run steps (default true). */
  escapes?: boolean;
}

export interface ResolvedOracles {
  readonly enabled: boolean;
  readonly pendingWithoutWaker: boolean;
  readonly staleWakers: "report" | "inert" | "off";
  readonly fairnessStepsPerRunnable: number;
  readonly fairnessMinSteps: number;
  readonly reactorStarvationPolls: number;
  readonly livelockPolls: number;
  readonly pollBudget: number;
  readonly parkedWhileReadySteps: number;
  readonly bypassLimit: number;
  readonly escapes: boolean;
}

export type FaultSpec = "all" | "none" | readonly FaultKind[] | Partial<Record<FaultKind, boolean>>;

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

export interface ResolvedOptions {
  seed: number | string;
  chooser: Chooser | undefined;
  executor: ExecutorSpec;
  faults: ReadonlySet<FaultKind>;
  faultProbability: number;
  maxLatencyTicks: number;
  pollCostTicks: number;
  maxSteps: number;
  trace: boolean;
  allowPanics: boolean;
  scenario: string;
  oracles: ResolvedOracles;
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
  "maxSteps",
  "trace",
  "allowPanics",
  "scenario",
  "oracles",
  "stopOnViolation",
  "checkDeterminism",
] as const;

const KEY_SET: ReadonlySet<string> = new Set(KEYS);
const NO_FAULTS: ReadonlySet<FaultKind> = new Set();
const ALL_FAULTS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS);

const EXECUTORS: readonly ExecutorName[] = ["fifo", "permissive", "lifo-slot", "work-stealing"];

export function resolveOptions(o: SimOptions): ResolvedOptions {
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
    maxSteps: checkInt("maxSteps", o.maxSteps ?? 100_000, 1),
    trace: checkBool("trace", o.trace ?? false),
    allowPanics: checkBool("allowPanics", o.allowPanics ?? false),
    scenario: typeof o.scenario === "string" ? o.scenario : "",
    oracles: o.oracles === undefined ? DEFAULT_ORACLES : checkOracles(o.oracles),
    stopOnViolation: checkBool("stopOnViolation", o.stopOnViolation ?? true),
    checkDeterminism: checkBool("checkDeterminism", o.checkDeterminism ?? false),
  };
}

/** Checks the `chooser` option (undefined: the Sim makes a seeded one). */
export function checkChooser(c: Chooser | undefined): Chooser | undefined {
  if (c !== undefined && typeof c?.choose !== "function") {
    throw new OptionError("chooser", "expected an object with choose(n, kind) and a name");
  }
  return c;
}

/**
 * @internal Options that resolveOptions already checked: `new Sim(new CheckedOptions(o))` takes
 * them as they are. explore() resolves its options once and only swaps the chooser per run;
 * resolving them again in every run's fresh Sim was a good part of what a short run cost.
 */
export class CheckedOptions {
  constructor(readonly resolved: ResolvedOptions) {}
}

/** Checks a non-negative (or ≥ min) integer option; used for durations and bounds everywhere. */
export function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new OptionError(name, `expected an integer${/ticks/i.test(name) ? " number of ticks" : ""}, got ${describe(v)}`);
  }
  if (v < min) throw new OptionError(name, `must be ≥ ${min}, got ${v}`);
  return v;
}

function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new OptionError(name, `expected true or false, got ${describe(v)}`);
  return v;
}

function checkProbability(name: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new OptionError(name, `expected a probability between 0 and 1, got ${describe(v)}`);
  return v;
}

const ORACLE_KEYS = [
  "pendingWithoutWaker",
  "staleWakers",
  "fairnessStepsPerRunnable",
  "fairnessMinSteps",
  "reactorStarvationPolls",
  "livelockPolls",
  "pollBudget",
  "parkedWhileReadySteps",
  "bypassLimit",
  "escapes",
] as const;

const DEFAULT_ORACLES: ResolvedOracles = Object.freeze({
  enabled: true,
  pendingWithoutWaker: true,
  staleWakers: "report",
  fairnessStepsPerRunnable: 50,
  fairnessMinSteps: 200,
  reactorStarvationPolls: 1000,
  // 10 000, as pollBudget: a long but finite batch (a loop of yieldNow() over a few thousand
  // items) is legal code; a loop making no progress for longer is almost surely endless, and
  // each livelocked run, and each of its shrink reruns, costs this many polls.
  livelockPolls: 10_000,
  pollBudget: 10_000,
  parkedWhileReadySteps: 50,
  bypassLimit: 100,
  escapes: true,
});

const NO_ORACLES: ResolvedOracles = Object.freeze({
  ...DEFAULT_ORACLES,
  enabled: false,
  pendingWithoutWaker: false,
  staleWakers: "off",
  escapes: false,
});

function checkOracles(o: OracleOptions | false): ResolvedOracles {
  if (o === false) return NO_ORACLES;
  if (typeof o !== "object" || o === null) throw new OptionError("oracles", `expected an object of thresholds or false, got ${describe(o)}`);
  for (const k in o) {
    if (!(ORACLE_KEYS as readonly string[]).includes(k)) {
      const hint = closest(k, ORACLE_KEYS);
      throw new OptionError(`oracles.${k}`, `unknown oracle option${hint ? ` — did you mean '${hint}'?` : "."} Known: ${ORACLE_KEYS.join(", ")}.`);
    }
  }
  const d = DEFAULT_ORACLES;
  const stale = o.staleWakers ?? d.staleWakers;
  if (stale !== "report" && stale !== "inert" && stale !== "off") {
    throw new OptionError("oracles.staleWakers", `expected "report", "inert" or "off", got ${describe(stale)}`);
  }
  return {
    enabled: true,
    pendingWithoutWaker: checkBool("oracles.pendingWithoutWaker", o.pendingWithoutWaker ?? d.pendingWithoutWaker),
    staleWakers: stale,
    fairnessStepsPerRunnable: checkInt("oracles.fairnessStepsPerRunnable", o.fairnessStepsPerRunnable ?? d.fairnessStepsPerRunnable, 1),
    fairnessMinSteps: checkInt("oracles.fairnessMinSteps", o.fairnessMinSteps ?? d.fairnessMinSteps, 1),
    reactorStarvationPolls: checkInt("oracles.reactorStarvationPolls", o.reactorStarvationPolls ?? d.reactorStarvationPolls, 1),
    livelockPolls: checkInt("oracles.livelockPolls", o.livelockPolls ?? d.livelockPolls, 1),
    pollBudget: checkInt("oracles.pollBudget", o.pollBudget ?? d.pollBudget, 1),
    parkedWhileReadySteps: checkInt("oracles.parkedWhileReadySteps", o.parkedWhileReadySteps ?? d.parkedWhileReadySteps, 1),
    bypassLimit: checkInt("oracles.bypassLimit", o.bypassLimit ?? d.bypassLimit, 1),
    escapes: checkBool("oracles.escapes", o.escapes ?? d.escapes),
  };
}

function checkExecutor(e: ExecutorSpec): ExecutorSpec {
  if (typeof e === "function") return e;
  if (typeof e === "string") {
    if ((EXECUTORS as readonly string[]).includes(e)) return e;
    const hint = closest(e, EXECUTORS);
    throw new OptionError("executor", `unknown executor '${e}'${hint ? ` — did you mean '${hint}'?` : "."} Use one of ${EXECUTORS.join(", ")}, an options object, or a factory () => Executor.`);
  }
  if (typeof e === "object" && e !== null && (e.kind === "work-stealing" || e.kind === "lifo-slot")) return e;
  if (typeof e === "object" && e !== null && typeof (e as Executor).schedule === "function") {
    throw new OptionError("executor", "got an executor instance; pass a factory instead (executor: () => new MyExecutor()) so every Sim gets a fresh one.");
  }
  throw new OptionError("executor", `expected one of ${EXECUTORS.join(", ")}, { kind: "work-stealing", ... } or a factory, got ${describe(e)}`);
}

export function checkFaults(f: FaultSpec): ReadonlySet<FaultKind> {
  // Shared sets: they are never mutated, and a fresh Sim per run must stay cheap.
  if (f === "all") return ALL_FAULTS;
  if (f === "none") return NO_FAULTS;
  const list: string[] = Array.isArray(f) ? [...f] : Object.entries(f as object).filter(([, on]) => on === true).map(([k]) => k);
  if (!Array.isArray(f)) {
    for (const [k, on] of Object.entries(f as object)) {
      if (typeof on !== "boolean") throw new OptionError(`faults.${k}`, `expected true or false, got ${describe(on)}`);
    }
  }
  const keys = Array.isArray(f) ? list : Object.keys(f as object);
  for (const k of keys) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      const hint = closest(k, FAULT_KINDS);
      throw new OptionError("faults", `unknown fault kind '${k}'${hint ? ` — did you mean '${hint}'?` : "."} Known: ${FAULT_KINDS.join(", ")}.`);
    }
  }
  return new Set(list as FaultKind[]);
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object";
  return String(v);
}
