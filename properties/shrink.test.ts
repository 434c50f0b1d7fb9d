/**
 * shrink() itself, over generated failures: a buggy twin of the fixtures, explored from a
 * generated seed without shrinking, then shrunk as explore() shrinks it. The shrunk schedule
 *  1. still fails with the same oracle (the vocabulary's shrink signature), and its token replays it;
 *  2. is no longer, and deviates from the default no more, than the schedule found;
 *  3. is 1-minimal when the shrinker stopped within its budget: setting any one non-zero choice
 *     to 0, or removing any one choice, no longer fails with that oracle.
 * (3) holds by construction (shrink.ts's header says why); this checks the construction.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explore, replay, runScenario, type Outcome } from "wakesim";
import { ReplayChooser, shrink, type FaultKind } from "wakesim/explore";
import { oracleSignature } from "wakesim/report";
import { buggyCases } from "./catalog.js";

const SEED = Number(process.env.WAKESIM_SEED ?? 0);
const BUDGET = 2000;

const deviations = (c: readonly number[]) => c.filter((x) => x !== 0).length;
const trimmed = (c: readonly number[]) => {
  let n = c.length;
  while (n > 0 && c[n - 1] === 0) n--;
  return c.slice(0, n);
};

/** Every schedule one step smaller than `c`: one non-zero choice set to 0, or one choice removed. */
function oneSmaller(c: readonly number[]): number[][] {
  const out: number[][] = [];
  c.forEach((v, i) => {
    if (v !== 0) out.push(c.map((x, k) => (k === i ? 0 : x)));
    out.push([...c.slice(0, i), ...c.slice(i + 1)]);
  });
  return out;
}

describe("shrink", () => {
  it("keeps the oracle, never lengthens the schedule, and ends 1-minimal within its budget", () => {
    let minimalChecked = 0;
    fc.assert(
      fc.property(fc.constantFrom(...buggyCases), fc.integer({ min: 0, max: 1_000_000 }), (c, seed) => {
        const found = explore(c.scenario, { ...c.options, runs: c.budgetRuns, seed, shrink: false }).failure?.outcome;
        fc.pre(found !== undefined);
        const start = found!;
        const rerun = (choices: readonly number[], faults: readonly FaultKind[]): Outcome =>
          runScenario(c.scenario, { ...c.options, faults: [...faults], chooser: new ReplayChooser(choices, start.chooser) });
        const want = oracleSignature(start.violations[0]!);
        const shrunk = shrink(start, rerun, BUDGET);
        const failsAsFound = (o: Outcome) => o.violations[0] !== undefined && oracleSignature(o.violations[0]) === want;

        expect(oracleSignature(shrunk.outcome.violations[0]!)).toBe(want);
        expect(failsAsFound(replay(c.scenario, shrunk.outcome.token, c.options)), `token ${shrunk.outcome.token}`).toBe(true);
        expect(shrunk.choices.length).toBeLessThanOrEqual(trimmed(start.choices).length);
        expect(deviations(shrunk.choices)).toBeLessThanOrEqual(deviations(start.choices));

        if (shrunk.runs >= BUDGET) return; // stopped by the budget: no minimality promised
        minimalChecked++;
        for (const smaller of oneSmaller(shrunk.choices)) {
          expect(failsAsFound(rerun(smaller, shrunk.faults)), `${c.fixture} › ${c.twin}: ${JSON.stringify(shrunk.choices)} → ${JSON.stringify(smaller)} still fails as ${want}`).toBe(false);
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
    // The minimality check above must not be vacuous: most shrinks end well within the budget.
    expect(minimalChecked).toBeGreaterThan(0);
  });
});
