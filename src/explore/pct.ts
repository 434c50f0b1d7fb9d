/**
 * PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
 *
 * Guarantee (the paper's Theorem): for a program with n tasks and k steps, one run finds a bug
 * of depth d (d ordering constraints must hold for it to show) with probability at least
 * 1/(n·k^(d−1)). `pctMissBound` gives the chance that `runs` independent runs all miss it.
 *
 * Algorithm, as the paper's, on our choice model:
 *  1. Every task gets a random, distinct initial priority d, d+1, … when first seen as a
 *     candidate; a task first seen mid-run is inserted at a uniformly random rank among those
 *     still at their initial priority (random insertion builds a uniform random permutation).
 *  2. d−1 distinct change points are drawn uniformly from [1, k] (k = `expectedSteps`).
 *  3. A step is one `chooseTask` call. The choice log asks only with ≥ 2 candidates (sim/choice-log.ts), so only steps
 *     with a real choice count — the k of the bound (DESIGN §2).
 *  4. At the i-th change point the task that would run (the highest-priority candidate) drops
 *     to priority d − i: below every initial priority and below every task lowered before it
 *     (the paper's rule; priority i instead would keep a task lowered later above one lowered
 *     earlier, so "A, then B, then A again" between two tasks could never happen); then the
 *     highest-priority candidate runs.
 *  5. Non-task choices (deliver, select, executor, faults) are not PCT's business: they are
 *     drawn as SeededChooser draws them (scheduling kinds uniform, faults rarely).
 *  6. With `fairSuffixAfterSteps`, steps after that many are uniform random: a fair suffix, so
 *     liveness oracles that judge the end of a run are not fooled by PCT's starvation.
 *  7. In a run with async tasks a task's code runs in promise reactions between steps, not in
 *     polls: what the schedule orders is the events due at one instant (the timers its awaits
 *     wait on). Such a tie (`chooseTie`) is a step as a task choice is: each event stands for
 *     the task on whose behalf it was made (its origin), the event of the highest-priority
 *     origin goes first (the earliest registered of that origin), and change points apply.
 *     Events of no known task stand for one more task, the host.
 */
import seedrandom from "seedrandom";
import { checkInt } from "../core/checks.js";
import { OptionError } from "../core/errors.js";
import type { TaskId } from "../core/ids.js";
import type { Outcome } from "../sim/outcome.js";
import type { RunPlan, Strategy } from "./strategy.js";
import type { ChoiceKind, Chooser } from "../chooser/chooser.js";

export interface PctChooserOptions {
  /** Bug depth d ≥ 1 targeted: d − 1 priority change points. */
  depth: number;
  /** Estimate k of the steps (task choices) in a run; change points are drawn from [1, k]. */
  expectedSteps: number;
  /** After this many steps, choose tasks uniformly at random (a fair suffix). */
  fairSuffixAfterSteps?: number;
  /** Probability that an enabled fault choice deviates from 0 (default 0.1, as SeededChooser). */
  faultProbability?: number;
}

/** Answered uniformly; the rest (faults, tie reordering) deviate from 0 with `faultProbability`. "stale-wake" is no fault: both answers are how some runtime behaves. */
const SCHEDULING: ReadonlySet<ChoiceKind> = new Set<ChoiceKind>(["task", "thread", "deliver", "executor", "select", "stale-wake"]);

/** Stands for the events made on behalf of no known task (rule 7). */
const HOST = -1 as TaskId;

/** One PCT run: random task priorities with d − 1 change points. Unfair by design. */
export class PctChooser implements Chooser {
  readonly name = "pct";
  readonly fair = false;
  readonly depth: number;
  /** The change points, sorted ascending: step numbers (1-based) in [1, expectedSteps]. */
  readonly changePoints: readonly number[];
  private readonly rng: () => number;
  private readonly faultProbability: number;
  private readonly fairSuffixAfterSteps: number | undefined;
  /** Tasks still at their initial priority, lowest first: `ranked[j]` has priority depth + j. */
  private readonly ranked: TaskId[] = [];
  /** Current priority of every task seen (higher runs first; all distinct). */
  private readonly prio = new Map<TaskId, number>();
  private passed = 0;
  private stepCount = 0;

