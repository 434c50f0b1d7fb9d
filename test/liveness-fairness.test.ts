/**
 * Liveness verdicts only on fair stretches (DESIGN §8, issue 11 "Livelock under unfair
 * schedules"). Correct producer/consumer code must never be reported as a livelock, a reactor
 * starvation, a fairness violation or a too-hot monitor just because the strategy (PCT,
 * exhaustive search, a fast-check array) starved the one task that would have stopped the loop.
 * Real liveness bugs must still be found, replayed, and say that they persisted under a fair
 * schedule.
 */
import { describe, expect, it } from "vitest";
import { asyncBlock, Sim, yieldNow, explore, replay, runScenario, traceText, type Scenario, type StrategyName, type TaskId } from "wakesim";
import { PctChooser, type Chooser, ExhaustiveStrategy, ReplayChooser } from "wakesim/explore";
import { holdEscapeTraps } from "../src/oracles/escape-traps.js";
import { CORRECT, endlessProducer, neverConsumed, pingPongForever, producerConsumer, spinnerWithBystander } from "./liveness-scenarios.js";

// ---- helpers -----------------------------------------------------------------------------------

/** An unfair chooser (the fairness oracle stays off, as under PCT) that always polls task 0 when it can. */
const workerFirst: Chooser = { name: "task-0-first", fair: false, choose: () => 0, chooseTask: (c: readonly TaskId[]) => Math.max(0, c.indexOf(0 as TaskId)) };

/** Runs `runs` runs of a strategy; returns the first failing violation message, or null. */
function falseAlarm(s: Scenario, strategy: StrategyName, runs: number): string | null {
  const r = explore(s, { runs, strategy, seed: 7, shrink: false });
  return r.ok ? null : `${r.failure!.violation.kind}: ${r.failure!.violation.message}`;
}

/** Runs a scenario under fixed arrays of choices, as a fast-check or replay chooser reads them. */
function underArrays(s: Scenario, arrays: readonly (readonly number[])[], generator: string): string | null {
  const release = holdEscapeTraps();
  try {
    for (const a of arrays) {
      const out = runScenario(s, { chooser: new ReplayChooser(a, generator) });
      if (!out.ok) return `[${a.slice(0, 4).join(",")}…] ${out.violations[0]!.kind}: ${out.violations[0]!.message}`;
    }
    return null;
  } finally {
    release();
  }
}

const constant = (v: number, n = 5000) => new Array<number>(n).fill(v);

/**
 * Thousands of runs per test, many of them long (a starved run goes 1000 polls before the fair
 * suffix starts): a generous timeout, so a loaded machine does not fail them. Not a speed claim.
 */
const MANY_RUNS_MS = 120_000;

describe("correct code under unfair schedules", () => {
  for (const s of CORRECT) {
    describe(s.name, () => {
      for (const strategy of ["pct", "exhaustive", "random", "swarm", "portfolio"] as const) {
        it(`gives no liveness verdict under ${strategy} (2000 runs)`, () => {
          expect(falseAlarm(s, strategy, 2000)).toBeNull();
        }, MANY_RUNS_MS);
      }
      it("gives none under the preemption-bounded exhaustive search (2000 runs)", () => {
        const r = explore(s, { runs: 2000, strategy: new ExhaustiveStrategy({ bound: "preemption", maxBound: 3 }), shrink: false });
        expect(r.ok ? null : r.failure!.violation.message).toBeNull();
      }, MANY_RUNS_MS);
      it("gives none under replay / fast-check arrays that keep answering one value", () => {
        const arrays = [constant(0), constant(1), constant(2), constant(1).map((v, i) => (i % 3 === 0 ? 0 : v))];
        expect(underArrays(s, arrays, "fast-check")).toBeNull();
        expect(underArrays(s, arrays, "replay")).toBeNull();
      });
    });
  }
});

describe("a true livelock", () => {
  for (const strategy of ["pct", "random", "exhaustive", "portfolio"] as const) {
    it(`is still found under ${strategy}, and replays to the same trace and message`, () => {
      const r = explore(pingPongForever, { runs: 50, strategy, seed: 3 });
      expect(r.ok).toBe(false);
      const f = r.failure!;
      expect(f.violation).toMatchObject({ kind: "starvation", cause: "livelock" });
      const again = replay(pingPongForever, f.token);
      expect(traceText(again)).toBe(traceText(f.outcome));
      expect(again.violations[0]!.message).toBe(f.violation.message);
    });
  }
});

