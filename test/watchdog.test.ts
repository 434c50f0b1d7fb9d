/**
 * The in-process watchdog (src/explore/watchdog.ts, watched.ts), here inside vitest's worker
 * pool: a poll that never returns is stopped, named and given a token; what the terminated code
 * left installed (the escape traps) is restored; an exploration under the watchdog makes the same
 * runs as without it. The limits below only bound how long a hang is waited for; nothing here
 * asserts a duration.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, explore, ready, replay, type Context, type Poll } from "wakesim";
import example from "../fixtures/example.js";
import mpsc from "../fixtures/mpsc.js";
import { semaphoreSilentDrop } from "../fixtures/semaphore.js";
import { describeSite, guard } from "../src/explore/watchdog.js";
import hangThenBug from "./cli-fixtures/hang-then-bug.js";

const real = { setTimeout, Date, random: Math.random, now: Date.now, perfNow: performance.now };
function expectRealGlobals(): void {
  expect(globalThis.setTimeout).toBe(real.setTimeout);
  expect(globalThis.Date).toBe(real.Date);
  expect(Math.random).toBe(real.random);
  expect(Date.now).toBe(real.now);
  expect(performance.now).toBe(real.perfNow);
}

/** A scenario that reads the real clock in a poll: the escapes oracle must still see it. */
const escapes = defineScenario({
  name: "reads-the-clock",
  setup(sim) {
    sim.spawn({ poll: (_cx: Context): Poll<number> => ready(Date.now()) }, { name: "clock-reader" });
  },
});

describe("explore({ watchdogMs })", () => {
  it("stops the run whose poll never returns and names its task, future, step and token", () => {
    const r = explore(hangThenBug, { runs: 1000, seed: 0, watchdogMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.failure).toBeNull();
    expect(r.runs).toBe(3); // explore() stops at the first hang, as at the first failure
    expect(r.hang).toMatchInlineSnapshot(`
      {
        "run": 2,
        "site": {
          "awaiting": "loader-step",
          "inRun": true,
          "poll": 1,
          "step": 3,
          "task": "loader",
          "time": 0,
        },
        "token": "ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ",
      }
    `);
    // The token replays the run into the same poll, where the watchdog stops it again.
    const again = guard(() => replay(hangThenBug, r.hang!.token!), { timeoutMs: 300 });
    expect(again.kind).toBe("timeout");
    expect(again.kind === "timeout" && again.site).toEqual(r.hang!.site);
  });

  it("restores the globals the terminated run had trapped, and the escape oracle still works after", () => {
    explore(hangThenBug, { runs: 1000, seed: 0, watchdogMs: 300 });
    expectRealGlobals();
    const after = explore(escapes, { runs: 5 });
    expect(after.ok).toBe(false);
    expect(after.failure!.violation.kind).toBe("nondeterminism");
    expectRealGlobals();
  });

  it("makes the same runs as without the watchdog: a clean scenario's counts, a buggy one's failure and token", () => {
    for (const [scenario, runs, seed] of [
      [mpsc, 3000, 7],
      [example, 1000, 7],
      [semaphoreSilentDrop, 1000, 0], // found on run 176: in a later guarded slice than the first
    ] as const) {
      const plain = explore(scenario, { runs, seed });
      const watched = explore(scenario, { runs, seed, watchdogMs: 10_000 });
      expect([watched.ok, watched.runs, watched.steps, watched.distinctSchedules, watched.stats]).toEqual([plain.ok, plain.runs, plain.steps, plain.distinctSchedules, plain.stats]);
      expect(watched.failure?.token).toBe(plain.failure?.token);
      expect(watched.failure?.run).toBe(plain.failure?.run);
      expect(watched.failure?.report).toBe(plain.failure?.report);
      expect(watched.hang).toBeNull();
    }
  });

  it("shrinks a failure whose shrink candidates hang: each such rerun is stopped and rejected, the failure kept", () => {
    let spun = 0;
    // x panics when it runs last after y, z; on the schedule y, x, z its poll spins for ever.
    const shrinkIntoHang = defineScenario({
      name: "shrink-into-hang",
      setup(sim) {
        const log: string[] = [];
        const task = (name: string, before?: () => void) =>
          sim.spawn({ poll: (_cx: Context): Poll<void> => (before?.(), log.push(name), ready()) }, { name });
        task("x", () => {
          if (log.join(",") === "y") {
            spun++;
            for (;;) {
              /* never returns */
            }
          }
          if (log.join(",") === "y,z") throw new Error("x ran last");
        });
        task("y");
        task("z");
      },
    });
    const r = explore(shrinkIntoHang, { runs: 200, seed: 0, strategy: "random", watchdogMs: 200 });
    expect(r.hang).toBeNull();
    expect(spun).toBeGreaterThan(0); // shrinking tried the hanging schedule
    expect([r.failure?.violation.kind, r.failure?.choices, r.failure?.shrinkRuns]).toEqual(["panic", [1, 1], 4]);
    expect(r.failure!.report).toContain("task 'x' panicked");
    expectRealGlobals();
  });

  it("stops a scenario whose setup never returns, and says the hang was outside any run (no token)", () => {
    const stuckSetup = defineScenario({
      name: "stuck-setup",
      setup() {
        for (;;) {
          /* never returns */
        }
      },
    });
    const r = explore(stuckSetup, { runs: 10, watchdogMs: 300 });
    expect([r.ok, r.runs, r.hang?.token, r.hang?.site.inRun, r.hang?.site.task]).toEqual([false, 1, null, false, null]);
    expect(describeSite(r.hang!.site)).toMatchInlineSnapshot(`"code outside any simulation run (the scenario's setup? — or any code, when the escapes oracle is off)"`);
    expectRealGlobals();
  });

  it("rejects a bad watchdogMs by name", () => {
    expect(() => explore(example, { watchdogMs: 0 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'watchdogMs': must be ≥ 1, got 0]`);
  });
});
