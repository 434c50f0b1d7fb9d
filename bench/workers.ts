/**
 * npm run bench:workers — how `fuzz --workers` scales, measured side by side in one process.
 *
 * Two scenarios that make exactly the same runs (their step counts are checked to agree):
 *  - fixtures/mpsc.ts, written the usual way: `asyncBlock(function* () { … })` inside setup, so
 *    every run makes fresh generator closures;
 *  - bench/mpsc-hoisted.ts, the same scenario with its generator functions made once at module
 *    level (`asyncFn`), state passed as arguments.
 * For each: the same BLOCKS seed blocks of 1000 runs (portfolio) explored in-process (the CLI's
 * engine, as `fuzz` without --workers), in a pool of 1 worker thread and in a pool of 2; rounds
 * alternate so machine noise hits all alike; pools are warmed first (worker start-up and loading
 * the scenario file are not timed). Figures are medians of per-round ratios.
 *
 * It measures the built package (dist/) as `npx wakesim` runs it. `npm run bench` runs this file
 * in a child process and reports its figures as workers2_speedup (the hoisted scenario) and
 * workers2_speedup_closures; the last line printed is the JSON.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { EngineResult, EngineSettings } from "../src/cli/engine.js";
import type { Scenario } from "../src/sim/scenario.js";

// What users run: the built package (dist/, made by `npm ci` through the prepare script), with
// scenario files loaded through tsx and their `import … from "wakesim"` resolving to dist/ too.
// Run this file without the wakesim-source condition (npm run bench:workers does).
const dist = new URL("../dist/", import.meta.url);
if (!existsSync(new URL("cli/pool.js", dist))) throw new Error("bench:workers measures the built package: run `npm run prepare` first");
const { exploreScenario } = (await import(new URL("cli/engine.js", dist).href)) as typeof import("../src/cli/engine.js");
const { loadScenario } = (await import(new URL("cli/load.js", dist).href)) as typeof import("../src/cli/load.js");
const { exploreScenarioPooled, FuzzPool } = (await import(new URL("cli/pool.js", dist).href)) as typeof import("../src/cli/pool.js");
type FuzzPool = InstanceType<typeof FuzzPool>;

export const CLOSURE_FILE = "fixtures/mpsc.ts";
export const HOISTED_FILE = "bench/mpsc-hoisted.ts";

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function settings(file: string, blocks: number): EngineSettings {
  return {
    strategy: "portfolio",
    seed: 0,
    maxRuns: blocks * 1000,
    deadline: null,
    shard: { index: 0, count: 1 },
    sim: {},
    file,
    command: "wakesim",
    color: false,
    stopRequested: () => false,
    onProgress: () => {},
  };
}

async function timedRun(blocks: number, f: () => Promise<EngineResult>): Promise<{ ms: number; steps: number }> {
  const t0 = performance.now();
  const r = await f();
  const ms = performance.now() - t0;
  if (r.runs !== blocks * 1000 || r.failure !== null) throw new Error(`bench: ${r.file} did not make its ${blocks * 1000} runs cleanly`);
  return { ms, steps: r.steps };
}

export interface StyleFigures {
  readonly file: string;
  /** Median wall times of one round, in milliseconds. */
  readonly inProcessMs: number;
  readonly pool1Ms: number;
  readonly pool2Ms: number;
  /** Median per-round pool1 / pool2: what a second worker adds. */
  readonly speedup: number;
  /** Median per-round in-process / pool2: what `--workers 2` gives over no workers. */
  readonly speedupVsInProcess: number;
  readonly steps: number;
}

export interface WorkerFigures {
  readonly blocks: number;
  readonly rounds: number;
  readonly hoisted: StyleFigures;
  readonly closures: StyleFigures;
  /** Median per-round in-process time, closure style / hoisted style. */
  readonly closureSlowdown: number;
}

async function workerSpeedups(blocks: number, rounds: number): Promise<WorkerFigures> {
  const files = [HOISTED_FILE, CLOSURE_FILE] as const;
  const scenarios = new Map<string, Scenario>();
  for (const f of files) scenarios.set(f, await loadScenario(f));
  const one = new FuzzPool(1, 600_000);
  const two = new FuzzPool(2, 600_000);
  const times = new Map(files.map((f) => [f, { inProcess: [] as number[], pool1: [] as number[], pool2: [] as number[], steps: new Set<number>() }]));
  try {
    for (const f of files) {
      const sc = scenarios.get(f)!;
      await exploreScenario(sc, settings(f, 2));
      await exploreScenarioPooled(sc, settings(f, 2), one);
      await exploreScenarioPooled(sc, settings(f, 4), two);
    }
    for (let r = 0; r < rounds; r++) {
      for (const f of files) {
        const sc = scenarios.get(f)!;
        const t = times.get(f)!;
        const a = await timedRun(blocks, () => exploreScenario(sc, settings(f, blocks)));
        const b = await timedRun(blocks, () => exploreScenarioPooled(sc, settings(f, blocks), one));
        const c = await timedRun(blocks, () => exploreScenarioPooled(sc, settings(f, blocks), two));
        t.inProcess.push(a.ms);
        t.pool1.push(b.ms);
        t.pool2.push(c.ms);
        for (const s of [a.steps, b.steps, c.steps]) t.steps.add(s);
      }
    }
  } finally {
    await one.close();
    await two.close();
  }
  const figures = (f: (typeof files)[number]): StyleFigures => {
    const t = times.get(f)!;
    if (t.steps.size !== 1) throw new Error(`bench: ${f} made different step counts in-process and in the pools (${[...t.steps].join(", ")})`);
    return {
      file: f,
      inProcessMs: Math.round(median(t.inProcess)),
      pool1Ms: Math.round(median(t.pool1)),
      pool2Ms: Math.round(median(t.pool2)),
      speedup: Number(median(t.pool1.map((x, i) => x / t.pool2[i]!)).toFixed(2)),
      speedupVsInProcess: Number(median(t.inProcess.map((x, i) => x / t.pool2[i]!)).toFixed(2)),
      steps: [...t.steps][0]!,
    };
  };
  const hoisted = figures(HOISTED_FILE);
  const closures = figures(CLOSURE_FILE);
  if (hoisted.steps !== closures.steps) throw new Error(`bench: ${HOISTED_FILE} and ${CLOSURE_FILE} should make the same runs, but made ${hoisted.steps} and ${closures.steps} steps`);
  const h = times.get(HOISTED_FILE)!.inProcess;
  const closureSlowdown = Number(median(times.get(CLOSURE_FILE)!.inProcess.map((x, i) => x / h[i]!)).toFixed(2));
  return { blocks, rounds, hoisted, closures, closureSlowdown };
}

function print(w: WorkerFigures): void {
  console.log(`fuzz --workers scaling (${w.blocks} seed blocks × 1000 runs, portfolio, median of ${w.rounds} alternating rounds, node ${process.version})`);
  for (const s of [w.hoisted, w.closures]) {
    console.log(`  ${s.file}: in-process ${s.inProcessMs} ms, 1 worker ${s.pool1Ms} ms, 2 workers ${s.pool2Ms} ms`);
    console.log(`    2 workers vs 1: ${s.speedup}×   2 workers vs in-process: ${s.speedupVsInProcess}×`);
  }
  console.log(`  closure style / hoisted style, in-process: ${w.closureSlowdown}× the time for the same ${w.hoisted.steps} steps`);
  console.log(JSON.stringify(w));
}

print(await workerSpeedups(Number(process.env.BENCH_BLOCKS ?? 40), Number(process.env.BENCH_ROUNDS ?? 5)));
