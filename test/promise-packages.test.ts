/**
 * Concurrency packages from npm, unmodified, under exploreAsync: correct usage raises no alarm
 * under any strategy, and a misuse a user could make is found, naming the stuck task.
 * (10 000 runs per strategy were measured by hand for the closing note; here a few hundred.)
 */
import { describe, expect, it } from "vitest";
import { exploreAsync, type Scenario } from "wakesim";
import * as pk from "../fixtures/promise/packages.js";

const CORRECT: readonly Scenario[] = [pk.asyncLockCorrect, pk.asyncSemaCorrect, pk.pLimitCorrect];
const MISUSE: readonly [Scenario, string, string][] = [
  [pk.asyncLockMisuse, "bob", "lost-wakeup"],
  [pk.asyncSemaMisuse, "job-2", "lost-wakeup"],
  [pk.pLimitMisuse, "job-0", "lost-wakeup"],
];

describe("npm packages under the Promise world", () => {
  for (const s of CORRECT) {
    it(`${s.name}: no alarm under random, PCT, swarm and portfolio`, async () => {
      for (const strategy of ["random", "pct", "swarm", "portfolio"] as const) {
        const r = await exploreAsync(s, { runs: 300, strategy });
        expect(r.failure?.report ?? "", strategy).toBe("");
        expect(r.runs).toBe(300);
      }
    });
  }
  for (const [s, task, kind] of MISUSE) {
    it(`${s.name}: found, with '${task}' named as stuck`, async () => {
      const r = await exploreAsync(s, { runs: 300 });
      expect(r.ok).toBe(false);
      const stuck = [r.failure!.violation, ...r.failure!.outcome.violations].find((v) => v.kind === kind);
      expect(stuck, r.failure!.report).toBeDefined();
      expect(stuck!.kind === "lost-wakeup" ? stuck!.stuck.map((x) => x.task) : [], r.failure!.report).toContain(task);
    });
  }
});
