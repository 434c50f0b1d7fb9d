/**
 * The in-process watchdog (src/explore/watchdog.ts, watched.ts), here inside vitest's worker
 * pool: a poll that never returns is stopped, named and given a token; what the terminated code
 * left installed (the escape traps) is restored; an exploration under the watchdog makes the same
 * runs as without it. The limits below only bound how long a hang is waited for; nothing here
 * asserts a duration.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, explore, ready, replay, type Context, type Poll } from "wakesim";
import { ExhaustiveStrategy, RandomStrategy } from "wakesim/explore";
import { exploreWatched } from "../src/explore/watched.js";
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

// ---- Never lose a run or a find (review of the watchdog, issue 11) ----------------------------

/** Busy work by iteration count (no clock read in a run). */
function burn(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  return x;
}

describe("exploreWatched: slow runs, hangs under exhaustive search, a find whose replay overruns", () => {
  it("a call that overran because of many slow runs makes the run it stopped again — every run gets its runDone, none is skipped", () => {
    // Each run burns a few ms to a few tens (two polls): 60 in one call overrun a 300 ms limit on
    // any machine we know, one alone never does.
    const slow = defineScenario({
      name: "slow-but-finite",
      setup(sim) {
        sim.spawn({ poll: (): Poll<number> => ready(burn(4e6)) }, { name: "a" });
        sim.spawn({ poll: (): Poll<number> => ready(burn(4e6)) }, { name: "b" });
      },
    });
    const inner = new RandomStrategy(3);
    const finished: number[] = [];
    let last = -1;
    const strategy = {
      name: "random",
      nextRun: (run: number) => ((last = run), inner.nextRun(run)),
      runDone: () => void finished.push(last),
    };
    const r = exploreWatched(slow, { runs: 60, strategy }, { timeoutMs: 300, firstSliceRuns: 60 });
    expect(r.hangs).toEqual([]);
    expect(r.runs).toBe(60);
    // Before: the stopped run was skipped (no runDone, never made), its index missing here.
    expect([...new Set(finished)].sort((x, y) => x - y)).toEqual([...Array(60).keys()]);
  }, 60_000);

  it("exhaustive search moves past a hung schedule instead of handing it out again", () => {
    let flag = false;
    const spinIfBFirst = defineScenario({
      name: "spin-if-b-first",
      setup(sim) {
        flag = false;
        sim.spawn({ poll: (): Poll<void> => { if (flag) for (;;) burn(1); return ready(); } }, { name: "a" });
        sim.spawn({ poll: (): Poll<void> => ((flag = true), ready()) }, { name: "b" });
      },
    });
    const strategy = new ExhaustiveStrategy({ maxBound: 2 });
    const r = exploreWatched(spinIfBFirst, { runs: 6, strategy }, { timeoutMs: 300, maxHangs: 5, firstSliceRuns: 16 });
    // Before: every run after the hang was the hung schedule again (4 hangs, one token).
    expect(r.hangs.length).toBe(1);
    expect(strategy.exhausted).toBe(true);
  });

  it("keeps a found failure when replaying it with its trace overruns the limit too (reported as found, untraced)", () => {
    let executions = 0;
    const slowWhenTraced = defineScenario({
      name: "slow-when-traced",
      setup(sim) {
        const n = ++executions;
        sim.spawn({ poll: (): Poll<void> => { if (n > 1) burn(5e9); throw new Error("boom"); } }, { name: "t" });
      },
    });
    const r = explore(slowWhenTraced, { runs: 10, watchdogMs: 300, strategy: "random", seed: 1 });
    // Before: ok, with no failure and no hang — the panic found on run 1 was dropped.
    expect(r.ok).toBe(false);
    expect(r.failure!.violation.kind).toBe("panic");
    expect(r.failure!.report).toContain("not shrunk, no timeline: replaying it with its trace did not finish within the watchdog's limit");
  });
});
