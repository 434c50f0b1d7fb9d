/**
 * The false-alarm suite (issue 11): every scenario of the correct-but-unusual corpus in
 * fixtures/unusual/ survives N runs of every strategy with `faults: "all"` — no oracle may fire
 * on code that is correct. Exhaustive search runs until its bounded space is exhausted or N.
 *
 * N is 1000 per strategy by default (the whole file stays within a CI budget);
 * WAKESIM_SOAK=20000 runs the 20 000, and WAKESIM_SEED=n changes the seed, as in
 * properties/correct.test.ts. A failure prints the report, whose "Reproduce" section carries
 * the replay token and the exact command. `npm run bench:false-alarms` prints the same
 * exploration as one table with the total false-alarm figure.
 *
 * The corpus is found by listing the directory, so a scenario added there is tested without
 * being registered anywhere; every scenario a file exports (default or named) is included.
 * fixtures/unusual/debatable/ is not: correct code that wakesim's model rejects by design (a
 * drop that releases its waker lazily, a finite poll past the poll budget, an await inside a
 * `finally` that cancellation skips) waits for the team's decision; the bench reports it on a
 * line of its own.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explore, type Scenario } from "wakesim";

const RUNS = Number(process.env.WAKESIM_SOAK ?? 1000);
const SEED = Number(process.env.WAKESIM_SEED ?? 0);
const STRATEGIES = ["random", "pct", "swarm", "portfolio", "exhaustive"] as const;
const DIR = new URL("../fixtures/unusual/", import.meta.url);

const isScenario = (v: unknown): v is Scenario => typeof v === "object" && v !== null && typeof (v as { setup?: unknown }).setup === "function";

const corpus: { file: string; scenario: Scenario }[] = [];
for (const file of readdirSync(DIR).filter((n) => n.endsWith(".ts")).sort()) {
  const mod = (await import(new URL(file, DIR).href)) as Record<string, unknown>;
  const seen = new Set<unknown>();
  for (const v of Object.values(mod)) {
    if (!isScenario(v) || seen.has(v)) continue;
    seen.add(v);
    corpus.push({ file, scenario: v });
  }
}

describe("the correct-but-unusual corpus", () => {
  it("holds at least 15 scenario files, each exporting a scenario by default", async () => {
    const files = new Set(corpus.map((c) => c.file));
    expect(files.size).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      const mod = (await import(new URL(f, DIR).href)) as { default?: unknown };
      expect(isScenario(mod.default), `${f} has no default-exported scenario`).toBe(true);
    }
  });
});

describe.each(corpus.map((c) => [`${c.file} › ${c.scenario.name}`, c.scenario] as const))("%s", (_title, scenario) => {
  it.each(STRATEGIES)(`survives ${RUNS} runs of %s with every fault kind`, (strategy) => {
    const r = explore(scenario, { runs: RUNS, seed: SEED, strategy, faults: "all" });
    expect(r.failure?.report ?? "", `false alarm on run ${r.runs} (strategy ${strategy}, seed ${SEED})`).toBe("");
    if (strategy === "exhaustive" && r.exhausted) expect(r.runs).toBeLessThanOrEqual(RUNS);
    else expect(r.runs).toBe(RUNS);
  }, 300_000);
});
