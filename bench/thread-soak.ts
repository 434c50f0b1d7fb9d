/**
 * npm run bench:thread-soak — issue 14's "correct versions clean": every correct twin of
 * fixtures/threads/ explored with 20 000 runs of each seeded strategy (random, pct, swarm,
 * portfolio), with exhaustive search (delay bound 2, its default) up to 20 000 schedules, and with
 * DPOR to the end of its space (no bound) or 200 000 schedules. One line per exploration, the
 * bound each search reached; exit 1 on any alarm. Not a test (a few minutes).
 */
import { explore, type StrategyName } from "wakesim";
import { THREAD_BUGS } from "./find-threads.js";

const RUNS = Number(process.env.SOAK_RUNS ?? 20_000);
for (const bug of THREAD_BUGS) {
  for (const strategy of ["random", "pct", "swarm", "portfolio", "exhaustive", "dpor"] as const satisfies readonly StrategyName[]) {
    const t0 = performance.now();
    const runs = strategy === "dpor" ? 200_000 : RUNS;
    const r = explore(bug.correct, { runs, strategy, seed: 2026 });
    if (!r.ok) process.exitCode = 1;
    const space = strategy === "exhaustive" || strategy === "dpor" ? (r.exhausted ? " (space exhausted" + (strategy === "exhaustive" ? " within delay bound 2)" : ", no bound)") : " (space not exhausted)") : "";
    console.log(`${bug.id} ${strategy}: ${r.ok ? "clean" : "ALARM " + r.failure!.report.split("\n")[0]} — ${r.runs} runs${space}, ${r.steps} steps, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
