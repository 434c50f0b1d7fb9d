/**
 * Bounded exhaustive search: a depth-first walk over the choice tree, one run per leaf, with
 * iterative bounding — every schedule within bound 0, then within 1, … up to `maxBound`.
 *
 * Bounds (the cost of a schedule; a later bound re-explores the earlier ones' schedules):
 *  - "delay" (Emmi, Qadeer, Rakamarić, "Delay-Bounded Scheduling", POPL 2011): the number of
 *    decisions that deviate from the default option 0. Every choice kind counts.
 *  - "preemption" (Musuvathi & Qadeer, "Iterative Context Bounding for Systematic Testing of
 *    Multithreaded Programs", PLDI 2007 — CHESS): the number of task choices that pick a task
 *    other than `previous` while `previous` is itself a candidate, plus each stale waker made
 *    inert (a deviation from how the common runtimes behave, as a preemption is from running
 *    on). Other choices are free.
 *
 * Invariants:
 *  1. The walk is over *ranks*, 0 being the cost-free option. Under the delay bound a rank is
 *     the choice itself. Under the preemption bound rank 0 of a task choice is "keep running
 *     `previous`" (CHESS's non-preemptive default) and ranks 1… are the other candidates in
 *     order; the default run is then preemption-free, not the all-zeros one.
 *  2. Each rank costs 0 (rank 0) or the same 1 (any other), so raising a rank never lowers the
 *     cost, and all-default suffixes are free: if a prefix fits the bound, so does its run.
 *  3. Backtracking takes the deepest decision whose rank can be raised within the bound; the
 *     tree below a prefix is fixed because a run is a pure function of its choices.
 *  4. If a whole DFS pass skipped nothing for the bound, the tree has been explored entirely and
 *     a larger bound adds nothing: the search is exhausted at once.
 */
import { checkInt } from "../core/checks.js";
import { OptionError } from "../core/errors.js";
import type { TaskId } from "../core/ids.js";
import type { Outcome } from "../sim/outcome.js";
import type { RunPlan, Strategy } from "./strategy.js";
import type { ChoiceKind, Chooser } from "../chooser/chooser.js";

export type BoundKind = "delay" | "preemption";

/** One decision point of a run, as the search sees it. */
export interface Decision {
  readonly n: number;
  /** The rank taken (0 = the cost-free default); the choice itself under the delay bound. */
  readonly rank: number;
  /** Whether a non-zero rank here costs one unit of the bound. */
  readonly costly: boolean;
}

/** Replays a forced prefix of ranks, then takes rank 0 everywhere, recording each decision. */
export class ExhaustiveChooser implements Chooser {
  readonly name = "exhaustive";
  readonly fair = false;
  readonly decisions: Decision[] = [];

  constructor(
    private readonly prefix: readonly number[],
    private readonly bound: BoundKind,
  ) {}

  choose(n: number, kind: ChoiceKind): number {
    // A "task" choice asked without its candidates cannot tell a preemption: count it as one.
    // An inert stale waker is a deviation from how the common runtimes behave: it costs a unit too.
    return this.decide(n, this.bound === "delay" || kind === "task" || kind === "thread" || kind === "stale-wake");
  }

  chooseTask(candidates: readonly TaskId[], previous: TaskId | null): number {
    const n = candidates.length;
    if (this.bound === "delay") return this.decide(n, true);
    const p = previous === null ? -1 : candidates.indexOf(previous);
    if (p < 0) return this.decide(n, false); // `previous` blocked or done: any switch is free
    const rank = this.decide(n, true);
    return rank === 0 ? p : rank <= p ? rank - 1 : rank;
  }

  private decide(n: number, costly: boolean): number {
    const i = this.decisions.length;
    // A prefix that does not fit (a nondeterministic scenario) is folded in, as replay does.
    const rank = i < this.prefix.length ? this.prefix[i]! % n : 0;
    this.decisions.push({ n, rank, costly });
    return rank;
  }
}

export interface ExhaustiveOptions {
  /** Largest bound explored (default 2). */
  maxBound?: number;
  /** What the bound counts (default "delay"). */
  bound?: BoundKind;
  /** Most runs before giving up unexhausted (default 100 000). */
  maxSchedules?: number;
}

export class ExhaustiveStrategy implements Strategy {
  readonly name = "exhaustive";
  private readonly maxBound: number;
  private readonly kind: BoundKind;
  private readonly maxSchedules: number;
  private bound = 0;
  private prefix: number[] = [];
  private current: ExhaustiveChooser | null = null;
  /** Whether this bound's DFS pass skipped a branch for exceeding the bound (invariant 4). */
  private pruned = false;
  private done = false;
  private runs = 0;
  private readonly distinct = new Set<string>();

  constructor(opts: ExhaustiveOptions = {}) {
    this.maxBound = checkInt("maxBound", opts.maxBound ?? 2, 0);
    this.maxSchedules = checkInt("maxSchedules", opts.maxSchedules ?? 100_000, 1);
    const kind = opts.bound ?? "delay";
    if (kind !== "delay" && kind !== "preemption") throw new OptionError("bound", `expected "delay" or "preemption", got ${JSON.stringify(kind)}`);
    this.kind = kind;
  }

  /** True once every schedule within `maxBound` was run. */
  get exhausted(): boolean {
    return this.done;
  }

  nextRun(_run: number): RunPlan | null {
    if (this.done || this.runs >= this.maxSchedules) return null;
    this.current = new ExhaustiveChooser(this.prefix, this.kind);
    return { chooser: this.current };
  }

  runDone(outcome: Outcome): void {
    const c = this.current;
    if (c === null) return;
    this.current = null;
    this.runs++;
    this.distinct.add(outcome.choices.join(","));
    const next = this.backtrack(c.decisions);
    if (next !== null) {
      this.prefix = next;
    } else if (!this.pruned || this.bound >= this.maxBound) {
      this.done = true;
    } else {
      this.bound++; // iterative bounding: restart the walk with one more unit to spend
      this.prefix = [];
      this.pruned = false;
    }
  }

  stats(): Record<string, number | boolean> {
    return { bound: this.bound, schedulesRun: this.runs, distinctSchedules: this.distinct.size, exhausted: this.done };
  }

  /** The next prefix in depth-first order within the bound, or null when this pass is done. */
  private backtrack(ds: readonly Decision[]): number[] | null {
    const spent: number[] = [];
    let cost = 0;
    for (const d of ds) {
      spent.push(cost);
      if (d.costly && d.rank !== 0) cost++;
    }
    for (let i = ds.length - 1; i >= 0; i--) {
      const d = ds[i]!;
      if (d.rank + 1 >= d.n) continue;
      if (spent[i]! + (d.costly ? 1 : 0) > this.bound) {
        this.pruned = true;
        continue;
      }
      return [...ds.slice(0, i).map((x) => x.rank), d.rank + 1];
    }
    return null;
  }
}
