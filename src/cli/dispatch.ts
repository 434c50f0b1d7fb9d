/**
 * Dispatch for `fuzz --workers N`: seed blocks handed to the pool (pool.ts) as tasks, and their
 * results gathered into the scenario's EngineResult as the in-process engine (engine.ts) would
 * have it.
 *
 * Work unit: a task of consecutive seed blocks (BLOCK_RUNS runs each, see engine.ts, the unit
 * --shard hands out). The first task is one block; later ones take as many blocks as fill about
 * TASK_MS at the speed measured so far, because handing a task over costs a round trip through
 * the main thread, which with a worker on every core waits for a core (~3 ms: a fifth of a small
 * scenario's block). Tasks are handed out in block order (the shard's blocks k0, k1, …), two per
 * worker at a time; each worker loads the scenario file itself and explores each block exactly
 * as the in-process engine does.
 *
 * What is guaranteed (--runs N, no --time): the same blocks make the same runs as without
 * workers, and the failure reported is the first by block order (later blocks that were already
 * running are discarded), so the failure, its run number, its token, the run/step counts and the
 * distinct-schedule count equal those of the in-process path. With --time, how many blocks fit
 * depends on the machine, as it does without workers. Progress is reported per block: runs and
 * distinct schedules of the blocks finished so far.
 *
 * Hangs: a block's own (named by the worker's watchdog) are reported from its result; no more
 * blocks are handed out once MAX_HANGS were seen. A task the backstop stopped (pool.ts) counts
 * the runs its hung block began, and those of the blocks before it in the task (their steps and
 * schedules are lost with the worker); the blocks after it are handed out again.
 */
import { performance } from "node:perf_hooks";
import { MAX_TRACKED_SCHEDULES, reportContextOf } from "../explore/explore.js";
import { buildFailure, type Failure } from "../explore/failure.js";
import { residualMissBound } from "../explore/pct.js";
import { checkSimOptions } from "../sim/config.js";
import { replay, replayAsync, type Scenario } from "../sim/scenario.js";
import { runToken } from "../trace/token.js";
import { realClock } from "./clock.js";
import { blockSeed, BLOCK_RUNS, describeFailure, reportOptions, shardBlocks, tallyPct, type BlockRecord, type EngineResult, type EngineSettings, type FoundFailure, type Hang } from "./engine.js";
import { hangReport, MAX_HANGS, runHangReport } from "./hang.js";
import { MIRROR_CHOICES } from "./mirror.js";
import type { FuzzPool, HangSnapshot, TaskOutcome } from "./pool.js";
import type { ProgressSample } from "./progress.js";
import type { BlockFailure, BlockResult } from "./worker.js";
import { SkipStopped, type StoppedRun } from "../explore/watched.js";

/**
 * Blocks handed to the pool per worker at a time: one running and one queued, so a worker that
 * finishes a block starts the next at once instead of idling while the main thread hands it
 * over (a block of a small scenario takes only ~15 ms). A queued block is not yet under the
 * watchdog (its first run has not begun) and starts with the time left, not the time it was
 * queued with.
 */
const QUEUED_PER_WORKER = 2;

/**
 * How long a task should take. A task is a run of consecutive seed blocks, as many as take about
 * this long (measured on the tasks done so far; the first task is one block). Handing a task
 * over costs a round trip through the main thread, which, with a worker on every core, waits
 * for a core: ~3 ms measured — a fifth of a 15 ms block, nothing next to 250 ms.
 */
const TASK_MS = 250;
const MAX_BLOCKS_PER_TASK = 64;

/**
 * What became of one block. "lost": it ran to its end without a failure, in a task whose worker
 * was then stopped by the watchdog on a later block — its runs count, its steps and schedules
 * are lost with the worker.
 */
export type BlockOutcome =
  | { readonly kind: "ok"; readonly result: BlockResult }
  | { readonly kind: "lost"; readonly runs: number }
  | { readonly kind: "hang"; readonly hang: HangSnapshot }
  | { readonly kind: "cancelled" }
  | { readonly kind: "error"; readonly error: unknown };

