import { describe, expect, it } from "vitest";
import { asyncBlock, asyncFn, defineScenario, PENDING, ready, runScenario, Sim, sleep, yieldNow, type Context, type Poll, type Waker } from "wakesim";
import { Flag, forgetful, spin } from "./helpers.js";

describe("Sim.run", () => {
  it("completes when every task finished and reports steps, polls and time", () => {
    const sim = new Sim({ seed: 5 });
    sim.spawn(spin(2, "a"), { name: "a" });
    sim.spawn(spin(1, "b"), { name: "b" });
    const out = sim.run();
    expect(out).toMatchObject({ ok: true, status: "completed", polls: 5, steps: 5, time: 0, violations: [] });
    expect(out.tasks.map((t) => [t.name, t.state, t.polls])).toEqual([
      ["a", "completed", 3],
      ["b", "completed", 2],
    ]);
  });

  it("polls again a task woken while it was being polled (notified while running), on every executor", () => {
    for (const executor of ["fifo", "permissive", "lifo-slot", "work-stealing"] as const) {
      const sim = new Sim({ seed: 1, executor });
      let polls = 0;
      sim.spawn({
        poll(cx): Poll<number> {
          polls++;
          if (polls === 3) return ready(polls);
          cx.waker.wakeByRef(); // woken during its own poll
          return PENDING;
        },
      }, { name: "self-waker" });
      const out = sim.run();
      expect(out.ok, executor).toBe(true);
      expect(polls, executor).toBe(3);
    }
  });

  it("turns a throw inside poll into a panicked task, reported with its name and step, and goes on", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    const bad = sim.spawn({
      poll(): Poll<void> {
        throw new RangeError("index 7 out of bounds");
      },
    }, { name: "parser" });
    const good = sim.spawn(spin(2, "fine"), { name: "worker" });
    const out = sim.run();
    expect(good.outcome).toEqual({ kind: "completed", value: "fine" });
    expect(bad.outcome).toMatchObject({ kind: "panicked", message: "RangeError: index 7 out of bounds" });
    expect(out.ok).toBe(false);
    expect(out.violations.map((v) => v.message)).toMatchInlineSnapshot(`
      [
        "task 'parser' panicked in poll 1 at step 0: RangeError: index 7 out of bounds",
      ]
    `);
    const v = out.violations[0]!;
    expect(v.kind === "panic" && v.stack).toContain("RangeError");
  });

  it("lets a joiner see a panic as a value, and allowPanics keeps the run ok", () => {
    const sim = new Sim({ allowPanics: true });
    const child = sim.spawn({
      poll(): Poll<number> {
        throw new Error("child failed");
      },
    }, { name: "child" });
    const parent = sim.spawn(asyncBlock(function* () {
      const o = yield* child;
      return o.kind;
    }), { name: "parent" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(parent.outcome).toEqual({ kind: "completed", value: "panicked" });
  });

  it("spawns tasks from inside a task, and their join handles are futures", () => {
    const sim = new Sim({ seed: 4 });
    const h = sim.spawn(asyncBlock(function* () {
      const kids = [1, 2, 3].map((i) => sim.spawn(asyncBlock(function* () {
        yield* sleep(i);
        return i * 10;
      }), { name: `kid${i}` }));
      let sum = 0;
      for (const k of kids) {
        const o = yield* k;
        if (o.kind === "completed") sum += o.value;
      }
      return sum;
    }), { name: "parent" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(h.outcome).toEqual({ kind: "completed", value: 60 });
  });

  it("flags a poll that returns pending without arranging a wakeup at that poll, and stops", () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(forgetful(), { name: "lost" });
    const out = sim.run();
    expect(out.status).toBe("stopped");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "lost-wakeup", detection: "at-poll", tasks: ["lost"], step: 0, stuck: [{ task: "lost", diagnosis: "no-wake-source", awaiting: "forgetful" }] });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"poll 1 of task 'lost' (step 0, awaiting forgetful) returned pending without taking a clone of this poll's waker and without waking it: nothing can wake it for this poll"`);
  });

  it("with the at-poll check off, stops at quiescence and diagnoses a task pending with no wake source", () => {
    const sim = new Sim({ seed: 1, oracles: { pendingWithoutWaker: false } });
    sim.spawn(forgetful(), { name: "lost" });
    const out = sim.run();
    expect(out.status).toBe("quiescent");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "lost-wakeup", detection: "quiescence", tasks: ["lost"], stuck: [{ task: "lost", diagnosis: "no-wake-source" }] });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`
      "the run reached quiescence (nothing runnable, no pending event) at step 1, t=0, with 1 task still pending:
        - lost: pending since step 0 (awaiting forgetful) with no clone of its waker held anywhere: its future returned pending without arranging a wakeup"
    `);
  });

  it("diagnoses a task whose waker clone is held but never woken", () => {
    const sim = new Sim({ seed: 1 });
    const never = new Flag(); // nobody sets it
    sim.spawn(never.wait(), { name: "waiter" });
    const out = sim.run();
    expect(out.violations[0]).toMatchObject({ kind: "lost-wakeup", stuck: [{ task: "waiter", diagnosis: "waker-held-never-woken", wakersHeld: 1 }] });
  });

  it("does not report daemon tasks as stuck, and stops when the others are done", () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(new Flag().wait(), { name: "bg", daemon: true });
    sim.spawn(spin(1, 0), { name: "main" });
    expect(sim.run()).toMatchObject({ ok: true, status: "completed" });
  });

  it("stops a task that never finishes at maxSteps, with a message that says what to do", () => {
    const sim = new Sim({ seed: 1, maxSteps: 50 });
    sim.spawn(spin(Infinity, 0), { name: "busy" });
    const out = sim.run();
    expect(out.status).toBe("step-limit");
    expect(out.steps).toBe(50);
    expect(out.violations[0]!.message).toMatchInlineSnapshot(
      `"the run did not finish within maxSteps=50 (tasks still pending: busy). Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps."`,
    );
  });

  it("aborts a queued task: it is never polled again and its outcome is cancelled", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    let polls = 0;
    const victim = sim.spawn({
      poll(cx: Context): Poll<void> {
        polls++;
        cx.waker.wakeByRef();
        return PENDING;
      },
    }, { name: "victim" });
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      victim.abort();
    }), { name: "killer" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(victim.outcome).toEqual({ kind: "cancelled" });
    expect(polls).toBe(2);
  });

  it("aborting a task from inside its own poll takes effect when the poll returns", () => {
    const sim = new Sim({ seed: 1 });
    const self: { h?: ReturnType<Sim["spawn"]> } = {};
    self.h = sim.spawn({
      poll(): Poll<void> {
        self.h!.abort();
        return PENDING;
      },
    }, { name: "quitter" });
    expect(sim.run().ok).toBe(true);
    expect(self.h.outcome).toEqual({ kind: "cancelled" });
  });

  it("aborts an idle task whose drop wakes its own waker without handing it back to the executor", () => {
    for (const executor of ["fifo", "permissive", "lifo-slot", "work-stealing"] as const) {
      const sim = new Sim({ seed: 1, executor });
      let kept: Waker | null = null;
      const victim = sim.spawn({
        poll(cx: Context): Poll<void> {
          kept ??= cx.waker.clone();
          return PENDING;
        },
        drop() {
          kept?.wake(); // a guard that notifies "the next waiter", which is itself
        },
      }, { name: "victim" });
      sim.spawn(asyncBlock(function* () {
        yield* yieldNow();
        victim.abort();
        yield* yieldNow();
        yield* yieldNow();
      }), { name: "killer" });
      const out = sim.run();
      expect(out.ok, executor).toBe(true);
      expect(victim.outcome, executor).toEqual({ kind: "cancelled" });
    }
  });

  it("can be stepped one unit at a time with tick()", () => {
    const sim = new Sim({ executor: "fifo" });
    sim.spawn(spin(1, 0));
    expect(sim.tick()).toBe(true);
    expect(sim.tick()).toBe(true);
    expect(sim.tick()).toBe(false);
  });
});

describe("options", () => {
  it("rejects bad options with errors that name the option", () => {
    expect(() => new Sim({ maxSteps: -1 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxSteps': must be ≥ 1, got -1]`);
    expect(() => new Sim({ pollCostTicks: 0.5 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'pollCostTicks': expected an integer number of ticks, got 0.5]`,
    );
    expect(() => new Sim({ executor: "fifi" as "fifo" })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor': unknown executor 'fifi' — did you mean 'fifo'? Use one of permissive, fifo, lifo-slot, work-stealing, an options object, or a factory () => Executor.]`,
    );
    expect(() => new Sim({ sed: 1 } as object)).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'sed': unknown option — did you mean 'seed'? Known options: seed, chooser, executor, faults, faultProbability, maxLatencyTicks, pollCostTicks, workers, maxSteps, trace, allowPanics, scenario, oracles, stopOnViolation, checkDeterminism.]`,
    );
    expect(() => new Sim({ faults: ["latncy" as "latency"] })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'faults': unknown fault kind 'latncy' — did you mean 'latency'? Known: latency, short-read, short-write, coalesce, spurious-wake, spurious-readiness, reset, early-eof, tie, cancel.]`,
    );
    expect(() => new Sim().run({ maxSteps: 0 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxSteps': must be ≥ 1, got 0]`);
    expect(() => new Sim().spawn(42 as never)).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'task': sim.spawn expects a Future (an object with poll(cx)) or an async function, got 42]`,
    );
    // A function is an async task now; a synchronous run of one says what to do, including when
    // the function was a future factory (an asyncFn) that should have been called.
    const sim = new Sim();
    sim.spawn(asyncFn(function* () {}) as never);
    expect(() => sim.run()).toThrow(/runAsync.*spawn what it returns, sim\.spawn\(f\(\)\)/);
  });

  it("rejects a scenario without a name or setup", () => {
    expect(() => defineScenario({ name: "", setup() {} })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'name': a scenario needs a non-empty name (it appears in reports and replay tokens)]`,
    );
    expect(() => defineScenario({ name: "x" } as never)).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'setup': scenario 'x' needs a setup(sim) function that spawns its tasks]`,
    );
  });

  it("runs a scenario with its own default options", () => {
    const s = defineScenario({ name: "fifo-two", options: { executor: "fifo" }, setup(sim) {
      sim.spawn(spin(1, 0), { name: "a" });
      sim.spawn(spin(1, 0), { name: "b" });
    } });
    const out = runScenario(s, { seed: 3 });
    expect(out.ok).toBe(true);
    expect(out.choices).toEqual([]); // FIFO never offers a choice
  });
});
