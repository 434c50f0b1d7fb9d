/**
 * Exploring a list of scenarios one after another (fuzz's files, check's directory): the time
 * budget shared out, progress on stderr, each result printed as it comes, failures added to the
 * corpus, Ctrl-C and SIGTERM honoured between slices.
 *
 * Nothing found is lost, one bad file does not stop the rest: a file that failed to load, or whose
 * scenario throws outside any poll (its setup) or spawns no task, becomes that file's error result
 * and the next file is explored; a failure whose corpus entry cannot be written keeps its report,
 * its token and its result, with the corpus error beside them.
 *
 * Budget: --runs N is per scenario; --time T is for the whole list — each scenario gets an even
 * share of the time still left (so time a scenario does not use, because it failed early, goes
 * to the ones after it). With both, each scenario stops at whichever comes first.
 */
import { isSystematic, type StrategyName } from "../explore/strategies.js";
import type { SimOptions } from "../sim/config.js";
import type { Scenario } from "../sim/scenario.js";
import { spawnsAsyncTasksGuarded } from "../explore/watchdog.js";
import type { Budget, Shard } from "./args.js";
import { addEntry, CORPUS_FORMAT, fileForCorpus } from "./corpus.js";
import { VERSION } from "./context.js";
import { freshClosuresNote } from "../explore/fresh-closures.js";
import { EmptyScenarioError } from "../explore/explore.js";
import { executorFor } from "./executor-choice.js";
import { exploreScenario, type EngineResult, type EngineSettings } from "./engine.js";
import { MAX_HANGS } from "./hang.js";
import { realClock, type CliClock } from "./clock.js";
import { exploreScenarioPooled } from "./dispatch.js";
import { FuzzPool } from "./pool.js";
import { AsyncTasksError } from "../core/errors.js";
import { CliError, describeError, errorDetails } from "./errors.js";
import type { Interrupt } from "./interrupt.js";
import { oracleOf } from "../oracles/vocabulary.js";
import { missBoundText } from "./format.js";
import { count, duration, plural, type Progress } from "./progress.js";
import { errorResult, scenarioResult, type CorpusJson, type FileErrorJson, type ScenarioResult } from "./results.js";
import type { Paint } from "./term.js";

export interface SessionSettings {
  readonly strategy: StrategyName;
  readonly seed: number | string;
  readonly budget: Budget;
  readonly shard: Shard;
  readonly sim: SimOptions;
  readonly corpus: string | null;
  readonly command: string;
  /** Colour for reports on stdout. */
  readonly color: boolean;
  readonly paint: Paint;
  readonly progress: Progress;
  readonly interrupt: Interrupt;
  /** Human output (null with --json: stdout is reserved for the document). */
  readonly print: ((text: string) => void) | null;
  /** A worker pool (--workers N): blocks are explored there, under the watchdog. */
  readonly pool?: FuzzPool | null;
  /** In-process: the watchdog time of each slice of runs (null: --watchdog off). */
  readonly watchdogMs?: number | null;
  /** Advice about a scenario (stderr; in --json output the notes are in the document instead). */
  readonly note: (text: string) => void;
  /** What budgets and progress read the time from (default: the real clock). */
  readonly clock?: CliClock;
}

/** A scenario's notes are printed when exploring it took at least this long. */
const NOTE_AFTER_MS = 1000;

/** One scenario of a file: its default export, or a named one (`exportName`; absent: "default"). */
export interface Loaded {
  readonly file: string;
  readonly scenario: Scenario;
  readonly exportName?: string;
}

/** A file that could not be loaded: reported in its place, the other files still explored. */
export interface Unloadable {
  readonly file: string;
  readonly error: FileErrorJson;
}

export type Item = Loaded | Unloadable;

export interface SessionResult {
  /** One per item, in order (an Unloadable's is an error result). */
  readonly results: ScenarioResult[];
  /** Stopped by Ctrl-C or SIGTERM before the budget was spent. */
  readonly interrupted: boolean;
  /** Scenarios not explored because of Ctrl-C or SIGTERM. */
  readonly skipped: readonly Loaded[];
}

/** A file's load error as a result: the first line names the file, the details show where. */
export function loadError(file: string, e: unknown): Unloadable {
  const cause = e instanceof CliError && e.cause !== undefined ? e.cause : null;
  return {
    file,
    error: {
      stage: "load",
      message: describeError(e),
      details: cause === null ? "" : errorDetails(cause),
    },
  };
}