interface Planned {
  readonly index: number;
  readonly seed: number | string;
  readonly runs: number;
  /** Its runs the backstop stopped so far (passed over when the block is explored again). */
  readonly stopped: StoppedRun[];
  /** Those hangs, as the mirror held them, with the run's number in the block. */
  readonly hangs: { readonly run: number; readonly hang: HangSnapshot }[];
}

/** exploreScenario (engine.ts) with the blocks explored in the pool. Not for exhaustive. */
export async function exploreScenarioPooled(scenario: Scenario, s: EngineSettings, pool: FuzzPool): Promise<EngineResult> {
  const clock = s.clock ?? realClock;
  const start = clock.now();
  const blockIds = shardBlocks(s.shard);
  const planned: Planned[] = [];
  const done: (BlockOutcome | undefined)[] = [];
  const inflight = new Map<number, Promise<void>>();
  let assigned = 0;
  let finishedRuns = 0;
  let stopAt = Infinity;
  let dispatching = true;
  /** Time per block in the worker, of the last task done (null before the first): sizes the next tasks. */
  let msPerBlock: number | null = null;
  /** Blocks (orders in `planned`) to explore again: those after a hang in the same task. */
  const retry: number[] = [];
  let interrupted = false;
  let hangsSeen = 0;
  /** Per task in flight (by its first block's order): stops it when an earlier block failed. */
  const cancels = new Map<number, AbortController>();
  // For progress only: the schedules of every block finished so far, in whatever order they
  // finish, capped as explore() caps its set. The result counts its own, in block order up to
  // the first failure, so that it equals the in-process figure.
  const liveSchedules = new Set<number>();

  const sample = (): ProgressSample => {
    const now = clock.now();
    return {
      scenario: scenario.name,
      runs: finishedRuns,
      distinctSchedules: liveSchedules.size,
      elapsedMs: now - start,
      runsLeft: s.maxRuns === null ? null : s.maxRuns - finishedRuns,
      timeLeftMs: s.deadline === null ? null : Math.max(0, s.deadline - now),
    };
  };

  for (;;) {
    if (!interrupted && s.stopRequested()) {
      interrupted = true;
      dispatching = false;
      pool.cancelAll();
    }
    while (dispatching && inflight.size < pool.workers * QUEUED_PER_WORKER) {
      // Plan the task: consecutive blocks of the shard, as many as take about TASK_MS, but no
      // more than a share of what is left of a --runs budget (guided self-scheduling), so that
      // the tasks shrink towards the end and the workers finish together: a worker that took a
      // whole 250 ms task last would leave the other idle for up to that long.
      const leftBlocks = retry.length + (s.maxRuns === null ? Infinity : Math.ceil((s.maxRuns - assigned) / BLOCK_RUNS));
      const share = Math.ceil(leftBlocks / (pool.workers * QUEUED_PER_WORKER));
      const want = msPerBlock === null ? 1 : Math.max(1, Math.min(MAX_BLOCKS_PER_TASK, share, Math.round(TASK_MS / msPerBlock)));
      // Blocks are named by their order in `planned`; blocks a hang cut short go first.
      const orders: number[] = retry.splice(0, want);
      const now = clock.now();
      while (orders.length < want && !(s.deadline !== null && now >= s.deadline)) {
        const left = s.maxRuns === null ? Infinity : s.maxRuns - assigned;
        if (left <= 0) break;
        const index = blockIds.next().value as number;
        orders.push(planned.length);
        planned.push({ index, seed: blockSeed(s.seed, index), runs: Math.min(BLOCK_RUNS, left), stopped: [], hangs: [] });
        assigned += Math.min(BLOCK_RUNS, left);
      }
      if (orders.length === 0) {
        // The budget is all handed out (a hang may still send blocks back), or the time is up.
        if (s.deadline !== null && now >= s.deadline) dispatching = false;
        break;
      }
      const first = orders[0]!;
      const mine = orders.map((o) => planned[o]!);
      const cancel = new AbortController();
      cancels.set(first, cancel);
      const p = pool
        .runBlocks(
          {
            file: s.file,
            exportName: s.exportName ?? "default",
            strategy: s.strategy,
            blocks: mine.map((b) => ({ seed: b.seed, runs: b.runs, ...(b.stopped.length === 0 ? {} : { stopped: [...b.stopped] }) })),
            // The workers' clock is the wall clock (the same in every thread): the deadline as such.
            deadline: s.deadline === null ? null : performance.timeOrigin + s.deadline,
            sim: s.sim,
            maxHangs: MAX_HANGS,
          },
          cancel.signal,
        )
        .then((o) => {
          const outcomes = perBlock(o, mine);
          outcomes.forEach((b, k) => (done[orders[k]!] = b));
          if (o.kind === "hang") {
            // A hang stops its worker. The hung block is explored again past the run that hung
            // (and the ones before, as a new worker must: the strategy hears every run), as
            // in-process; the task's blocks after it too. Once MAX_HANGS were seen, no more.
            const order = orders[o.hang.block]!;
            const b = planned[order]!;
            const run = new SkipStopped({ name: "", nextRun: () => null }, b.stopped).runOf(o.hang.runs - 1);
            b.hangs.push({ run, hang: o.hang });
            if (++hangsSeen >= MAX_HANGS) dispatching = false;
            if (dispatching && run + 1 < b.runs) {
              b.stopped.push({ run, choices: o.hang.choices });
              done[order] = undefined;
              retry.push(order);
            } else done[order] = { kind: "lost", runs: run + 1 };
            retry.push(...orders.slice(o.hang.block + 1));
          }
          for (const [k, b] of outcomes.entries()) {
            if (b.kind === "ok") {
              finishedRuns += b.result.runs;
              hangsSeen += b.result.hangs.length;
              if (hangsSeen >= MAX_HANGS) dispatching = false; // as in-process (hang.ts)
              for (const h of b.result.hashes) {
                if (liveSchedules.size >= MAX_TRACKED_SCHEDULES) break;
                liveSchedules.add(h);
              }
              if (b.result.failure !== null) {
                stopAt = Math.min(stopAt, orders[k]!);
                // Tasks of later blocks cannot change the result: stop them (one may be waiting out a hang).
                for (const [f, c] of cancels) if (f > stopAt) c.abort();
                dispatching = false;
              } else if (b.result.runs + mine[k]!.stopped.length < mine[k]!.runs) dispatching = false; // the time ran out
            } else if (b.kind === "lost") finishedRuns += b.runs;
            else if (b.kind === "error") dispatching = false;
          }
          // The worker's own time per block: the time the task waited in the queue is not speed.
          if (o.kind === "ok" && o.results.length > 0) msPerBlock = o.results.reduce((sum, r) => sum + r.ms, 0) / o.results.length;
          inflight.delete(first);
        });
      inflight.set(first, p.finally(() => cancels.delete(first)));
    }
    if (inflight.size === 0) break;
    await Promise.race([...inflight.values(), clock.sleep(100)]);
    s.onProgress(sample());
  }

  const error = done.find((o) => o?.kind === "error");
  if (error !== undefined && error.kind === "error") throw error.error;

  // Gather the blocks in order, up to the first failure.
  const seen = new Set<number>();
  // Without a failure, the blocks counted are every block that finished: the progress set holds
  // the same schedules already (unless it reached its cap), and adding ~600k hashes again to a
  // new set would keep one thread busy for a noticeable moment at the end.
  const liveIsFinal = stopAt === Infinity && liveSchedules.size < MAX_TRACKED_SCHEDULES;
  const blocks: BlockRecord[] = [];
  const hangs: Hang[] = [];
  const pct = { runs: 0, n: 0, k: 0, d: 0 };
  let runs = 0;
  let steps = 0;
  let strategyName: string = s.strategy;
  let found: FoundFailure | null = null;
  for (let order = 0; order < planned.length && order <= stopAt; order++) {
    const b = planned[order]!;
    const o = done[order];
    for (const h of b.hangs) hangs.push(describeHang(scenario, s, pool, b.seed, runs + h.run + 1, h.hang));
    if (o === undefined || o.kind === "cancelled" || o.kind === "error" || o.kind === "hang") continue;
    if (o.kind === "lost") {
      blocks.push({ index: b.index, seed: b.seed, runs: o.runs });
      runs += o.runs;
      continue;
    }
    const r = o.result;
    strategyName = r.strategy;
    blocks.push({ index: b.index, seed: b.seed, runs: r.runs + b.stopped.length });
    if (!liveIsFinal) for (const h of r.hashes) seen.add(h);
    tallyPct(pct, r.strategy, r.stats, r.runs);
    const before = runs;
    runs += r.runs + b.stopped.length;
    steps += r.steps;
    for (const h of r.hangs) hangs.push(runHangReport(scenario, s, h, before + h.run + 1, b.seed, r.strategy, pool.watchdogMs));
    if (r.failure !== null) {
      found = describeFailure(s, await rebuildFailure(scenario, s, r.failure, before, b.seed, r.strategy, r.async), before + r.failure.run + 1, b.seed);
      break;
    }
  }

  return {
    scenario: scenario.name,
    file: s.file,
    strategy: strategyName,
    runs,
    steps,
    distinctSchedules: liveIsFinal ? liveSchedules.size : seen.size,
    distinctCapped: false,
    blocks: blocks.length > 0 ? blocks : [{ index: planned[0]?.index ?? s.shard.index, seed: blockSeed(s.seed, s.shard.index), runs: 0 }],
    exhausted: false,
    interrupted,
    elapsedMs: clock.now() - start,
    failure: found,
    hangs,
    residualMissBound: found === null && hangs.length === 0 ? residualMissBound(pct) : null,
    fresh: firstOk(done)?.fresh ?? null,
  };
}

