/**
 * The exploration loop behind `fuzz` and `check`: explore() in seed blocks and time slices.
 *
 * Seed blocks (what --shard splits). A scenario's exploration is a sequence of blocks of
 * BLOCK_RUNS runs; block k is an independent exploration seeded `blockSeed(seed, k)`: the seed
 * itself for block 0 (so an unsharded `fuzz --runs 1000 --seed S` makes exactly the runs of
 * `explore(scenario, { seed: S, runs: 1000 })`), `${S}:b${k}` after. Shard i of n takes blocks
 * i, i+n, i+2n, … — the shards never share a block, and n shards with --runs N (N a multiple of
 * BLOCK_RUNS) make exactly the runs of one unsharded fuzz with n·N runs. The exhaustive strategy
 * is one deterministic walk, not seeded: it is a single unbounded block and cannot be sharded.
 *
 * Slices (what progress and Ctrl-C need). explore() is synchronous, so each block is explored
 * in slices of about 100 ms, yielding to the event loop in between (a progress update, a
 * Ctrl-C). Slicing does not change the result: every slice of a block drives the same strategy
 * object through a wrapper that offsets the run index, so a block explored in ten slices makes
 * the same runs as one explore() call. Distinct schedules are counted across slices and blocks.
 *
 * The watchdog (on unless --watchdog off). Each slice runs under the in-process watchdog
 * (src/explore/watched.ts): a run whose poll never returns is stopped, reported as a Hang that
 * names its task, and the slice goes on with the next run, so the block and the budget are spent
 * as without a hang; a scenario stops after MAX_HANGS (hang.ts). Ctrl-C reaches the handler
 * between slices (at most a slice late), and during a hung poll once the watchdog has stopped it.
 * Not the vm's breakOnSigint, which would stop a hung poll at once: for each call it takes the
 * process's SIGINT listeners off and puts them back after, and a Ctrl-C landing in between ends
 * the process by the default action — no summary, no exit code 130 (3 of 60 Ctrl-Cs in a loop
 * of short guarded calls; a CI run lost one).
 */
import { setImmediate as importedNextTurn } from "node:timers/promises";
import { pctObservation, residualMissBound } from "../explore/pct.js";
import { freshGeneratorFunctions, type FreshClosures } from "../explore/fresh-closures.js";
import { explore, exploreAsync, MAX_TRACKED_SCHEDULES, type Failure, type ResidualMissBound } from "../explore/explore.js";
import { failureReport } from "../explore/failure.js";
import { isSystematic, makeStrategy, type StrategyName } from "../explore/strategies.js";
import type { Strategy } from "../explore/strategy.js";
import type { SimOptions } from "../sim/config.js";
import type { Outcome } from "../sim/outcome.js";
import type { Scenario } from "../sim/scenario.js";
import type { Shard } from "./args.js";
import { replayCommand } from "../report/report.js";
import { plain, replayFlags } from "./format.js";
import { MAX_HANGS, runHangReport } from "./hang.js";
import { guard, spawnsAsyncTasksGuarded } from "../explore/watchdog.js";
import { exploreWatched, Resumed } from "../explore/watched.js";
import type { ProgressSample } from "./progress.js";
import { realClock, type CliClock } from "./clock.js";

/** Taken at load: the export follows the escape traps' patch of node:timers/promises during a run. */
const nextTurn = importedNextTurn;

/** Runs per seed block (the unit --shard hands out). */
export const BLOCK_RUNS = 1000;
/** PCT depth, as explore's default. */
const PCT_DEPTH = 3;
/** Aim for slices of about this many milliseconds. */
const SLICE_MS = 100;
/** Under the watchdog, the fresh-closure diagnosis (two runs, advice only) gets at most this long. */
export const DIAGNOSIS_MS = 1000;

export function blockSeed(seed: number | string, block: number): number | string {
  return block === 0 ? seed : `${seed}:b${block}`;
}

/** The block indices shard i/n explores, in order. */
export function* shardBlocks(shard: Shard): Generator<number> {
  for (let k = shard.index; ; k += shard.count) yield k;
}

export interface EngineSettings {
  readonly strategy: StrategyName;
  readonly seed: number | string;
  /** Most runs (null: until the deadline). */
  readonly maxRuns: number | null;
  /** The clock's time at which to stop (null: no time limit). */
  readonly deadline: number | null;
  /** What budgets and progress read the time from (default: the real clock). */
  readonly clock?: CliClock;
  readonly shard: Shard;
  /** --executor, --faults. */
  readonly sim: SimOptions;
  /** The file as the user named it (for the report's replay command). */
  readonly file: string;
  /** Which of the file's scenarios this is ("default", or a named export): a pool's workers load it by name. */
  readonly exportName?: string;
  readonly command: string;
  readonly color: boolean;
  readonly stopRequested: () => boolean;
  readonly onProgress: (s: ProgressSample) => void;
  /**
   * The watchdog time (null: off). In-process, each slice runs under the in-process watchdog
   * (src/explore/watchdog.ts; Ctrl-C is seen between slices, or once the watchdog stopped a hung
   * poll); in a pool, see pool.ts and dispatch.ts.
   */
  readonly watchdogMs?: number | null;
  /** Explore with exploreAsync (default: when the scenario's setup spawns an async task). */
  readonly async?: boolean;
}