export async function exploreAll(items: readonly Item[], s: SessionSettings): Promise<SessionResult> {
  const results: ScenarioResult[] = [];
  const clock = s.clock ?? realClock;
  const end = s.budget.timeMs === null ? null : clock.now() + s.budget.timeMs;
  let skipped: Loaded[] | null = null;
  /** The one worker of scenarios with async tasks under the watchdog, when there is no pool (made at the first). */
  let asyncPool: FuzzPool | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (!("scenario" in item)) {
      results.push(unusable(item.file, null, item.error, s));
      continue;
    }
    if (skipped !== null || s.interrupt.requested) {
      (skipped ??= []).push(item);
      continue;
    }
    const { file, scenario, exportName } = item;
    const now = clock.now();
    // The time left is shared among the scenarios still to explore (files that failed to load take none).
    const left = items.slice(i).filter((x) => "scenario" in x).length;
    const deadline = end === null ? null : now + Math.max(0, end - now) / left;
    const pooled = s.pool !== undefined && s.pool !== null;
    let r: EngineResult;
    // --executor does not replace a scenario's own executor (executor-choice.ts): said at once.
    const chosen = executorFor(scenario, s.sim);
    if (chosen.note !== null && s.print !== null) s.note(chosen.note);
    s.progress.start(scenario.name, file, budgetText(s.budget, deadline === null ? null : deadline - now, s));
    try {
      const settings: EngineSettings = {
        strategy: s.strategy,
        seed: s.seed,
        maxRuns: s.budget.runs,
        deadline,
        shard: s.shard,
        sim: chosen.sim,
        file,
        exportName: exportName ?? "default",
        command: s.command,
        color: s.color,
        stopRequested: () => s.interrupt.requested,
        onProgress: (p) => s.progress.update(p),
        watchdogMs: s.watchdogMs ?? null,
        clock,
      };
      // A scenario with async tasks: its steps cannot be stopped in this thread (the watchdog
      // needs a synchronous call), so under the watchdog it is explored in a worker — the pool's,
      // or one of its own — which the pool's heartbeat watchdog terminates when a step hangs. The
      // same blocks, so the same runs and tokens. Not exhaustive search (one walk, not blocks).
      const isAsync = spawnsAsyncTasksGuarded(scenario, chosen.sim, s.watchdogMs ?? null);
      const watched = s.watchdogMs !== undefined && s.watchdogMs !== null;
      const inWorker = (async: boolean) => pooled || (async && watched && !isSystematic(s.strategy));
      const explored = async (async: boolean) =>
        inWorker(async) ? await exploreScenarioPooled(scenario, settings, pooled ? s.pool! : (asyncPool ??= new FuzzPool(1, s.watchdogMs!, [], clock))) : await exploreScenario(scenario, { ...settings, async });
      if (isAsync && watched && !inWorker(true) && s.print !== null) s.note(`wakesim: ${scenario.name} has async tasks: exhaustive search explores it in this thread, without the watchdog`);
      try {
        r = await explored(isAsync);
      } catch (e) {
        // A poll spawned an async task (the setup spawns none): explored again from the start, async.
        if (!(e instanceof AsyncTasksError) || isAsync) throw e;
        r = await explored(true);
      }
    } catch (e) {
      s.progress.clear();
      // A throw out of a run is the scenario's own doing (its setup threw, its options are bad,
      // it spawned no task): this file's result, the others are still explored.
      results.push(unusable(file, scenario.name, exploreError(scenario.name, e), s));
      continue;
    }
    s.progress.clear();
    const corpus = r.failure !== null && s.corpus !== null ? record(s.corpus, file, r, chosen.sim) : null;
    const notes = r.fresh === null ? [] : [freshClosuresNote(scenario.name, r.fresh)];
    const result = scenarioResult(r, s.seed, corpus, chosen.note === null ? notes : [chosen.note, ...notes]);
    results.push(result);
    s.print?.(humanResult(r, corpus, s));
    if (s.print === null && corpus !== null && "error" in corpus) s.note(`wakesim: ${scenario.name}: ${corpus.error} (the failure is in the JSON document)`);
    // Speed advice matters once exploring takes a while, or when workers were asked for.
    if (s.print !== null && notes.length > 0 && (r.elapsedMs >= NOTE_AFTER_MS || (pooled && s.pool!.workers > 1))) {
      s.note(notes.join("\n"));
    }
    if (r.interrupted) skipped = [];
  }
  await (asyncPool as FuzzPool | null)?.close();
  return { results, interrupted: skipped !== null, skipped: skipped ?? [] };
}

function exploreError(name: string, e: unknown): FileErrorJson {
  // From a worker the error arrives structured-cloned, as a plain Error with the same message.
  if (e instanceof EmptyScenarioError || (e instanceof Error && / spawned no task: nothing was tested/.test(e.message))) {
    return { stage: "explore", message: e.message, details: "" };
  }
  return {
    stage: "explore",
    message: `scenario '${name}' could not be explored — its setup (or its options) threw ${describeError(e).split("\n", 1)[0]}`,
    details: errorDetails(e),
  };
}

/** Prints (or, with --json, notes on stderr) a file that could not be used, and makes its result. */
function unusable(file: string, scenario: string | null, error: FileErrorJson, s: SessionSettings): ScenarioResult {
  const p = s.paint;
  if (s.print !== null) {
    const details = error.details === "" ? "" : `\n${error.details}`;
    // A load error's details repeat its message whole (a transform error's location is on its second line).
    const what = error.stage === "load" && details !== "" ? "could not be loaded:" : error.message.replace(`${file}: `, "");
    s.print(`${file}: ${p("red", "ERROR")} — ${what}${details}\n  (the other files are still explored; this file makes the exit code 2 unless another finds a violation)\n`);
  } else {
    s.note(`wakesim: ${file}: ${error.message.replace(`${file}: `, "")} (details in the JSON document)`);
  }
  return errorResult(file, scenario, s.strategy, s.seed, error);
}