/** A task's outcome, block by block (blocks after a failure, a time-out or a hang were not explored). */
function perBlock(o: TaskOutcome, blocks: readonly Planned[]): BlockOutcome[] {
  return blocks.map((b, k): BlockOutcome => {
    switch (o.kind) {
      case "ok": {
        const r = o.results[k];
        return r === undefined ? { kind: "cancelled" } : { kind: "ok", result: r };
      }
      case "hang":
        return k < o.hang.block ? { kind: "lost", runs: b.runs } : k === o.hang.block ? { kind: "hang", hang: o.hang } : { kind: "cancelled" };
      case "error":
        return k === 0 ? o : { kind: "cancelled" };
      case "cancelled":
        return o;
    }
  });
}

function firstOk(done: readonly (BlockOutcome | undefined)[]): BlockResult | undefined {
  for (const o of done) if (o?.kind === "ok") return o.result;
  return undefined;
}

/**
 * The Failure the in-process path would have: the worker's tokens, the traced replay from here,
 * reported as explore() reports it in-process (the run counted from the scenario's exploration:
 * `before` runs came before the block's).
 */
async function rebuildFailure(scenario: Scenario, s: EngineSettings, f: BlockFailure, before: number, seed: number | string, strategy: string, isAsync: boolean): Promise<Failure> {
  const traced = isAsync ? await replayAsync(scenario, f.token, s.sim) : replay(scenario, f.token, s.sim);
  if (traced.violations[0] === undefined) throw new Error(`the failing run did not fail again when replayed in the main thread (token ${f.token})`);
  const options = { ...s.sim, seed, ...reportOptions(s, before) };
  return buildFailure(traced, f, reportContextOf(scenario, options, strategy, f.run));
}

/** A worker terminated by the backstop: the token from the mirror, the task not known. */
function describeHang(scenario: Scenario, s: EngineSettings, pool: FuzzPool, seed: number | string, run: number, h: HangSnapshot): Hang {
  const token = h.overflow ? null : runToken(checkSimOptions({ ...scenario.options, ...s.sim, faults: h.faults, scenario: scenario.name }), h.generator, h.choices);
  return hangReport({
    scenario: scenario.name,
    run,
    madeBy: `${h.generator}, block seed ${String(seed)}`,
    seed,
    token,
    site: h.site,
    limitMs: h.async ? pool.watchdogMs : pool.backstopMs,
    async: h.async,
    asyncStep: h.step === null ? null : { step: h.step, time: h.time ?? 0 },
    then: "its worker was replaced, and the exploration went on with the runs after it",
    noToken: `the run made more than ${MIRROR_CHOICES} choices before it hung`,
    command: s.command,
    file: s.file,
    sim: s.sim,
  });
}
