/**
 * `wakesim replay <file> <token> [--trace out.json] [--html out.html]`: rerun exactly the run a
 * token was printed for, with its full trace, print the report, and write the exports: the
 * Chrome trace-event JSON (Perfetto, chrome://tracing) and the self-contained HTML report.
 * Exit 1 when it still fails, 0 when that schedule now passes.
 */
import { writeFileSync } from "node:fs";
import type { Outcome } from "../sim/outcome.js";
import type { SimOptions } from "../sim/config.js";
import type { Scenario } from "../sim/scenario.js";
import { toChromeTrace } from "../report/chrome-export.js";
import { toHtmlReport } from "../report/html-report.js";
import { replay as replayRun, replayAsync } from "../sim/scenario.js";
import { parseToken, TokenError } from "../trace/token.js";
import { guard, describeSite, spawnsAsyncTasksGuarded, type Guarded } from "../explore/watchdog.js";
import { parseCommand, parseWatchdog, simOptionsFrom } from "./args.js";
import { COMMAND, VERSION } from "./context.js";
import { CliError, describeError, errorDetails, EXIT } from "./errors.js";
import { formatOutcome, plain } from "./format.js";
import { exportLabel, loadScenarios, type Exported } from "./load.js";
import { executorFor } from "./executor-choice.js";
import { hangReport } from "./hang.js";
import { FuzzPool } from "./pool.js";
import { AsyncTasksError } from "../core/errors.js";
import { colorFor, painter } from "./term.js";
import { HELP } from "./usage.js";

const OPTIONS = {
  executor: { type: "string" },
  trace: { type: "string" },
  html: { type: "string" },
  watchdog: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function replay(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand("replay", argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(`${HELP.replay}\n`);
    return EXIT.ok;
  }
  const [file, token, ...extra] = positionals;
  if (file === undefined || token === undefined) {
    throw new CliError(`replay: needs a scenario file and a token, e.g. wakesim replay fixtures/example.ts ws1.AbC… (see: wakesim replay --help)`);
  }
  if (extra.length > 0) throw new CliError(`replay: unexpected argument '${extra[0]}' after the token (one file and one token; see: wakesim replay --help)`);
  let recordedFor: string;
  try {
    recordedFor = parseToken(token).scenario; // a damaged token is reported before the file is loaded
  } catch (e) {
    if (e instanceof TokenError) throw new CliError(`replay: bad token: ${e.message}`);
    throw e;
  }
  const flags = simOptionsFrom(values);
  const tracePath = outputPath("--trace", values.trace);
  const htmlPath = outputPath("--html", values.html);
  const watchdogMs = parseWatchdog(values);
  const scenario = pickScenario(file, await loadScenarios(file), recordedFor);
  // As fuzz decided when it printed the token: --executor does not replace the scenario's own executor.
  const { sim, note } = executorFor(scenario, flags);
  if (note !== null) process.stderr.write(`${note}\n`);
  let ran: GuardedReplay;
  const color = colorFor(process.stdout);
  try {
    ran = await replayGuarded(file, scenario, token, { sim, color, tracePath, htmlPath, breakOnSigint: true }, watchdogMs);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof TokenError || (e instanceof Error && e.name === "TokenError")) throw new CliError(`replay: ${file}: ${e.message}`);
    throw new CliError(`replay: ${file}: replaying scenario '${scenario.name}' failed — its setup (or its options) threw ${describeError(e)}\n${errorDetails(e)}`);
  }
  if (ran.kind === "interrupted") {
    process.stderr.write(`\ninterrupted by Ctrl-C while replaying (${describeSite(ran.site)})\n`);
    return EXIT.interrupted;
  }
  if (ran.kind === "timeout") {
    const h = hangReport({
      scenario: scenario.name,
      run: null,
      madeBy: null,
      seed: 0,
      token,
      site: ran.site,
      limitMs: watchdogMs!,
      ...(ran.async === undefined ? {} : { async: true, asyncStep: ran.async }),
      then: "nothing else was run",
      command: COMMAND,
      file,
      sim,
    });
    process.stdout.write(`${h.report}\n`);
    return EXIT.violation;
  }
  const done = ran.value;
  process.stdout.write(done.text);
  return done.ok ? EXIT.ok : EXIT.violation;
}

/** What a replay prints (its report, the exports it wrote, "passes now") and whether the run passed. */
export interface ReplayDone {
  readonly text: string;
  /** The run's report alone (formatOutcome), coloured when asked. */
  readonly report: string;
  readonly ok: boolean;
}

/** The report of a replayed run and its exports (in this thread, or in the worker of an async replay). */
export function finishReplay(scenario: Scenario, out: Outcome, o: { readonly file: string; readonly sim: SimOptions; readonly color: boolean; readonly tracePath: string | null; readonly htmlPath: string | null }): ReplayDone {
  const report = formatOutcome(scenario, out, { command: COMMAND, file: o.file, options: o.sim, color: o.color });
  let text = `${report}\n`;
  const wrote = writeExports(scenario, out, plain(report), o.tracePath, o.htmlPath);
  if (wrote.length > 0) text += `\n${wrote.join("\n")}\n`;
  if (out.ok) {
    text += `\n${painter(o.color)("green", "passes now")}: this schedule no longer fails — the bug it recorded is fixed, or the scenario changed since the token was printed.\n`;
  }
  return { text, report, ok: out.ok };
}

