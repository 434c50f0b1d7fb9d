/**
 * The worker side of `fuzz --workers N` / `--watchdog` (src/cli/pool.ts and dispatch.ts are the main side).
 *
 * A task is consecutive seed blocks: the worker loads the scenario file itself (through the CLI's
 * loader, cached per file; the task names which of its exported scenarios), explores each block
 * with explore() exactly as the in-process engine does (the same strategy, seeded
 * blockSeed(seed, k), the same runs, the same shrinking), and returns a small result per block:
 * counts, the block's distinct-schedule hashes, PCT's stats, and the failure's tokens; it stops
 * after a block that failed or ran out of time. The main thread builds the failure by replaying
 * the token (a run is a pure function of it).
 *
 * Every run explore() makes here goes through its wrapChooser hook into the run mirror
 * (mirror.ts), so that when a poll never returns and the main thread terminates this worker, it
 * can still build the token of the run that hung.
 */
import type { FailureFacts } from "../explore/failure.js";
import { performance } from "node:perf_hooks";
import { isWorkerThread, workerData } from "piscina";
import type { Chooser, FaultKind } from "../chooser/chooser.js";
import { SeededChooser } from "../chooser/seeded.js";
import { freshGeneratorFunctions, type FreshClosures } from "../explore/fresh-closures.js";
import { AsyncTasksError } from "../core/errors.js";
import { explore, exploreAsync, type ExploreResult } from "../explore/explore.js";
import { guard } from "../explore/watchdog.js";
import { exploreWatched, SkipStopped, type RunHang, type StoppedRun } from "../explore/watched.js";
import { makeStrategy, type StrategyName } from "../explore/strategies.js";
import { checkSimOptions, type SimOptions } from "../sim/config.js";
import { replayAsync, spawnsAsyncTasks, type Scenario } from "../sim/scenario.js";
import { parseToken } from "../trace/token.js";
import { finishReplay, pickScenario, type ReplayDone } from "./replay.js";
import { onAsyncStep } from "../sim/async-run.js";
import { stallNotice } from "../promise/stall.js";
import { DIAGNOSIS_MS } from "./engine.js";
import { exportLabel, loadScenarios, type Exported } from "./load.js";
import { MirrorWriter } from "./mirror.js";

/** One seed block: an exploration of `runs` runs seeded `seed` (engine.ts). */
export interface BlockPlan {
  readonly seed: number | string;
  readonly runs: number;
  /**
   * Runs of the block stopped in an earlier attempt (the pool's watchdog terminated its worker):
   * passed over this time (watched.ts SkipStopped), so the block goes on past them. `runs`
   * counts them; the result's `runs` does not.
   */
  readonly stopped?: readonly StoppedRun[];
}

/**
 * A task: consecutive seed blocks, explored in order. It stops after a block that failed or ran
 * out of time (the blocks after it are not explored: a failure is the first by block order).
 */
export interface BlockTask {
  readonly kind: "blocks";
  readonly file: string;
  /** Which of the file's exported scenarios ("default", or a named export). */
  readonly exportName: string;
  readonly strategy: StrategyName;
  readonly blocks: readonly BlockPlan[];
  /**
   * When to stop, as `performance.timeOrigin + performance.now()` (the same clock in every
   * thread; null: no time limit). A block that starts after it makes no runs.
   */
  readonly deadline: number | null;
  readonly sim: SimOptions;
  readonly mirror: SharedArrayBuffer;
  /**
   * The worker's own watchdog (src/explore/watched.ts; null: off): a hung run is stopped, named
   * and reported in BlockResult.hangs, and the block goes on — the pool's heartbeat watchdog is
   * then only the backstop, for a hang the worker's own watchdog cannot stop.
   */
  readonly watchdogMs: number | null;
  /** The block stops after this many hangs. */
  readonly maxHangs: number;
}

/** How a block's failure was found (its `run` is 0-based within the block): the tokens cross to the main thread, which builds the failure. */
export type BlockFailure = FailureFacts;

