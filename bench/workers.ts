/**
 * npm run bench:workers — what `fuzz --workers 2` buys over `fuzz` (one worker: the main thread),
 * measured end to end with the built CLI (dist/cli/main.js) exactly as `npx wakesim` runs it.
 *
 * Two scenarios that make exactly the same runs (checked: the same step and schedule counts):
 *  - bench/mpsc-correct.ts (fixtures/mpsc.ts's correct scenario) — task bodies made once, at module level (asyncFn);
 *  - bench/mpsc-closures.ts — the same scenario written with `asyncBlock(function* () { … })`
 *    inside setup, which makes new generator functions every run (README: "Fast scenarios").
 * For each, in alternating rounds: `fuzz FILE --runs N` (in-process), `--watchdog 60s` (a pool of
 * one worker thread) and `--workers 2`, and in-process and --workers 2 with --runs 1000 (start-up:
 * node, loading the scenario, starting the workers).
 * Figures are medians of per-round ratios:
 *  - speedup:            time(in-process, N runs) / time(--workers 2, N runs), start-up included;
 *  - speedupExploring:   the same with each command's 1000-run time subtracted — the exploration
 *                        itself, which is what a longer budget (--time 10m) approaches;
 *  - speedupVsOneWorker: time(a pool of 1 worker) / time(--workers 2), both start-up included;
 *  - ceiling:            time(in-process, N runs) / time(two in-process commands at once, N/2
 *                        runs each, --shard 0/2 and 1/2): what two processes that share nothing
 *                        achieve on this machine — two cores' worth of start-up, no hand-over,
 *                        no shared heap. The machine's own limit for this scenario (shared caches,
 *                        memory bandwidth, neighbours on the host), which no pool can beat;
 *  - efficiency:         speedup / ceiling: how much of that limit the pool reaches.
 * And, for bench/mpsc-correct.ts, a fixed time budget as CI gives one (`--time 10s`, BENCH_TIME):
 *  - timed.speedup:            runs made with --workers 2 / runs made in-process;
 *  - timed.speedupVsOneWorker: runs made with --workers 2 / runs made by a pool of one worker.
 *   The budget's clock starts once the command has loaded the scenario file, for every variant;
 *   the workers' own start-up (they load the file too) runs on the clock.
 * `npm run bench` runs this file in a child process and reports its figures as workers2_speedup
 * (bench/mpsc-correct.ts, start-up included), workers2_speedup_exploring and workers2_speedup_closures.
 * The last line printed is the JSON.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = "dist/cli/main.js";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Runs per measurement: each takes about 8 s in-process on the 2-core machine this was written on. */
const SCENARIOS = [
  { file: "bench/mpsc-correct.ts", runs: Number(process.env.BENCH_RUNS ?? 600_000) },
  { file: "bench/mpsc-closures.ts", runs: Number(process.env.BENCH_CLOSURE_RUNS ?? 200_000) },
] as const;
const STARTUP_RUNS = 1000;
/** Seconds of the fixed-time budget (bench/mpsc-correct.ts only). */
const TIME_S = Number(process.env.BENCH_TIME ?? 10);

interface Timed {
  readonly ms: number;
  readonly runs: number;
  readonly steps: number;
  readonly distinct: number;
}

/** workers 0: in-process (no pool); 1: a pool of one worker (--watchdog alone); N: --workers N. */
function fuzz(file: string, runs: number, workers: number): Promise<Timed> {
  return fuzzArgs(file, runs, poolFlags(workers));
}

function poolFlags(workers: number): string[] {
  return workers === 0 ? [] : workers === 1 ? ["--watchdog", "60s"] : ["--workers", String(workers)];
}

/** Runs made by `fuzz FILE --time Ts` (the budget starts once the command has loaded the file). */
async function runsIn(file: string, seconds: number, workers: number): Promise<number> {
  return (await fuzzArgs(file, null, ["--time", `${seconds}s`, ...poolFlags(workers)])).runs;
}

