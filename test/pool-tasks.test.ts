/**
 * How exploreScenarioPooled (src/cli/dispatch.ts) hands seed blocks to the pool, with a scripted pool
 * in place of worker threads: tasks grow from one block to as many as take about 250 ms; a
 * failure is the first by block order; a hang keeps the runs of the blocks before it in its task
 * and sends the blocks after it out again, so a --runs budget is still spent in full.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, ready } from "wakesim";
import type { CliClock } from "../src/cli/clock.js";
import type { EngineSettings } from "../src/cli/engine.js";
import { exploreScenarioPooled } from "../src/cli/dispatch.js";
import type { FuzzPool, TaskOutcome } from "../src/cli/pool.js";
import type { BlockPlan, BlockResult, BlockTask } from "../src/cli/worker.js";

const scenario = defineScenario({
  name: "scripted",
  setup(sim) {
    sim.spawn({ poll: () => ready(1) }, { name: "t" });
  },
});

/**
 * A clock that moves only when someone sleeps on it: the dispatcher's waits and the scripted
 * workers' "work" take no wall time, and the order in which tasks finish follows from the script.
 */
function fakeClock(): CliClock {
  let t = 0;
  return {
    now: () => t,
    async sleep(ms) {
      t += ms;
    },
  };
}

function settings(maxRuns: number, clock: CliClock): EngineSettings {
  return {
    strategy: "random",
    seed: 0,
    maxRuns,
    deadline: null,
    shard: { index: 0, count: 1 },
    sim: {},
    file: "scripted.ts",
    command: "wakesim",
    color: false,
    stopRequested: () => false,
    onProgress: () => {},
    clock,
  };
}

const ok = (b: BlockPlan): BlockResult => ({ runs: b.runs - (b.stopped?.length ?? 0), steps: b.runs * 2, strategy: "random", exhausted: false, hashes: [], stats: {}, failure: null, fresh: null, ms: 0, hangs: [], async: false });

/** A pool that answers each task with `answer`, after `ms` of (fake) work per block. */
function scripted(answer: (blocks: readonly BlockPlan[], call: number) => TaskOutcome, msPerBlock: number) {
  const tasks: (number | string)[][] = [];
  const clock = fakeClock();
  const pool = {
    workers: 2,
    watchdogMs: 1000,
    backstopMs: 5000,
    cancelAll() {},
    async runBlocks(t: Omit<BlockTask, "kind" | "mirror">): Promise<TaskOutcome> {
      const outcome = answer(t.blocks, tasks.push(t.blocks.map((b) => b.seed)) - 1); // decided when handed out
      await clock.sleep(msPerBlock * t.blocks.length);
      return outcome.kind === "ok" ? { kind: "ok", results: outcome.results.map((r) => ({ ...r, ms: msPerBlock })) } : outcome;
    },
  };
  return { pool: pool as unknown as FuzzPool, tasks, clock };
}

describe("exploreScenarioPooled's tasks", () => {
  it("start with one block, then take as many as fill about 250 ms, in block order, and make every run of the budget", async () => {
    const { pool, tasks, clock } = scripted((blocks) => ({ kind: "ok", results: blocks.map(ok) }), 25);
    const r = await exploreScenarioPooled(scenario, settings(60_000, clock), pool);
    expect(r.runs).toBe(60_000);
    expect(r.steps).toBe(120_000);
    expect(tasks[0]).toEqual([0]);
    expect(Math.max(...tasks.map((t) => t.length))).toBeGreaterThanOrEqual(5); // ~250 ms / 25 ms
    expect(tasks.flat()).toEqual([0, ...Array.from({ length: 59 }, (_, k) => `0:b${k + 1}`)]);
    expect(r.blocks.map((b) => b.index)).toEqual(Array.from({ length: 60 }, (_, k) => k));
  });

  it("shrink towards the end of a --runs budget, so that the workers finish together", async () => {
    const { pool, tasks, clock } = scripted((blocks) => ({ kind: "ok", results: blocks.map(ok) }), 5);
    const r = await exploreScenarioPooled(scenario, settings(80_000, clock), pool);
    expect(r.runs).toBe(80_000);
    // 250 ms / 5 ms would be 50 blocks a task; no task takes more than a quarter (2 workers,
    // 2 tasks each) of the blocks left when it is handed out, so the last ones are single blocks.
    let left = 80;
    for (const t of tasks) {
      expect(t.length).toBeLessThanOrEqual(Math.ceil(left / 4));
      left -= t.length;
    }
    expect(left).toBe(0);
    expect(Math.max(...tasks.map((t) => t.length))).toBeGreaterThan(10);
    expect(tasks.slice(-3).map((t) => t.length)).toEqual([1, 1, 1]);
  });

  it("stop handing out blocks at a --time deadline read from the injected clock", async () => {
    const { pool, tasks, clock } = scripted((blocks) => ({ kind: "ok", results: blocks.map(ok) }), 25);
    const r = await exploreScenarioPooled(scenario, { ...settings(60_000, clock), maxRuns: null, deadline: 1000 }, pool);
    // 25 ms of (fake) work per block, and the dispatcher's own 100 ms waits: about 1000 ms of the
    // clock gives a handful of blocks, not the 60 a --runs 60000 budget would.
    expect(clock.now()).toBeGreaterThanOrEqual(1000);
    expect(tasks.flat().length).toBeGreaterThan(1);
    expect(tasks.flat().length).toBeLessThan(60);
    expect(r.runs).toBe(tasks.flat().length * 1000);
  });

  it("after a hang, keeps the runs of the blocks before it, reports it, and explores the hung block past the hung run and the blocks after it again", async () => {
    let hung = false;
    const plans: (readonly BlockPlan[])[] = [];
    const { pool, tasks, clock } = scripted((blocks, call) => {
      plans.push(blocks);
      if (!hung && call > 0 && blocks.length >= 3) {
        hung = true;
        // The worker stopped in the task's second block, on its 7th run.
        return { kind: "hang", hang: { block: 1, runs: 7, generator: "random", faults: [], choices: [1, 0, 1], overflow: false, async: false, step: null, time: null, site: null } };
      }
      return { kind: "ok", results: blocks.map(ok) };
    }, 25);
    const r = await exploreScenarioPooled(scenario, settings(30_000, clock), pool);
    expect(hung).toBe(true);
    expect(r.hangs).toHaveLength(1);
    expect(r.hangs[0]!.token).toMatch(/^ws1\./);
    const hungTask = tasks.find((t) => t.length >= 3 && tasks.indexOf(t) > 0)!;
    const again = hungTask.slice(1); // the hung block and the blocks after it
    for (const seed of again) expect(tasks.flat().filter((s) => s === seed)).toHaveLength(2);
    // The hung block is handed out again with its 7th run (0-based 6) to pass over, with the choices it made.
    const retried = plans.flat().filter((b) => b.seed === hungTask[1]);
    expect(retried.map((b) => b.stopped)).toEqual([undefined, [{ run: 6, choices: [1, 0, 1] }]]);
    expect(r.hangs[0]!.run).toBe(1000 * tasks.flat().indexOf(hungTask[1]!) + 7);
    // Every block made its 1000 runs, the hung one's counted with the hung run.
    expect(r.runs).toBe(30_000);
    expect(r.blocks).toHaveLength(30);
  });
});
