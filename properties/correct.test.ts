/**
 * Every correct version survives ≥ 2000 runs of each strategy with zero violations.
 * Soak mode: WAKESIM_SOAK=<runs> (e.g. 200000) runs that many per strategy, for a release.
 */
import { describe, expect, it } from "vitest";
import { explore } from "wakesim";
import { correctCases } from "./catalog.js";

const RUNS = Number(process.env.WAKESIM_SOAK ?? 2000);
const SEED = Number(process.env.WAKESIM_SEED ?? 0);
const STRATEGIES = ["random", "pct", "swarm", "portfolio"] as const;

describe.each(correctCases.map((c) => [`${c.fixture} › ${c.name}`, c] as const))("%s", (_title, c) => {
  it.each(STRATEGIES)(`survives ${RUNS} runs of %s`, (strategy) => {
    const r = explore(c.scenario, { ...c.options, runs: RUNS, seed: SEED, strategy });
    expect(r.failure?.report ?? "", `failed on run ${r.runs}`).toBe("");
    expect(r.runs).toBe(RUNS);
  }, 120_000);
});
