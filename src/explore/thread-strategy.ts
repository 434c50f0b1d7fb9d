/**
 * ThreadExplorerStrategy: bounded-exhaustive search of a run with threads (sim/threads.ts) as a
 * Strategy — one run per schedule a thread explorer hands out: DporExplorer (`strategy: "dpor"`,
 * source-set partial-order reduction: one schedule per class of schedules that differ only in
 * the order of independent steps) or ThreadDfsExplorer (every interleaving; the yardstick the
 * reduction is measured against, `dporReduction`).
 *
 * Rules:
 *  1. The explorer decides every thread step (`Chooser.pickThread`, asked even with one thread
 *     enabled, as the explorers count steps); every other choice is answered 0 — the
 *     executor's own pick of a task, the in-order delivery, no fault. So the search is over
 *     interleavings of threads' steps, and complete for them (within the explorer's limits:
 *     dpor.ts), not over faults or which task an idle worker takes.
 *  2. A run the explorer finds redundant (every enabled thread asleep) is stopped clean: it is
 *     no schedule, only a cost (`stats().sleepBlocked`).
 *  3. What each step touched (`threadStepped`) goes to the explorer; the choice log still
 *     records the thread choices with two or more options, so a failure's token replays and
 *     shrinks like any other.
 *  4. The explorer's part of a run ends where the run switches to the fair suffix (a liveness
 *     suspicion: the suffix decides the rest, as in a replay) or after EXPLORER_MAX_STEPS thread
 *     steps (sim/choice-log.ts: the rest runs on without preemptions). A spin loop in a thread
 *     without a `spinLoop()` hint is where either happens; with the hint it is finite.
 */
import type { Chooser } from "../chooser/chooser.js";
import type { Access, ThreadEvent } from "./thread-access.js";
import type { ThreadExplorer, ThreadRun } from "./thread-explorer.js";
import type { RunPlan, Strategy } from "./strategy.js";
import { DporExplorer } from "./dpor.js";
import { ThreadDfsExplorer, type ThreadDfsOptions } from "./thread-dfs.js";

class ThreadExplorerChooser implements Chooser {
  readonly fair = false;
  constructor(
    readonly name: string,
    private readonly run: ThreadRun,
  ) {}

  choose(): number {
    return 0; // rule 1
  }

  pickThread(enabled: readonly number[], waiting: readonly ThreadEvent[]): number {
    const t = this.run.next(enabled, waiting);
    return t === undefined ? -1 : enabled.indexOf(t);
  }

  threadStepped(access: Access): void {
    this.run.executed(access);
  }
}

export class ThreadExplorerStrategy implements Strategy {
  readonly name: string;
  private begun = false;

  constructor(private readonly explorer: ThreadExplorer) {
    this.name = explorer.name === "dpor" ? "dpor" : "thread-dfs";
  }

  get exhausted(): boolean {
    return this.explorer.exhausted;
  }

  nextRun(): RunPlan | null {
    const run = this.explorer.beginRun();
    if (run === null) return null;
    this.begun = true;
    return { chooser: new ThreadExplorerChooser(this.name, run) };
  }

  runDone(): void {
    if (!this.begun) return;
    this.begun = false;
    this.explorer.runDone();
  }

  stats(): Record<string, number | string | boolean> {
    const s = this.explorer.stats;
    return { schedules: s.schedules, sleepBlocked: s.sleepBlocked, boundCut: s.boundCut, exhausted: this.explorer.exhausted };
  }
}

/** `strategy: "dpor"`. */
export function dporStrategy(): ThreadExplorerStrategy {
  return new ThreadExplorerStrategy(new DporExplorer());
}

/** Every interleaving (no reduction), optionally preemption-bounded: what "dpor" is measured against. */
export function threadDfsStrategy(options: ThreadDfsOptions = {}): ThreadExplorerStrategy {
  return new ThreadExplorerStrategy(new ThreadDfsExplorer(options));
}
