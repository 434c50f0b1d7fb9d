/**
 * `wakesim replay <file> <token> [--trace out.json] [--html out.html]`: rerun exactly the run a
 * token was printed for, with its full trace, print the report, and write the exports: the
 * Chrome trace-event JSON (Perfetto, chrome://tracing) and the self-contained HTML report.
 * Exit 1 when it still fails, 0 when that schedule now passes.
 */
import { writeFileSync } from "node:fs";
import type { Outcome } from "../sim/outcome.js";
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
  let ran: Guarded<Outcome>;
  try {
    const run = (): Outcome => replayRun(scenario, token, sim);
    // The replay runs under the in-process watchdog (src/explore/watchdog.ts), Ctrl-C included;
    // one with async tasks awaits its steps, which no watchdog can stop.
    if (spawnsAsyncTasksGuarded(scenario, sim, watchdogMs)) ran = { kind: "ok", value: await replayAsync(scenario, token, sim) };
    else ran = watchdogMs === null ? { kind: "ok", value: run() } : guard(run, { timeoutMs: watchdogMs, breakOnSigint: true });
  } catch (e) {
    if (e instanceof TokenError) throw new CliError(`replay: ${file}: ${e.message}`);
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
      then: "nothing else was run",
      command: COMMAND,
      file,
      sim,
    });
    process.stdout.write(`${h.report}\n`);
    return EXIT.violation;
  }
  const out = ran.value;
  const color = colorFor(process.stdout);
  const report = formatOutcome(scenario, out, { command: COMMAND, file, options: sim, color });
  process.stdout.write(`${report}\n`);
  const wrote = writeExports(scenario, out, plain(report), tracePath, htmlPath);
  if (wrote.length > 0) process.stdout.write(`\n${wrote.join("\n")}\n`);
  if (out.ok) {
    process.stdout.write(
      `\n${painter(color)("green", "passes now")}: this schedule no longer fails — the bug it recorded is fixed, or the scenario changed since the token was printed.\n`,
    );
    return EXIT.ok;
  }
  return EXIT.violation;
}

/**
 * The file's scenario the token was recorded for, by name: a file may export several (fuzz
 * explores them all), and the token carries its scenario's name. With one scenario and another
 * name, the replay's own error says both names.
 */
function pickScenario(file: string, exported: readonly Exported[], name: string): Scenario {
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
