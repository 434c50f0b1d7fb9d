/**
 * explore(scenario, options): runs a scenario under a strategy until a run fails or the budget
 * (runs, time) is spent; shrinks the first failure to a minimal schedule and replays it with a
 * full trace for the report.
 *
 * The time budget is the only place wakesim reads real time, and it does so between runs, never
 * during one (a run is a pure function of its choices).
 */
import { performance } from "node:perf_hooks";
import { ReplayChooser } from "../chooser/replay.js";
import type { Chooser, FaultKind } from "../chooser/chooser.js";
import { pctObservation, residualMissBound, type ResidualMissBound } from "./pct.js";
import { holdEscapeTraps } from "../oracles/escape-traps.js";
import { checkChooser, checkFaults } from "../chooser/faults.js";
import { checkInt } from "../core/checks.js";
import { checkSimOptions, type SimOptions, type SimSettings } from "../sim/config.js";
import { OptionError } from "../core/errors.js";
import type { Outcome } from "../sim/outcome.js";
import { replay, replayAsync, runChecked, runCheckedAsync, runScenario, runScenarioAsync, type Scenario } from "../sim/scenario.js";
import { reportContext, type ReportContext } from "../report/report.js";
import { buildFailure, type Failure } from "./failure.js";
import { makeStrategy, STRATEGY_NAMES, type StrategyName } from "./strategies.js";
import { shrinkSteps, type ShrinkResult } from "./shrink.js";
import { exploreWatched, type RunHang } from "./watched.js";
import type { Strategy } from "./strategy.js";

export type { Failure } from "./failure.js";
export type { ResidualMissBound } from "./pct.js";

// The time budget's clock, taken at load: while a run with async tasks steps, performance.now
// reads that run's virtual time (escape-traps.ts rule 4), and an async exploration may resume
// between two steps of another exploration's run (runs take turns; explorations do not).
const realNow = performance.now.bind(performance);

/**
 * A scenario whose setup spawned no task: every run is trivially clean, so exploring it would
 * pass while testing nothing — a trap for a CI gate. Thrown by explore() after its first run.
 */
export class EmptyScenarioError extends Error {
  override readonly name = "EmptyScenarioError";
  constructor(readonly scenario: string) {
    super(
      `scenario '${scenario}' spawned no task and made no thread: nothing was tested — its setup(sim) must spawn the futures or async functions under test ` +
        `(sim.spawn(future, { name: "…" }), sim.spawn(async () => …)) or make threads (sim.thread(function* () { … })); a setup that returns early, or spawns only under a condition that is false, tests nothing`,
    );
  }
}

export interface ExploreOptions extends SimOptions {
  /** Most runs to make (default 10 000). */
  runs?: number;
  /** Stop after this much wall time, in milliseconds (checked between runs). */
  timeLimitMs?: number;
  /** "portfolio" (default), "random", "pct", "swarm", "exhaustive", or a Strategy object. */
  strategy?: StrategyName | Strategy;
  /** PCT depth d (default 3). */
  pctDepth?: number;
  /** Shrink the first failure (default true). */
  shrink?: boolean;
  /** Most reruns spent shrinking (default 2000). */
  maxShrinkRuns?: number;
  /**
   * Where to record each run's schedule hash (default: a fresh set). Pass the same set to
   * several explore() calls to count distinct schedules across them (the CLI's blocks and
   * slices do); `distinctSchedules` is then the set's size afterwards.
   */
  schedules?: Set<number>;
  /** For the report: the scenario file and how the user runs wakesim. */
  file?: string;
  command?: string;
  /**
   * Stop a run whose poll does not return within this many milliseconds of wall time — a
   * `while (true) {}` in a future — and report it in `hang` (the task, the future it awaited,
   * a replay token) instead of hanging the process. Off by default; simTest turns it on. Runs
   * the exploration in slices under a vm timeout (src/explore/watchdog.ts): the same runs.
   */
  watchdogMs?: number;
  /**
   * Extension point, for a harness that runs explore() where it cannot see it (the CLI's pool
   * workers): every run explore makes from a chooser — the exploration's runs and the shrinker's
   * reruns — gets its chooser through this first, with the run's fault kinds, and uses the
   * chooser returned, which must answer exactly as the one given. The CLI's worker mirrors each
   * answer into shared memory (src/cli/mirror.ts), so that its watchdog can name a run that hangs.
   */
  wrapChooser?: (chooser: Chooser, faults: readonly FaultKind[]) => Chooser;
  /** For the report: extra flags its replay command needs (the CLI's `--executor`). */
  replayFlags?: string;
  /**
   * For the report: runs made before this call in the same exploration (the CLI's earlier slices
   * and blocks), so that it counts the runs it took to find from there.
   */
  runsBefore?: number;
}

