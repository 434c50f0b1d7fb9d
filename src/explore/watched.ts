/**
 * An exploration under the in-process watchdog (watchdog.ts): explore() in guarded calls, so that
 * a run whose poll never returns is stopped, named and reported, and the exploration goes on
 * with the next run — the runs asked for are all made, and a bug found after a hang is not lost.
 *
 * Invariants:
 *  1. The runs made are those of one plain explore() call with the same strategy and budget: a
 *     guarded call that is terminated is followed by one that resumes the strategy at the run
 *     after the hung one (the strategy object is only ever asked for the next run, in order).
 *     The hung run itself gets a stand-in runDone (its choices so far; no violation), so that
 *     exhaustive search moves past it; its schedule is not counted. A call that overran only
 *     because of slow runs before the one it stopped makes that run again, alone — never skips it.
 *  2. A hang is reported only when one run alone did not return within the limit: when the run
 *     that was terminated was not the first of its guarded call (earlier runs used part of the
 *     time), it is replayed alone from its token under a fresh limit first. So a hang found
 *     mid-call costs up to twice the limit, and a merely slow run is never reported.
 *  3. A found failure is shrunk as explore() shrinks it, each rerun guarded on its own: a shrunk
 *     schedule that hangs is a rejected candidate, and a long shrink is not mistaken for a hang.
 *  4. A found failure is never dropped: if its traced replay is stopped too, it is returned as
 *     found (untraced, unshrunk), its report saying so.
 */
import { performance } from "node:perf_hooks";
import { ReplayChooser } from "../chooser/replay.js";
import type { Outcome } from "../sim/outcome.js";
import type { FaultKind } from "../chooser/chooser.js";
import { replay, runScenario, type Scenario } from "../sim/scenario.js";
import { explore, reportContextOf, simOptionsOf, type ExploreOptions } from "./explore.js";
import { buildFailure, type Failure } from "./failure.js";
import { shrink } from "./shrink.js";
import type { RunPlan, Strategy } from "./strategy.js";
import { guard, type GuardOptions, type HangSite } from "./watchdog.js";
import { parseToken } from "../trace/token.js";

/** A run stopped by the watchdog. */
export interface RunHang {
  /** 0-based, among the runs of this exploration. */
  readonly run: number;
  /** Replays the run up to (and into) the poll that hangs; null when the escapes oracle was off. */
  readonly token: string | null;
  readonly site: HangSite;
}

export interface WatchedResult {
  readonly runs: number;
  readonly steps: number;
  /** The first failure; its `run` is 0-based among the runs of this exploration. */
  readonly failure: Failure | null;
  readonly hangs: readonly RunHang[];
}

/** The guard's options without `breakOnSigint`: a caller with a Ctrl-C handler of its own makes many guarded calls (GuardOptions.breakOnSigint). */
export interface WatchOptions extends Omit<GuardOptions, "breakOnSigint"> {
  /** Stop after this many hangs (default: never; explore() stops at the first). */
  readonly maxHangs?: number;
  /**
   * Runs in the first guarded call (default 16; later calls are sized from its pace). A caller
   * that already sizes its calls well under the limit (the CLI's ~100 ms slices) passes them whole.
   */
  readonly firstSliceRuns?: number;
  /**
   * Return right after a hang instead of going on (default false). A hung poll blocks the event
   * loop, so a signal handler of the caller's (Ctrl-C, SIGTERM) runs only once control returns
   * to it: the CLI then resumes at the next run.
   */
  readonly returnAfterHang?: boolean;
}

/**
 * A strategy resumed at run `offset`: run r of this call is run offset + r of the exploration
 * (a guarded call here, a slice of a seed block in the CLI's engine); counts what it sees.
 */