  constructor(
    readonly seed: number | string,
    opts: PctChooserOptions,
  ) {
    this.depth = checkInt("depth", opts.depth, 1);
    const k = checkInt("expectedSteps", opts.expectedSteps, 1);
    this.fairSuffixAfterSteps = opts.fairSuffixAfterSteps === undefined ? undefined : checkInt("fairSuffixAfterSteps", opts.fairSuffixAfterSteps, 0);
    const p = opts.faultProbability ?? 0.1;
    if (!(p >= 0 && p <= 1)) throw new OptionError("faultProbability", `expected a probability between 0 and 1, got ${String(p)}`);
    this.faultProbability = p;
    this.rng = seedrandom.alea(String(seed));
    // With k < d − 1 there are not d − 1 distinct points: take all of [1, k].
    this.changePoints = sampleDistinct(Math.min(this.depth - 1, k), k, this.rng);
  }

  /** Task choices made so far (each with ≥ 2 candidates). */
  get steps(): number {
    return this.stepCount;
  }

  /** A snapshot of every seen task's current priority (higher runs first). */
  priorities(): ReadonlyMap<TaskId, number> {
    return new Map(this.prio);
  }

  /** How many tasks were seen (`priorities().size`, without copying the map: read after every run). */
  get tasksSeen(): number {
    return this.prio.size;
  }

  chooseTask(candidates: readonly TaskId[], _previous: TaskId | null): number {
    return this.pick(candidates);
  }

  /** Rule 7. */
  chooseTie(origins: readonly (TaskId | null)[]): number {
    return this.pick(origins.map((o) => o ?? HOST));
  }

  /** One step (rules 3–4, 6) among `candidates`, which may name a task more than once (rule 7): the first of the highest wins. */
  private pick(candidates: readonly TaskId[]): number {
    const step = ++this.stepCount;
    for (const c of candidates) if (!this.prio.has(c)) this.admit(c);
    if (this.fairSuffixAfterSteps !== undefined && step > this.fairSuffixAfterSteps) {
      return Math.floor(this.rng() * candidates.length);
    }
    let best = this.highest(candidates);
    if (this.changePoints[this.passed] === step) {
      this.passed++;
      this.lower(candidates[best]!, this.depth - this.passed);
      best = this.highest(candidates);
    }
    return best;
  }

  choose(n: number, kind: ChoiceKind): number {
    const r = this.rng();
    if (SCHEDULING.has(kind)) return Math.floor(r * n);
    // Faults (and tie reordering): mostly the plain option, sometimes a uniform deviation.
    if (r >= this.faultProbability) return 0;
    return 1 + Math.floor((r / this.faultProbability) * (n - 1));
  }

  /** Rule 1: a new task takes a uniformly random rank among the tasks at initial priority. */
  private admit(t: TaskId): void {
    const at = Math.floor(this.rng() * (this.ranked.length + 1));
    this.ranked.splice(at, 0, t);
    this.renumber(at);
  }

  /** Rule 4: `t` drops to priority p = d − i (< depth: below every initial priority, and every task lowered earlier). */
  private lower(t: TaskId, i: number): void {
    const at = this.ranked.indexOf(t);
    if (at >= 0) {
      this.ranked.splice(at, 1);
      this.renumber(at);
    }
    this.prio.set(t, i);
  }

  private renumber(from: number): void {
    for (let j = from; j < this.ranked.length; j++) this.prio.set(this.ranked[j]!, this.depth + j);
  }

  private highest(candidates: readonly TaskId[]): number {
    let best = 0;
    let bestP = -1;
    for (let i = 0; i < candidates.length; i++) {
      const p = this.prio.get(candidates[i]!)!;
      if (p > bestP) {
        bestP = p;
        best = i;
      }
    }
    return best;
  }
}

/** `m` distinct integers drawn uniformly from [1, k], sorted (Floyd's sampling algorithm). */
function sampleDistinct(m: number, k: number, rng: () => number): number[] {
  const s = new Set<number>();
  for (let j = k - m + 1; j <= k; j++) {
    const t = 1 + Math.floor(rng() * j);
    s.add(s.has(t) ? j : t);
  }
  return [...s].sort((a, b) => a - b);
}

/**
 * Probability that `runs` independent PCT runs all miss a depth-`d` bug in a program of `n`
 * tasks and `k` steps: (1 − 1/(n·k^(d−1)))^runs.
 */