export interface ExploreResult {
  readonly ok: boolean;
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number | string;
  readonly runs: number;
  readonly steps: number;
  /** Distinct choice lists among the runs made. */
  readonly distinctSchedules: number;
  /** True when an exhaustive strategy explored its whole bounded space. */
  readonly exhausted: boolean;
  readonly failure: Failure | null;
  readonly stats: Readonly<Record<string, number | string | boolean>>;
  /**
   * The statistical CI gate, when PCT ran (alone or in the portfolio) and found nothing: the
   * probability that a bug of depth d is still there after `runs` clean PCT runs,
   * (1 − 1/(n·k^(d−1)))^runs, with the observed task count n and step count k. null otherwise.
   */
  readonly residualMissBound: ResidualMissBound | null;
  /** With `watchdogMs`: the run whose poll never returned (the exploration stopped there), else null. */
  readonly hang?: RunHang | null;
}

/** The simulation options inside explore options (what a replay of one of its runs needs). */
export function simOptionsOf(options: ExploreOptions): SimOptions {
  const { runs: _r, timeLimitMs: _t, strategy: _s, pctDepth: _p, shrink: _k, maxShrinkRuns: _m, schedules: _d, file: _f, command: _c, watchdogMs: _w, wrapChooser: _x, replayFlags: _g, runsBefore: _b, ...sim } =
    options;
  return sim;
}

/** The report context of a failure found at (0-based) run `run` of an exploration under `options`. */
export function reportContextOf(scenario: Scenario, options: ExploreOptions, strategy: string, run: number): ReportContext {
  return reportContext(scenario.name, {
    strategy,
    seed: options.seed ?? 0,
    runs: (options.runsBefore ?? 0) + run + 1,
    file: options.file,
    command: options.command,
    flags: options.replayFlags,
  });
}

export function explore(scenario: Scenario, options: ExploreOptions = {}): ExploreResult {
  const plan = prepare(scenario, options);
  if (options.watchdogMs !== undefined) {
    const { strategy, maxRuns, schedules, seed } = plan;
    const timeoutMs = checkInt("watchdogMs", options.watchdogMs, 1);
    const { watchdogMs: _w, ...rest } = options;
    const w = exploreWatched(scenario, { ...rest, strategy, runs: maxRuns, schedules }, { timeoutMs, maxHangs: 1 });
    const stats = strategy.stats?.() ?? {};
    const hang = w.hangs[0] ?? null;
    const ok = w.failure === null && hang === null;
    const common = { scenario: scenario.name, strategy: strategy.name, seed, runs: w.runs, steps: w.steps, distinctSchedules: schedules.size, exhausted: strategy.exhausted === true, stats };
    return { ok, ...common, failure: w.failure, hang, residualMissBound: ok ? residualMissBound(pctObservation(strategy.name, stats, w.runs)) : null };
  }
  const release = holdEscapeTraps(); // once for the batch: per-run installs cost more than small runs
  try {
    const g = exploreSteps(plan);
    let r = g.next();
    while (r.done !== true) r = g.next(runNow(scenario, r.value));
    return r.value;
  } finally {
    release();
  }
}

/**
 * As explore, for a scenario with async tasks (or any scenario): each run is `sim.runAsync()`,
 * so the engine runs the tasks' microtasks between steps. The same strategies, shrinking, tokens
 * and reports; no `watchdogMs` yet (the vm watchdog cannot stop a run that awaits; a test
 * timeout fails one that keeps yielding, nothing stops a synchronous endless loop in a task).
 */
