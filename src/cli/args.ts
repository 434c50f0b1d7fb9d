/**
 * Argument parsing for every command (node:util parseArgs), with messages that name the
 * argument, say what was expected and how to get help. Every error here exits 2.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { FAULT_KINDS, type FaultKind } from "../chooser/chooser.js";
import { STRATEGY_NAMES, type StrategyName } from "../explore/strategies.js";
import { EXECUTOR_NAMES, type ExecutorName } from "../executors/spec.js";
import type { SimOptions } from "../sim/config.js";
import { closest } from "../core/errors.js";
import { CliError } from "./errors.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** parseArgs in strict mode; its errors become CliErrors naming the option and the command. */
export function parseCommand(command: string, argv: readonly string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw translate(command, e, options);
  }
}

function translate(command: string, e: unknown, options: OptionSpec): Error {
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  const help = `(see: wakesim ${command} --help)`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(msg)?.[1] ?? "?";
    const name = flag.replace(/^-+/, "").replace(/=.*$/, "");
    const known = Object.keys(options);
    const hint = closest(name, known);
    return new CliError(
      `${command}: unknown option '${flag}'${hint === undefined ? "" : ` — did you mean '--${hint}'?`} ${help}\n` +
        `  options: ${known.map((k) => `--${k}`).join(", ")}`,
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /'(-[^' ]+)/.exec(msg)?.[1];
    if (flag !== undefined && /argument missing/.test(msg)) return new CliError(`${command}: option '${flag}' needs a value, e.g. ${example(flag)} ${help}`);
    if (flag !== undefined && /does not take an argument/.test(msg)) return new CliError(`${command}: option '${flag}' is a switch and takes no value ${help}`);
    return new CliError(`${command}: ${msg} ${help}`);
  }
  return new CliError(`${command}: ${msg} ${help}`);
}

function example(flag: string): string {
  const samples: Record<string, string> = {
    "--runs": "--runs 10000",
    "--time": "--time 30s",
    "--seed": "--seed 42",
    "--shard": "--shard 0/4",
    "--corpus": "--corpus wakesim/corpus",
    "--strategy": "--strategy pct",
    "--executor": "--executor fifo",
    "--faults": "--faults all",
    "--trace": "--trace out.json",
    "--html": "--html out.html",
    "--workers": "--workers 2",
    "--watchdog": "--watchdog 10s",
  };
  return samples[flag] ?? `${flag} VALUE`;
}

/** --runs: a positive whole number (underscores allowed as separators: 10_000). */
export function parseRuns(text: string): number {
  const t = text.replace(/_/g, "");
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`--runs must be a positive whole number of runs, like --runs 10000; got '${text}'`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** --time (or --watchdog, named by `flag`): a duration with units — 500ms, 30s, 2m, 1h, or combined like 1m30s. Returns milliseconds. */
export function parseDuration(text: string, flag = "--time"): number {
  const t = text.trim();
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const whole = parts.map((p) => p[0]).join("");
  const bad = () =>
    new CliError(`${flag} must be a duration with a unit, like ${flag} 30s, 2m, 500ms or 1m30s; got '${text}'${/^\d+(\.\d+)?$/.test(t) ? " (add a unit: s for seconds)" : ""}`);
  if (parts.length === 0 || whole !== t) throw bad();
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (!(ms >= 1) || !Number.isFinite(ms)) throw new CliError(`${flag} must be at least 1ms; got '${text}'`);
  return Math.round(ms);
}

/** Most worker threads --workers takes. */
export const MAX_WORKERS = 256;

/** --workers N: a whole number of worker threads, 1 to MAX_WORKERS. */
export function parseWorkers(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new CliError(`--workers must be a whole number of worker threads from 1 to ${MAX_WORKERS}, like --workers 2 (1, the default, explores in this process); got '${text}'`);
  }
  return n;
}

/** --seed: an integer (kept a number, as explore() takes it) or any other non-empty text. */
export function parseSeed(text: string): number | string {
  if (text.trim() === "") throw new CliError("--seed must not be empty: give an integer like --seed 42 (or any word)");
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  return text;
}

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** --shard i/n: shard i (0-based) of n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m === null ? NaN : Number(m[1]);
  const n = m === null ? NaN : Number(m[2]);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n) || n < 1 || i >= n) {
    throw new CliError(
      `--shard must be i/n with 0 ≤ i < n (shards are numbered from 0: --shard 0/4 … --shard 3/4); got '${text}'`,
    );
  }
  return { index: i, count: n };
}

