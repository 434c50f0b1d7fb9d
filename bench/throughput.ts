/**
 * npm run bench — throughput, measured side by side in one process (never asserted in a test).
 *
 *  1. polls/s: N tasks that each wake themselves K times, run by the simulation (permissive
 *     executor, seeded random choice, tracing off) with all oracles on and with oracles off, and
 *     by a bare hand-written FIFO poll loop over the very same futures. Rounds alternate so
 *     machine noise hits all three alike.
 *  2. runs/s: a 3-task × 10-poll scenario with a fresh Sim per run (seed = run number), all
 *     oracles on, as an exploration runs them (the escape traps installed once for the batch),
 *     and standalone (each run installs and restores the traps itself); and fast-check's own
 *     scheduler (fc.scheduler + waitIdle) on the same shape written with promises; and that
 *     promise shape in the Promise world (exploreAsync: async functions awaiting setImmediates
 *     whose order the chooser picks), side by side with fast-check's scheduler.
 *  3. workers2_speedup: bench/workers.ts, run in a child process: the built CLI end to end,
 *     `fuzz bench/mpsc-correct.ts --runs N` (fixtures/mpsc.ts's correct scenario) vs the same with --workers 2 (start-up included, and with
 *     it subtracted), and the same scenario written with closures in setup (README: "Fast
 *     scenarios"); and the machine's ceiling for it: two in-process shards run at once, sharing
 *     nothing (workers2_ceiling_two_processes), and how much of it the pool reaches.
 *
 * The last line is one JSON object with the figures.
 */
import fc from "fast-check";
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { holdEscapeTraps } from "../src/oracles/escape-traps.js";
import { defineScenario, exploreAsync, PENDING, ready, Sim, type Context, type Poll } from "wakesim";

const TASKS = 1000;
const WAKES = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** The workload future: wakes itself `k` times, then completes. Works with any waker. */
function selfWaker(k: number) {
  let left = k;
  return {
    poll(cx: { readonly waker: { wakeByRef(): void } }): Poll<number> {
      if (left === 0) return ready(k);
      left--;
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
}

function simPolls(seed: number, oracles = true): number {
  const sim = new Sim({ seed, maxSteps: 10_000_000, ...(oracles ? {} : { oracles: false as const }) });
  for (let i = 0; i < TASKS; i++) sim.spawn(selfWaker(WAKES) as { poll(cx: Context): Poll<number> });
  const out = sim.run();
  if (!out.ok) throw new Error(`bench workload failed: ${out.violations[0]?.message}`);
  return out.polls;
}

/** A bare single-threaded poll loop: a FIFO of task ids, a "scheduled" bit, a waker per poll. */
function barePolls(): number {
  const futs = Array.from({ length: TASKS }, () => selfWaker(WAKES));
  const queue: number[] = [];
  const scheduled = new Uint8Array(TASKS);
  for (let i = 0; i < TASKS; i++) {
    queue.push(i);
    scheduled[i] = 1;
  }
  let head = 0;
  let polls = 0;
  while (head < queue.length) {
    const id = queue[head++]!;
    scheduled[id] = 0;
    const waker = {
      wakeByRef() {
        if (scheduled[id] === 0) {
          scheduled[id] = 1;
          queue.push(id);
        }
      },
    };
    futs[id]!.poll({ waker });
    polls++;
  }
  return polls;
}

function timed(f: () => number): { count: number; ms: number } {
  const t0 = performance.now();
  const count = f();
  return { count, ms: performance.now() - t0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function threeByTen(runs: number, firstSeed: number): number {
  for (let r = 0; r < runs; r++) {
    const sim = new Sim({ seed: firstSeed + r });
    sim.spawn(selfWaker(9) as { poll(cx: Context): Poll<number> });
    sim.spawn(selfWaker(9) as { poll(cx: Context): Poll<number> });
    sim.spawn(selfWaker(9) as { poll(cx: Context): Poll<number> });
    if (!sim.run().ok) throw new Error("3x10 run failed");
  }
  return runs;
}

async function fastCheckThreeByTen(runs: number): Promise<number> {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const task = async () => {
        for (let i = 0; i < 10; i++) await s.schedule(Promise.resolve(i));
      };
      const all = Promise.all([task(), task(), task()]);
      await s.waitIdle();
      await all;
    }),
    { numRuns: runs, seed: 1 },
  );
  return runs;
}

/**
 * The same shape in the Promise world: three async functions that each await 10 times a
 * setImmediate — events due at one instant, whose order the chooser picks, as fast-check's
 * scheduler picks which scheduled promise resolves next.
 */
const threeByTenAsyncScenario = defineScenario({
  name: "3x10 async",
  setup(sim) {
    const task = async () => {
      for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
    };
    for (let k = 0; k < 3; k++) sim.spawn(task);
  },
});

async function threeByTenAsync(runs: number, seed: number): Promise<{ runs: number; steps: number }> {
  const r = await exploreAsync(threeByTenAsyncScenario, { runs, seed, strategy: "random", shrink: false });
  if (!r.ok) throw new Error(`3x10 async run failed: ${r.failure?.report ?? ""}`);
  return { runs: r.runs, steps: r.steps };
}

/** bench/workers.ts in a child process (it times the built CLI end to end); its JSON figures. */
function workerFigures(): Promise<{ styles: { file: string; speedup: number; speedupExploring: number; speedupVsOneWorker: number; ceiling: number; efficiency: number }[]; timed: { seconds: number; speedup: number; speedupVsOneWorker: number }; closureSlowdown: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "bench/workers.ts"], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`bench/workers.ts failed: ${err.message}\n${stderr}`));
      const last = stdout.trim().split("\n").pop() ?? "";
      resolve(JSON.parse(last) as Awaited<ReturnType<typeof workerFigures>>);
    });
  });
}

