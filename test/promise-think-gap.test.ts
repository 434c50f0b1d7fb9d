import { describe, expect, it } from "vitest";
import { defineScenario, exploreAsync, replayAsync, traceText, type TaskId } from "wakesim";
import { PctChooser } from "wakesim/explore";
import { thinkGap041, thinkGap050 } from "../fixtures/promise/heavy-waiter-think.js";

const ids = (...n: number[]) => n.map((x) => x as TaskId);

describe("PctChooser in a run with async tasks (ties ranked by origin)", () => {
  it("fires the tied event of the highest-priority task, the earliest of that task, and counts it as a step", () => {
    const c = new PctChooser(5, { depth: 1, expectedSteps: 10 }); // no change points
    c.chooseTask(ids(0, 1, 2), null); // ranks tasks 0, 1, 2
    const p = c.priorities();
    const top = [0, 1, 2].map((x) => x as TaskId).sort((a, b) => p.get(b)! - p.get(a)!)[0]!;
    const others = ids(0, 1, 2).filter((t) => t !== top);
    const origins = [others[0]!, top, others[1]!, top];
    expect(c.chooseTie(origins)).toBe(1); // the first of the two events of the top task
    expect(c.steps).toBe(2);
  });

  it("ranks events of no known task as one more task (the host)", () => {
    const picks = new Set<number>();
    for (let seed = 0; seed < 30; seed++) picks.add(new PctChooser(seed, { depth: 1, expectedSteps: 10 }).chooseTie([null, 3 as TaskId]));
    expect(picks).toEqual(new Set([0, 1])); // sometimes above the task, sometimes below
  });

  it("starves the continuation of a lower-priority task: a tie order the fault-weighted walk almost never makes", async () => {
    // Two tasks hop on setImmediate; b loses if a makes 10 hops before b makes 1.
    const race = defineScenario({
      name: "hop race",
      setup(sim) {
        let aHops = 0;
        let bDone = false;
        sim.spawn(async function a() {
          for (; aHops < 10; aHops++) await new Promise<void>((r) => setImmediate(r));
          if (!bDone) throw new Error("b was passed over 10 times");
        });
        sim.spawn(async function b() {
          await new Promise<void>((r) => setImmediate(r));
          bDone = true;
        });
      },
    });
    const r = await exploreAsync(race, { runs: 50, seed: 1, strategy: "pct", shrink: false });
    expect(r.ok).toBe(false);
    expect(r.failure!.violation.kind).toBe("panic");
    const again = await replayAsync(race, r.failure!.token);
    expect(traceText(again)).toBe(traceText(r.failure!.outcome));
  });
});

describe("async-mutex's heavy waiter with lights that think between turns (k = 8)", () => {
  it("0.4.1: the default exploration finds the heavy waiter overtaken a 9th time, and the failure replays exactly", async () => {
    const r = await exploreAsync(thinkGap041, { runs: 100, seed: 1 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    expect(f.violation.kind).toBe("panic");
    expect(f.violation.message).toContain("the heavy waiter was overtaken 9 times (at most 8)");
    const again = await replayAsync(thinkGap041, f.token);
    expect(traceText(again)).toBe(traceText(f.outcome));
  }, 20_000);

  it("0.5.0: clean over 200 runs of the default exploration", async () => {
    const r = await exploreAsync(thinkGap050, { runs: 200, seed: 1 });
    expect(r.failure?.report ?? "").toBe("");
    expect(r.runs).toBe(200);
  }, 20_000);
});

describe("the fair suffix in a run with async tasks", () => {
  it("does not starve a task's first poll behind deliveries that set new immediates: exhaustive search on 0.5.0 raises no step-limit alarm", async () => {
    // Exhaustive search's first schedule delivers every due event first; the lights' setImmediate
    // hops then set new due events from their promise reactions, with no poll in between. The
    // fair suffix used to deliver first too, and the heavy task never had its first poll: a false
    // step-limit verdict on correct code. It now puts a poll between two deliveries.
    const r = await exploreAsync(thinkGap050, { runs: 60, strategy: "exhaustive" });
    expect(r.failure?.report ?? "").toBe("");
    expect(r.runs).toBe(60);
  }, 20_000);
});