describe("a real busy loop next to a task the schedule starves", () => {
  /** Polls the spinner every time: the bystander (candidate 0 after the first poll) never runs. */
  const starveBystander = [0, ...constant(1)];

  it("is confirmed under a fair suffix and says so", () => {
    expect(underArrays(spinnerWithBystander, [starveBystander], "fast-check")).toMatchInlineSnapshot(`"[0,1,1,1…] starvation: task 'spinner' was polled 10000 times with no progress anywhere (no task finished, no event delivered, no bytes moved, no sim.progress()): a busy loop or livelock (it keeps waking itself); this held under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run had switched at step 256 to confirm a suspected starvation of task 'bystander'"`);
  });

  it("is found by PCT, and a run that needed the suffix replays to the same trace and message", () => {
    const release = holdEscapeTraps();
    try {
      let seen = 0;
      let first = "";
      for (let i = 0; i < 40; i++) {
        const out = runScenario(spinnerWithBystander, { chooser: new PctChooser(`s${i}`, { depth: 3, expectedSteps: 50 }), trace: true });
        expect(out.violations[0]).toMatchObject({ kind: "starvation", cause: "livelock", tasks: ["spinner"] });
        if (!traceText(out).includes("fair suffix, to confirm a suspected livelock of task 'spinner'")) continue;
        seen++;
        first ||= out.violations[0]!.message;
        const again = replay(spinnerWithBystander, out.token);
        expect(traceText(again)).toBe(traceText(out));
        expect(again.violations[0]!.message).toBe(out.violations[0]!.message);
      }
      expect(seen).toBeGreaterThan(0);
      expect(first).toMatchInlineSnapshot(`"task 'spinner' was polled 10000 times with no progress anywhere (no task finished, no event delivered, no bytes moved, no sim.progress()): a busy loop or livelock (it keeps waking itself); it persisted for another 10000 polls under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 1003 when it was first suspected"`);
    } finally {
      release();
    }
  });

  it("still shrinks: the shrunk schedule fires the same oracle and replays", () => {
    const r = explore(spinnerWithBystander, { runs: 50, strategy: "pct", seed: 1 });
    const f = r.failure!;
    expect(f.violation).toMatchObject({ kind: "starvation", cause: "livelock" });
    expect(replay(spinnerWithBystander, f.token).violations[0]!.message).toBe(f.violation.message);
  });

  it("an eventually still unmet under the fair suffix is reported, saying so; on a fair stretch, at once", () => {
    const run = (chooser: Chooser) => {
      const sim = new Sim({ chooser });
      sim.spawn(asyncBlock(function* () {
        for (let i = 0; i < 2000; i++) {
          sim.progress();
          yield* yieldNow();
        }
      }), { name: "worker" });
      sim.spawn(asyncBlock(function* () {
        for (let i = 0; i < 3; i++) yield* yieldNow();
      }), { name: "bystander" });
      sim.eventually("the flush happened", () => false, { withinSteps: 100 });
      return sim.run().violations[0]!;
    };
    expect(run(new ReplayChooser([], "replay")).message).toMatchInlineSnapshot(`"liveness monitor 'the flush happened' did not become true within 100 steps of step 0"`);
    const v = run(workerFirst);
    expect(v).toMatchObject({ kind: "liveness", monitor: "the flush happened", atEnd: false });
    expect(v.message).toMatchInlineSnapshot(`"liveness monitor 'the flush happened' did not become true within 100 steps of step 0; it persisted for another 101 steps under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 101 when it was first suspected"`);
  });

  it("a monitor that stays hot under the fair suffix is reported, saying so", () => {
    const r = explore(neverConsumed, { runs: 50, strategy: "pct", seed: 1, shrink: false });
    expect(r.failure!.violation).toMatchObject({ kind: "liveness", monitor: "queue not drained" });
    expect(r.failure!.violation.message).toMatchInlineSnapshot(`"liveness monitor 'queue not drained' stayed hot for 301 steps (bound 300); it persisted for another 301 steps under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 339 when it was first suspected"`);
  });

  for (const strategy of ["pct", "random", "exhaustive", "swarm", "portfolio"] as const) {
    it(`a never-drained queue is found under ${strategy}`, () => {
      const r = explore(neverConsumed, { runs: 200, strategy, seed: 2 });
      expect(r.failure?.violation).toMatchObject({ kind: "liveness", monitor: "queue not drained" });
    });
  }
});

describe("the step limit", () => {
  it("is still reported for a producer that never stops; after an unfair half it says the fair half did not finish either", () => {
    const fair = runScenario(endlessProducer, { chooser: new ReplayChooser([], "fast-check") });
    expect(fair.violations[0]!.message).toMatchInlineSnapshot(`"the run did not finish within maxSteps=2000 (tasks still pending: producer). Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps."`);
    const starved = runScenario(endlessProducer, { chooser: workerFirst, trace: true });
    expect(starved.violations[0]).toMatchObject({ kind: "step-limit", maxSteps: 2000 });
    expect(traceText(starved)).toContain("fair suffix, to confirm that the run would not finish");
    expect(starved.violations[0]!.message).toMatchInlineSnapshot(`"the run did not finish within maxSteps=2000 (tasks still pending: producer); it persisted for another 1000 steps under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 1000 when it was first suspected. Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps."`);
  });

  for (const strategy of ["pct", "random", "exhaustive", "portfolio"] as const) {
    it(`is found for the endless producer under ${strategy}, and replays`, () => {
      const r = explore(endlessProducer, { runs: 20, strategy, seed: 3 });
      expect(r.failure?.violation).toMatchObject({ kind: "step-limit" });
      expect(replay(endlessProducer, r.failure!.token).violations[0]!.message).toBe(r.failure!.violation.message);
    });
  }
});

describe("the fair suffix is part of the run", () => {
  it("is deterministic: a correct run that needed it gives the same trace twice, and its token replays it", () => {
    const run = (seed: string) => runScenario(producerConsumer, { chooser: new PctChooser(seed, { depth: 3, expectedSteps: 50 }), trace: true });
    // A PCT seed whose run needed the suffix (the consumer starved).
    let seed = "";
    for (let i = 0; i < 200 && seed === ""; i++) if (traceText(run(`s${i}`)).includes("fair suffix, to confirm")) seed = `s${i}`;
    expect(seed).not.toBe("");
    const a = run(seed);
    expect(a.ok).toBe(true);
    expect(traceText(run(seed))).toBe(traceText(a));
    expect(traceText(replay(producerConsumer, a.token))).toBe(traceText(a));
  });
});
