/**
 * The masking-hazard control: a lost wakeup that spurious wakeups would hide (a spurious wakeup
 * re-polls the stranded receiver, which then finds its value) is found with them off, the
 * report says it was found with them off and why that matters, and with dense spurious wakeups
 * the same exploration fails far less often — the bug hides, it does not go away.
 */
import { describe, expect, it } from "vitest";
import { explore, runScenario } from "wakesim";
import { holdEscapeTraps } from "../src/oracles/escape-traps.js";
import { RandomStrategy } from "wakesim/explore";
import { maskedBySpuriousWakes } from "../fixtures/oneshot.js";

function failureRate(opts: { faults: "none" | ["spurious-wake"]; faultProbability?: number }, runs: number): number {
  const release = holdEscapeTraps();
  let failed = 0;
  const strategy = new RandomStrategy(1, opts.faultProbability);
  for (let r = 0; r < runs; r++) {
    const out = runScenario(maskedBySpuriousWakes, { faults: opts.faults, chooser: strategy.nextRun(r).chooser });
    if (!out.ok) failed++;
  }
  release();
  return failed / runs;
}

describe("masking hazard: spurious wakeups", () => {
  it("is found with spurious wakeups off, and the report says they were off", () => {
    const r = explore(maskedBySpuriousWakes, { runs: 200, seed: 0, strategy: "random" });
    expect(r.failure?.violation.kind).toBe("lost-wakeup");
    expect(r.failure!.report).toContain("Masking\n  Found with spurious-wake and spurious-readiness off.");
  });

  it("fails far less often under dense spurious wakeups (the bug hides)", () => {
    const off = failureRate({ faults: "none" }, 1000);
    const dense = failureRate({ faults: ["spurious-wake"], faultProbability: 0.9 }, 1000);
    expect(off).toBeGreaterThan(0.3);
    expect(dense).toBeLessThan(off / 10);
  });
});
