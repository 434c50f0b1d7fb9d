/**
 * Every buggy twin: the default exploration (portfolio) finds it within its stated budget, the
 * violation is the expected oracle, the replay token reproduces the run byte for byte, and the
 * shrunk schedule is no further from the default than its stated bound.
 */
import { describe, expect, it } from "vitest";
import { explore, replay } from "wakesim";
import { stuckDiagnoses, violationSubKind } from "wakesim/report";
import { formatTrace } from "wakesim/trace";
import { buggyCases } from "./catalog.js";

const SEED = Number(process.env.WAKESIM_SEED ?? 0);

describe.each(buggyCases.map((c) => [`${c.fixture} › ${c.twin}`, c] as const))("%s", (_title, c) => {
  it(`is found as ${c.expect.kind}${c.expect.sub ? `/${c.expect.sub}` : ""} within ${c.budgetRuns} runs, replays exactly, shrinks to ≤ ${c.maxShrunkDeviations} deviations`, () => {
    expect(c.budgetRuns).toBeLessThanOrEqual(2000);
    const r = explore(c.scenario, { ...c.options, runs: c.budgetRuns, seed: SEED });
    expect(r.ok, `not found in ${c.budgetRuns} runs (seed ${SEED})`).toBe(false);
    const f = r.failure!;
    expect(f.violation.kind, f.report).toBe(c.expect.kind);
    if (c.expect.sub !== undefined) {
      expect([violationSubKind(f.violation), ...stuckDiagnoses(f.violation)], f.report).toContain(c.expect.sub);
    }
    const again = replay(c.scenario, f.token, c.options);
    expect(formatTrace(again.trace!)).toBe(formatTrace(f.outcome.trace!));
    expect(again.violations[0]!.message).toBe(f.violation.message);
    expect(f.choices.filter((x) => x !== 0).length, `shrunk schedule ${JSON.stringify(f.choices)}`).toBeLessThanOrEqual(c.maxShrunkDeviations);
  });
});
