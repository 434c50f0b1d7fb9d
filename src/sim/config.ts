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
      throw new OptionError(k, `unknown option${hint ? ` — did you mean '${hint}'?` : ""}. Known options: ${KEYS.join(", ")}.`);
    }
  }
  const seed = o.seed ?? 0;
  if (!(typeof seed === "string" || Number.isFinite(seed))) throw new OptionError("seed", `expected a finite number or a string, got ${String(seed)}`);
  if (o.chooser !== undefined && typeof o.chooser?.choose !== "function") {
    throw new OptionError("chooser", "expected an object with choose(n, kind) and a name");
  }
  return {
    seed,
    chooser: o.chooser,
    executor: checkExecutor(o.executor ?? "permissive"),
    faults: checkFaults(o.faults ?? "none"),
    faultProbability: checkProbability("faultProbability", o.faultProbability ?? 0.1),
    maxLatencyTicks: checkInt("maxLatencyTicks", o.maxLatencyTicks ?? 5, 0),
    pollCostTicks: checkInt("pollCostTicks", o.pollCostTicks ?? 0, 0),
    maxSteps: checkInt("maxSteps", o.maxSteps ?? 100_000, 1),
    trace: checkBool("trace", o.trace ?? false),
    allowPanics: checkBool("allowPanics", o.allowPanics ?? false),
    scenario: typeof o.scenario === "string" ? o.scenario : "",
  };
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

function checkFaults(f: FaultSpec): ReadonlySet<FaultKind> {
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
      throw new OptionError("faults", `unknown fault kind '${k}'${hint ? ` — did you mean '${hint}'?` : ""}. Known: ${FAULT_KINDS.join(", ")}.`);
    }
  }
  return new Set(list as FaultKind[]);
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object";
  return String(v);
}