/**
 * The file's scenario the token was recorded for, by name: a file may export several (fuzz
 * explores them all), and the token carries its scenario's name. With one scenario and another
 * name, the replay's own error says both names.
 */
export function pickScenario(file: string, exported: readonly Exported[], name: string): Scenario {
  const hit = exported.find((x) => x.scenario.name === name);
  if (hit !== undefined) return hit.scenario;
  if (exported.length === 1) return exported[0]!.scenario;
  const names = exported.map((x) => `'${x.scenario.name}' (${exportLabel(x.exportName)})`).join(", ");
  throw new CliError(`replay: ${file} exports no scenario named '${name}', the one this token was recorded for; it exports ${names}: replay the token against the file that printed it`);
}

function outputPath(flag: string, v: string | boolean | undefined): string | null {
  if (typeof v !== "string") return null;
  if (v.trim() === "") throw new CliError(`replay: ${flag} needs a file name, e.g. ${flag} ${flag === "--html" ? "out.html" : "out.json"}`);
  return v;
}

function writeExports(scenario: Scenario, out: Outcome, report: string, tracePath: string | null, htmlPath: string | null): string[] {
  const wrote: string[] = [];
  const write = (flag: string, path: string, text: string): void => {
    try {
      writeFileSync(path, text);
    } catch (e) {
      throw new CliError(`replay: ${flag} ${path}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  if (tracePath !== null) {
    write("--trace", tracePath, `${JSON.stringify(toChromeTrace(out, { scenario: scenario.name, version: VERSION }))}\n`);
    wrote.push(`trace: wrote ${tracePath} (Chrome trace-event JSON: open it in https://ui.perfetto.dev or chrome://tracing)`);
  }
  if (htmlPath !== null) {
    write("--html", htmlPath, toHtmlReport(out, { scenario: scenario.name, report, version: VERSION }));
    wrote.push(`html: wrote ${htmlPath} (a self-contained report: open it in a browser)`);
  }
  return wrote;
}

/** A replay's result under the watchdog; `async`: the run had async tasks, and the step it hung at (null: not known). */
export type GuardedReplay = Guarded<ReplayDone> & { readonly async?: { readonly step: number; readonly time: number } | null };

export interface ReplayOutput {
  readonly sim: SimOptions;
  readonly color: boolean;
  readonly tracePath: string | null;
  readonly htmlPath: string | null;
}

/**
 * Replays `token` under the watchdog (null: off), for `replay` and `check`: in this thread under
 * the in-process watchdog, or — for a scenario with async tasks, whose steps that watchdog cannot
 * stop — in a worker (replayInWorker). A scenario whose setup spawns no async task but a poll
 * does is found so by its synchronous replay (AsyncTasksError), and replayed async.
 */
export async function replayGuarded(file: string, scenario: Scenario, token: string, o: ReplayOutput & { readonly breakOnSigint?: boolean }, watchdogMs: number | null): Promise<GuardedReplay> {
  const { breakOnSigint, ...out } = o;
  const finish = (run: Outcome): ReplayDone => finishReplay(scenario, run, { file, ...out });
  const runAsync = async (): Promise<GuardedReplay> =>
    watchdogMs === null ? { kind: "ok", value: finish(await replayAsync(scenario, token, o.sim)) } : await replayInWorker(file, token, out, watchdogMs);
  if (spawnsAsyncTasksGuarded(scenario, o.sim, watchdogMs)) return runAsync();
  const run = (): ReplayDone => finish(replayRun(scenario, token, o.sim));
  try {
    return watchdogMs === null ? { kind: "ok", value: run() } : guard(run, { timeoutMs: watchdogMs, breakOnSigint: breakOnSigint === true });
  } catch (e) {
    if (!(e instanceof AsyncTasksError)) throw e;
    return runAsync(); // a poll spawned an async task
  }
}

/**
 * An async replay under the watchdog: made in a worker of a one-thread pool (pool.ts), whose
 * heartbeat watchdog terminates it when a step (or its promise reactions) does not end. A hang
 * comes back as a timeout with the step it was at.
 */
async function replayInWorker(file: string, token: string, o: ReplayOutput, watchdogMs: number): Promise<GuardedReplay> {
  const pool = new FuzzPool(1, watchdogMs, [file]);
  try {
    const r = await pool.replay({ file, token, ...o });
    if (r.kind === "ok") return { kind: "ok", value: r.done };
    if (r.kind === "error") throw r.error;
    const site = { inRun: true, task: null, awaiting: null, poll: null, step: r.hang.step, time: r.hang.time };
    return { kind: "timeout", site, token, async: r.hang.step === null ? null : { step: r.hang.step, time: r.hang.time ?? 0 } };
  } finally {
    await pool.close();
  }
}