export interface BlockRecord {
  readonly index: number;
  readonly seed: number | string;
  runs: number;
}

export interface FoundFailure {
  readonly failure: Failure;
  /** 1-based: the run of this scenario's exploration that failed first. */
  readonly run: number;
  /** The seed of the block it was found in. */
  readonly seed: number | string;
  /** The report, without colour (for files and JSON). */
  readonly report: string;
  /** The report for the terminal (coloured when asked). */
  readonly display: string;
  readonly replay: string;
}

export interface EngineResult {
  readonly scenario: string;
  readonly file: string;
  readonly strategy: string;
  readonly runs: number;
  readonly steps: number;
  readonly distinctSchedules: number;
  /** True when distinct schedules stopped being counted at MAX_TRACKED_SCHEDULES. */
  readonly distinctCapped: boolean;
  readonly blocks: readonly BlockRecord[];
  readonly exhausted: boolean;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  readonly failure: FoundFailure | null;
  /** Runs the watchdog stopped (in this thread, or in a worker of the pool). */
  readonly hangs: readonly Hang[];
  readonly residualMissBound: ResidualMissBound | null;
  /**
   * The fresh-closure diagnosis (src/explore/fresh-closures.ts): two runs before exploring, in this thread
   * — or, with a worker pool, in a worker under the watchdog (a poll that never returns must not
   * hang the main thread).
   */
  readonly fresh: FreshClosures | null;
}

/** A run whose poll never returned, stopped by the watchdog. */
export interface Hang {
  /** 1-based, as FoundFailure.run. */
  readonly run: number;
  /** The seed of the block it hung in. */
  readonly seed: number | string;
  /** null when the run made more choices than the mirror holds. */
  readonly token: string | null;
  readonly replay: string | null;
  /** The report's first line. */
  readonly message: string;
  readonly report: string;
  readonly display: string;
}

/** PCT's observations over the blocks, for the residual-miss bound of the whole exploration. */
interface PctTally {
  runs: number;
  n: number;
  k: number;
  d: number;
}

/** Adds a block's PCT observation (its strategy's name and stats, its runs) to the tally. */
export function tallyPct(t: PctTally, strategy: string, stats: Readonly<Record<string, unknown>>, blockRuns: number): void {
  const pct = pctObservation(strategy, stats, blockRuns);
  if (pct === null) return;
  t.runs += pct.runs;
  t.n = Math.max(t.n, pct.n);
  t.k = Math.max(t.k, pct.k);
  t.d = pct.d;
}

