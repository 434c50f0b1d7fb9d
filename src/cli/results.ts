/**
 * The machine-readable results: the document `fuzz --json` prints (and `merge` reads), and the
 * per-scenario result `check --json` embeds.
 *
 * fuzz --json, one document on stdout:
 *   { "wakesim": "0.1.0", "command": "fuzz", "ok": false, "exitCode": 1, "interrupted": false,
 *     "signal"?: "SIGINT" | "SIGTERM" (what stopped it, when one did),
 *     "seed": 0, "strategy": "portfolio", "budget": { "runs": 1000, "timeMs": null },
 *     "shard": { "index": 0, "count": 1 }, "blockRuns": 1000,
 *     "results": [ScenarioResult, …] }
 * ScenarioResult:
 *   { "scenario", "file", "ok", "interrupted", "runs", "steps", "distinctSchedules",
 *     "distinctCapped", "strategy", "seed", "blocks": [{ "index", "seed", "runs" }], "exhausted",
 *     "elapsedMs", "failure": null | { "kind", "oracle": { kind, sub, diagnosis }, "message",
 *     "token", "replay", "run", "seed", "chooser"?, "shrinkSteps", "report" } ("chooser": the
 *     generator that made the failing run, e.g. "alea" when the strategy was "portfolio"),
 *     "residualMissBound": null | { runs, n, k, d, bound },
 *     "hangs"?: [FailureJson with kind "watchdog" …] (runs the watchdog stopped; the first is also
 *       "failure" when no violation was found),
 *     "corpus"?: { "written" | "duplicate": path } | { "error": why the entry could not be written },
 *     "error"?: { "stage": "load" | "explore", "message", "details" } (the file could not be used:
 *       it failed to load — "scenario" is then null —, its setup threw, or it spawned no task;
 *       "ok" is false, the counts are those made before it stopped) 
 *     "notes"?: [string, …] (advice about the scenario, e.g. generator functions made every run) }
 */
import type { ResidualMissBound } from "../explore/explore.js";
import type { Budget, Shard } from "./args.js";
import type { EngineResult, Hang } from "./engine.js";
import { firstLine } from "./format.js";
import { oracleOf, type OracleName } from "../oracles/vocabulary.js";

export interface FailureJson {
  readonly kind: string;
  readonly oracle: OracleName;
  /** The report's first line. */
  readonly message: string;
  readonly token: string;
  /** The exact command that replays it. */
  readonly replay: string;
  readonly run: number;
  readonly seed: number | string;
  /** The chooser (the token's generator) that made the failing run; the result's `strategy` explored. */
  readonly chooser?: string;
  readonly shrinkSteps: number;
  readonly report: string;
}

export interface BlockJson {
  readonly index: number;
  readonly seed: number | string;
  readonly runs: number;
}

/** Why a file could not be explored (the other files still are). */
export interface FileErrorJson {
  /** "load": importing the file failed; "explore": its scenario threw (setup, options) or spawned no task. */
  readonly stage: "load" | "explore";
  /** One line: what happened and what to do. */
  readonly message: string;
  /** The error's full message and the user's stack frames (a transform error's file:line:column). */
  readonly details: string;
}

export type CorpusJson = { readonly written: string } | { readonly duplicate: string } | { readonly error: string };

export interface ScenarioResult {
  /** null when the file could not be loaded (see `error`). */
  readonly scenario: string | null;
  readonly file: string;
  readonly ok: boolean;
  readonly interrupted: boolean;
  readonly runs: number;
  readonly steps: number;
  readonly distinctSchedules: number;
  readonly distinctCapped: boolean;
  readonly strategy: string;
  readonly seed: number | string;
  readonly blocks: readonly BlockJson[];
  readonly exhausted: boolean;
  readonly elapsedMs: number;
  readonly failure: FailureJson | null;
  readonly residualMissBound: ResidualMissBound | null;
  /** Runs the watchdog stopped (a poll that never returned), when there were any (--workers/--watchdog). */
  readonly hangs?: readonly FailureJson[];
  readonly corpus?: CorpusJson;
  /** The file could not be used (it failed to load, its setup threw, it spawned no task). */
  readonly error?: FileErrorJson;
  /** Advice about the scenario itself (e.g. generator functions made afresh every run), when any. */
  readonly notes?: readonly string[];
}

export interface FuzzDocument {
  readonly wakesim: string;
  readonly command: "fuzz";
  readonly ok: boolean;
  readonly exitCode: number;
  readonly interrupted: boolean;
  /** What stopped the exploration early, when a signal did (exit 130 or 143). */
  readonly signal?: "SIGINT" | "SIGTERM";
  readonly seed: number | string;
  readonly strategy: string;
  readonly budget: { readonly runs: number | null; readonly timeMs: number | null };
  readonly shard: Shard;
  readonly blockRuns: number;
  readonly results: readonly ScenarioResult[];
}

function hangJson(h: Hang): FailureJson {
  return {
    kind: "watchdog",
    oracle: { kind: "watchdog", sub: null, diagnosis: "" },
    message: h.message,
    token: h.token ?? "",
    replay: h.replay ?? "",
    run: h.run,
    seed: h.seed,
    shrinkSteps: 0,
    report: h.report,
  };
}

/** The result of a file that could not be used: no runs, no failure, the error. */
export function errorResult(file: string, scenario: string | null, strategy: string, seed: number | string, error: FileErrorJson): ScenarioResult {
  return {
    scenario,
    file,
    ok: false,
    interrupted: false,
    runs: 0,
    steps: 0,
    distinctSchedules: 0,
    distinctCapped: false,
    strategy,
    seed,
    blocks: [],
    exhausted: false,
    elapsedMs: 0,
    failure: null,
    residualMissBound: null,
    error,
  };
}

export function scenarioResult(r: EngineResult, seed: number | string, corpus: CorpusJson | null, notes: readonly string[] = []): ScenarioResult {
  const f = r.failure;
  const hangs = r.hangs.map(hangJson);
  return {
    scenario: r.scenario,
    file: r.file,
    ok: f === null && hangs.length === 0,
    interrupted: r.interrupted,
    runs: r.runs,
    steps: r.steps,
    distinctSchedules: r.distinctSchedules,
    distinctCapped: r.distinctCapped,
    strategy: r.strategy,
    seed,
    blocks: r.blocks.map((b) => ({ index: b.index, seed: b.seed, runs: b.runs })),
    exhausted: r.exhausted,
    elapsedMs: Math.round(r.elapsedMs),
    failure:
      f === null
        ? (hangs[0] ?? null)
        : {
            kind: f.failure.violation.kind,
            oracle: oracleOf(f.failure.violation),
            message: firstLine(f.report),
            token: f.failure.token,
            replay: f.replay,
            run: f.run,
            seed: f.seed,
            chooser: f.failure.outcome.chooser,
            shrinkSteps: f.failure.shrinkSteps,
            report: f.report,
          },
    residualMissBound: r.residualMissBound,
    ...(hangs.length === 0 ? {} : { hangs }),
    ...(corpus === null ? {} : { corpus }),
    ...(notes.length === 0 ? {} : { notes }),
  };
}

export function budgetJson(b: Budget): FuzzDocument["budget"] {
  return { runs: b.runs, timeMs: b.timeMs };
}
