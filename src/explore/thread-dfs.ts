/**
 * Plain depth-first search over thread schedules, no reduction: every schedule (within an
 * optional preemption bound) once. It is the yardstick DporExplorer is measured against — same
 * interface, same order of the first run — and the oracle its tests compare with.
 *
 * Preemption bound (Musuvathi & Qadeer, "Iterative Context Bounding for Systematic Testing of
 * Multithreaded Programs", PLDI 2007): choosing a thread other than the previous one while the
 * previous one could still run costs one preemption; a schedule over `maxPreemptions` is not
 * explored (counted in `stats.boundCut`, so a cut search never reads as complete).
 *
 * Invariants:
 *  1. each point's candidates are ordered by rank: the previous thread first (the free option),
 *     then the others by number; the walk takes rank 0 first and backtracks by raising the rank
 *     of the deepest point that can be raised within the bound;
 *  2. a run is a pure function of its answers, so the tree below a prefix is fixed.
 */
import { checkInt } from "../core/checks.js";
import { copyAccess, type Access, type ThreadNo } from "./thread-access.js";
import {
  showAccess,
  showThreads,
  ThreadNondeterminismError,
  type ThreadExplorer,
  type ThreadExplorerStats,
  type ThreadRun,
} from "./thread-explorer.js";

interface Point {
  /** Candidates in rank order (invariant 1). */
  readonly order: readonly ThreadNo[];
  /** Whether order[0] is the previous thread, so that any other rank is a preemption. */
  readonly preemptible: boolean;
  rank: number;
  access: Access | undefined;
}

export interface ThreadDfsOptions {
  /** At most this many preemptions per schedule (default: unbounded). */
  readonly maxPreemptions?: number;
}

export class ThreadDfsExplorer implements ThreadExplorer {
  readonly name = "dfs";
  private readonly points: Point[] = [];
  private readonly maxPreemptions: number;
  private step = 0;
  private chosen = false;
  private active = false;
  private done = false;
  private counts = { runs: 0, schedules: 0, sleepBlocked: 0, boundCut: 0 };

  constructor(options: ThreadDfsOptions = {}) {
    this.maxPreemptions =
      options.maxPreemptions === undefined ? Infinity : checkInt("maxPreemptions", options.maxPreemptions, 0);
  }

  get exhausted(): boolean {
    return this.done;
  }

  get stats(): ThreadExplorerStats {
    return { ...this.counts };
  }

  beginRun(): ThreadRun | null {
    if (this.done) return null;
    if (this.active) throw new Error("ThreadDfsExplorer.beginRun: the previous run has not called runDone()");
    this.active = true;
    this.step = 0;
    this.chosen = false;
    this.counts.runs++;
    return { next: (enabled) => this.next(enabled), executed: (access) => this.executed(access) };
  }

  private next(enabled: readonly ThreadNo[]): ThreadNo | undefined {
    if (this.chosen) throw new Error(`ThreadDfsExplorer: next() at step ${this.step} before executed() of the previous step`);
    const k = this.step;
    const prev = k > 0 ? this.points[k - 1]!.order[this.points[k - 1]!.rank]! : -1;
    const rest = [...enabled].filter((t) => t !== prev).sort((a, b) => a - b);
    const order = enabled.includes(prev) ? [prev, ...rest] : rest;
    if (k < this.points.length) {
      const p = this.points[k]!;
      const [a, b] = [[...p.order].sort((x, y) => x - y), [...order].sort((x, y) => x - y)];
      if (showThreads(a) !== showThreads(b)) throw new ThreadNondeterminismError(k, "the set of enabled threads", showThreads(a), showThreads(b));
    } else {
      if (order.length === 0) return undefined;
      this.points.push({ order, preemptible: enabled.includes(prev), rank: 0, access: undefined });
    }
    this.step++;
    this.chosen = true;
    const p = this.points[k]!;
    return p.order[p.rank]!;
  }

  private executed(access: Access): void {
    if (!this.chosen) throw new Error("ThreadDfsExplorer: executed() without a thread chosen by next()");
    this.chosen = false;
    const p = this.points[this.step - 1]!;
    if (p.access !== undefined && (p.access.object !== access.object || p.access.kind !== access.kind)) {
      throw new ThreadNondeterminismError(this.step - 1, "the chosen thread's access", showAccess(p.access), showAccess(access));
    }
    p.access = copyAccess(access);
  }

  runDone(): void {
    if (!this.active) throw new Error("ThreadDfsExplorer.runDone() without a run begun");
    this.active = false;
    if (this.chosen) throw new Error(`ThreadDfsExplorer: the run ended at step ${this.step - 1} between next() and executed(): end a run only between steps`);
    if (this.step < this.points.length) {
      throw new ThreadNondeterminismError(this.step, "the run's length", `at least ${this.points.length} steps`, `${this.step} steps`);
    }
    this.counts.schedules++;
    let used = 0;
    const costs = this.points.map((p) => (p.preemptible && p.rank > 0 ? 1 : 0));
    for (const c of costs) used += c;
    while (this.points.length > 0) {
      const d = this.points.length - 1;
      const p = this.points[d]!;
      used -= costs[d]!;
      const cost = p.preemptible ? 1 : 0;
      if (p.rank + 1 < p.order.length) {
        if (used + cost <= this.maxPreemptions) {
          p.rank++;
          p.access = undefined;
          return;
        }
        this.counts.boundCut++;
      }
      this.points.pop();
    }
    this.done = true;
  }
}
