import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatTrace } from "wakesim/trace";
import { ReplayChooser } from "wakesim/explore";
import { replay, runScenario } from "wakesim";
import { mixedScenario } from "./mixed-scenario.js";

const SEEDS = 200;

describe("determinism", () => {
  it(`gives byte-identical traces for the same seed, for ${SEEDS} seeds of a timers + I/O + many-task scenario`, () => {
    const distinct = new Set<string>();
    for (let seed = 0; seed < SEEDS; seed++) {
      const a = runScenario(mixedScenario, { seed, trace: true, faults: "all" });
      const b = runScenario(mixedScenario, { seed, trace: true, faults: "all" });
      expect(a.ok, `seed ${seed}: ${a.violations[0]?.message}`).toBe(true);
      const ta = formatTrace(a.trace!);
      expect(formatTrace(b.trace!)).toBe(ta);
      expect(b.choices).toEqual(a.choices);
      distinct.add(ta);
    }
    // The seeds really explore: most runs differ.
    expect(distinct.size).toBeGreaterThan(SEEDS / 2);
  });

  it("replays each run exactly from its recorded choices and from its token", () => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const a = runScenario(mixedScenario, { seed, trace: true, faults: "all" });
      const r = runScenario(mixedScenario, { trace: true, faults: "all", chooser: new ReplayChooser(a.choices) });
      expect(formatTrace(r.trace!), `seed ${seed}`).toBe(formatTrace(a.trace!));
      const t = replay(mixedScenario, a.token, { faults: "all" });
      expect(formatTrace(t.trace!), `seed ${seed}`).toBe(formatTrace(a.trace!));
      expect(t.token).toBe(a.token);
    }
  });

  it("gives the same traces in another process", () => {
    const digest = (from: number, to: number) => {
      const h = createHash("sha256");
      for (let seed = from; seed < to; seed++) h.update(formatTrace(runScenario(mixedScenario, { seed, trace: true, faults: "all" }).trace!));
      return h.digest("hex");
    };
    const script = fileURLToPath(new URL("./trace-digest.ts", import.meta.url));
    const root = fileURLToPath(new URL("..", import.meta.url));
    const other = execFileSync(process.execPath, ["--import", "tsx", "--conditions=wakesim-source", script, "0", "40"], { cwd: root, encoding: "utf8" }).trim();
    expect(other).toBe(digest(0, 40));
  });
});
