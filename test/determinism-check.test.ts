import { describe, expect, it } from "vitest";
import { asyncBlock, defineScenario, runScenario, sleep, yieldNow, type Violation } from "wakesim";
import { formatTrace } from "wakesim/trace";
import { Flag, spin } from "./helpers.js";
import { mixedScenario } from "./mixed-scenario.js";

/** A correct scenario: tasks, timers and a flag, every choice made by the chooser. */
const correct = defineScenario({
  name: "flag-and-timers",
  setup(sim) {
    // A Flag keeps one waker, so each waiter gets its own.
    const flags = [new Flag(), new Flag()];
    sim.spawn(asyncBlock(function* () {
      yield* sleep(5);
      yield* yieldNow();
      for (const f of flags) f.set();
    }), { name: "setter" });
    flags.forEach((flag, i) => {
      sim.spawn(asyncBlock(function* () {
        yield* flag.wait();
        yield* sleep(1);
      }), { name: `w${i}` });
    });
    sim.spawn(spin(3, 0), { name: "spinner" });
  },
});

// State kept between runs — the bug the check exists to find. Each test resets what it uses,
// so the expected messages do not depend on which tests ran before.
let setupsForPolls = 0;
let setupsForOrder = 0;
let setupsForTasks = 0;
let setupsForEnd = 0;

/** The number of polls of one task depends on how many times setup ran before. */
const leakyPolls = defineScenario({
  name: "leaky-polls",
  options: { executor: "fifo" },
  setup(sim) {
    setupsForPolls++;
    sim.spawn(spin(2, "a"), { name: "steady" });
    sim.spawn(spin(setupsForPolls, "b"), { name: "drifting" });
  },
});

/** Which task is spawned first depends on how many times setup ran before. */
const leakyOrder = defineScenario({
  name: "leaky-order",
  setup(sim) {
    setupsForOrder++;
    const names = setupsForOrder % 2 === 1 ? ["left", "right"] : ["right", "left"];
    for (const name of names) sim.spawn(spin(2, name), { name });
  },
});

/** A run's worth of work that grows each time: the rerun spawns one more task. */
const leakyTasks = defineScenario({
  name: "leaky-tasks",
  setup(sim) {
    setupsForTasks++;
    for (let i = 0; i < setupsForTasks; i++) sim.spawn(spin(1, i), { name: `job${i}` });
  },
});

/**
 * Only the given setup (1 = the first run, 2 = the rerun) declares a condition that never comes
 * true, so that run's trace is the other's plus the liveness violation reported at its end.
 */
function leakyEnd(failingSetup: number) {
  return defineScenario({
    name: "leaky-end",
    options: { executor: "fifo" },
    setup(sim) {
      setupsForEnd++;
      sim.spawn(spin(1, 0), { name: "only" });
      if (setupsForEnd === failingSetup) sim.eventually("never", () => false, { withinSteps: 1000 });
    },
  });
}

function divergence(vs: readonly Violation[]): Violation | undefined {
  return vs.find((v) => v.kind === "nondeterminism" && v.cause === "divergence");
}