export async function exploreScenario(scenario: Scenario, s: EngineSettings): Promise<EngineResult> {
  // A scenario with async tasks is explored with exploreAsync, without the watchdog (its steps
  // cannot be stopped in this thread: under the watchdog, session.ts explores it in a worker) and
  // without the fresh-closure diagnosis (generators).
  const isAsync = s.async ?? spawnsAsyncTasksGuarded(scenario, s.sim, s.watchdogMs === undefined || s.watchdogMs === null ? null : Math.min(s.watchdogMs, DIAGNOSIS_MS));
  const watch = isAsync || s.watchdogMs === undefined || s.watchdogMs === null ? null : { timeoutMs: s.watchdogMs };
  let fresh: FreshClosures | null = null;
  // A Ctrl-C that arrived since the last turn of the event loop is delivered now, before this
  // first call (which may be the one that hangs).
  if (watch !== null) await nextTurn();
  if (!isAsync && !s.stopRequested()) {
    try {
      // Two runs: a few milliseconds. A poll that hangs here is found again by the exploration, so
      // the diagnosis (only advice) is given at most DIAGNOSIS_MS, not the whole watchdog time.
      const f =
        watch === null
          ? { kind: "ok" as const, value: freshGeneratorFunctions(scenario, s.sim) }
          : guard(() => freshGeneratorFunctions(scenario, s.sim), { ...watch, timeoutMs: Math.min(watch.timeoutMs, DIAGNOSIS_MS) });
      if (f.kind === "ok") fresh = f.value;
    } catch {
      // a scenario whose setup throws fails in the exploration below, with a report
    }
  }
  const hangs: Hang[] = [];
  const clock = s.clock ?? realClock;
  const start = clock.now();
  const exhaustive = isSystematic(s.strategy);
  const blockSize = exhaustive ? Infinity : BLOCK_RUNS;
  const base: SimOptions = { ...scenario.options, ...s.sim };
  const seen = new Set<number>();
  const blocks: BlockRecord[] = [];
  const pct: PctTally = { runs: 0, n: 0, k: 0, d: 0 };
  let runs = 0;
  let steps = 0;
  let sliceRuns = 32;
  let interrupted = false;
  let exhausted = false;
  let found: FoundFailure | null = null;
  let strategyName: string = s.strategy;

  const sample = (): ProgressSample => {
    const now = clock.now();
    return {
      scenario: scenario.name,
      runs,
      distinctSchedules: seen.size,
      elapsedMs: now - start,
      runsLeft: s.maxRuns === null ? null : s.maxRuns - runs,
      timeLeftMs: s.deadline === null ? null : Math.max(0, s.deadline - now),
    };
  };

  outer: for (const k of shardBlocks(exhaustive ? { index: 0, count: 1 } : s.shard)) {
    const seed = blockSeed(s.seed, k);
    const inner = makeStrategy(s.strategy, seed, base, PCT_DEPTH);
    strategyName = inner.name;
    const block: BlockRecord = { index: k, seed, runs: 0 };
    blocks.push(block);
    try {
      while (block.runs < blockSize) {
        if (s.stopRequested()) {
          interrupted = true;
          break outer;
        }
        const runsLeft = s.maxRuns === null ? Infinity : s.maxRuns - runs;
        const t0 = clock.now();
        if (runsLeft <= 0 || (s.deadline !== null && t0 >= s.deadline)) break outer;
        const n = Math.min(sliceRuns, blockSize - block.runs, runsLeft);
        const before = runs;
        const options = {
          ...s.sim,
          seed,
          runs: n,
          strategy: new Resumed(inner, block.runs), // a slice's view of the block's strategy
          schedules: seen, // explore records every run's schedule hash here, across slices and blocks
          ...reportOptions(s, before),
          ...(s.deadline === null ? {} : { timeLimitMs: Math.max(1, Math.ceil(s.deadline - t0)) }),
        };
        const r = isAsync ? await exploreAsync(scenario, options) : watch === null ? explore(scenario, options) : exploreWatched(scenario, options, { ...watch, maxHangs: MAX_HANGS - hangs.length, firstSliceRuns: n, returnAfterHang: true });
        const dt = clock.now() - t0;
        runs += r.runs;
        block.runs += r.runs;
        steps += r.steps;
        if ("hangs" in r) {
          for (const h of r.hangs) hangs.push(runHangReport(scenario, s, h, before + h.run + 1, seed, inner.name, watch!.timeoutMs));
          if (hangs.length >= MAX_HANGS) break outer; // each costs up to twice the watchdog time: enough to fix the first
          if (r.hangs.length > 0 && r.failure === null) {
            // The slice ended at the hang (returnAfterHang): let a signal that came in while the
            // poll hung reach its handler (no signal stops a running poll), then go on with
            // the next run of the block.
            await nextTurn();
            continue;
          }
        }
        if (r.failure !== null) {
          found = describeFailure(s, r.failure, before + r.failure.run + 1, seed);
          break outer;
        }
        if (r.runs < n) {
          exhausted = inner.exhausted === true;
          break outer; // the strategy ran out, or the time did
        }
        // Size the next slice for about SLICE_MS from this one's pace.
        sliceRuns = Math.max(8, Math.min(100_000, Math.round((r.runs / Math.max(dt, 0.5)) * SLICE_MS)));
        s.onProgress(sample());
        await nextTurn();
      }
    } finally {
      tallyPct(pct, inner.name, inner.stats?.() ?? {}, block.runs);
    }
    if (exhaustive) break;
  }

  return {
    scenario: scenario.name,
    file: s.file,
    strategy: strategyName,
    runs,
    steps,
    distinctSchedules: seen.size,
    distinctCapped: seen.size >= MAX_TRACKED_SCHEDULES,
    blocks: blocks.filter((b) => b.runs > 0 || b === blocks[0]),
    exhausted,
    interrupted,
    elapsedMs: clock.now() - start,
    failure: found,
    hangs,
    residualMissBound: found === null && hangs.length === 0 ? residualMissBound(pct) : null,
    fresh,
  };
}

/** What explore() needs to write the CLI's report of a failure: the replay line's file, command and flags, the runs before this call. */
export function reportOptions(s: EngineSettings, runsBefore: number): { file: string; command: string; replayFlags: string; runsBefore: number } {
  return { file: s.file, command: s.command, replayFlags: replayFlags(s.sim), runsBefore };
}

/**
 * A failure as the CLI shows it: its report (made with reportOptions), and for a terminal that
 * takes colour the same report written again from its context with colour on (formatReport adds
 * colour as it writes).
 */
export function describeFailure(s: EngineSettings, f: Failure, run: number, seed: number | string): FoundFailure {
  const display = s.color ? failureReport(f.outcome, { ...f.context, color: true }) : f.report;
  return { failure: f, run, seed, report: plain(f.report), display, replay: replayCommand(s.command, s.file, f.token, replayFlags(s.sim)) };
}
