/**
 * `wakesim check [DIR]`: the CI gate.
 *  1. Replays every entry of the regression corpus (default DIR/corpus). Each must now pass; one
 *     that still fails fails the gate, by name. A damaged entry (not JSON, fields missing, a
 *     token that no longer fits its scenario) is named in an error and the others still run.
 *  2. Fuzzes every scenario (each exported one, default first) of every scenario file under DIR (default ./wakesim) for the budget, adding new
 *     failures to the corpus.
 *  3. Prints a summary table, or with --json one document.
 * Exit 1 when a corpus entry still fails or fuzzing found a failure; otherwise 2 when an entry or
 * a scenario file could not be used (it failed to load, its setup threw, it spawned no task);
 * otherwise 130 after Ctrl-C, 143 after SIGTERM; otherwise 0.
 */
import { isSystematic } from "../explore/strategies.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Scenario } from "../sim/scenario.js";
import { replayGuarded, type ReplayDone } from "./replay.js";
import { budgetFrom, parseCommand, parseExecutor, parseSeed, parseStrategy, parseWatchdog, parseWorkers, simOptionsFrom, EXPLORE_OPTIONS, WATCHDOG_OPTIONS } from "./args.js";
import { COMMAND, VERSION } from "./context.js";
import { checkCorpusWritable, fileFromCorpus, readCorpus, type CorpusEntry } from "./corpus.js";
import { CliError, describeError, EXIT } from "./errors.js";
import { replayCommand } from "../report/report.js";
import { firstLine, formatOutcome, plain, replayFlags } from "./format.js";
import { onInterrupt } from "./interrupt.js";
import { hangReport } from "./hang.js";
import { findScenarioFiles, importScenarios, type Exported } from "./load.js";
import { executorFor } from "./executor-choice.js";
import { FuzzPool } from "./pool.js";
import { oracleLabel, type OracleName } from "../oracles/vocabulary.js";
import { count, duration, makeProgress, plural } from "./progress.js";
import { budgetJson, type ScenarioResult } from "./results.js";
import { exploreAll, loadError, type Loaded } from "./session.js";
import { table, type Row } from "./table.js";
import { colorFor, liveProgress, painter } from "./term.js";
import { HELP } from "./usage.js";

export const DEFAULT_DIR = "wakesim";

export interface CorpusRow {
  readonly path: string;
  readonly status: "pass" | "fail" | "error";
  readonly scenario?: string;
  readonly file?: string;
  readonly oracle?: OracleName;
  readonly token?: string;
  /** The error, or the report's first line for a failing entry. */
  readonly message?: string;
  readonly replay?: string;
  readonly report?: string;
}

export interface FileRow {
  readonly file: string;
  readonly status: "explored" | "skipped" | "error";
  readonly scenario?: string;
  readonly message?: string;
}

