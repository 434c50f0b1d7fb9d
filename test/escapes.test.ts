import { describe, expect, it } from "vitest";
import { asyncBlock, ready, Sim, sleep, type Context, type Poll, type Violation } from "wakesim";
import { ChooserError } from "wakesim/explore";
import { holdEscapeTraps } from "../src/oracles/escape-traps.js";
import { spin } from "./helpers.js";

/** The real globals, taken before any test runs: the traps must always put these back. */
const REAL = {
  dateNow: Date.now,
  perfNow: performance.now,
  random: Math.random,
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
  queueMicrotask: globalThis.queueMicrotask,
  nextTick: process.nextTick,
};

function expectGlobalsRestored(): void {
  expect(Date.now === REAL.dateNow, "Date.now").toBe(true);
  expect(performance.now === REAL.perfNow, "performance.now").toBe(true);
  expect(Math.random === REAL.random, "Math.random").toBe(true);
  expect(globalThis.setTimeout === REAL.setTimeout, "setTimeout").toBe(true);
  expect(globalThis.setInterval === REAL.setInterval, "setInterval").toBe(true);
  expect(globalThis.setImmediate === REAL.setImmediate, "setImmediate").toBe(true);
  expect(globalThis.queueMicrotask === REAL.queueMicrotask, "queueMicrotask").toBe(true);
  expect(process.nextTick === REAL.nextTick, "process.nextTick").toBe(true);
}

/** Each escape, called the way user code would call it (looked up on the global at call time). */
const ESCAPES: readonly { api: string; call: () => unknown }[] = [
  { api: "Date.now", call: () => Date.now() },
  { api: "performance.now", call: () => performance.now() },
  { api: "Math.random", call: () => Math.random() },
  { api: "setTimeout", call: () => setTimeout(() => {}, 0) },
  { api: "setInterval", call: () => setInterval(() => {}, 1000) },
  { api: "setImmediate", call: () => setImmediate(() => {}) },
  { api: "queueMicrotask", call: () => queueMicrotask(() => {}) },
  { api: "process.nextTick", call: () => process.nextTick(() => {}) },
];

/** A one-poll future that calls `body` and completes with its result. */
function calling<T>(body: () => T): { poll(cx: Context): Poll<T> } {
  return { poll: () => ready(body()) };
}

/** The message with the machine-specific call site (absolute path, line, column) masked. */
function masked(v: Violation | undefined): string {
  if (v === undefined) return "(no violation)";
  return v.kind === "nondeterminism" && v.callSite !== null ? v.message.replace(v.callSite, "<callSite>") : v.message;
}

/** Real timers may run only when no trap is installed; clears a real handle if a trap let one through. */
function clearIfReal(h: unknown): void {
  if (typeof h === "object" && h !== null && h.constructor?.name === "Timeout") clearInterval(h as NodeJS.Timeout);
  if (typeof h === "object" && h !== null && h.constructor?.name === "Immediate") clearImmediate(h as NodeJS.Immediate);
}