export async function exploreAsync(scenario: Scenario, options: ExploreOptions = {}): Promise<ExploreResult> {
  if (options.watchdogMs !== undefined) {
    throw new OptionError("watchdogMs", "exploreAsync has no watchdog yet (a run that awaits cannot be stopped by the vm watchdog): leave watchdogMs out; a test timeout fails a run that keeps yielding, but nothing stops an async task stuck in a synchronous loop");
  }
  const plan = { ...prepare(scenario, options), timeCheckMask: 0 };
  const release = holdEscapeTraps(false); // its runs' promises are theirs (escape-traps.ts rule 5)
  try {
    const g = exploreSteps(plan);
    let r = g.next();
    while (r.done !== true) r = g.next(await runLater(scenario, r.value));
    return r.value;
  } finally {
    release();
  }
}

/** Checks the options (bad ones fail before the first run) and makes the strategy. */
function prepare(scenario: Scenario, options: ExploreOptions): Prepared {
  const { runs, timeLimitMs, strategy: strategyOpt, pctDepth, shrink: doShrink, maxShrinkRuns, schedules, file: _f, command: _c, watchdogMs: _w, wrapChooser: wrap, replayFlags: _g, runsBefore: _b, ...simOptions } = options;
  const seed = simOptions.seed ?? 0;
  const base: SimOptions = { ...scenario.options, ...simOptions };
  const checked = checkSimOptions({ ...base, scenario: scenario.name });
  const maxRuns = checkInt("runs", runs ?? 10_000, 1);
  const timeLimit = timeLimitMs === undefined ? Infinity : checkInt("timeLimitMs", timeLimitMs, 1);
  const shrinkBudget = checkInt("maxShrinkRuns", maxShrinkRuns ?? 2000, 0);
  const strategy = typeof strategyOpt === "object" ? strategyOpt : makeStrategy(strategyOpt ?? "portfolio", seed, base, pctDepth ?? 3);
  if (typeof strategyOpt === "string" && !(STRATEGY_NAMES as readonly string[]).includes(strategyOpt)) {
    throw new OptionError("strategy", `unknown strategy '${strategyOpt}'. Use one of ${STRATEGY_NAMES.join(", ")}, or a Strategy object`);
  }
  return { scenario, options, base, checked, strategy, maxRuns, timeLimit, shrinkBudget, doShrink, wrap, schedules: schedules ?? new Set<number>(), seed, timeCheckMask: 63 };
}

/** One run an exploration asks for: under checked settings, under options, or a token's replay. */
type RunRequest =
  | { readonly kind: "checked"; readonly settings: SimSettings }
  | { readonly kind: "options"; readonly options: SimOptions }
  | { readonly kind: "replay"; readonly token: string; readonly options: SimOptions };

function runNow(scenario: Scenario, q: RunRequest): Outcome {
  return q.kind === "checked" ? runChecked(scenario, q.settings) : q.kind === "options" ? runScenario(scenario, q.options) : replay(scenario, q.token, q.options);
}

function runLater(scenario: Scenario, q: RunRequest): Promise<Outcome> {
  return q.kind === "checked" ? runCheckedAsync(scenario, q.settings) : q.kind === "options" ? runScenarioAsync(scenario, q.options) : replayAsync(scenario, q.token, q.options);
}

/** What explore and exploreAsync checked before the first run. */
interface Prepared {
  readonly scenario: Scenario;
  readonly options: ExploreOptions;
  readonly base: SimOptions;
  readonly checked: SimSettings;
  readonly strategy: Strategy;
  readonly maxRuns: number;
  readonly timeLimit: number;
  readonly shrinkBudget: number;
  readonly doShrink: boolean | undefined;
  readonly wrap: ExploreOptions["wrapChooser"];
  readonly schedules: Set<number>;
  readonly seed: number | string;
  /** The time limit is read when `run & timeCheckMask` is 0: every 64 runs, or every run of an async exploration (its runs are long). */
  readonly timeCheckMask: number;
}

/**
 * The exploration as a coroutine: it yields each run it wants and is resumed with its outcome,
 * so one loop (runs, then shrinking, then the traced replay) serves both drivers.
 */