describe("runScenario with checkDeterminism", () => {
  it("passes a correct scenario over many seeds, returning the first run's outcome", () => {
    for (let seed = 0; seed < 50; seed++) {
      const out = runScenario(correct, { seed, checkDeterminism: true });
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
      expect(out.violations).toEqual([]);
      // The check traces the run, so the outcome carries the trace of the first run.
      const plain = runScenario(correct, { seed, trace: true });
      expect(formatTrace(out.trace!)).toBe(formatTrace(plain.trace!));
      expect(out.choices).toEqual(plain.choices);
    }
  });

  it("passes the timers + I/O + faults scenario", () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = runScenario(mixedScenario, { seed, faults: "all", checkDeterminism: true });
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
    }
  });

  it("finds a setup that changes how many polls a task does, and shows both runs side by side", () => {
    setupsForPolls = 0;
    const out = runScenario(leakyPolls, { seed: 1, checkDeterminism: true });
    expect(setupsForPolls).toBe(2);
    expect(out.ok).toBe(false);
    expect(out.status).toBe("completed"); // the first run itself went fine
    expect(out.violations).toHaveLength(1);
    const v = divergence(out.violations)!;
    expect(v).toMatchObject({ kind: "nondeterminism", cause: "divergence", api: null, callSite: null, tasks: ["drifting"] });
    expect(v.message).toMatchInlineSnapshot(`
      "rerunning the same choices gave a different trace from event 12 (step 3) on: the run depends on something outside the simulation (state kept between runs, real time or randomness). The last events both runs shared, then where they part:
          2 t=0 wake steady via steady@g2.0 by steady: notified-while-running
          2 t=0 steady -> pending
          3 t=0 poll drifting g2
        > first run: 3 t=0 drifting -> ready
        > rerun:     3 t=0 wake drifting via drifting@g2.0 by drifting: notified-while-running"
    `);
  });

  it("finds a setup that changes which task is spawned first", () => {
    setupsForOrder = 0;
    const out = runScenario(leakyOrder, { seed: 4, checkDeterminism: true });
    const v = divergence(out.violations);
    expect(v).toMatchObject({ kind: "nondeterminism", cause: "divergence", step: 0, tasks: ["left", "right"] });
    expect(v!.message).toMatchInlineSnapshot(`
      "rerunning the same choices gave a different trace from event 0 (step 0) on: the run depends on something outside the simulation (state kept between runs, real time or randomness). The last events both runs shared, then where they part:
        > first run: 0 t=0 spawned left
        > rerun:     0 t=0 spawned right"
    `);
  });

  it("finds a rerun that spawns more tasks", () => {
    setupsForTasks = 0;
    const out = runScenario(leakyTasks, { seed: 0, executor: "fifo", checkDeterminism: true });
    const v = divergence(out.violations);
    expect(v?.message).toMatchInlineSnapshot(`
      "rerunning the same choices gave a different trace from event 1 (step 0) on: the run depends on something outside the simulation (state kept between runs, real time or randomness). The last events both runs shared, then where they part:
          0 t=0 spawned job0
        > first run: 0 t=0 poll job0 g1
        > rerun:     0 t=0 spawned job1"
    `);
  });

  it("shows '(run ended)' when the first run ends before the rerun does", () => {
    setupsForEnd = 0;
    const out = runScenario(leakyEnd(2), { seed: 0, checkDeterminism: true });
    expect(out.violations.map((v) => v.kind)).toEqual(["nondeterminism"]);
    expect(divergence(out.violations)?.message).toMatchInlineSnapshot(`
      "rerunning the same choices gave a different trace from event 7 (step 2) on: the run depends on something outside the simulation (state kept between runs, real time or randomness). The last events both runs shared, then where they part:
          1 t=0 poll only g2
          1 t=0 only -> ready
          1 t=0 only finished: completed
        > first run: (run ended)
        > rerun:     2 t=0 VIOLATION liveness"
    `);
  });

  it("shows '(run ended)' when the rerun ends before the first run does", () => {
    setupsForEnd = 0;
    const out = runScenario(leakyEnd(1), { seed: 0, checkDeterminism: true });
    expect(out.violations.map((v) => v.kind)).toEqual(["liveness", "nondeterminism"]);
    expect(divergence(out.violations)?.message).toMatchInlineSnapshot(`
      "rerunning the same choices gave a different trace from event 7 (step 2) on: the run depends on something outside the simulation (state kept between runs, real time or randomness). The last events both runs shared, then where they part:
          1 t=0 poll only g2
          1 t=0 only -> ready
          1 t=0 only finished: completed
        > first run: 2 t=0 VIOLATION liveness
        > rerun:     (run ended)"
    `);
  });

  it("shows the diverging pair in full, one above the other, after the shared context", () => {
    setupsForPolls = 0;
    const out = runScenario(leakyPolls, { seed: 1, checkDeterminism: true });
    const rows = divergence(out.violations)!.message.split("\n").slice(1);
    expect(rows.length).toBeGreaterThan(2);
    const [first, rerun] = rows.slice(-2);
    expect(first).toMatch(/^ {2}> first run: \S/);
    expect(rerun).toMatch(/^ {2}> rerun: {5}\S/);
    expect(rows.join("\n")).not.toContain("…"); // nothing is cut off
    for (const ctx of rows.slice(0, -2)) expect(ctx).toMatch(/^ {4}\d+ /);
  });

  it("catches nondeterminism the escape traps do not see (state kept across runs) when it reaches the trace", () => {
    // node:crypto's randomUUID was the example here until the traps covered node:crypto too.
    let requests = 0;
    const uuids = defineScenario({
      name: "uuids",
      setup(sim) {
        sim.spawn(asyncBlock(function* () {
          yield* yieldNow();
          sim.note(`request id ${++requests}`);
        }), { name: "tagger" });
      },
    });
    const out = runScenario(uuids, { seed: 2, checkDeterminism: true });
    expect(out.violations).toMatchObject([{ kind: "nondeterminism", cause: "divergence", tasks: ["tagger"] }]);
    expect(divergence(out.violations)!.message).toMatch(/^ {2}> first run: \d+ t=0 note tagger: request id 1\n {2}> rerun: {5}\d+ t=0 note tagger: request id 2$/m);
  });

  it("keeps the violation of a buggy but deterministic scenario, and adds no divergence", () => {
    const lost = defineScenario({
      name: "lost",
      setup(sim) {
        sim.spawn(new Flag().wait(), { name: "waiter" }); // nobody sets the flag
        sim.spawn(spin(2, 0), { name: "busy" });
      },
    });
    for (let seed = 0; seed < 20; seed++) {
      const out = runScenario(lost, { seed, checkDeterminism: true });
      expect(out.violations.map((v) => v.kind), `seed ${seed}`).toEqual(["lost-wakeup"]);
    }
  });

  it("reports nothing without checkDeterminism, even for a leaky scenario", () => {
    setupsForPolls = 0;
    expect(runScenario(leakyPolls, { seed: 1 }).ok).toBe(true);
    expect(runScenario(leakyPolls, { seed: 1 }).ok).toBe(true);
    expect(setupsForPolls).toBe(2);
  });
});
