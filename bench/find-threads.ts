/**
 * The thread half of bench:find (issue 14): races inside a poll (fixtures/threads/).
 *
 *  1. Runs to the first failure of each buggy twin, per strategy (random, pct, portfolio — the
 *     default exploration — over the same seeds; dpor once, it is deterministic), capped at
 *     THREAD_BUDGET runs. `thread_bugs_found` counts the bugs the default exploration found
 *     within that budget for every seed.
 *  2. Partial-order reduction on the AtomicWaker fixture (two producer threads): every schedule
 *     of the correct and of the buggy twin, explored with DPOR and with the plain DFS (no
 *     reduction), no bound on either (both search spaces are finite: the yield rule,
 *     sim/threads.ts rule 6) — schedules counted, and the violations each search found (every
 *     schedule's, not only the first) must be the same. `dpor_reduction` = schedules without ÷
 *     with, on the correct twin (the whole space; goal ≥ 10).
 *  3. The cost of a thread step beside a plain poll step, side by side in this process: steps per
 *     second of random exploration of the correct AtomicWaker and of the mpsc fixture (plain
 *     polls), best of 5; `thread_step_cost_vs_poll_step` = the ratio of their times per step.
 */
import { performance } from "node:perf_hooks";
import { explore, runScenario, type Scenario, type StrategyName } from "wakesim";
import { dporStrategy, threadDfsStrategy, type ThreadExplorerStrategy } from "wakesim/explore";
import { atomicWakerScenario } from "../fixtures/threads/atomic-waker.js";
import { readinessTickCorrect, readinessTickPerTurn } from "../fixtures/threads/readiness-tick.js";
import { sharedCorrect, sharedNoAwakenState } from "../fixtures/threads/shared.js";
import { timerNextWakeCorrect, timerNextWakePublishAfterUnlock } from "../fixtures/threads/timer-next-wake.js";
import { fmtRuns, median, pct, tableHeader, tableLine as line, type Sample } from "./find-common.js";
import mpscCorrect from "../fixtures/mpsc.js";

/** Best-of-5 steps per second of `runs` random runs of `sc`. */
function stepsPerSec(sc: Scenario, runs: number): number {
  explore(sc, { runs: 500, seed: 99, strategy: "random" }); // warm-up
  let best = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const r = explore(sc, { runs, seed: k + 1, strategy: "random" });
    best = Math.max(best, r.steps / ((performance.now() - t0) / 1000));
  }
  return best;
}

export interface ThreadBug {
  readonly id: string;
  readonly buggy: Scenario;
  readonly correct: Scenario;
}

/** The four races of issue 14, in its order. */
export const THREAD_BUGS: readonly ThreadBug[] = [
  { id: "atomic-waker", buggy: atomicWakerScenario("check-then-register"), correct: atomicWakerScenario("none") },
  { id: "shared-2706", buggy: sharedNoAwakenState, correct: sharedCorrect },
  { id: "readiness-tick-6133", buggy: readinessTickPerTurn, correct: readinessTickCorrect },
  { id: "timer-next-wake-6682", buggy: timerNextWakePublishAfterUnlock, correct: timerNextWakeCorrect },
];

const THREAD_BUDGET = Number(process.env.BENCH_THREAD_BUDGET ?? 2000);
const SEEDED: readonly StrategyName[] = ["random", "pct", "portfolio"];

function once(sc: Scenario, strategy: StrategyName, seed: number): Sample {
  const t0 = performance.now();
  const r = explore(sc, { runs: THREAD_BUDGET, seed, strategy, shrink: false });
  const ms = performance.now() - t0;
  if (r.ok) return { runs: THREAD_BUDGET, found: false, ms, oracle: null, exhausted: r.exhausted };
  return { runs: r.runs, found: true, ms, oracle: r.failure!.violation.kind };
}

/** Every schedule a thread explorer hands out: how many, and the violations found (kind and tasks). */
function everySchedule(sc: Scenario, strategy: ThreadExplorerStrategy, cap = 1_000_000): { schedules: number; runs: number; failing: number; found: Set<string>; ms: number } {
  const t0 = performance.now();
  const found = new Set<string>();
  let runs = 0;
  let failing = 0;
  for (let plan = strategy.nextRun(); plan !== null && runs < cap; plan = strategy.nextRun()) {
    const o = runScenario(sc, { chooser: plan.chooser });
    strategy.runDone();
    runs++;
    if (o.violations.length > 0) failing++;
    for (const v of o.violations) found.add(`${v.kind}: ${v.tasks.join(",")}`);
  }
  return { schedules: Number(strategy.stats().schedules), runs, failing, found, ms: performance.now() - t0 };
}

