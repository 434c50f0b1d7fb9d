/**
 * Concurrency packages from npm, unmodified, under exploreAsync: correct usage raises no alarm
 * under any strategy, and a misuse a user could make is found, naming the stuck task.
 * (10 000 runs per strategy were measured by hand for the closing note; here a few hundred.)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exploreAsync, type Scenario } from "wakesim";
import * as pk from "../fixtures/promise/packages.js";

const CORRECT: readonly Scenario[] = [pk.asyncLockCorrect, pk.asyncSemaCorrect, pk.pLimitCorrect];
/** The fixture's line holding `marker`: the await a stuck task is parked at. */
const source = readFileSync(fileURLToPath(new URL("../fixtures/promise/packages.ts", import.meta.url)), "utf8").split("\n");
const lineOf = (marker: string) => `packages.ts:${source.findIndex((l) => l.includes(marker)) + 1}:`;

const MISUSE: readonly [Scenario, string, string][] = [
  [pk.asyncLockMisuse, "bob", lineOf("// not re-entrant")],
  [pk.asyncSemaMisuse, "job-2", lineOf("await sema.acquire()")],
  [pk.pLimitMisuse, "job-0", lineOf("// a request with no timeout")],
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
  for (const [s, task, line] of MISUSE) {
    it(`${s.name}: found, with '${task}' named as stuck, parked at its await (${line})`, async () => {
      const r = await exploreAsync(s, { runs: 300 });
      expect(r.ok).toBe(false);
      const stuck = r.failure!.outcome.violations.flatMap((v) => (v.kind === "lost-wakeup" ? v.stuck : [])).find((x) => x.task === task);
      expect(stuck, r.failure!.report).toBeDefined();
      expect(stuck!.awaiting, r.failure!.report).toContain(`parked at`);
      expect(stuck!.awaiting, r.failure!.report).toContain(line);
      expect(r.failure!.report).toContain(line);
    });
  }
});
