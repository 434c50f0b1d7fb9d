/**
 * npm run bench:find — runs-to-first-failure on planted bugs of known depth (bench/planted.ts),
 * per strategy, measured side by side in one process (never asserted in a test).
 *
 * For every planted bug and every strategy (random = the uniform baseline, pct, swarm,
 * portfolio = explore's default) it runs `explore(bug, { runs: CAP, seed, strategy, shrink:
 * false })` for BENCH_SEEDS seeds (default 100) and records the runs to the first failure
 * (`result.runs` of a failing exploration) and the wall time of the exploration. An
 * exploration that finds nothing within CAP runs counts as CAP (a censored value: medians at the
 * cap are printed "≥CAP"). Exhaustive search is deterministic (no seed), so it runs once per bug;
 * if it exhausts its bounded space without a failure it is a miss, whatever its run count.
 *
 * fast-check's own scheduler (`fc.scheduler()` + `s.waitIdle()`) runs the promise versions of
 * the same bugs (bench/planted-promises.ts) through `fc.check(..., { numRuns: CAP, seed,
 * endOnFailure: true })`; a failing check's `numRuns` is the run that failed (counted from 1,
 * as explore's `runs`).
 *
 * Seeds are the outer loop and strategies the inner one (in an order that rotates with the
 * seed), so machine noise hits all alike.
 * The wall time of a failing exploration includes the traced replay and report explore builds
 * for the failure (shrinking is off); fast-check's includes its own reporting.
 *
 * Targets (issue 4; reported, not asserted): the portfolio needs ≥ 10× fewer runs than the
 * random walk on the starvation-shaped bug, and at most 2× as many on every other bug.
 *
 * Then the promise half (find-async.ts, same process, same seeds): the promise versions of the
 * bugs explored by wakesim itself (`exploreAsync`) beside fast-check's figures from the table
 * above, and async-mutex 0.4.1's heavy waiter crowded out by lights that think between turns
 * (fixtures/promise/heavy-waiter-think.ts) — target (issue 13): wakesim's default needs ≤ 1/10 of
 * fast-check's runs (`async_starvation_speedup_vs_fastcheck` ≥ 10).
 *
 * Then the thread half (find-threads.ts): the races inside a poll of fixtures/threads/ per strategy
 * within a budget (`thread_bugs_found`, goal: all of them by the default exploration), and
 * DPOR's schedule counts against the full search on the AtomicWaker fixture (`dpor_reduction`,
 * goal ≥ 10).
 *
 * The last line is one JSON object with the figures.
 */
import { performance } from "node:perf_hooks";
import { explore, type StrategyName } from "wakesim";
import { PLANTED, type PlantedBug } from "./planted.js";
import { PLANTED_PROMISES } from "./planted-promises.js";
import { fastCheckOnce, fmtRuns, median, pct, tableHeader, tableLine as line, type Sample } from "./find-common.js";
import { benchAsync } from "./find-async.js";
import { benchThreads } from "./find-threads.js";

const SEEDS = Number(process.env.BENCH_SEEDS ?? 100);
const CAP = Number(process.env.BENCH_CAP ?? 20_000);
const SEEDED: readonly StrategyName[] = ["random", "pct", "swarm", "portfolio"];
const COLUMNS = [...SEEDED, "exhaustive", "fast-check"] as const;
type Column = (typeof COLUMNS)[number];
const STARVATION = "starvation-8";

function exploreOnce(bug: PlantedBug, strategy: StrategyName, seed: number): Sample {
  const t0 = performance.now();
  const r = explore(bug.scenario, { runs: CAP, seed, strategy, shrink: false });
  const ms = performance.now() - t0;
  if (r.ok) return strategy === "exhaustive" ? { runs: r.runs, found: false, ms, oracle: null, exhausted: r.exhausted } : { runs: CAP, found: false, ms, oracle: null };
  return { runs: r.runs, found: true, ms, oracle: r.failure!.violation.kind };
}