export interface BlockResult {
  readonly runs: number;
  readonly steps: number;
  readonly strategy: string;
  readonly exhausted: boolean;
  /** hashChoices of each distinct choice list of the block (recorded by explore). */
  readonly hashes: readonly number[];
  readonly stats: Record<string, number | string | boolean>;
  readonly failure: BlockFailure | null;
  /** The fresh-closure diagnosis of the scenario (src/explore/fresh-closures.ts). */
  readonly fresh: FreshClosures | null;
  /** How long the block took in the worker, in ms (sizes the next tasks; excludes queueing). */
  readonly ms: number;
  /** Runs the worker's watchdog stopped (their `run` is 0-based in the block). */
  readonly hangs: readonly RunHang[];
  /** The block was explored with exploreAsync (the scenario has async tasks): its failure is replayed with replayAsync. */
  readonly async: boolean;
}

/** `wakesim replay` of a scenario with async tasks under the watchdog (replay.ts): the run, its report and exports, in a worker. */
export interface ReplayTask {
  readonly kind: "replay";
  readonly file: string;
  readonly token: string;
  readonly sim: SimOptions;
  readonly color: boolean;
  readonly tracePath: string | null;
  readonly htmlPath: string | null;
  readonly mirror: SharedArrayBuffer;
}

async function replayTask(t: ReplayTask): Promise<ReplayDone> {
  const scenario = pickScenario(t.file, await loadFile(t.file), parseToken(t.token).scenario);
  const mirror = new MirrorWriter(t.mirror);
  mirror.setAsync(true);
  mirror.begin("replay", []);
  onAsyncStep((step, time) => mirror.atStep(step, time));
  try {
    return finishReplay(scenario, await replayAsync(scenario, t.token, t.sim), t);
  } finally {
    onAsyncStep(null);
  }
}

/** What the pool gives every worker when it starts. */
export interface WorkerData {
  /** Scenario files to start loading at once (a block task then finds them loaded or loading). */
  readonly preload: readonly string[];
}

const loaded = new Map<string, Promise<readonly Exported[]>>();
function loadFile(file: string): Promise<readonly Exported[]> {
  let p = loaded.get(file);
  if (p === undefined) {
    p = loadScenarios(file);
    loaded.set(file, p);
  }
  return p;
}
/** The scenario the main thread chose: the file's export named `exportName`. */
async function scenarioOf(file: string, exportName: string): Promise<Scenario> {
  const found = (await loadFile(file)).find((x) => x.exportName === exportName);
  if (found === undefined) throw new Error(`${file}: exports no scenario as ${exportLabel(exportName)}`);
  return found.scenario;
}

// The pool's heartbeat watchdog stops a stuck run here: no stall notice on top of it.
if (isWorkerThread) stallNotice(false);

// Start loading while the main thread loads the same files. A file that fails to load fails the
// first block that needs it (the main thread has reported it by then); not an unhandled rejection.
if (isWorkerThread) {
  for (const file of (workerData as Partial<WorkerData> | undefined)?.preload ?? []) loadFile(file).catch(() => {});
}

/** Milliseconds since the epoch, comparable across threads (each has its own timeOrigin). */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

const fresh = new Map<string, FreshClosures | null>();
/** The fresh-closure diagnosis, once per scenario (file and export) per worker, its two runs mirrored for the watchdog. */
function freshOf(key: string, scenario: Scenario, base: SimOptions, mirror: MirrorWriter): FreshClosures | null {
  let f = fresh.get(key);
  if (f === undefined) {
    const faults = checkSimOptions(base).faults;
    f = freshGeneratorFunctions(scenario, base, () => {
      const c = new SeededChooser(0);
      mirror.begin(c.name, faults);
      return mirror.wrap(c);
    });
    fresh.set(key, f);
  }
  return f;
}

const asyncScenarios = new Map<string, boolean>();
/** Whether the scenario's setup spawns async tasks, once per scenario per worker (a setup that hangs is the backstop's). */
function asyncOf(key: string, scenario: Scenario, base: SimOptions): boolean {
  let a = asyncScenarios.get(key);
  if (a === undefined) asyncScenarios.set(key, (a = spawnsAsyncTasks(scenario, base)));
  return a;
}

async function runBlocks(t: BlockTask): Promise<BlockResult[]> {
  const mirror = new MirrorWriter(t.mirror);
  const results: BlockResult[] = [];
  for (const [i, b] of t.blocks.entries()) {
    mirror.enterBlock(i);
    const t0 = performance.now();
    const r = { ...(await runBlock(t, b, mirror)), ms: performance.now() - t0 };
    results.push(r);
    if (r.failure !== null || r.runs + (b.stopped?.length ?? 0) < b.runs) break;
  }
  return results;
}

