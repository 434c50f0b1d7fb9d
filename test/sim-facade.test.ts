import { describe, expect, it } from "vitest";
import { PENDING, ready, Sim, type Context, type Poll } from "wakesim";
import { ReplayChooser } from "../src/chooser/replay.js";
import { FairSuffix } from "../src/oracles/fair-suffix.js";
import { ChoiceLog } from "../src/sim/choice-log.js";
import { Tracer, type RunPosition } from "../src/sim/tracer.js";
import type { Task } from "../src/task/task.js";

const AT: RunPosition = { steps: 3, now: 7, currentTask: null };

describe("Sim (the facade)", () => {
  it("exposes only what users and scenarios call: no Runtime, WakeHook, Watched or EscapeSink member", () => {
    const own = Object.getOwnPropertyNames(Sim.prototype).filter((k) => k !== "constructor").sort();
    expect(own).toEqual(["bypassMonitor", "eventually", "invariant", "monitor", "note", "now", "polls", "progress", "run", "runAsync", "spawn", "steps", "thread", "tick"]);
    expect(Object.keys(new Sim()).sort()).toEqual(["io", "options"]);
  });

  it("reads steps and polls as the run goes, and they cannot be assigned", () => {
    const sim = new Sim({ seed: 1 });
    let left = 2;
    sim.spawn({ poll: (cx: Context): Poll<void> => (left-- === 0 ? ready(undefined) : (cx.waker.wakeByRef(), PENDING)) });
    expect(sim.tick()).toBe(true);
    expect([sim.steps, sim.polls]).toEqual([1, 1]);
    sim.run();
    expect([sim.steps, sim.polls]).toEqual([3, 3]);
    expect(() => ((sim as unknown as { steps: number }).steps = 0)).toThrow(TypeError);
  });
});

describe("Tracer", () => {
  it("off, records nothing and builds no text (the waker's label is not asked for)", () => {
    const t = { name: "a" } as Task;
    const waker = {
      toString(): string {
        throw new Error("built a label while not tracing");
      },
    };
    const off = new Tracer(false, AT);
    off.wakeIssued(t, waker, false, "schedule");
    off.eventDelivered({ describe: () => { throw new Error("described an event while not tracing"); } });
    expect(off.on).toBe(false);
    expect(off.snapshot()).toBeNull();
    const on = new Tracer(true, AT);
    expect(() => on.wakeIssued(t, waker, false, "schedule")).toThrow("built a label while not tracing");
  });

  it("on, stamps each event with the run's position", () => {
    const tr = new Tracer(true, AT);
    tr.note("hello");
    tr.choiceMade("task", 3, 1);
    expect(tr.snapshot()).toEqual([
      { type: "Note", step: 3, time: 7, task: null, text: "hello" },
      { type: "ChoiceMade", step: 3, kind: "task", n: 3, chosen: 1 },
    ]);
  });
});

describe("ChoiceLog", () => {
  it("never changes a list it handed out: the next choice copies it first", () => {
    const log = new ChoiceLog(new ReplayChooser([1, 0, 1]), new Set(), new FairSuffix(), AT, new Tracer(false, AT));
    expect(log.decide(2, "task")).toBe(1);
    const kept = log.share();
    expect(log.decide(2, "deliver")).toBe(0);
    expect(log.decide(1, "task")).toBe(0); // n < 2: neither asked nor recorded
    expect(kept).toEqual([1]);
    expect(log.list).toEqual([1, 0]);
  });

  it("asks no switched-off fault", () => {
    const log = new ChoiceLog(new ReplayChooser([1, 1]), new Set(["reset"]), new FairSuffix(), AT, new Tracer(false, AT));
    expect(log.decideFault(5, "latency")).toBe(0);
    expect(log.decideFault(2, "reset")).toBe(1);
    expect(log.list).toEqual([1]);
  });
});
