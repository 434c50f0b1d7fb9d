/**
 * simPropertyAsync: fast-check over the schedules of a scenario with async tasks. A bug that
 * needs one unusual interleaving is found, the workload and the schedule shrink together to it,
 * the failure is the report of the traced replay; its correct twin passes; simProperty handed an
 * async scenario says to use simPropertyAsync.
 */
import { EventEmitter, once } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsyncTasksError, defineScenario, readyFuture, replayAsync, simProperty, simPropertyAsync, SimPropertyError, type Scenario } from "wakesim";

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `subscribers` tasks wait for a "done" event that a publisher emits once, all at t = 1. The buggy
 * subscriber subscribes only when its timer fires (no flag to check first): if the publisher's
 * timer goes first — the publisher polled first, or the tie at t = 1 reordered — its emit reaches
 * nobody and the subscriber waits forever. One subscriber and one deviation from the default
 * schedule are enough. The correct twin checks a flag set with the emit before waiting.
 */
function doneEvent(buggy: boolean) {
  return (subscribers: number): Scenario =>
    defineScenario({
      name: `done-event-${buggy ? "no-flag" : "flag"}-${subscribers}`,
      setup(sim) {
        const bus = new EventEmitter();
        let done = false;
        for (let i = 0; i < subscribers; i++) {
          sim.spawn(
            async () => {
              await pause(1);
              if (!buggy && done) return;
              await once(bus, "done"); // subscribes only now
            },
            { name: `subscriber-${i}` },
          );
        }
        sim.spawn(
          async () => {
            await pause(1);
            done = true;
            bus.emit("done");
          },
          { name: "publisher" },
        );
      },
    });
}

describe("simPropertyAsync", () => {
  it("finds the lost event, shrinks the workload and the schedule together, and throws the report of the traced replay", async () => {
    const r = await fc.check(simPropertyAsync(doneEvent(true), { inputs: fc.integer({ min: 1, max: 4 }) }), { seed: 3, numRuns: 100 });
    expect(r.failed).toBe(true);
    const [subscribers, schedule, faults] = r.counterexample!;
    expect(subscribers).toBe(1);
    expect(schedule.filter((c) => c !== 0)).toHaveLength(1); // the publisher first: one choice off the default
    expect(faults).toEqual([]);
    const err = r.errorInstance as SimPropertyError;
    expect(err).toBeInstanceOf(SimPropertyError);
    expect(err.outcome.violations[0]!.kind).toBe("lost-wakeup");
    expect(err.message).toContain("done-event-no-flag-1: FAILED — lost wakeup: 'subscriber-0' is stuck pending");
    expect(err.message).toMatch(/parked at test\/sim-property-async\.test\.ts:\d+/); // the `await once(…)` line
    expect(err.message).toContain("strategy: fast-check");
    expect(err.message).toContain(`in code:  await replayAsync(scenario, "${err.outcome.token}")`);
    expect(err.message).toContain("Timeline");
    // The token in the report replays the same failure.
    const again = await replayAsync(doneEvent(true)(1), err.outcome.token);
    expect(again.violations.map((v) => v.kind)).toEqual(["lost-wakeup"]);
  });

  it("passes the correct twin for every generated workload, schedule and fault plan", async () => {
    const r = await fc.check(simPropertyAsync(doneEvent(false), { inputs: fc.integer({ min: 1, max: 4 }), faults: "generated" }), { seed: 3, numRuns: 150 });
    expect(r.failed, r.failed ? String(r.errorInstance) : "").toBe(false);
    expect(r.numRuns).toBe(150);
  });

  it("makes fc.assert reject, with the SimPropertyError (the report) as the cause", async () => {
    const failed = await fc.assert(simPropertyAsync(doneEvent(true), { inputs: fc.constant(2) }), { seed: 1, numRuns: 200 }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(failed?.message).toMatch(/^Property failed after \d+ tests/);
    expect(failed?.cause).toBeInstanceOf(SimPropertyError);
    expect((failed?.cause as Error).message).toContain("done-event-no-flag-2: FAILED — lost wakeup");
  });

  it("runs a scenario of futures too, as exploreAsync does", async () => {
    const futuresOnly = defineScenario({ name: "futures-only", setup(sim) { sim.spawn(readyFuture(1), { name: "t" }); } });
    const r = await fc.check(simPropertyAsync(futuresOnly), { seed: 1, numRuns: 20 });
    expect(r.failed, r.failed ? String(r.errorInstance) : "").toBe(false);
  });
});

describe("simProperty given a scenario with async tasks", () => {
  it("fails with an AsyncTasksError that names simPropertyAsync", () => {
    const r = fc.check(simProperty(doneEvent(false)(1)), { seed: 1, numRuns: 5 });
    expect(r.failed).toBe(true);
    expect(r.errorInstance).toBeInstanceOf(AsyncTasksError);
    expect((r.errorInstance as Error).message).toMatchInlineSnapshot(`"this run has async tasks (sim.spawn was given an async function): make the property with simPropertyAsync(…) instead of simProperty(…), and await it: \`await fc.assert(simPropertyAsync(scenario))\` — a synchronous run cannot let their promises settle. (A function that returns a Future, as one made by asyncFn, is not one: spawn what it returns, sim.spawn(f()).)"`);
  });

  it("a run of one elsewhere keeps the general hint", () => {
    expect(new AsyncTasksError().message).toMatchInlineSnapshot(`"this run has async tasks (sim.spawn was given an async function): run it with \`await sim.runAsync()\` (or runScenarioAsync / exploreAsync / replayAsync) — a synchronous run cannot let their promises settle. (A function that returns a Future, as one made by asyncFn, is not one: spawn what it returns, sim.spawn(f()).)"`);
  });
});