async function runBlock(t: BlockTask, b: BlockPlan, mirror: MirrorWriter): Promise<Omit<BlockResult, "ms">> {
  const scenario = await scenarioOf(t.file, t.exportName);
  const key = `${t.file}\u0000${t.exportName}`;
  const timeLimitMs = t.deadline === null ? null : Math.round(t.deadline - wallClock());
  if (timeLimitMs !== null && timeLimitMs < 1) return { runs: 0, steps: 0, strategy: t.strategy, exhausted: false, hashes: [], stats: {}, failure: null, fresh: fresh.get(key) ?? null, hangs: [], async: false };
  const base: SimOptions = { ...scenario.options, ...t.sim };
  const stopped = b.stopped ?? [];
  const strategyOf = () => {
    const inner = makeStrategy(t.strategy, b.seed, base, 3);
    return stopped.length === 0 ? inner : new SkipStopped(inner, stopped);
  };
  const runOf = (k: number) => (strategy instanceof SkipStopped ? strategy.runOf(k) : k);
  let strategy = strategyOf();
  let seen = new Set<number>();
  const options = () => ({
    ...t.sim,
    seed: b.seed,
    runs: b.runs - stopped.length,
    strategy,
    schedules: seen,
    // Every run, and every rerun of the shrinking, mirrored for the pool's watchdog: a shrunk schedule may hang too.
    wrapChooser: (c: Chooser, faults: readonly FaultKind[]): Chooser => {
      mirror.begin(c.name, faults);
      return mirror.wrap(c);
    },
    ...(timeLimitMs === null ? {} : { timeLimitMs }),
  });
  // A scenario with async tasks is explored with exploreAsync; its steps cannot be stopped here
  // (the watchdog needs a synchronous call), so the pool's backstop watches them at the watchdog
  // time (mirror.ts MirrorSlot.async). One whose setup spawns none but a poll does is found so
  // by its first such run (AsyncTasksError): the block is explored again from its start, async.
  let isAsync = asyncOf(key, scenario, base);
  let r: Pick<ExploreResult, "runs" | "steps" | "failure"> & { readonly hangs: readonly RunHang[] };
  if (!isAsync) {
    try {
      r = t.watchdogMs === null ? { ...explore(scenario, options()), hangs: [] } : exploreWatched(scenario, options(), { timeoutMs: t.watchdogMs, maxHangs: t.maxHangs });
    } catch (e) {
      if (!(e instanceof AsyncTasksError)) throw e;
      asyncScenarios.set(key, (isAsync = true));
      strategy = strategyOf();
      seen = new Set<number>();
    }
  }
  if (isAsync) {
    mirror.setAsync(true);
    onAsyncStep((step, time) => mirror.atStep(step, time));
    try {
      r = { ...(await exploreAsync(scenario, options())), hangs: [] };
    } finally {
      onAsyncStep(null);
      mirror.setAsync(false);
    }
  }
  r = r!;
  // The fresh-closure diagnosis is about generator functions: not asked of async scenarios (their runs cannot be made synchronously).
  const guarded = isAsync || t.watchdogMs === null ? null : guard(() => freshOf(key, scenario, base, mirror), { timeoutMs: Math.min(t.watchdogMs, DIAGNOSIS_MS) });
  const diagnosis = isAsync ? null : guarded === null ? freshOf(key, scenario, base, mirror) : guarded.kind === "ok" ? guarded.value : null;
  const f = r.failure;
  return {
    runs: r.runs,
    steps: r.steps,
    strategy: strategy.name,
    exhausted: strategy.exhausted === true,
    hashes: [...seen],
    stats: strategy.stats?.() ?? {},
    fresh: diagnosis,
    hangs: r.hangs.map((h) => ({ ...h, run: runOf(h.run) })),
    async: isAsync,
    // Tokens only: the main thread replays the shrunk one for the trace and the report (dispatch.ts).
    failure:
      f === null
        ? null
        : { run: runOf(f.run), token: f.token, originalToken: f.originalToken, originalChoices: [...f.originalChoices], shrinkSteps: f.shrinkSteps, shrinkRuns: f.shrinkRuns },
  };
}

export default async function task(t: BlockTask | ReplayTask): Promise<BlockResult[] | ReplayDone> {
  return t.kind === "replay" ? replayTask(t) : runBlocks(t);
}