export function benchThreads(seeds: number): Record<string, unknown> {
  console.log("");
  console.log(`threads: races inside a poll (fixtures/threads/) — runs to first failure, budget ${THREAD_BUDGET.toLocaleString("en-US")} runs, ${seeds} seeds`);
  tableHeader("× random");
  const medians: Record<string, Record<string, number | null>> = {};
  let bugsFound = 0;
  for (const bug of THREAD_BUGS) {
    const rows = new Map<string, Sample[]>(SEEDED.map((s) => [s, []]));
    for (let seed = 1; seed <= seeds; seed++) for (const s of SEEDED) rows.get(s)!.push(once(bug.buggy, s, seed));
    rows.set("dpor", [once(bug.buggy, "dpor", 0)]);
    medians[bug.id] = {};
    const randomMedian = median(rows.get("random")!.map((x) => x.runs));
    for (const [s, xs] of rows) {
      const runs = xs.map((x) => x.runs);
      const m = median(runs);
      const foundAll = xs.every((x) => x.found);
      medians[bug.id]![s] = xs.some((x) => x.found) ? m : null;
      if (s === "portfolio" && foundAll) bugsFound++;
      line([bug.id, s, `${xs.filter((x) => x.found).length}/${xs.length}`, fmtRuns(m, !foundAll), fmtRuns(pct(runs, 0.9), !foundAll), (m / randomMedian).toFixed(2), median(xs.map((x) => x.ms)).toFixed(1), pct(xs.map((x) => x.ms), 0.9).toFixed(1)]);
    }
  }

  console.log("");
  console.log("partial-order reduction: every schedule of the AtomicWaker fixture (2 producers), no bound");
  const counts: Record<string, Record<string, number | string[]>> = {};
  for (const [twin, sc] of [["correct", atomicWakerScenario("none")], ["check-then-register", atomicWakerScenario("check-then-register")]] as const) {
    const d = everySchedule(sc, dporStrategy());
    const f = everySchedule(sc, threadDfsStrategy());
    const same = [...d.found].sort().join("|") === [...f.found].sort().join("|");
    console.log(
      `  ${twin.padEnd(20)} dpor ${d.schedules.toLocaleString("en-US")} schedules (${d.runs - d.schedules} pruned runs, ${d.failing} failing, ${d.ms.toFixed(0)} ms) · ` +
        `full ${f.schedules.toLocaleString("en-US")} schedules (${f.failing} failing, ${f.ms.toFixed(0)} ms) · ratio ${(f.schedules / d.schedules).toFixed(1)}× · ` +
        `found ${same ? "the same" : "DIFFERENT"}: ${[...d.found].join("; ") || "nothing"}${same ? "" : ` vs ${[...f.found].join("; ") || "nothing"}`}`,
    );
    counts[twin] = { dpor_schedules: d.schedules, full_schedules: f.schedules, dpor_failing: d.failing, full_failing: f.failing, found_dpor: [...d.found], found_full: [...f.found] };
  }
  const reduction = Number(counts.correct!.full_schedules) / Number(counts.correct!.dpor_schedules);
  const threadSps = stepsPerSec(atomicWakerScenario("none"), 5000);
  const pollSps = stepsPerSec(mpscCorrect, 2000);
  console.log(`thread steps: ${Math.round(threadSps).toLocaleString("en-US")}/s (AtomicWaker correct, random) · plain poll steps: ${Math.round(pollSps).toLocaleString("en-US")}/s (mpsc correct) · a thread step costs ${(pollSps / threadSps).toFixed(2)}× a poll step`);
  console.log(`dpor_reduction ${reduction.toFixed(1)} (goal ≥ 10) · thread_bugs_found ${bugsFound} of ${THREAD_BUGS.length} by the default exploration within ${THREAD_BUDGET} runs`);
  return {
    thread_budget_runs: THREAD_BUDGET,
    thread_median_runs: medians,
    dpor_schedule_counts: counts,
    dpor_reduction: Number(reduction.toFixed(1)),
    thread_steps_per_sec: Math.round(threadSps),
    thread_step_cost_vs_poll_step: Number((pollSps / threadSps).toFixed(2)),
    thread_bugs_found: bugsFound,
    thread_bugs: THREAD_BUGS.length,
  };
}
