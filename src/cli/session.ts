/**
 * Exploring a list of scenarios one after another (fuzz's files, check's directory): the time
 * budget shared out, progress on stderr, each result printed as it comes, failures added to the
 * corpus, Ctrl-C honoured between slices.
 *
 * Budget: --runs N is per scenario; --time T is for the whole list — each scenario gets an even
 * share of the time still left (so time a scenario does not use, because it failed early, goes
 * to the ones after it). With both, each scenario stops at whichever comes first.
 */
import { performance } from "node:perf_hooks";
import type { StrategyName } from "../explore/strategies.js";
import type { SimOptions } from "../sim/config.js";
import type { Scenario } from "../sim/scenario.js";
import type { Budget, Shard } from "./args.js";
import { addEntry, CORPUS_FORMAT, fileForCorpus, type AddResult } from "./corpus.js";
import { VERSION } from "./context.js";
import { freshClosuresNote } from "../explore/churn.js";
import { exploreScenario, type EngineResult, type EngineSettings } from "./engine.js";
import { MAX_HANGS } from "./hang.js";
import { exploreScenarioPooled, type FuzzPool } from "./pool.js";
import { CliError, describeError } from "./errors.js";
import type { Interrupt } from "./interrupt.js";
import { oracleOf } from "./oracle.js";
import { count, duration, type Progress } from "./progress.js";
import { scenarioResult, type ScenarioResult } from "./results.js";
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
}

/** A scenario's notes are printed when exploring it took at least this long. */
const NOTE_AFTER_MS = 1000;

export interface Loaded {
  readonly file: string;
  readonly scenario: Scenario;
}

export interface SessionResult {
  readonly results: ScenarioResult[];
  readonly interrupted: boolean;
  /** Scenarios not explored because of Ctrl-C. */
  readonly skipped: readonly Loaded[];
}

export async function exploreAll(items: readonly Loaded[], s: SessionSettings): Promise<SessionResult> {
  const results: ScenarioResult[] = [];
  const end = s.budget.timeMs === null ? null : performance.now() + s.budget.timeMs;
  for (let i = 0; i < items.length; i++) {
    if (s.interrupt.requested) return { results, interrupted: true, skipped: items.slice(i) };
    const { file, scenario } = items[i]!;
    const now = performance.now();
    const deadline = end === null ? null : now + Math.max(0, end - now) / (items.length - i);
    const pooled = s.pool !== undefined && s.pool !== null;
    let r: EngineResult;
    s.progress.start(scenario.name, file, budgetText(s.budget, deadline === null ? null : deadline - now, s));
    try {
      const settings: EngineSettings = {
        strategy: s.strategy,
        seed: s.seed,
        maxRuns: s.budget.runs,
        deadline,
        shard: s.shard,
        sim: s.sim,
        file,
        command: s.command,
        color: s.color,
        stopRequested: () => s.interrupt.requested,
        onProgress: (p) => s.progress.update(p),
        watchdogMs: s.watchdogMs ?? null,
      };
      r = pooled ? await exploreScenarioPooled(scenario, settings, s.pool!) : await exploreScenario(scenario, settings);
    } catch (e) {
      s.progress.clear();
      // A throw out of a run is the scenario's own doing (its setup threw, or its options are bad).
      throw new CliError(`${file}: exploring scenario '${scenario.name}' failed — ${describeError(e)}`);
    }
    s.progress.clear();
    const corpus = r.failure !== null && s.corpus !== null ? record(s.corpus, file, r, s) : null;
    const notes = r.fresh === null ? [] : [freshClosuresNote(scenario.name, r.fresh)];
    const result = scenarioResult(r, s.seed, corpus, notes);
    results.push(result);
    s.print?.(humanResult(r, corpus, s));
    // Speed advice matters once exploring takes a while, or when workers were asked for.
    if (s.print !== null && notes.length > 0 && (r.elapsedMs >= NOTE_AFTER_MS || (pooled && s.pool!.workers > 1))) {
      s.note(notes.join("\n"));
    }
    if (r.interrupted) return { results, interrupted: true, skipped: items.slice(i + 1) };
  }
  return { results, interrupted: false, skipped: [] };
}

