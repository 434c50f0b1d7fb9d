import { describe, expect, it } from "vitest";
import { Sim, type Outcome } from "wakesim";

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("the Promise world: async functions as tasks", () => {
  it("runs async tasks to completion on virtual time: timers, Date.now and performance.now read the run's clock", async () => {
    const sim = new Sim({ seed: 1 });
    const log: string[] = [];
    const realStart = Date.now();
    sim.spawn(async function a() {
      log.push(`a start ${Date.now()}`);
      await pause(50);
      log.push(`a after 50 ${Date.now()} ${performance.now()}`);
      await pause(1000);
      log.push(`a after 1050 ${Date.now()}`);
    });
    sim.spawn(async function b() {
      await pause(100);
      log.push(`b after 100 ${Date.now()}`);
    });
    const out = await sim.runAsync();
    expect(out.violations).toEqual([]);
    expect(out.status).toBe("completed");
    expect(log).toEqual(["a start 0", "a after 50 50 50", "b after 100 100", "a after 1050 1050"]);
    expect(sim.now).toBe(1050);
    expect(Date.now() - realStart).toBeLessThan(1000); // virtual: no real second passed
    expect(typeof setTimeout(() => {}, 0)).toBe("object"); // the real timers are back
  });

  it("join handles give the value; a rejection is a panic naming the task", async () => {
    const sim = new Sim({ seed: 1, allowPanics: false });
    const h = sim.spawn(async () => {
      await pause(5);
      return 42;
    }, { name: "answer" });
    sim.spawn(async function failing() {
      await pause(1);
      throw new Error("boom");
    });
    const out = await sim.runAsync();
    expect(h.outcome).toEqual({ kind: "completed", value: 42 });
    expect(out.violations.map((v) => v.kind)).toEqual(["panic"]);
    expect(out.violations[0]!.message).toContain("failing");
  });

  it("an await nobody settles is a lost wakeup at quiescence, naming the task", async () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(async function waiter() {
      await new Promise<void>(() => {}); // never settled
    });
    const out: Outcome = await sim.runAsync();
    expect(out.status).toBe("quiescent");
    expect(out.violations[0]?.kind).toBe("lost-wakeup");
    expect(out.violations[0]?.message).toContain("waiter");
  });

  it("a synchronous run of async tasks is an error that says what to do", () => {
    const sim = new Sim();
    sim.spawn(async () => {});
    expect(() => sim.run()).toThrow(/await sim.runAsync\(\)/);
  });

  it("microtasks and process.nextTick run for real, in the engine's order, between steps", async () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.spawn(async () => {
      setImmediate(() => log.push("immediate"));
      setTimeout(() => log.push("timeout 0"), 0);
      process.nextTick(() => log.push("tick"));
      queueMicrotask(() => log.push("microtask"));
      await null;
      log.push("after await");
    });
    const out = await sim.runAsync();
    expect(out.violations).toEqual([]);
    expect(log).toEqual(["tick", "microtask", "after await", "immediate", "timeout 0"]); // as natively in a macrotask; the timeout is due 1 ms later (Node's minimum)
  });
});