describe("escape traps", () => {
  it.each(ESCAPES)("reports $api called inside a poll, naming the task and the call site", ({ api, call }) => {
    const sim = new Sim({ seed: 3 });
    let handle: unknown;
    sim.spawn(calling(() => (handle = call())), { name: "escaper" });
    const out = sim.run();
    clearIfReal(handle);
    expect(out.ok).toBe(false);
    expect(out.status).toBe("stopped");
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0]!;
    expect(v).toMatchObject({ kind: "nondeterminism", cause: "escape", api, tasks: ["escaper"], step: 0 });
    expect(v.kind === "nondeterminism" && v.callSite).toMatch(/escapes\.test\.ts:\d+:\d+$/);
    expectGlobalsRestored();
  });

  it("says what escaped, in which task, where, and what to use instead", () => {
    const messages = ESCAPES.map(({ call }) => {
      const sim = new Sim({ seed: 3 });
      let handle: unknown;
      sim.spawn(calling(() => (handle = call())), { name: "escaper" });
      const out = sim.run();
      clearIfReal(handle);
      return masked(out.violations[0]);
    });
    expect(messages).toMatchInlineSnapshot(`
      [
        "Date.now() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "performance.now() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "Math.random() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "setTimeout() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "setInterval() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "setImmediate() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "queueMicrotask() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
        "process.nextTick() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead",
      ]
    `);
  });

  it("reports real time read through new Date() as well (DESIGN §5: real time is an escape)", () => {
    const sim = new Sim({ seed: 3 });
    sim.spawn(asyncBlock(function* () {
      yield* sleep(25);
      return new Date().getTime();
    }), { name: "stamper" });
    const out = sim.run();
    expect(out.violations).toMatchObject([{ kind: "nondeterminism", cause: "escape", tasks: ["stamper"] }]);
    expectGlobalsRestored();
  });

  it("reports each API once per run, and every distinct API when the run goes on", () => {
    const sim = new Sim({ seed: 1, stopOnViolation: false });
    sim.spawn(calling(() => [Date.now(), Date.now(), Math.random(), Date.now(), Math.random()]), { name: "a" });
    const out = sim.run();
    expect(out.violations.map((v) => (v.kind === "nondeterminism" ? v.api : v.kind))).toEqual(["Date.now", "Math.random"]);
  });

  it("answers Date.now and performance.now with the virtual time", () => {
    const sim = new Sim({ seed: 2, stopOnViolation: false });
    const seen: number[] = [];
    sim.spawn(asyncBlock(function* () {
      seen.push(Date.now(), performance.now());
      yield* sleep(40);
      seen.push(Date.now(), performance.now(), sim.now);
      yield* sleep(2);
      seen.push(Date.now(), sim.now);
    }), { name: "timed" });
    const out = sim.run();
    expect(out.status).toBe("completed");
    expect(seen).toEqual([0, 0, 40, 40, 40, 42, 42]);
  });

  it("answers Math.random with a sequence fixed by the seed", () => {
    const draw = (seed: number) => {
      const sim = new Sim({ seed, stopOnViolation: false });
      const h = sim.spawn(calling(() => Array.from({ length: 6 }, () => Math.random())), { name: "dice" });
      sim.run();
      return h.outcome?.kind === "completed" ? h.outcome.value : [];
    };
    const a = draw(11);
    expect(a).toHaveLength(6);
    for (const x of a) expect(x >= 0 && x < 1, String(x)).toBe(true);
    expect(new Set(a).size).toBe(6);
    expect(draw(11)).toEqual(a);
    expect(draw(12)).not.toEqual(a);
  });

  it("never runs the callbacks given to setTimeout, setInterval, setImmediate, queueMicrotask or process.nextTick", async () => {
    const ran: string[] = [];
    const handles: unknown[] = [];
    const sim = new Sim({ seed: 1, stopOnViolation: false });
    sim.spawn(calling(() => {
      handles.push(setTimeout(() => ran.push("setTimeout"), 0));
      handles.push(setInterval(() => ran.push("setInterval"), 0));
      handles.push(setImmediate(() => ran.push("setImmediate")));
      queueMicrotask(() => ran.push("queueMicrotask"));
      process.nextTick(() => ran.push("process.nextTick"));
    }), { name: "scheduler" });
    const out = sim.run();
    expect(out.violations.map((v) => (v.kind === "nondeterminism" ? v.api : v.kind))).toEqual([
      "setTimeout",
      "setInterval",
      "setImmediate",
      "queueMicrotask",
      "process.nextTick",
    ]);
    // Outside the run real timers are allowed: let the real event loop turn a few times.
    await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));
    for (const h of handles) clearIfReal(h);
    expect(ran).toEqual([]);
  });

  it("hands out inert timer handles that code may still ref, unref and clear", () => {
    const sim = new Sim({ seed: 1, stopOnViolation: false });
    sim.spawn(calling(() => {
      const t = setTimeout(() => {}, 10);
      t.unref().ref();
      clearTimeout(t);
      return t.hasRef();
    }), { name: "t" });
    const out = sim.run();
    expect(out.status).toBe("completed");
    expectGlobalsRestored();
  });

  it("restores every global after a run", () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(spin(3, 0), { name: "a" });
    expect(sim.run().ok).toBe(true);
    expectGlobalsRestored();
  });

  it("restores every global when the run throws", () => {
    const sim = new Sim({ seed: 1, chooser: { name: "bad", choose: () => 99 } });
    sim.spawn(spin(3, 0), { name: "a" });
    sim.spawn(spin(3, 0), { name: "b" });
    expect(() => sim.run()).toThrow(ChooserError);
    expectGlobalsRestored();
    const again = new Sim({ seed: 1, chooser: { name: "bad", choose: () => 99 } });
    again.spawn(spin(3, 0), { name: "a" });
    again.spawn(spin(3, 0), { name: "b" });
    expect(() => again.run()).toThrowErrorMatchingInlineSnapshot(
      `[ChooserError: chooser 'bad' answered 99 for a task choice among 2; it must return an integer in [0, 2)]`,
    );
    expectGlobalsRestored();
  });

  it("traps nothing and reports nothing with oracles: { escapes: false }", () => {
    const sim = new Sim({ seed: 1, oracles: { escapes: false } });
    let dateNowDuringRun: unknown;
    sim.spawn(calling(() => {
      dateNowDuringRun = Date.now;
      return [Date.now(), Math.random(), performance.now()];
    }), { name: "free" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.violations).toEqual([]);
    expect(dateNowDuringRun === REAL.dateNow).toBe(true);
    expectGlobalsRestored();
  });

  it("traps nothing with oracles: false", () => {
    const sim = new Sim({ seed: 1, oracles: false });
    sim.spawn(calling(() => Math.random()), { name: "free" });
    expect(sim.run().violations).toEqual([]);
    expectGlobalsRestored();
  });
});