export async function check(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand("check", argv, { ...EXPLORE_OPTIONS, ...WATCHDOG_OPTIONS });
  if (values.help === true) {
    process.stdout.write(`${HELP.check}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new CliError(`check: takes one directory, got ${positionals.length} arguments (to explore several files: wakesim fuzz <file…>)`);
  const dir = positionals[0] ?? DEFAULT_DIR;
  if (positionals[0] === undefined && !existsSync(dir)) {
    throw new CliError(`check: no ./${DEFAULT_DIR} directory here: name the directory of your scenario files (wakesim check fixtures), or create ./${DEFAULT_DIR} (see: wakesim check --help)`);
  }
  const budget = budgetFrom(values);
  const strategy = typeof values.strategy === "string" ? parseStrategy(values.strategy) : "portfolio";
  const seed = typeof values.seed === "string" ? parseSeed(values.seed) : 0;
  const sim = simOptionsFrom(values);
  const corpusDir = typeof values.corpus === "string" && values.corpus !== "" ? values.corpus : join(dir, "corpus");
  // As fuzz: --workers N > 1 explores in a worker pool; the watchdog is on unless --watchdog off.
  const workers = typeof values.workers === "string" ? parseWorkers(values.workers) : 1;
  const watchdogMs = parseWatchdog(values);
  if (workers > 1 && isSystematic(strategy)) {
    throw new CliError(`--workers cannot run --strategy ${strategy}: it is one deterministic walk, not seed blocks — run it without --workers, or use a seeded strategy`);
  }
  const json = values.json === true;
  const files = findScenarioFiles(dir);
  checkCorpusWritable(corpusDir, typeof values.corpus === "string" ? "--corpus" : "the corpus directory"); // fuzzing adds its finds there

  const color = !json && colorFor(process.stdout);
  const p = painter(color);
  const print = json ? null : (text: string) => process.stdout.write(`${text}\n`);

  // 1. The corpus.
  const scenarios = new Map<string, Promise<readonly Exported[] | string>>();
  const load = (file: string): Promise<readonly Exported[] | string> => {
    let s = scenarios.get(file);
    if (s === undefined) {
      s = importScenarios(file).then(
        (r) => ("scenarios" in r ? r.scenarios : r.noScenario),
        (e: unknown) => {
          // The whole error under its first line: a transform error's file:line:column is on the next.
          const { message, details } = loadError(file, e).error;
          return details === "" ? message : `${message}\n${details}`;
        },
      );
      scenarios.set(file, s);
    }
    return s;
  };
  const corpusRows: CorpusRow[] = [];
  const read = readCorpus(corpusDir);
  print?.(`corpus ${corpusDir}: ${read.length === 0 ? (existsSync(corpusDir) ? "empty" : "none yet") : `${read.length} entr${read.length === 1 ? "y" : "ies"}, replaying`}`);
  for (const r of read) {
    const row = "error" in r ? { path: r.path, status: "error" as const, message: r.error } : await replayEntry(r.path, r.entry, corpusDir, load, color, watchdogMs);
    corpusRows.push(row);
    if (row.status === "fail" && row.report !== undefined) print?.(`\n${row.report}\n`);
  }

  // 2. The scenarios under DIR.
  const fileRows: FileRow[] = [];
  const loaded: Loaded[] = [];
  for (const file of files) {
    const s = await load(file);
    if (typeof s === "string") {
      const skipped = /default export/.test(s);
      fileRows.push({ file, status: skipped ? "skipped" : "error", message: skipped ? "exports no scenario" : s });
      if (!skipped) {
        const [head, ...details] = s.split("\n");
        const what = details.length > 0 ? `could not be loaded:\n${details.join("\n")}` : head!.replace(`${file}: `, "");
        print?.(`\n${file}: ${p("red", "ERROR")} — ${what}\n  (the other files are still explored)`);
      }
    } else {
      // Every scenario the file exports, its default export first (load.ts): a row each.
      for (const { scenario, exportName } of s) {
        fileRows.push({ file, status: "explored", scenario: scenario.name });
        loaded.push({ file, scenario, exportName });
      }
    }
  }
  const usable = new Set(loaded.map((l) => l.file)).size;
  print?.(`\nscenarios under ${dir}: ${plural(loaded.length, "scenario")} in ${usable} of ${files.length} file${files.length === 1 ? "" : "s"}`);
  const interrupt = onInterrupt((line) => process.stderr.write(`\n${line}\n`));
  let results: ScenarioResult[];
  let interrupted: boolean;
  let stopCode: number;
  const pool = workers > 1 && loaded.length > 0 ? new FuzzPool(workers, watchdogMs ?? Infinity, loaded.map((l) => l.file)) : null;
  try {
    const session = await exploreAll(loaded, {
      strategy,
      seed,
      budget,
      shard: { index: 0, count: 1 },
      sim,
      corpus: corpusDir,
      command: COMMAND,
      color,
      paint: p,
      progress: makeProgress(process.stderr, liveProgress(process.stderr)),
      interrupt,
      print,
      pool,
      watchdogMs,
      note: (text) => process.stderr.write(`${text}\n`),
    });
    results = session.results;
    interrupted = session.interrupted;
    stopCode = interrupt.exitCode;
  } finally {
    interrupt.dispose();
    await pool?.close();
  }

  // 3. The verdict.
  const stillFailing = corpusRows.filter((r) => r.status === "fail");
  // A scenario that loaded but could not be explored (its setup threw, it spawned no task) is an error row too.
  const key = (r: { readonly file: string; readonly scenario?: string | null }): string => `${r.file}\u0000${r.scenario ?? ""}`;
  const unusable = new Map(results.filter((r) => r.error !== undefined).map((r) => [key(r), r.error!]));
  for (let i = 0; i < fileRows.length; i++) {
    const e = unusable.get(key(fileRows[i]!));
    if (e !== undefined) fileRows[i] = { ...fileRows[i]!, status: "error", message: `${e.message}${e.details === "" ? "" : `\n${e.details}`}` };
  }
  const errors = [...corpusRows.filter((r) => r.status === "error"), ...fileRows.filter((r) => r.status === "error")];
  const found = results.filter((r) => !r.ok && r.error === undefined);
  const code =
    stillFailing.length > 0 || found.length > 0 ? EXIT.violation : errors.length > 0 ? EXIT.usage : interrupted ? stopCode : EXIT.ok;

  if (json) {
    const doc = {
      wakesim: VERSION,
      command: "check",
      ok: code === EXIT.ok,
      exitCode: code,
      interrupted,
      dir,
      seed,
      strategy,
      budget: budgetJson(budget),
      corpus: { dir: corpusDir, entries: corpusRows },
      files: fileRows,
      results,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return code;
  }

  const out: string[] = ["", "summary"];
  const rows: Row[] = [["", "what", "scenario", "result"]];
  for (const r of corpusRows) {
    const bad = r.status !== "pass";
    rows.push([
      { text: r.status === "pass" ? "pass" : r.status === "fail" ? "FAIL" : "ERROR", paint: (s) => p(bad ? "red" : "green", s) },
      `corpus ${r.path}`,
      r.scenario ?? "-",
      r.status === "pass" ? `passes now (was: ${r.oracle === undefined ? "a failure" : oracleLabel(r.oracle)})` : (r.message ?? ""),
    ]);
  }
  const byScenario = new Map(results.map((r) => [key(r), r]));
  for (const f of fileRows) {
    const r = byScenario.get(key(f));
    if (f.status !== "explored") {
      const message = f.status === "error" ? (f.message ?? "").split("\n", 1)[0]! : (f.message ?? "");
      rows.push([{ text: f.status === "skipped" ? "skip" : "ERROR", paint: (s) => (f.status === "skipped" ? s : p("red", s)) }, f.file, f.scenario ?? "-", message]);
    } else if (r === undefined) {
      rows.push([{ text: "skip", paint: (s) => p("yellow", s) }, f.file, f.scenario ?? "-", "not explored (interrupted)"]);
    } else if (r.failure !== null) {
      rows.push([{ text: "FAIL", paint: (s) => p("red", s) }, f.file, r.scenario ?? "-", `${r.failure.message.replace(/^[^:]*: FAILED — /, "")} (run ${count(r.failure.run)})`]);
    } else {
      const what = `${plural(r.runs, "run")}, ${plural(r.distinctSchedules, "distinct schedule")}, ${duration(r.elapsedMs / 1000)}${r.interrupted ? " (interrupted)" : ""}`;
      rows.push([{ text: r.interrupted ? "stop" : "ok", paint: (s) => p(r.interrupted ? "yellow" : "green", s) }, f.file, r.scenario ?? "-", what]);
    }
  }
  out.push(table(rows));
  const verdict: string[] = [];
  if (stillFailing.length > 0) verdict.push(`${stillFailing.length} corpus entr${stillFailing.length === 1 ? "y still fails" : "ies still fail"} (${stillFailing.map((r) => r.path).join(", ")})`);
  if (found.length > 0) verdict.push(`${found.length} scenario${found.length === 1 ? "" : "s"} failed (${found.map((r) => r.scenario).join(", ")})`);
  if (errors.length > 0) verdict.push(`${errors.length} could not be used (${errors.map((r) => ("path" in r ? r.path : r.file)).join(", ")})`);
  if (interrupted) verdict.push(`${stopCode === EXIT.terminated ? "terminated by SIGTERM" : "interrupted by Ctrl-C"} before the budget was spent`);
  out.push(
    "",
    code === EXIT.ok
      ? `check: ${p("green", "ok")} — ${corpusRows.length} corpus entr${corpusRows.length === 1 ? "y passes" : "ies pass"}, ${results.length} scenario${results.length === 1 ? "" : "s"} explored without a failure`
      : `check: ${p("red", "FAILED")} — ${verdict.join("; ")}`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
  return code;
}

async function replayEntry(
  path: string,
  e: CorpusEntry,
  dir: string,
  load: (file: string) => Promise<readonly Exported[] | string>,
  color: boolean,
  watchdogMs: number | null,
): Promise<CorpusRow> {
  const file = fileFromCorpus(dir, e.file);
  const base = { path, scenario: e.scenario, file, oracle: e.oracle, token: e.token };
  const exported = await load(file);
  if (typeof exported === "string") return { ...base, status: "error", message: `${path}: its scenario file cannot be used: ${exported}` };
  // The entry's scenario by name: its file may export several (fuzz explores them all).
  const s = exported.find((x) => x.scenario.name === e.scenario)?.scenario ?? (exported.length === 1 ? exported[0]!.scenario : undefined);
  if (s === undefined) {
    const names = exported.map((x) => `'${x.scenario.name}'`).join(", ");
    return { ...base, status: "error", message: `${path}: ${file} no longer exports scenario '${e.scenario}' (it exports ${names}): rename it back, or delete the entry if the scenario is gone` };
  }
  let sim;
  let out: ReplayDone;
  try {
    sim = executorFor(s, e.executor === undefined ? {} : { executor: parseExecutor(e.executor) }).sim;
    // Under the watchdog: in this thread, or in a worker for a scenario with async tasks (replay.ts).
    const g = await replayGuarded(file, s, e.token, { sim, color, tracePath: null, htmlPath: null }, watchdogMs);
    if (g.kind !== "ok") {
      const h = hangReport({ scenario: s.name, run: null, madeBy: null, seed: 0, token: e.token, site: g.site, limitMs: watchdogMs!, then: "the gate went on with the next entry", command: COMMAND, file, sim, ...(g.async === undefined ? {} : { async: true, asyncStep: g.async }) });
      return { ...base, status: "fail", message: `still fails: ${h.message.replace(/^[^:]*: FAILED — /, "")}`, ...(h.replay === null ? {} : { replay: h.replay }), report: h.report };
    }
    out = g.value;
  } catch (err) {
    return { ...base, status: "error", message: `${path}: cannot be replayed — ${describeError(err).replace(/^CliError: /, "")}` };
  }
  if (out.ok) return { ...base, status: "pass" };
  const report = out.report;
  return {
    ...base,
    status: "fail",
    message: `still fails: ${firstLine(plain(report)).replace(/^[^:]*: FAILED — /, "")}`,
    replay: replayCommand(COMMAND, file, e.token, replayFlags(sim)),
    report,
  };
}