export class Resumed implements Strategy {
  started = 0;
  completed = 0;
  steps = 0;
  failed: Outcome | null = null;
  constructor(
    private readonly inner: Strategy,
    private readonly offset: number,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get exhausted(): boolean {
    return this.inner.exhausted === true;
  }
  nextRun(run: number): RunPlan | null {
    const plan = this.inner.nextRun(this.offset + run);
    if (plan !== null) this.started++;
    return plan;
  }
  runDone(o: Outcome): void {
    this.completed++;
    this.steps += o.steps;
    if (!o.ok) this.failed = o;
    this.inner.runDone?.(o);
  }
  stats(): Record<string, number | string | boolean> {
    return this.inner.stats?.() ?? {};
  }
}

/** A run the watchdog stopped, to be passed over when its exploration is made again (in a new worker). */
export interface StoppedRun {
  /** 0-based, among the runs of the exploration. */
  readonly run: number;
  /** Its choices up to the hang (what the strategy hears of it, as in-process). */
  readonly choices: readonly number[];
}

/**
 * A strategy that passes over runs the watchdog stopped: run k of this one is the k-th run of
 * `inner` not in `stopped`; a stopped run is handed out to no one, and `inner` hears of it as the
 * in-process watchdog tells it (`stoppedRun`), so the runs after it are the ones it would have
 * made. `runOf(k)` maps back to `inner`'s run number.
 */
export class SkipStopped implements Strategy {
  private readonly stopped: Map<number, readonly number[]>;
  /** The stopped runs' numbers, ascending. */
  private readonly order: readonly number[];
  constructor(
    private readonly inner: Strategy,
    stopped: readonly StoppedRun[],
  ) {
    this.stopped = new Map(stopped.map((r) => [r.run, r.choices]));
    this.order = [...this.stopped.keys()].sort((a, b) => a - b);
  }
  get name(): string {
    return this.inner.name;
  }
  get exhausted(): boolean {
    return this.inner.exhausted === true;
  }
  /** `inner`'s run number of this strategy's run `k`. */
  runOf(k: number): number {
    let m = k;
    for (const s of this.order) if (s <= m) m++;
    return m;
  }
  nextRun(k: number): RunPlan | null {
    const m = this.runOf(k);
    // The stopped runs just before this one: begun and told, as in-process.
    for (let s = k === 0 ? 0 : this.runOf(k - 1) + 1; s < m; s++) {
      if (this.inner.nextRun(s) === null) return null;
      this.inner.runDone?.(stoppedRun(this.stopped.get(s)!));
    }
    return this.inner.nextRun(m);
  }
  runDone(o: Outcome): void {
    this.inner.runDone?.(o);
  }
  stats(): Record<string, number | string | boolean> {
    return this.inner.stats?.() ?? {};
  }
}

/** Guarded calls aim to take about this long (or a tenth of the limit, if less): short enough that a slow run ends one well before the limit. */
const SLICE_MS = 100;

/** `options.runs` runs of `options.strategy` (a Strategy object: it is resumed across guarded calls). */
export function exploreWatched(scenario: Scenario, options: ExploreOptions & { readonly strategy: Strategy; readonly runs: number }, watch: WatchOptions): WatchedResult {
  const hangs: RunHang[] = [];
  const sim = simOptionsOf(options);
  // Every failure's report counts the runs from the start of the whole exploration.
  const runsBefore = options.runsBefore ?? 0;
  const start = performance.now();
  const target = Math.max(1, Math.min(SLICE_MS, watch.timeoutMs / 10));
  let done = 0;
  let steps = 0;
  let sliceRuns = Math.max(1, watch.firstSliceRuns ?? 16);
  while (done < options.runs) {
    // explore() reads the time limit between runs; here, between guarded calls (never in a run).
    const left = options.timeLimitMs === undefined ? null : options.timeLimitMs - (performance.now() - start);
    if (left !== null && left <= 0) break;
    const n = Math.min(sliceRuns, options.runs - done);
    const slice = new Resumed(options.strategy, done);
    const t0 = performance.now();
    // Shrinking is done below, one guarded rerun at a time: a slow shrink is not a hang, and a
    // shrunk schedule that hangs is only a candidate rejected.
    const g = guard(() => explore(scenario, { ...options, runs: n, shrink: false, strategy: slice, runsBefore: runsBefore + done, ...(left === null ? {} : { timeLimitMs: Math.max(1, Math.ceil(left)) }) }), watch);
    if (g.kind === "ok") {
      const r = g.value;
      const before = done;
      done += r.runs;
      steps += r.steps;
      if (r.failure !== null) {
        const failure = options.shrink === false ? r.failure : shrinkGuarded(scenario, { ...options, runsBefore: runsBefore + before + r.failure.run }, r.failure, watch);
        return { runs: done, steps, failure: { ...failure, run: before + r.failure.run }, hangs };
      }
      if (r.runs < n) break; // the strategy ran out, or the time did
      sliceRuns = Math.max(1, Math.min(100_000, Math.round((r.runs / Math.max(performance.now() - t0, 0.5)) * target)));
      continue;
    }
    steps += slice.steps;
    if (slice.failed !== null) {
      // Terminated after the failing run, while shrinking it: keep the failure as found.
      const found = slice.failed;
      const runs = done + slice.completed;
      const again = guard(() => explore(scenario, { ...options, runs: 1, shrink: false, strategy: once(found, options.strategy.name), schedules: new Set(), runsBefore: runsBefore + runs - 1 }), watch);
      if (again.kind === "ok" && again.value.failure !== null) return { runs, steps, failure: { ...again.value.failure, run: runs - 1 }, hangs };
      // Never lose a find: when its traced replay is stopped too, report it as found, untraced.
      return { runs, steps, failure: untraced(scenario, options, found, runs - 1), hangs };
    }
    const run = done + slice.started - 1;
    let site = g.site;
    let hung = true;
    if (slice.started > 1 && g.token !== null) {
      const token = g.token;
      const alone = guard(() => replay(scenario, token, sim), watch);
      hung = alone.kind === "timeout";
      if (alone.kind === "timeout") site = alone.site;
    }
    if (!hung) {
      // Slow runs, not a hang: the call overran because of the runs before this one. Make this
      // run again, alone in its call (a seeded strategy's plan is a function of the run number;
      // exhaustive search still holds the same schedule, as it got no runDone) — never skip it.
      done = run;
      sliceRuns = 1;
      continue;
    }
    hangs.push({ run, token: g.token, site });
    // The hung run is over: tell the strategy, so that exhaustive search moves on to the next
    // schedule instead of handing out the hung one again (its choices so far are what it knows).
    options.strategy.runDone?.(stoppedRun(g.token === null ? [] : parseToken(g.token).choices));
    done = run + 1;
    sliceRuns = Math.max(1, Math.floor(sliceRuns / 2));
    if (hangs.length >= (watch.maxHangs ?? Infinity) || watch.returnAfterHang === true) break;
  }
  return { runs: done, steps, failure: null, hangs };
}

/** A found failure as found, without the traced replay that the watchdog stopped. */
function untraced(scenario: Scenario, options: ExploreOptions & { readonly strategy: Strategy }, o: Outcome, run: number): Failure {
  const facts = { run, token: o.token, originalToken: o.token, originalChoices: o.choices, shrinkSteps: 0, shrinkRuns: 0 };
  // Its choices as recorded, like its originalChoices: nothing was shrunk.
  return { ...buildFailure(o, facts, reportContextOf(scenario, options, options.strategy.name, run)), choices: o.choices };
}

/** The stand-in outcome a strategy's runDone gets for a run the watchdog stopped. */
export function stoppedRun(choices: readonly number[]): Outcome {
  return { ok: false, status: "stopped", violations: [], steps: 0, polls: 0, choices } as unknown as Outcome;
}

/** What a rerun that the watchdog stopped counts as while shrinking: no violation, so not kept. */
const STOPPED = { ok: true, violations: [] } as unknown as Outcome;

/**
 * explore()'s shrinking of a found failure (shrink.ts, the same budget), each rerun under the
 * watchdog; then the shrunk run through explore() again, for its traced replay and report.
 */
function shrinkGuarded(scenario: Scenario, options: ExploreOptions & { readonly strategy: Strategy }, found: Failure, watch: WatchOptions): Failure {
  const sim = simOptionsOf(options);
  const generator = found.outcome.chooser;
  const wrap = options.wrapChooser;
  const rerun = (choices: readonly number[], faults: readonly FaultKind[]): Outcome => {
    const replayer = new ReplayChooser(choices, generator);
    const g = guard(() => runScenario(scenario, { ...sim, faults, chooser: wrap === undefined ? replayer : wrap(replayer, faults) }), watch);
    return g.kind === "ok" ? g.value : STOPPED;
  };
  const budget = options.maxShrinkRuns ?? 2000;
  if (budget === 0 || found.outcome.violations.length === 0) return found;
  const shrunk = shrink(found.outcome, rerun, budget);
  const again = guard(() => explore(scenario, { ...options, runs: 1, shrink: false, strategy: once(shrunk.outcome, options.strategy.name), schedules: new Set() }), watch);
  if (again.kind !== "ok" || again.value.failure === null) return found;
  return { ...again.value.failure, originalToken: found.originalToken, originalChoices: found.originalChoices, shrinkSteps: shrunk.steps, shrinkRuns: shrunk.runs };
}

/** A strategy of one run: the found run again, on its own choices and faults (named as the exploration's, for its report). */
function once(o: Outcome, name: string): Strategy {
  return {
    name,
    nextRun: (run) => (run === 0 ? { chooser: new ReplayChooser(o.choices, o.chooser), options: { faults: [...o.faults] } } : null),
  };
}
