import { describe, expect, it } from "vitest";
import { asyncBlock, defineScenario, runScenario, yieldNow, type Outcome, type Scenario, type TaskId } from "wakesim";
import { ExhaustiveStrategy, type ExhaustiveOptions } from "../src/explore/exhaustive.js";
import { PctChooser, PctStrategy, pctMissBound } from "../src/explore/pct.js";
import type { Strategy } from "../src/explore/strategy.js";

const ids = (...ns: number[]) => ns.map((n) => n as TaskId);

/** Two tasks that each need two polls (each yields once, waking itself); no timers. */
const twoByTwo = defineScenario({
  name: "two-by-two",
  options: { executor: "permissive" },
  setup(sim) {
    for (const name of ["a", "b"]) sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
    }), { name });
  },
});

/** Four tasks of three polls each: enough steps for PCT's change points to matter. */
const fourByThree = defineScenario({
  name: "four-by-three",
  options: { executor: "permissive" },
  setup(sim) {
    for (const name of ["a", "b", "c", "d"]) sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      yield* yieldNow();
    }), { name });
  },
});

/** Drives a strategy the way `explore` does, collecting every outcome. */
function drive(s: Strategy, sc: Scenario, maxRuns = 10_000): Outcome[] {
  const outs: Outcome[] = [];
  for (let r = 0; r < maxRuns; r++) {
    const plan = s.nextRun(r);
    if (!plan) break;
    const out = runScenario(sc, { ...plan.options, chooser: plan.chooser });
    s.runDone?.(out);
    outs.push(out);
  }
  return outs;
}

