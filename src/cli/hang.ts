/**
 * The report of a run the watchdog stopped (a poll that never returned), for fuzz, check and
 * replay: what happened (the task and the future whose poll hung, the step and virtual time),
 * why it usually happens, the replay token and the exact command, and a hint. The in-process
 * watchdog (src/explore/watchdog.ts) knows the task; a worker stopped by the pool's heartbeat
 * watchdog (pool.ts) does not, and the report says so.
 */
import type { HangSite } from "../explore/watchdog.js";
import { describeSite } from "../explore/watchdog.js";
import { ASYNC_HANG_WHAT, ASYNC_HANG_WHY, HANG_WHY, watchdogHeadline } from "../explore/hang-text.js";
import type { SimOptions } from "../sim/config.js";
import type { RunHang } from "../explore/watched.js";
import type { Scenario } from "../sim/scenario.js";
import type { EngineSettings, Hang } from "./engine.js";
import { replayCommand } from "../report/report.js";
import { replayFlags } from "./format.js";

/**
 * A scenario's exploration stops after this many hangs: each costs up to twice the watchdog time
 * (watched.ts), and a scenario that hangs on many schedules would keep a CI job waiting for the
 * rest of its budget. The first report is what needs fixing.
 */
export const MAX_HANGS = 3;

/** "10s", "1.5s", "500ms": a watchdog time as --watchdog would take it back. */
export function durationFlag(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The report's first line after "<scenario>: FAILED — ". */
export function hangHeadline(site: HangSite | null, limitMs: number, async = false): string {
  if (async) return watchdogHeadline(ASYNC_HANG_WHAT, durationFlag(limitMs), true);
  const what =
    site === null ? "a poll" : site.task !== null ? `the poll of task '${site.task}'` : typeof site.thread === "string" ? `thread '${site.thread}'` : site.inRun ? "the simulation" : "the scenario's code";
  return watchdogHeadline(what, durationFlag(limitMs), false, site !== null && site.task === null && typeof site.thread === "string");
}

export interface HangFacts {
  readonly scenario: string;
  /** 1-based run of the scenario's exploration (null for a replay). */
  readonly run: number | null;
  /** "portfolio, block seed 0" — how the run was made (null for a replay). */
  readonly madeBy: string | null;
  readonly seed: number | string;
  readonly token: string | null;
  /** Where the run stood when it was stopped; null when not known (a worker that was terminated). */
  readonly site: HangSite | null;
  readonly limitMs: number;
  /** What happened next: "the exploration went on with the next run". */
  readonly then: string;
  /** Why there is no token, when there is none. */
  readonly noToken?: string;
  readonly command: string;
  readonly file: string;
  readonly sim: SimOptions;
  /** The run had async tasks: a step, or its promise reactions, hung (not a poll)… */
  readonly async?: boolean;
  /** …that step, and its virtual time, when known. */
  readonly asyncStep?: { readonly step: number; readonly time: number } | null;
}

export function hangReport(h: HangFacts): Hang {
  const limit = durationFlag(h.limitMs);
  const async = h.async === true;
  const message = `${h.scenario}: FAILED — ${hangHeadline(h.site, h.limitMs, async)}`;
  const replay = h.token === null ? null : `${replayCommand(h.command, h.file, h.token, replayFlags(h.sim))} --watchdog ${limit}`;
  const where = async
    ? h.asyncStep == null
      ? ASYNC_HANG_WHAT
      : `step ${h.asyncStep.step} (virtual time ${h.asyncStep.time}), or the promise reactions after it,`
    : h.site === null ? "a poll (which task's is not known: its worker was stopped from outside)" : describeSite(h.site);
  const run = h.run === null ? "The replayed run" : `Run ${h.run}${h.madeBy === null ? "" : ` (${h.madeBy})`}`;
  const lines = [
    message,
    "",
    "What happened",
    `  ${run}: ${where} did not return within ${limit}.`,
    `  It was stopped; ${h.then}.`,
    "",
    "Why it usually happens",
    ...(async ? ASYNC_HANG_WHY : HANG_WHY).map((l) => `  ${l}`),
    "",
    "Reproduce",
    h.token === null ? `  (no token: ${h.noToken ?? "no simulation run was in progress — the scenario's setup hung? — or the escapes oracle, which tracks the running simulation, was off"})` : `  token:   ${h.token}\n  command: ${replay!}`,
    `  The replay runs the schedule up to the ${async ? "step" : "poll"} that hangs, where the watchdog stops it again.`,
    "",
    "Hint",
    ...(async
      ? [
          "  Look at the loops in the async functions, and at promise chains that call themselves:",
          "  each must end, or wait for something another task or a timer settles. To see the exact",
          "  line, replay the token under `node --inspect` with --watchdog off and pause in the debugger.",
        ]
      : [
          `  Look at the loops in ${h.site?.task == null ? (typeof h.site?.thread === "string" ? `thread '${h.site.thread}'` : "the polls") : `the poll of task '${h.site.task}'${h.site.awaiting === null ? "" : ` (in ${h.site.awaiting})`}`}:`,
          "  each must end, or return Pending. To see the exact line, replay the token under `node --inspect` with",
          "  --watchdog off and pause in the debugger; or count iterations and throw past a limit (a thrown",
          "  panic gets a full wakesim report with a timeline).",
        ]),
  ];
  const report = lines.join("\n");
  return { run: h.run ?? 0, seed: h.seed, token: h.token, replay, message, report, display: report };
}

/** A run the in-process watchdog stopped and named (src/explore/watched.ts), in fuzz's or check's exploration, in-process or in a worker. */
export function runHangReport(scenario: Scenario, s: EngineSettings, h: RunHang, run: number, seed: number | string, strategy: string, limitMs: number): Hang {
  return hangReport({
    scenario: scenario.name,
    run,
    madeBy: `${strategy}, block seed ${String(seed)}`,
    seed,
    token: h.token,
    site: h.site,
    limitMs,
    then: "the exploration went on with the next run",
    command: s.command,
    file: s.file,
    sim: s.sim,
  });
}