/** runs null: the budget is in `extra` (--time), and any number of runs is fine. */
function fuzzArgs(file: string, runs: number | null, extra: readonly string[]): Promise<Timed> {
  const args = [MAIN, "fuzz", file, ...(runs === null ? [] : ["--runs", String(runs)]), "--json", ...extra];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, CI: "1" } }, (err, stdout, stderr) => {
      const ms = performance.now() - t0;
      if (err !== null) return reject(new Error(`bench: wakesim ${args.slice(1).join(" ")} failed (${err.message})\n${stderr}`));
      const doc = JSON.parse(stdout) as { results: { ok: boolean; runs: number; steps: number; distinctSchedules: number }[] };
      const r = doc.results[0]!;
      if (!r.ok || (runs !== null && r.runs !== runs)) return reject(new Error(`bench: ${file} did not make its ${runs ?? "budget's"} runs cleanly`));
      resolve({ ms, runs: r.runs, steps: r.steps, distinct: r.distinctSchedules });
    });
  });
}

/** Two in-process commands at once, N/2 runs each (--shard 0/2 and 1/2): wall time until both ended. */
async function pairOfShards(file: string, runs: number): Promise<number> {
  const half = Math.floor(runs / 2);
  const t0 = performance.now();
  const [a, b] = await Promise.all([0, 1].map((i) => fuzzArgs(file, half, ["--shard", `${i}/2`])));
  if (a!.runs + b!.runs !== 2 * half) throw new Error(`bench: the two shards of ${file} did not make ${2 * half} runs`);
  return performance.now() - t0;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round2 = (x: number): number => Number(x.toFixed(2));

export interface StyleFigures {
  readonly file: string;
  readonly runs: number;
  readonly inProcessMs: number;
  readonly workers1Ms: number;
  readonly workers2Ms: number;
  readonly startupInProcessMs: number;
  readonly startupWorkers2Ms: number;
  readonly speedup: number;
  readonly speedupExploring: number;
  readonly speedupVsOneWorker: number;
  readonly pairOfShardsMs: number;
  readonly ceiling: number;
  readonly efficiency: number;
  readonly steps: number;
  readonly runsPerSecInProcess: number;
}

export interface TimedFigures {
  readonly file: string;
  readonly seconds: number;
  readonly inProcessRuns: number;
  readonly workers1Runs: number;
  readonly workers2Runs: number;
  readonly speedup: number;
  readonly speedupVsOneWorker: number;
}

async function measure(): Promise<{ rounds: number; styles: StyleFigures[]; timed: TimedFigures; closureSlowdown: number }> {
  if (!existsSync(`${root}/${MAIN}`)) throw new Error("bench:workers runs the built CLI: run `npm run prepare` first");
  // The two styles make the same runs: the same steps and distinct schedules for the same budget.
  const same = await Promise.all(SCENARIOS.map((sc) => fuzz(sc.file, 5000, 0)));
  if (new Set(same.map((t) => `${t.steps}/${t.distinct}`)).size !== 1) throw new Error(`bench: ${SCENARIOS.map((s) => s.file).join(" and ")} should make the same runs`);
  const samples = SCENARIOS.map(() => ({ in: [] as number[], w1: [] as number[], w2: [] as number[], in0: [] as number[], w20: [] as number[], pair: [] as number[], steps: new Set<string>() }));
  const timed = { in: [] as number[], w1: [] as number[], w2: [] as number[] };
  const timedFile = SCENARIOS[0].file;
  for (let r = 0; r < ROUNDS; r++) {
    const ti = await runsIn(timedFile, TIME_S, 0);
    const t1 = await runsIn(timedFile, TIME_S, 1);
    const t2 = await runsIn(timedFile, TIME_S, 2);
    timed.in.push(ti);
    timed.w1.push(t1);
    timed.w2.push(t2);
    process.stderr.write(`round ${r + 1}/${ROUNDS} ${timedFile} --time ${TIME_S}s: in-process ${ti} runs, 1 pooled worker ${t1}, --workers 2 ${t2}\n`);
    for (const [i, sc] of SCENARIOS.entries()) {
      const s = samples[i]!;
      const a = await fuzz(sc.file, sc.runs, 0);
      const p = await fuzz(sc.file, sc.runs, 1);
      const b = await fuzz(sc.file, sc.runs, 2);
      const a0 = await fuzz(sc.file, STARTUP_RUNS, 0);
      const b0 = await fuzz(sc.file, STARTUP_RUNS, 2);
      const two = await pairOfShards(sc.file, sc.runs);
      s.in.push(a.ms);
      s.w1.push(p.ms);
      s.w2.push(b.ms);
      s.in0.push(a0.ms);
      s.w20.push(b0.ms);
      s.pair.push(two);
      for (const t of [a, p, b]) s.steps.add(`${t.steps}/${t.distinct}`);
      process.stderr.write(`round ${r + 1}/${ROUNDS} ${sc.file}: in-process ${Math.round(a.ms)} ms, 1 pooled worker ${Math.round(p.ms)} ms, --workers 2 ${Math.round(b.ms)} ms, two shards at once ${Math.round(two)} ms (1000 runs: ${Math.round(a0.ms)} / ${Math.round(b0.ms)} ms)\n`);
    }
  }
  const styles = SCENARIOS.map((sc, i): StyleFigures => {
    const s = samples[i]!;
    if (s.steps.size !== 1) throw new Error(`bench: ${sc.file} made different steps/schedules in-process and with workers: ${[...s.steps].join(", ")}`);
    const exploring = s.in.map((x, k) => (x - s.in0[k]!) / (s.w2[k]! - s.w20[k]!));
    const speedup = median(s.in.map((x, k) => x / s.w2[k]!));
    const ceiling = median(s.in.map((x, k) => x / s.pair[k]!));
    return {
      file: sc.file,
      runs: sc.runs,
      inProcessMs: Math.round(median(s.in)),
      workers1Ms: Math.round(median(s.w1)),
      workers2Ms: Math.round(median(s.w2)),
      startupInProcessMs: Math.round(median(s.in0)),
      startupWorkers2Ms: Math.round(median(s.w20)),
      speedup: round2(speedup),
      speedupExploring: round2(median(exploring)),
      speedupVsOneWorker: round2(median(s.w1.map((x, k) => x / s.w2[k]!))),
      pairOfShardsMs: Math.round(median(s.pair)),
      ceiling: round2(ceiling),
      // Per round: both figures of a round were measured minutes apart at most.
      efficiency: round2(median(s.pair.map((x, k) => x / s.w2[k]!))),
      steps: Number([...s.steps][0]!.split("/")[0]),
      runsPerSecInProcess: Math.round(sc.runs / ((median(s.in) - median(s.in0)) / 1000)),
    };
  });
  const [fast, slow] = styles as [StyleFigures, StyleFigures];
  return {
    rounds: ROUNDS,
    styles,
    timed: {
      file: timedFile,
      seconds: TIME_S,
      inProcessRuns: Math.round(median(timed.in)),
      workers1Runs: Math.round(median(timed.w1)),
      workers2Runs: Math.round(median(timed.w2)),
      speedup: round2(median(timed.w2.map((x, k) => x / timed.in[k]!))),
      speedupVsOneWorker: round2(median(timed.w2.map((x, k) => x / timed.w1[k]!))),
    },
    closureSlowdown: round2(fast.runsPerSecInProcess / slow.runsPerSecInProcess),
  };
}

const m = await measure();
console.log(`fuzz --workers 2 vs in-process (the built CLI, end to end, median of ${m.rounds} alternating rounds, node ${process.version})`);
for (const s of m.styles) {
  console.log(`  ${s.file}, ${s.runs.toLocaleString("en-US")} runs: in-process ${s.inProcessMs} ms, --workers 2 ${s.workers2Ms} ms → ${s.speedup}×`);
  console.log(`    start-up (1000 runs): ${s.startupInProcessMs} ms / ${s.startupWorkers2Ms} ms; the exploration alone: ${s.speedupExploring}×`);
  console.log(`    a pool of one worker (--watchdog alone) ${s.workers1Ms} ms: 2 workers vs 1 pooled worker ${s.speedupVsOneWorker}×`);
  console.log(`    two in-process shards at once (N/2 runs each) ${s.pairOfShardsMs} ms: this machine's ceiling ${s.ceiling}×; --workers 2 reaches ${s.efficiency} of it`);
}
const t = m.timed;
console.log(`  ${t.file}, --time ${t.seconds}s: in-process ${t.inProcessRuns.toLocaleString("en-US")} runs, a pool of one worker ${t.workers1Runs.toLocaleString("en-US")}, --workers 2 ${t.workers2Runs.toLocaleString("en-US")} → ${t.speedup}× the runs (${t.speedupVsOneWorker}× vs the pool of one)`);
console.log(`  module-level bodies vs asyncBlock closures in setup, in-process: ${m.closureSlowdown}× the runs per second`);
console.log(JSON.stringify(m));