async function plantedFastCheck(id: string, seed: number): Promise<Sample> {
  const bug = PLANTED_PROMISES.find((b) => b.id === id);
  if (bug === undefined) throw new Error(`no promise version of planted bug '${id}'`);
  return fastCheckOnce(bug.run, seed, CAP);
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  // Warm up every path (explore per strategy, fast-check's scheduler) before anything is timed.
  for (const bug of PLANTED) {
    for (const s of SEEDED) for (let seed = 1000; seed < 1010; seed++) explore(bug.scenario, { runs: 300, seed, strategy: s, shrink: false });
    for (let seed = 1000; seed < 1005; seed++) await plantedFastCheck(bug.id, seed);
  }

  const samples = new Map<string, Map<Column, Sample[]>>();
  for (const bug of PLANTED) samples.set(bug.id, new Map(COLUMNS.map((c) => [c, [] as Sample[]])));
  const add = (id: string, c: Column, s: Sample) => samples.get(id)!.get(c)!.push(s);

  for (const bug of PLANTED) add(bug.id, "exhaustive", exploreOnce(bug, "exhaustive", 0));
  const inner: readonly Column[] = [...SEEDED, "fast-check"];
  for (let seed = 1; seed <= SEEDS; seed++) {
    // The order rotates with the seed so no column always runs right after fast-check's
    // allocation-heavy async runs (whose GC would otherwise land on the same column's clock).
    const order = inner.map((_, i) => inner[(i + seed) % inner.length]!);
    for (const bug of PLANTED) {
      for (const c of order) {
        if (c === "fast-check") add(bug.id, c, await plantedFastCheck(bug.id, seed));
        else add(bug.id, c, exploreOnce(bug, c as StrategyName, seed));
      }
    }
  }

  // ---- table --------------------------------------------------------------------------------
  const medians: Record<string, Record<string, number | null>> = {};
  const p90s: Record<string, Record<string, number | null>> = {};
  const found: Record<string, Record<string, string>> = {};
  const wallMs: Record<string, Record<string, number>> = {};
  const oddOracles: string[] = [];

  console.log(`wakesim bench:find — runs to first failure over ${SEEDS} seeds (cap ${CAP.toLocaleString("en-US")} runs; a miss counts as the cap), node ${process.version}`);
  console.log("(exhaustive: one deterministic exploration, delay bound ≤ 2; miss@N = its bounded space exhausted after N schedules without a failure)");
  console.log("(fast-check: fc.scheduler() + waitIdle on the promise versions; × random = median runs / random's median runs)");
  tableHeader("× random");
  for (const bug of PLANTED) {
    const cols = samples.get(bug.id)!;
    medians[bug.id] = {};
    p90s[bug.id] = {};
    found[bug.id] = {};
    wallMs[bug.id] = {};
    const randomMedian = median(cols.get("random")!.map((s) => s.runs));
    const expected = bug.id.startsWith("depth2") ? "lost-wakeup" : "panic";
    for (const c of COLUMNS) {
      const ss = cols.get(c)!;
      const runs = ss.map((s) => s.runs);
      const nFound = ss.filter((s) => s.found).length;
      for (const s of ss) if (s.oracle !== null && s.oracle !== expected) oddOracles.push(`${bug.id}/${c}: ${s.oracle}`);
      const med = median(runs);
      const p90 = pct(runs, 0.9);
      const allMissed = nFound === 0;
      // A statistic that lands on the cap while some seeds missed is censored: the truth is ≥ it.
      const censored = (v: number) => c !== "exhaustive" && nFound < ss.length && v >= CAP;
      const medCensored = censored(med);
      const p90Censored = censored(p90);
      medians[bug.id]![c] = allMissed ? null : med;
      p90s[bug.id]![c] = allMissed ? null : p90;
      found[bug.id]![c] = `${nFound}/${ss.length}`;
      wallMs[bug.id]![c] = Number(median(ss.map((s) => s.ms)).toFixed(2));
      line([
        bug.id,
        c,
        `${nFound}/${ss.length}`,
        c === "exhaustive" && allMissed ? (ss[0]!.exhausted === true ? `miss@${med}` : `≥${med}`) : fmtRuns(med, medCensored),
        c === "exhaustive" ? "—" : fmtRuns(p90, p90Censored),
        c === "exhaustive" && allMissed ? "—" : `${(med / randomMedian).toFixed(2)}`,
        median(ss.map((s) => s.ms)).toFixed(2),
        c === "exhaustive" ? "—" : pct(ss.map((s) => s.ms), 0.9).toFixed(2),
      ]);
    }
    console.log(`${"".padEnd(20)} (random's odds per run, by hand: 1/${Math.round(1 / bug.randomOdds)} → expected median ≈ ${Math.ceil(Math.log(0.5) / Math.log(1 - bug.randomOdds))} runs)`);
  }

  const starvSpeedup = medians[STARVATION]!.random! / medians[STARVATION]!.portfolio!;
  let worst = 0;
  let worstBug = "";
  for (const bug of PLANTED) {
    if (bug.id === STARVATION) continue;
    const r = medians[bug.id]!.portfolio! / medians[bug.id]!.random!;
    if (r > worst) {
      worst = r;
      worstBug = bug.id;
    }
  }
  const starvOk = starvSpeedup >= 10;
  const othersOk = worst <= 2;
  console.log("");
  console.log(`starvation-8: random median / portfolio median = ${starvSpeedup.toFixed(2)}× (target ≥ 10×: ${starvOk ? "met" : "MISSED"})`);
  console.log(`other bugs: worst portfolio median / random median = ${worst.toFixed(2)}× on ${worstBug} (target ≤ 2×: ${othersOk ? "met" : "MISSED"})`);
  if (oddOracles.length > 0) console.log(`note: an unexpected oracle fired in ${oddOracles.length} exploration(s): ${[...new Set(oddOracles)].join("; ")}`);

  // The promise half (find-async.ts): the same bugs as async scenarios, and the think-gap crowd-out.
  const asyncResult = await benchAsync(SEEDS, CAP, new Map(PLANTED.map((b) => [b.id, samples.get(b.id)!.get("fast-check")!])));
  // The thread half (find-threads.ts): races inside a poll, and DPOR's schedule counts.
  const threadResult = benchThreads(SEEDS);
  const totalS = (performance.now() - benchStart) / 1000;
  console.log(`total bench time ${totalS.toFixed(1)} s`);

  const result = {
    seeds: SEEDS,
    cap: CAP,
    starvation_speedup_vs_random: Number(starvSpeedup.toFixed(2)),
    worst_slowdown_vs_random: Number(worst.toFixed(2)),
    worst_slowdown_bug: worstBug,
    targets_met: { starvation_10x: starvOk, others_within_2x: othersOk },
    median_runs: medians,
    p90_runs: p90s,
    found,
    median_wall_ms: wallMs,
    ...asyncResult,
    ...threadResult,
    total_s: Number(totalS.toFixed(1)),
  };
  console.log(JSON.stringify(result));
}

await main();