export function pctMissBound(n: number, k: number, d: number, runs: number): number {
  return (1 - 1 / (n * k ** (d - 1))) ** runs;
}

export interface PctStrategyOptions {
  /** Bug depth d targeted (default 3). */
  depth?: number;
  fairSuffixAfterSteps?: number;
  faultProbability?: number;
}

/** Steps assumed before any run has been seen. */
const INITIAL_EXPECTED_STEPS = 50;

/**
 * PctStrategy: run r is a PctChooser seeded with `${seed}:${r}`. PCT needs k, the number of
 * steps of a run, in advance; the strategy learns it: k is the most task choices any earlier
 * run made (50 before the first run is done).
 */
export class PctStrategy implements Strategy {
  readonly name = "pct";
  private readonly depth: number;
  private readonly chooserOpts: Omit<PctChooserOptions, "expectedSteps" | "depth">;
  private last: PctChooser | null = null;
  private maxTasks = 0;
  private maxSteps = 0;

  constructor(
    private readonly seed: number | string,
    opts: PctStrategyOptions = {},
  ) {
    this.depth = checkInt("pctDepth", opts.depth ?? 3, 1);
    this.chooserOpts = {
      ...(opts.fairSuffixAfterSteps === undefined ? {} : { fairSuffixAfterSteps: opts.fairSuffixAfterSteps }),
      ...(opts.faultProbability === undefined ? {} : { faultProbability: opts.faultProbability }),
    };
  }

  nextRun(run: number): RunPlan {
    this.learn(); // in case the caller skipped runDone
    const expectedSteps = this.maxSteps > 0 ? this.maxSteps : INITIAL_EXPECTED_STEPS;
    this.last = new PctChooser(`${this.seed}:${run}`, { depth: this.depth, expectedSteps, ...this.chooserOpts });
    return { chooser: this.last };
  }

  runDone(_outcome: Outcome): void {
    // The outcome's choice list mixes task choices with other kinds; the chooser counted its own.
    this.learn();
  }

  stats(): Record<string, number> {
    this.learn();
    return { depth: this.depth, maxTasks: this.maxTasks, maxSteps: this.maxSteps };
  }

  private learn(): void {
    const c = this.last;
    if (c === null || c.steps === 0) return; // not run yet (or no task choice at all)
    this.maxSteps = Math.max(this.maxSteps, c.steps);
    this.maxTasks = Math.max(this.maxTasks, c.tasksSeen);
  }
}

/** What PCT observed over an exploration: its runs, the most tasks n and steps k a run had, its depth d. */
export interface PctObservation {
  readonly runs: number;
  readonly n: number;
  readonly k: number;
  readonly d: number;
}

/**
 * PCT's observation, read from the stats of the strategy that ran (`runs` runs): PctStrategy's
 * own (depth, maxTasks, maxSteps), or a portfolio member's (`pct.`-prefixed, its runs under
 * `runs.pct`). null when PCT took no part.
 */
export function pctObservation(strategy: string, stats: Readonly<Record<string, unknown>>, runs: number): PctObservation | null {
  const prefix = strategy === "pct" ? "" : "pct.";
  const n = stats[`${prefix}maxTasks`];
  const k = stats[`${prefix}maxSteps`];
  const d = stats[`${prefix}depth`];
  const pctRuns = strategy === "pct" ? runs : stats["runs.pct"];
  if (typeof n !== "number" || typeof k !== "number" || typeof d !== "number" || typeof pctRuns !== "number") return null;
  return { runs: pctRuns, n, k, d };
}

/** PCT's guarantee over an exploration's clean PCT runs: the chance that a depth-d bug escaped them all. */
export interface ResidualMissBound extends PctObservation {
  readonly bound: number;
}

/**
 * The residual-miss bound of what PCT observed (null when PCT made no run): pctMissBound, with n
 * and k taken as at least 1 (runs without a task choice observe 0 of each).
 */
export function residualMissBound(o: PctObservation | null): ResidualMissBound | null {
  if (o === null || o.runs === 0 || o.d === 0) return null;
  const n = Math.max(1, o.n);
  const k = Math.max(1, o.k);
  return { runs: o.runs, n, k, d: o.d, bound: pctMissBound(n, k, o.d, o.runs) };
}
