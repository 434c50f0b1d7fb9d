/**
 * explore() resolves its options once and runs each plan without options of its own under them
 * (CheckedOptions): each run must see exactly what runScenario would have resolved for it.
 */
import { describe, expect, it } from "vitest";
import { explore, OptionError, runScenario, type Outcome, type SimOptions } from "wakesim";
import { SeededChooser, type Chooser, type RunPlan, type Strategy } from "wakesim/explore";
import { mixedScenario } from "./mixed-scenario.js";

/** Seeded runs, recording every outcome; `options` (if given) go with every plan. */
class Recording implements Strategy {
  readonly name = "recording";
  readonly outcomes: Outcome[] = [];
  constructor(private readonly options?: RunPlan["options"]) {}
  nextRun(run: number): RunPlan {
    const chooser = new SeededChooser(`rec:${run}`);
    return this.options === undefined ? { chooser } : { chooser, options: this.options };
  }
  runDone(o: Outcome): void {
    this.outcomes.push(o);
  }
}

describe("explore's checked per-run options", () => {
  // No options of its own, only fault kinds (swarm's: the checked path), and more (the general path).
  const plans: (SimOptions | undefined)[] = [undefined, {}, { faults: ["coalesce", "latency"] }, { faults: undefined } as unknown as SimOptions /* as a JavaScript strategy may */, { faults: "all", maxSteps: 4000 }];
  it.each(plans)("give each run the options, choices and token that runScenario gives it (plan options %j)", (own) => {
    const options = { executor: "fifo", faults: ["latency", "short-read"], maxSteps: 5000 } as const;
    const s = new Recording(own);
    const r = explore(mixedScenario, { ...options, runs: 20, strategy: s });
    expect(r.ok).toBe(true);
    s.outcomes.forEach((fast, run) => {
      const slow = runScenario(mixedScenario, { ...options, ...own, chooser: new SeededChooser(`rec:${run}`) });
      // The token carries the scenario, the options' fingerprint, the faults and the choices.
      expect(fast.token).toBe(slow.token);
      expect([fast.seed, fast.faults, fast.chooser, fast.steps, fast.status]).toEqual([slow.seed, slow.faults, slow.chooser, slow.steps, slow.status]);
    });
  });

  it("still take a plan's own options over the exploration's", () => {
    const s = new Recording({ faults: "none" });
    explore(mixedScenario, { faults: "all", runs: 3, strategy: s });
    for (const o of s.outcomes) expect(o.faults).toEqual([]);
  });

  it("still refuse a plan's chooser that cannot choose, with the same message", () => {
    const bad: Strategy = { name: "bad", nextRun: () => ({ chooser: { name: "broken" } as unknown as Chooser }) };
    expect(() => explore(mixedScenario, { runs: 1, strategy: bad })).toThrow(OptionError);
    expect(() => explore(mixedScenario, { runs: 1, strategy: bad })).toThrow("expected an object with choose(n, kind) and a name");
  });
});