function record(dir: string, file: string, r: EngineResult, s: SessionSettings): AddResult {
  const f = r.failure!;
  return addEntry(dir, {
    format: CORPUS_FORMAT,
    scenario: r.scenario,
    file: fileForCorpus(dir, file),
    token: f.failure.token,
    oracle: oracleOf(f.failure.violation),
    firstLine: f.report.split("\n", 1)[0] ?? "",
    ...(typeof s.sim.executor === "string" ? { executor: s.sim.executor } : {}),
    foundBy: { strategy: r.strategy, seed: f.seed, run: f.run, wakesim: VERSION },
  });
}

function budgetText(b: Budget, timeMs: number | null, s: SessionSettings): string {
  const parts: string[] = [];
  if (b.runs !== null) parts.push(`${count(b.runs)} runs`);
  if (timeMs !== null) parts.push(duration(timeMs / 1000));
  const shard = s.shard.count > 1 ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  return `${parts.join(" or ")}, ${s.strategy}, seed ${String(s.seed)}${shard}`;
}

const nonZero = (c: readonly number[]): number => c.filter((x) => x !== 0).length;
const plural = (n: number, one: string): string => `${count(n)} ${n === 1 ? one : `${one}s`}`;

function humanResult(r: EngineResult, corpus: AddResult | null, s: SessionSettings): string {
  const hangs = r.hangs.map((h) => `${h.display}\n`).join("\n");
  if (r.failure === null && r.hangs.length > 0) {
    const what = `${plural(r.runs, "run")} (${r.strategy}, seed ${String(s.seed)}), ${count(r.steps)} steps in completed blocks, ${duration(r.elapsedMs / 1000)}`;
    const stopped = r.hangs.length >= MAX_HANGS ? ` — exploration stopped after ${MAX_HANGS} hangs: fix the first, then run it again` : "";
    return `${hangs}\n${r.scenario}: ${plural(r.hangs.length, "run")} stopped by the watchdog, no other failure in ${what}${stopped}\n`;
  }
  return r.hangs.length > 0 ? `${hangs}\n${humanResult1(r, corpus, s)}` : humanResult1(r, corpus, s);
}

function humanResult1(r: EngineResult, corpus: AddResult | null, s: SessionSettings): string {
  const p = s.paint;
  const f = r.failure;
  if (f !== null) {
    const x = f.failure;
    const shrunk = nonZero(x.choices);
    const lines = [
      f.display,
      "",
      `found by ${r.strategy} (seed ${String(f.seed)}) on run ${count(f.run)}; schedule shrunk from ${nonZero(x.originalChoices)} to ${shrunk} ` +
        `deviation${shrunk === 1 ? "" : "s"} from the default in ${plural(x.shrinkSteps, "step")} (${count(x.shrinkRuns)} reruns)`,
    ];
    if (corpus !== null) {
      lines.push("written" in corpus ? `corpus: added ${corpus.written}` : `corpus: already there as ${corpus.duplicate} (not written again)`);
    }
    return `${lines.join("\n")}\n`;
  }
  const schedules = `${r.distinctCapped ? "at least " : ""}${count(r.distinctSchedules)} distinct schedules`;
  const shard = s.shard.count > 1 ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  const what = `${plural(r.runs, "run")} (${r.strategy}, seed ${String(s.seed)}${shard}), ${schedules}, ${count(r.steps)} steps, ${duration(r.elapsedMs / 1000)}`;
  const head = r.interrupted
    ? `${r.scenario}: ${p("yellow", "interrupted")} — no failure in ${what}`
    : `${r.scenario}: ${p("green", "ok")} — ${what}${r.exhausted ? ", bounded space exhausted" : ""}`;
  const g = r.residualMissBound;
  const bound =
    g === null
      ? ""
      : `\n  PCT residual-miss bound for depth-${g.d} bugs after ${count(g.runs)} clean PCT runs (n=${g.n}, k=${g.k}): ${g.bound.toPrecision(3)}`;
  return `${head}${bound}\n`;
}