describe("holdEscapeTraps", () => {
  it("keeps the traps installed across many runs, passes calls between runs to the real functions, and restores on release", () => {
    const release = holdEscapeTraps();
    try {
      const held = Date.now;
      expect(held === REAL.dateNow).toBe(false);
      // Between runs the real functions answer: wall-clock time, not virtual time 0.
      expect(Date.now()).toBeGreaterThan(1_600_000_000_000);
      const r = Math.random();
      expect(r >= 0 && r < 1).toBe(true);
      for (let seed = 0; seed < 20; seed++) {
        const sim = new Sim({ seed });
        sim.spawn(calling(() => Date.now()), { name: `run${seed}` });
        const out = sim.run();
        expect(out.violations, `seed ${seed}`).toMatchObject([{ kind: "nondeterminism", cause: "escape", api: "Date.now", tasks: [`run${seed}`] }]);
        // The run did not uninstall the held traps.
        expect(Date.now === held, `seed ${seed}`).toBe(true);
        expect(Date.now()).toBeGreaterThan(1_600_000_000_000);
      }
      // A real timer set between runs really runs (it is cleared here so nothing leaks).
      let fired = false;
      const t = setTimeout(() => (fired = true), 1_000_000);
      expect(t.constructor.name).toBe("Timeout");
      clearTimeout(t);
      expect(fired).toBe(false);
    } finally {
      release();
    }
    expectGlobalsRestored();
  });

  it("nests: only the last release restores, and releasing twice is harmless", () => {
    const outer = holdEscapeTraps();
    const inner = holdEscapeTraps();
    inner();
    inner();
    expect(Date.now === REAL.dateNow).toBe(false);
    const sim = new Sim({ seed: 1 });
    sim.spawn(calling(() => Math.random()), { name: "r" });
    expect(sim.run().violations).toMatchObject([{ api: "Math.random" }]);
    expect(Math.random === REAL.random).toBe(false);
    outer();
    expectGlobalsRestored();
  });
});

describe("nested simulations", () => {
  it("reports an escape inside a sim run within another sim's poll to the inner sim", () => {
    let inner: ReturnType<Sim["run"]> | undefined;
    let innerNow = -1;
    const outer = new Sim({ seed: 1 });
    outer.spawn(asyncBlock(function* () {
      yield* sleep(100); // the outer clock moves on; the inner one stays at 0
      const sim = new Sim({ seed: 2 });
      sim.spawn(calling(() => (innerNow = Date.now())), { name: "inner-task" });
      inner = sim.run();
      // Back in the outer run: the traps are still installed.
      expect(Date.now === REAL.dateNow).toBe(false);
    }), { name: "outer-task" });
    const out = outer.run();
    expect(inner?.violations).toMatchObject([{ kind: "nondeterminism", cause: "escape", api: "Date.now", tasks: ["inner-task"] }]);
    expect(innerNow).toBe(0);
    expect(out.ok).toBe(true);
    expect(out.violations).toEqual([]);
    expectGlobalsRestored();
  });

  it("reports an escape made after the inner run ended to the outer sim again", () => {
    const outer = new Sim({ seed: 1 });
    let inner: ReturnType<Sim["run"]> | undefined;
    outer.spawn(calling(() => {
      const sim = new Sim({ seed: 2 });
      sim.spawn(spin(1, 0), { name: "inner-task" });
      inner = sim.run();
      return Math.random();
    }), { name: "outer-task" });
    const out = outer.run();
    expect(inner?.ok).toBe(true);
    expect(out.violations).toMatchObject([{ kind: "nondeterminism", api: "Math.random", tasks: ["outer-task"] }]);
    expectGlobalsRestored();
  });
});