async function main(): Promise<void> {
  // Warm up both paths so the JIT has compiled them before anything is timed.
  simPolls(0);
  simPolls(0, false);
  barePolls();
  threeByTen(20_000, 0);
  await fastCheckThreeByTen(500);
  await threeByTenAsync(500, 0);

  const simRates: number[] = [];
  const noOracleRates: number[] = [];
  const bareRates: number[] = [];
  const ratios: number[] = [];
  const oracleCosts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = timed(() => simPolls(r + 1));
    const q = timed(() => simPolls(r + 1, false));
    const b = timed(barePolls);
    const sr = (s.count / s.ms) * 1000;
    const qr = (q.count / q.ms) * 1000;
    const br = (b.count / b.ms) * 1000;
    simRates.push(sr);
    noOracleRates.push(qr);
    bareRates.push(br);
    ratios.push(br / sr);
    oracleCosts.push(qr / sr);
  }

  const runRates: number[] = [];
  const standaloneRates: number[] = [];
  const fcRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const release = holdEscapeTraps();
    const a = timed(() => threeByTen(50_000, r * 50_000));
    release();
    runRates.push((a.count / a.ms) * 1000);
    const s = timed(() => threeByTen(20_000, r * 50_000));
    standaloneRates.push((s.count / s.ms) * 1000);
    const t0 = performance.now();
    const n = await fastCheckThreeByTen(2_000);
    fcRates.push((n / (performance.now() - t0)) * 1000);
  }

  // The Promise world, side by side with fast-check's scheduler on promise code.
  const asyncRunRates: number[] = [];
  const asyncStepRates: number[] = [];
  const asyncVsFc: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const a = await threeByTenAsync(2_000, r + 1);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const n = await fastCheckThreeByTen(2_000);
    const fcRate = (n / (performance.now() - t1)) * 1000;
    asyncRunRates.push((a.runs / ms) * 1000);
    asyncStepRates.push((a.steps / ms) * 1000);
    asyncVsFc.push((a.runs / ms) * 1000 / fcRate);
  }

  const workers = await workerFigures();
  const [moduleLevel, closures] = workers.styles as [(typeof workers.styles)[0], (typeof workers.styles)[0]];

  const result = {
    sim_polls_per_sec: Math.round(median(simRates)),
    bare_polls_per_sec: Math.round(median(bareRates)),
    sim_polls_per_sec_no_oracles: Math.round(median(noOracleRates)),
    sim_slowdown_vs_bare: Number(median(ratios).toFixed(2)),
    oracle_cost: Number(median(oracleCosts).toFixed(2)),
    runs_per_sec: Math.round(median(runRates)),
    runs_per_sec_standalone: Math.round(median(standaloneRates)),
    fastcheck_runs_per_sec: Math.round(median(fcRates)),
    runs_speedup_vs_fastcheck: Number((median(runRates) / median(fcRates)).toFixed(1)),
    async_runs_per_sec: Math.round(median(asyncRunRates)),
    async_steps_per_sec: Math.round(median(asyncStepRates)),
    async_runs_speedup_vs_fastcheck: Number(median(asyncVsFc).toFixed(2)),
    workers2_speedup: moduleLevel.speedup,
    workers2_speedup_exploring: moduleLevel.speedupExploring,
    workers2_speedup_vs_one_pooled_worker: moduleLevel.speedupVsOneWorker,
    workers2_ceiling_two_processes: moduleLevel.ceiling,
    workers2_efficiency: moduleLevel.efficiency,
    workers2_runs_in_fixed_time: workers.timed.speedup,
    workers2_runs_in_fixed_time_vs_one_pooled_worker: workers.timed.speedupVsOneWorker,
    workers2_speedup_closures: closures.speedup,
    closure_style_slowdown: workers.closureSlowdown,
    workload: { tasks: TASKS, wakes_per_task: WAKES, rounds: ROUNDS },
  };
  const row = (name: string, v: number, unit: string) => console.log(`${name.padEnd(44)} ${v.toLocaleString("en-US").padStart(14)} ${unit}`);
  console.log(`wakesim throughput (median of ${ROUNDS} alternating rounds, node ${process.version})`);
  row(`sim: ${TASKS} self-waking tasks × ${WAKES} wakes, permissive`, result.sim_polls_per_sec, "polls/s");
  row("  the same with oracles: false", result.sim_polls_per_sec_no_oracles, "polls/s");
  row("bare hand-written FIFO poll loop, same futures", result.bare_polls_per_sec, "polls/s");
  row("  sim slowdown vs bare (median of per-round ratios)", result.sim_slowdown_vs_bare, "×");
  row("  oracle cost: no-oracles rate / oracles rate", result.oracle_cost, "×");
  row("sim: 3 tasks × 10 polls, fresh Sim per run", result.runs_per_sec, "runs/s");
  row("  the same, each run installing its own escape traps", result.runs_per_sec_standalone, "runs/s");
  row("fast-check fc.scheduler(), same shape with promises", result.fastcheck_runs_per_sec, "runs/s");
  row("Promise world: 3 async fns × 10 awaited setImmediates", result.async_runs_per_sec, "runs/s");
  row("  its steps", result.async_steps_per_sec, "steps/s");
  row("  vs fast-check's scheduler (median of per-round ratios)", result.async_runs_speedup_vs_fastcheck, "×");
  row(`fuzz --workers 2 vs in-process, ${moduleLevel.file}`, result.workers2_speedup, "×");
  row("  the exploration alone (start-up subtracted)", result.workers2_speedup_exploring, "×");
  row("  vs a pool of one worker (--watchdog alone)", result.workers2_speedup_vs_one_pooled_worker, "×");
  row("  ceiling: 2 in-process shards at once vs 1", result.workers2_ceiling_two_processes, "×");
  row("  --workers 2 speedup / that ceiling", result.workers2_efficiency, "");
  row(`  runs made in --time ${workers.timed.seconds}s, --workers 2 / in-process`, result.workers2_runs_in_fixed_time, "×");
  row("  the same, / a pool of one worker", result.workers2_runs_in_fixed_time_vs_one_pooled_worker, "×");
  row(`  ${closures.file} (closures in setup)`, result.workers2_speedup_closures, "×");
  row("module-level bodies vs closures in setup", result.closure_style_slowdown, "× runs/s");
  console.log(JSON.stringify(result));
}

await main();
