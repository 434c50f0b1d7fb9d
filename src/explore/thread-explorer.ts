/**
 * The interface both thread explorers share (dpor.ts: reduced; thread-dfs.ts: every schedule),
 * so their schedule counts compare like for like, and `exhaustThreads`, the loop that drives one.
 *
 * A run talks to its `ThreadRun`:
 *  1. at each scheduling point, `next(enabled)` — the threads that can take a step now, in any
 *     order — answers the thread that runs next, or `undefined`: the run is redundant (every
 *     enabled thread is asleep: what it would do next was already explored) and must stop;
 *  2. after the chosen thread's step, `executed(access)` says what the step touched;
 *  3. at the end (a finished, stuck or stopped run) the explorer's `runDone()`.
 * A run must be a pure function of the answers it got: the explorers replay a prefix of the
 * previous run's answers and check that the enabled sets and accesses repeat.
 */
import type { Access, ThreadEvent, ThreadNo } from "./thread-access.js";

export interface ThreadRun {
  /**
   * `waiting`: the threads that would run but wait for a mutex another thread holds, each with
   * the lock it waits for (DporExplorer needs them to reverse the order of two critical sections
   * when a run deadlocks or a section blocks another). Call with no enabled thread but some
   * waiting when the run is stuck, so the explorer sees the deadlock (the answer is undefined).
   */
  next(enabled: readonly ThreadNo[], waiting?: readonly ThreadEvent[]): ThreadNo | undefined;
  executed(access: Access): void;
}

export interface ThreadExplorerStats {
  /** Runs handed out so far. */
  readonly runs: number;
  /** Runs that ended without being stopped: the schedules explored. */
  readonly schedules: number;
  /** Runs stopped because every enabled thread was asleep (DPOR only). */
  readonly sleepBlocked: number;
  /** Decision points whose backtracking was cut by a bound (the search is then incomplete). */
  readonly boundCut: number;
}

export interface ThreadExplorer {
  readonly name: string;
  /** The next run's scheduler, or null once every schedule has been explored. */
  beginRun(): ThreadRun | null;
  /** The run handed out by the last `beginRun` has ended. */
  runDone(): void;
  readonly exhausted: boolean;
  readonly stats: ThreadExplorerStats;
}

/** The program stopped answering like before: a run is not a pure function of its schedule. */
export class ThreadNondeterminismError extends Error {
  override readonly name = "ThreadNondeterminismError";
  constructor(step: number, what: string, before: string, now: string) {
    super(
      `the run diverged from the replayed schedule at step ${step}: ${what} was ${before} before and is ${now} now — ` +
        "a run must depend on nothing but the scheduler's answers (no real time, randomness or state kept between runs)",
    );
  }
}

/**
 * Explores until exhausted (or `maxRuns`), calling `body` once per run with its scheduler;
 * returns each run's result, in exploration order.
 */
export function exhaustThreads<R>(explorer: ThreadExplorer, body: (run: ThreadRun) => R, maxRuns = Infinity): R[] {
  const out: R[] = [];
  for (let n = 0; n < maxRuns; n++) {
    const run = explorer.beginRun();
    if (run === null) break;
    // A throw from the body (a ThreadNondeterminismError among them) ends the search as it is:
    // the explorer's state no longer describes the program.
    out.push(body(run));
    explorer.runDone();
  }
  return out;
}

export const showAccess = (a: Access): string => `${a.kind} ${typeof a.object === "string" ? JSON.stringify(a.object) : a.object}`;
export const showThreads = (ts: readonly ThreadNo[]): string => `[${ts.join(", ")}]`;