function* exploreSteps(p: Prepared): Generator<RunRequest, ExploreResult, Outcome> {
  const { scenario, options, base, checked, strategy, maxRuns, timeLimit, shrinkBudget, doShrink, wrap, schedules, seed } = p;
  let steps = 0;
  let run = 0;
  let found: Outcome | null = null;
  let foundOptions: SimOptions = base;
  const start = realNow();
  {
    for (; run < maxRuns; run++) {
      if (timeLimit !== Infinity && (run & p.timeCheckMask) === 0 && realNow() - start > timeLimit) break;
      const plan = strategy.nextRun(run);
      if (plan === null) break;
      // A plan without options of its own (or only fault kinds, as swarm's) runs under the options
      // checked above with its chooser (and faults): what runScenario would make of them,
      // without merging and checking them all again per run.
      const own = plan.options ?? {};
      let out: Outcome;
      if (!checked.checkDeterminism && onlyFaults(own)) {
        const faults = ownFaults(own, checked.faults);
        const chooser = wrap === undefined ? plan.chooser : wrap(plan.chooser, [...faults]);
        out = yield { kind: "checked", settings: { ...checked, chooser: checkChooser(chooser), faults } };
      } else {
        const chooser = wrap === undefined ? plan.chooser : wrap(plan.chooser, [...checkSimOptions({ ...base, ...own, scenario: scenario.name }).faults]);
        out = yield { kind: "options", options: { ...base, ...own, chooser } };
      }
      if (run === 0 && out.tasks.length === 0 && out.steps === 0) throw new EmptyScenarioError(scenario.name);
      strategy.runDone?.(out);
      steps += out.steps;
      if (schedules.size < MAX_TRACKED_SCHEDULES) schedules.add(hashChoices(out.choices));
      if (!out.ok) {
        found = out;
        foundOptions = { ...base, ...plan.options };
        run++;
        break;
      }
    }

    const result = {
      scenario: scenario.name,
      strategy: strategy.name,
      seed,
      runs: run,
      steps,
      distinctSchedules: schedules.size,
      exhausted: strategy.exhausted === true,
      stats: strategy.stats?.() ?? {},
    };
    if (found === null) return { ok: true, ...result, failure: null, residualMissBound: residualMissBound(pctObservation(strategy.name, result.stats, run)) };

    const generator = found.chooser;
    const rerun = (choices: readonly number[], faults: readonly FaultKind[]): RunRequest => {
      const replayer = new ReplayChooser(choices, generator);
      return { kind: "options", options: { ...foundOptions, faults, chooser: wrap === undefined ? replayer : wrap(replayer, faults) } };
    };
    let shrunk: ShrinkResult | null = null;
    if (doShrink !== false && shrinkBudget > 0 && found.violations.length > 0) {
      const g = shrinkSteps(found, shrinkBudget);
      let r = g.next();
      while (r.done !== true) r = g.next(yield rerun(r.value.choices, r.value.faults));
      shrunk = r.value;
    }
    const token = (shrunk?.outcome ?? found).token;
    const traced = yield { kind: "replay", token, options: foundOptions };
    const facts = { run: run - 1, token, originalToken: found.token, originalChoices: found.choices, shrinkSteps: shrunk?.steps ?? 0, shrinkRuns: shrunk?.runs ?? 0 };
    return { ok: false, ...result, residualMissBound: null, failure: buildFailure(traced, facts, reportContextOf(scenario, options, strategy.name, run - 1)) };
  }
}

/** True when a plan's options set nothing but the fault kinds. */
function onlyFaults(o: SimOptions): boolean {
  for (const k in o) if (k !== "faults") return false;
  return true;
}

/**
 * The faults of `{ ...base, ...own }`: the plan's own `faults` when it has that key (even set to
 * undefined, which a spread keeps and which means none), else the exploration's — a plan of
 * `{}` keeps them.
 */
function ownFaults(own: SimOptions, base: ReadonlySet<FaultKind>): ReadonlySet<FaultKind> {
  return Object.hasOwn(own, "faults") ? checkFaults(own.faults ?? "none") : base;
}

/** Distinct schedules are counted exactly up to here (memory stays bounded on long runs). */
export const MAX_TRACKED_SCHEDULES = 1 << 22;

/**
 * A schedule's hash: FNV-1a over the choice values and the length, without building a string
 * (it runs once per run). Collisions only undercount distinct schedules.
 */
export function hashChoices(c: readonly number[]): number {
  let h = 0x811c9dc5 ^ c.length;
  for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c[i]!, 0x01000193);
  return h >>> 0;
}