/**
 * Adds the failure to the corpus. A corpus that cannot be written (a full disk, a directory made
 * read-only during the run — fuzz checks it before exploring) must not lose the failure: the
 * error is returned with the result and printed under the report, which is still printed.
 */
function record(dir: string, file: string, r: EngineResult, sim: SimOptions): CorpusJson {
  const f = r.failure!;
  try {
    return addEntry(dir, {
      format: CORPUS_FORMAT,
      scenario: r.scenario,
      file: fileForCorpus(dir, file),
      token: f.failure.token,
      oracle: oracleOf(f.failure.violation),
      firstLine: f.report.split("\n", 1)[0] ?? "",
      ...(typeof sim.executor === "string" ? { executor: sim.executor } : {}),
      foundBy: { strategy: r.strategy, seed: f.seed, run: f.run, wakesim: VERSION },
    });
  } catch (e) {
    return { error: describeError(e) };
  }
}

function budgetText(b: Budget, timeMs: number | null, s: SessionSettings): string {
  const parts: string[] = [];
  if (b.runs !== null) parts.push(`${count(b.runs)} runs`);
  if (timeMs !== null) parts.push(duration(timeMs / 1000));
  const shard = s.shard.count > 1 ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  return `${parts.join(" or ")}, ${s.strategy}, seed ${String(s.seed)}${shard}`;
}

const nonZero = (c: readonly number[]): number => c.filter((x) => x !== 0).length;

function humanResult(r: EngineResult, corpus: CorpusJson | null, s: SessionSettings): string {
  const hangs = r.hangs.map((h) => `${h.display}\n`).join("\n");
  if (r.failure === null && r.hangs.length > 0) {
    const what = `${plural(r.runs, "run")} (${r.strategy}, seed ${String(s.seed)}), ${count(r.steps)} steps in completed blocks, ${duration(r.elapsedMs / 1000)}`;
    const stopped = r.hangs.length >= MAX_HANGS ? ` — exploration stopped after ${MAX_HANGS} hangs: fix the first, then run it again` : "";
    return `${hangs}\n${r.scenario}: ${plural(r.hangs.length, "run")} stopped by the watchdog, no other failure in ${what}${stopped}\n`;
  }
  return r.hangs.length > 0 ? `${hangs}\n${humanResult1(r, corpus, s)}` : humanResult1(r, corpus, s);
}

function humanResult1(r: EngineResult, corpus: CorpusJson | null, s: SessionSettings): string {
  const p = s.paint;
  const f = r.failure;
  if (f !== null) {
    const x = f.failure;
    const shrunk = nonZero(x.choices);
    const original = nonZero(x.originalChoices);
    const found = `found by ${r.strategy} (seed ${String(f.seed)}) on run ${count(f.run)}`;
    const how = `in ${plural(x.shrinkSteps, "step")} (${plural(x.shrinkRuns, "rerun")})`;
    // Shrunk to no deviation at all: the default schedule fails too. Said so, or "found on run 4"
    // next to "all the default" reads as a contradiction (the strategy's runs are not the default).
    const shrinking =
      shrunk === 0 && original > 0
        ? `${found}, on a schedule ${plural(original, "deviation")} from the default; shrunk to the default schedule ${how}: the bug needs no unusual interleaving`
        : shrunk === 0
          ? `${found}, on the default schedule: the bug needs no unusual interleaving`
          : `${found}; schedule shrunk from ${original} to ${plural(shrunk, "deviation")} from the default ${how}`;
    const lines = [f.display, "", shrinking];
    if (corpus !== null) {
      lines.push(
        "written" in corpus
          ? `corpus: added ${corpus.written}`
          : "duplicate" in corpus
            ? `corpus: already there as ${corpus.duplicate} (not written again)`
            : `${p("red", "corpus: NOT written")} — ${corpus.error}; the report and token above are all there is of this failure: keep them`,
      );
    }
    return `${lines.join("\n")}\n`;
  }
  const schedules = `${r.distinctCapped ? "at least " : ""}${plural(r.distinctSchedules, "distinct schedule")}`;
  const shard = s.shard.count > 1 ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  const what = `${plural(r.runs, "run")} (${r.strategy}, seed ${String(s.seed)}${shard}), ${schedules}, ${count(r.steps)} steps, ${duration(r.elapsedMs / 1000)}`;
  const head = r.interrupted
    ? `${r.scenario}: ${p("yellow", "interrupted")} — no failure in ${what}`
    : `${r.scenario}: ${p("green", "ok")} — ${what}${r.exhausted ? ", bounded space exhausted" : ""}`;
  const g = r.residualMissBound;
  const bound =
    g === null
      ? ""
      : `\n  ${missBoundText(g)}`;
  return `${head}${bound}\n`;
}
