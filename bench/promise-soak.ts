/**
 * npm run bench:promise-soak — issue 13's "no alarm" check on real npm packages used correctly:
 * async-lock, async-sema, p-limit (fixtures/promise/packages.ts) and async-mutex 0.5.0 (the heavy
 * waiter, and the lights that think between turns), 10 000 runs of each seeded strategy and
 * exhaustive search up to 10 000 schedules (or its space exhausted). One line per exploration;
 * exit 1 on any alarm. Not a test (about a minute and a half).
 */
import { exploreAsync } from "wakesim";
import { asyncLockCorrect, asyncSemaCorrect, pLimitCorrect } from "../fixtures/promise/packages.js";
import heavy050 from "../fixtures/promise/heavy-waiter.js";
import { thinkGap050 } from "../fixtures/promise/heavy-waiter-think.js";
for (const [k, s] of [["async-lock", asyncLockCorrect], ["async-sema", asyncSemaCorrect], ["p-limit", pLimitCorrect], ["async-mutex-0.5.0 heavy waiter", heavy050], ["async-mutex-0.5.0 think gap", thinkGap050]] as const) {
  for (const strategy of ["random", "pct", "swarm", "portfolio", "exhaustive"] as const) {
    const t0 = performance.now();
    const r = await exploreAsync(s, { runs: 10_000, strategy, seed: 2026 });
    if (!r.ok) process.exitCode = 1;
    console.log(`${k} ${strategy}: ${r.ok ? "clean" : "ALARM " + r.failure!.report.split("\n")[0]} — ${r.runs} runs${strategy === "exhaustive" ? (r.exhausted ? " (space exhausted)" : "") : ""}, ${r.steps} steps, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
