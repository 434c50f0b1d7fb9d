/**
 * Correct concurrent primitives written in styles unlike fixtures/threads/ (fixtures/threads/unusual/):
 * the engine must not cry wolf on them, must exhaust DPOR's space where it is finite, and must find
 * each one's broken twin (one line changed) for the reason it is broken.
 */
import { describe, expect, it } from "vitest";
import { explore, type Scenario, type ViolationKind } from "wakesim";
import { arc, arcBroken } from "../fixtures/threads/unusual/arc.js";
import { barrier, barrierBroken } from "../fixtures/threads/unusual/barrier.js";
import { oneshotBroken, oneshotCorrect } from "../fixtures/threads/unusual/oneshot.js";
import { semaphore, semaphoreBroken } from "../fixtures/threads/unusual/semaphore.js";
import { seqlock, seqlockBroken, seqlockDataCell } from "../fixtures/threads/unusual/seqlock.js";
import { spscRing, spscRingBroken } from "../fixtures/threads/unusual/spsc-ring.js";

interface Pair {
  readonly correct: Scenario;
  readonly broken: Scenario;
  /** The violation kinds the broken twin may be reported with (more than one: see the fixture's header). */
  readonly kinds: readonly ViolationKind[];
  /** What the first violation's message must say. */
  readonly says: RegExp;
}

const PAIRS: readonly Pair[] = [
  { correct: spscRing, broken: spscRingBroken, kinds: ["data-race"], says: /^data race on ring\.slot\d#\d+: / },
  { correct: oneshotCorrect, broken: oneshotBroken, kinds: ["lost-wakeup"], says: /receiver: pending since step/ },
  { correct: seqlock, broken: seqlockBroken, kinds: ["invariant"], says: /^invariant 'every snapshot is consistent/ },
  // A double free: the second free's read (the panic) or its write (the race detector) comes first.
  { correct: arc, broken: arcBroken, kinds: ["panic", "data-race"], says: /double free of the Arc's allocation|^data race on arc\.payload#\d+/ },
  { correct: semaphore, broken: semaphoreBroken, kinds: ["lost-wakeup"], says: /task\d: pending since step/ },
  { correct: barrier, broken: barrierBroken, kinds: ["liveness"], says: /^t\d was still blocked when the run went quiet, waiting for a notification of barrier\.cv#\d+/ },
];

describe("unusual correct primitives: no false alarm", { timeout: 60_000 }, () => {
  for (const { correct } of PAIRS) {
    it(`${correct.name}: clean under 1000 runs of random and pct, and DPOR to the end of its space`, () => {
      for (const strategy of ["random", "pct"] as const) {
        const r = explore(correct, { runs: 1000, strategy, seed: 7 });
        expect(r.failure?.report ?? "clean", strategy).toBe("clean");
        expect(r.runs, strategy).toBe(1000);
      }
      const d = explore(correct, { runs: 10_000, strategy: "dpor" });
      expect(d.failure?.report ?? "clean", "dpor").toBe("clean");
      expect(d.exhausted, "dpor exhausted").toBe(true);
      expect(Number(d.stats.schedules)).toBeGreaterThan(1);
    });
  }

  it("a seqlock whose data words are plain memory IS a data race (the reader's overlapping reads), as by the C++/Rust definition", () => {
    for (const strategy of ["random", "dpor"] as const) {
      const r = explore(seqlockDataCell, { runs: 1000, strategy, seed: 7 });
      expect(r.failure?.violation.kind, strategy).toBe("data-race");
      expect(r.failure?.violation.message).toMatch(/^data race on [xy]#\d+: /);
    }
  });
});

describe("unusual primitives' broken twins: found by the default exploration", { timeout: 60_000 }, () => {
  for (const { broken, kinds, says } of PAIRS) {
    it(`${broken.name}: found within 2000 runs as ${kinds.join(" or ")}`, () => {
      const r = explore(broken, { runs: 2000 });
      expect(r.failure, "found").not.toBeNull();
      const f = r.failure!;
      expect(kinds).toContain(f.violation.kind);
      expect(f.violation.message).toMatch(says);
      expect(f.run).toBeLessThan(2000);
    });
  }
});