describe("PctChooser", () => {
  it("is deterministic for a seed", () => {
    const run = (seed: string) => runScenario(fourByThree, { chooser: new PctChooser(seed, { depth: 3, expectedSteps: 12 }) }).choices;
    expect(run("s1")).toEqual(run("s1"));
    const seeds = ["s1", "s2", "s3", "s4", "s5", "s6"].map((s) => run(s).join(","));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it("gives distinct priorities and runs the highest-priority candidate", () => {
    const c = new PctChooser(7, { depth: 1, expectedSteps: 10 }); // no change points
    const cands = ids(1, 2, 3, 4);
    for (let i = 0; i < 5; i++) {
      const pick = c.chooseTask(cands, null);
      const p = c.priorities();
      expect(new Set(p.values()).size).toBe(4);
      expect([...p.values()].every((v) => v >= 1)).toBe(true); // ranks start at d = 1
      expect(p.get(cands[pick]!)).toBe(Math.max(...p.values()));
    }
    // the highest candidate among a subset, wherever it sits
    const sub = ids(3, 1);
    const p = c.priorities();
    expect(sub[c.chooseTask(sub, null)]).toBe(p.get(sub[0]!)! > p.get(sub[1]!)! ? sub[0] : sub[1]);
    expect(c.steps).toBe(6);
  });

  it("draws d−1 distinct change points in [1, k], sorted", () => {
    for (let seed = 0; seed < 50; seed++) {
      const cp = new PctChooser(seed, { depth: 4, expectedSteps: 6 }).changePoints;
      expect(cp).toHaveLength(3);
      expect(new Set(cp).size).toBe(3);
      expect(cp.every((x) => Number.isInteger(x) && x >= 1 && x <= 6)).toBe(true);
      expect([...cp].sort((a, b) => a - b)).toEqual(cp);
    }
    // fewer steps than change points: all of [1, k]
    expect(new PctChooser(1, { depth: 5, expectedSteps: 2 }).changePoints).toEqual([1, 2]);
    expect(new PctChooser(1, { depth: 1, expectedSteps: 9 }).changePoints).toEqual([]);
  });

  it("lowers the running task below every initial priority at a change point", () => {
    const d = 3;
    const cands = ids(10, 11, 12);
    for (let seed = 0; seed < 20; seed++) {
      const c = new PctChooser(seed, { depth: d, expectedSteps: 8 });
      const cps = c.changePoints;
      let i = 0;
      for (let step = 1; step <= 8; step++) {
        const before = c.priorities(); // empty before step 1, which admits the tasks
        const pick = c.chooseTask(cands, null);
        const after = c.priorities();
        const top = (p: ReadonlyMap<TaskId, number>) => cands.reduce((a, b) => (p.get(a)! > p.get(b)! ? a : b));
        if (cps[i] === step) {
          i++;
          const dropped = cands.filter((t) => after.get(t) === d - i);
          expect(dropped).toHaveLength(1); // the task that would have run dropped to priority d − i …
          if (step > 1) expect(dropped[0]).toBe(top(before));
          for (const t of cands) if (t !== dropped[0]) expect(after.get(t)!).toBeGreaterThan(d - i); // … below every other one
        } else if (step > 1) {
          expect(after).toEqual(before);
        }
        expect(cands[pick]).toBe(top(after)); // then the highest-priority candidate runs
      }
      expect(i).toBe(cps.length);
    }
  });

  it("ranks a task first seen mid-run among the existing ones", () => {
    const seenRanks = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const c = new PctChooser(seed, { depth: 2, expectedSteps: 100 });
      c.chooseTask(ids(1, 2), null);
      c.chooseTask(ids(1, 2, 3), null);
      const p = c.priorities();
      expect(p.size).toBe(3);
      expect(new Set(p.values()).size).toBe(3);
      const newcomer = p.get(3 as TaskId)!;
      expect(newcomer).toBeGreaterThanOrEqual(2);
      seenRanks.add([...p.values()].filter((v) => v < newcomer).length);
    }
    expect(seenRanks).toEqual(new Set([0, 1, 2])); // bottom, middle and top all happen
  });

  it("switches to uniform random choices after fairSuffixAfterSteps", () => {
    const c = new PctChooser(3, { depth: 1, expectedSteps: 20, fairSuffixAfterSteps: 5 });
    const cands = ids(1, 2, 3);
    const picks = Array.from({ length: 60 }, () => c.chooseTask(cands, null));
    expect(new Set(picks.slice(0, 5)).size).toBe(1); // PCT: the same top task every time
    expect(new Set(picks.slice(5))).toEqual(new Set([0, 1, 2]));
  });

  it("rejects a bad depth, naming the option", () => {
    expect(() => new PctChooser(1, { depth: 0, expectedSteps: 5 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'depth': must be ≥ 1, got 0]`);
  });
});

describe("PctStrategy", () => {
  it("learns k and n from its runs and is deterministic", () => {
    const s = new PctStrategy("seed", { depth: 2 });
    expect(s.stats()).toEqual({ depth: 2, maxTasks: 0, maxSteps: 0 });
    const outs = drive(s, fourByThree, 30);
    // 12 polls; a task choice happens while ≥ 2 tasks are runnable
    expect(s.stats()).toMatchObject({ depth: 2, maxTasks: 4 });
    expect(s.stats()["maxSteps"]).toBeGreaterThanOrEqual(9);
    expect(s.stats()["maxSteps"]).toBeLessThanOrEqual(11);
    const again = drive(new PctStrategy("seed", { depth: 2 }), fourByThree, 30);
    expect(again.map((o) => o.choices)).toEqual(outs.map((o) => o.choices));
    expect(outs.every((o) => o.chooser === "pct" && o.ok)).toBe(true);
  });

  it("finds a depth-1 ordering bug (probability ≥ 1/n per run)", () => {
    // 'checker' panics if polled before 'init'; the default (FIFO) schedule passes.
    const ordering = defineScenario({
      name: "ordering",
      options: { executor: "permissive" },
      setup(sim) {
        let initRan = false;
        sim.spawn(asyncBlock(function* () {
          initRan = true;
          yield* yieldNow();
        }), { name: "init" });
        sim.spawn(asyncBlock(function* () {
          if (!initRan) throw new Error("checker ran before init");
          yield* yieldNow();
        }), { name: "checker" });
      },
    });
    const outs = drive(new PctStrategy(1, { depth: 1 }), ordering, 20);
    const failed = outs.filter((o) => !o.ok).length;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(20);
  });
});

describe("pctMissBound", () => {
  it("is (1 − 1/(n·k^(d−1)))^runs", () => {
    expect(pctMissBound(2, 10, 1, 1)).toBe(0.5);
    expect(pctMissBound(2, 10, 2, 3)).toBeCloseTo((1 - 1 / 20) ** 3, 12);
    expect(pctMissBound(4, 5, 3, 100)).toBeCloseTo((1 - 1 / 100) ** 100, 12);
    expect(pctMissBound(3, 7, 2, 0)).toBe(1);
  });
});

describe("ExhaustiveStrategy", () => {
  // Candidates are oldest-runnable first and a polled task that woke itself goes to the back,
  // so a decision (n = 2) happens at every step while both tasks still need a poll. The six
  // interleavings of a,a,b,b and their choice lists (non-zero choices = delays):
  //   abab [0,0,0] (0)   aabb [0,1] (1)   abba [0,0,1] (1)   baba [1,0,0] (1)
  //   baab [1,0,1] (2)   bbaa [1,1] (2)
  const run = (opts: ExhaustiveOptions) => {
    const s = new ExhaustiveStrategy(opts);
    const outs = drive(s, twoByTwo);
    return { s, outs, schedules: new Set(outs.map((o) => o.choices.join(","))) };
  };

  it("finds all C(4,2) = 6 interleavings with a large bound, and reports exhaustion", () => {
    const { s, schedules, outs } = run({ maxBound: 50 });
    expect(schedules).toEqual(new Set(["0,0,0", "0,1", "0,0,1", "1,0,0", "1,0,1", "1,1"]));
    expect(s.exhausted).toBe(true);
    // bounds 0, 1, 2 (1 + 4 + 6 runs); bound 2 pruned nothing, so 3…50 are skipped
    expect(s.stats()).toEqual({ bound: 2, schedulesRun: 11, distinctSchedules: 6, exhausted: true });
    expect(outs.every((o) => o.ok && o.chooser === "exhaustive")).toBe(true);
    expect(s.nextRun(99)).toBeNull();
  });

  it("runs exactly the default schedule at delay bound 0", () => {
    const { s, schedules } = run({ maxBound: 0 });
    expect([...schedules]).toEqual(["0,0,0"]);
    expect(s.stats()).toEqual({ bound: 0, schedulesRun: 1, distinctSchedules: 1, exhausted: true });
  });

  it("runs the 4 schedules with at most one delay at bound 1", () => {
    const { s, schedules } = run({ maxBound: 1 });
    expect(schedules).toEqual(new Set(["0,0,0", "0,1", "0,0,1", "1,0,0"]));
    expect(s.stats()).toEqual({ bound: 1, schedulesRun: 5, distinctSchedules: 4, exhausted: true });
  });

  it("counts preemptions: switching away from a task that could go on", () => {
    // The first decision has no previous task (free); keeping the last task running is free.
    // Preemptions: aabb 0, bbaa 0, abba 1, baab 1, abab 2, baba 2.
    expect(run({ bound: "preemption", maxBound: 0 }).schedules).toEqual(new Set(["0,1", "1,1"]));
    expect(run({ bound: "preemption", maxBound: 1 }).schedules).toEqual(new Set(["0,1", "1,1", "0,0,1", "1,0,1"]));
    const all = run({ bound: "preemption", maxBound: 2 });
    expect(all.schedules.size).toBe(6);
    expect(all.s.exhausted).toBe(true);
  });

  it("stops unexhausted at maxSchedules", () => {
    const { s, outs } = run({ maxBound: 5, maxSchedules: 3 });
    expect(outs).toHaveLength(3);
    expect(s.exhausted).toBe(false);
    expect(s.nextRun(3)).toBeNull();
  });

  it("is deterministic", () => {
    const a = run({ maxBound: 3 }).outs.map((o) => o.choices);
    const b = run({ maxBound: 3 }).outs.map((o) => o.choices);
    expect(b).toEqual(a);
  });

  it("rejects a bad bound kind, naming the option", () => {
    expect(() => new ExhaustiveStrategy({ bound: "preemptions" as "preemption" })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'bound': expected "delay" or "preemption", got "preemptions"]`);
    expect(() => new ExhaustiveStrategy({ maxBound: -1 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxBound': must be ≥ 0, got -1]`);
  });
});