export function parseStrategy(text: string): StrategyName {
  if ((STRATEGY_NAMES as readonly string[]).includes(text)) return text as StrategyName;
  const hint = closest(text, STRATEGY_NAMES);
  throw new CliError(`--strategy must be one of ${STRATEGY_NAMES.join(", ")}; got '${text}'${hint === undefined ? "" : ` — did you mean '${hint}'?`}`);
}

export function parseExecutor(text: string): ExecutorName {
  if ((EXECUTOR_NAMES as readonly string[]).includes(text)) return text as ExecutorName;
  const hint = closest(text, EXECUTOR_NAMES);
  throw new CliError(`--executor must be one of ${EXECUTOR_NAMES.join(", ")}; got '${text}'${hint === undefined ? "" : ` — did you mean '${hint}'?`}`);
}

/** --faults: "all", "none", or a comma-separated list of fault kinds. */
export function parseFaults(text: string): "all" | "none" | FaultKind[] {
  if (text === "all" || text === "none") return text;
  const kinds = text.split(",").map((k) => k.trim()).filter((k) => k !== "");
  if (kinds.length === 0) throw new CliError(`--faults must be all, none, or a comma-separated list of ${FAULT_KINDS.join(", ")}; got '${text}'`);
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      const hint = closest(k, FAULT_KINDS);
      throw new CliError(`--faults: unknown fault kind '${k}'${hint === undefined ? "" : ` — did you mean '${hint}'?`}. Kinds: all, none, ${FAULT_KINDS.join(", ")}`);
    }
  }
  return kinds as FaultKind[];
}

/** The simulation options a command line can set (--executor, --faults). */
export function simOptionsFrom(values: Parsed["values"]): SimOptions {
  const o: SimOptions = {};
  if (typeof values.executor === "string") o.executor = parseExecutor(values.executor);
  if (typeof values.faults === "string") o.faults = parseFaults(values.faults);
  return o;
}

/** The exploration budget: runs per scenario, and/or a wall-time budget (whichever ends first). */
export interface Budget {
  /** Most runs per scenario (null: as many as the time allows). */
  readonly runs: number | null;
  /** Wall time for the whole command, in milliseconds (null: no time limit). */
  readonly timeMs: number | null;
}

export const DEFAULT_RUNS = 1000;

export function budgetFrom(values: Parsed["values"]): Budget {
  const runs = typeof values.runs === "string" ? parseRuns(values.runs) : null;
  const timeMs = typeof values.time === "string" ? parseDuration(values.time) : null;
  return { runs: runs === null && timeMs === null ? DEFAULT_RUNS : runs, timeMs };
}

/** The exploration options shared by fuzz and check. */
export const EXPLORE_OPTIONS = {
  runs: { type: "string" },
  time: { type: "string" },
  strategy: { type: "string" },
  seed: { type: "string" },
  executor: { type: "string" },
  faults: { type: "string" },
  corpus: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

/** --workers and --watchdog (fuzz and check). */
export const WATCHDOG_OPTIONS = {
  workers: { type: "string" },
  watchdog: { type: "string" },
} as const satisfies OptionSpec;

/** The watchdog time when --watchdog is not given: on by default, so that a CI gate never hangs. */
export const DEFAULT_WATCHDOG_MS = 10_000;

const MIN_WATCHDOG_MS = 100;

/** --watchdog T (a duration, at least 100ms), --watchdog off (null), or the default. */
export function parseWatchdog(values: Parsed["values"]): number | null {
  const v = values.watchdog;
  if (typeof v !== "string") return DEFAULT_WATCHDOG_MS;
  if (v.trim() === "off") return null;
  let ms: number;
  try {
    ms = parseDuration(v, "--watchdog");
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`${e.message}; or --watchdog off to run without it`);
    throw e;
  }
  // Each slice of runs is sized to a tenth of the limit, and a guarded call alone costs ~0.25 ms:
  // below this, runs that are merely slow would be stopped as hangs.
  if (ms < MIN_WATCHDOG_MS) throw new CliError(`--watchdog must be at least ${MIN_WATCHDOG_MS}ms (a shorter limit would stop runs that are merely slow); got '${v}'`);
  return ms;
}
