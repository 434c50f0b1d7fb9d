import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asyncBlock, defineScenario, explore, PENDING, ready, replay, runScenario, WakerSlot, yieldNow, wait, type Context, type Poll } from "wakesim";
import { formatToken, formatTrace, parseToken } from "wakesim/trace";
import { FAULT_KINDS } from "wakesim/explore";
import example from "../fixtures/example.js";
import { spin } from "./helpers.js";

/**
 * A depth-1 ordering bug among noise: 'checker' panics if it runs before 'init' has run once.
 * The default schedule (FIFO: init first) passes; the minimal failing schedule is [1]: at the
 * first decision, pick the second candidate (checker) instead of the first (init).
 */
const ordering = defineScenario({
  name: "ordering-depth-1",
  setup(sim) {
    let initRan = false;
    sim.spawn(asyncBlock(function* () {
      initRan = true;
      yield* yieldNow();
    }), { name: "init" });
    sim.spawn({
      poll(): Poll<void> {
        if (!initRan) throw new Error("checker ran before init");
        return ready();
      },
    }, { name: "checker" });
    for (const n of ["noise1", "noise2", "noise3"]) sim.spawn(spin(4, 0), { name: n });
  },
});

describe("explore", () => {
  it("finds the example's lost wakeup, shrinks it, and its token replays byte for byte", () => {
    const r = explore(example, { runs: 200, seed: 1 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    expect(f.violation.kind).toBe("lost-wakeup");
    expect(r.runs).toBeGreaterThanOrEqual(1);
    const again = replay(example, f.token);
    expect(formatTrace(again.trace!)).toBe(formatTrace(f.outcome.trace!));
    expect(again.violations[0]!.message).toBe(f.violation.message);
    expect(f.report).toContain(f.token);
  });

  it("shrinks a planted ordering bug to its known minimal schedule [1]", () => {
    const r = explore(ordering, { runs: 500, seed: 3, strategy: "random" });
    const f = r.failure!;
    expect(f.violation.kind).toBe("panic");
    expect(f.originalChoices.length).toBeGreaterThan(1);
    expect(f.choices).toEqual([1]);
    expect(f.shrinkSteps).toBeGreaterThan(0);
    expect(f.shrinkRuns).toBeGreaterThanOrEqual(f.shrinkSteps);
    // the minimal schedule is a real run: replaying [1] fails the same way
    expect(replay(ordering, f.token).violations[0]!.kind).toBe("panic");
  });

  it("reports runs, steps and distinct schedules for a clean exploration", () => {
    const clean = defineScenario({ name: "clean", setup(sim) {
      sim.spawn(spin(2, 0), { name: "a" });
      sim.spawn(spin(2, 0), { name: "b" });
    } });
    const r = explore(clean, { runs: 300, seed: 5, strategy: "random" });
    expect(r).toMatchObject({ ok: true, runs: 300, failure: null, strategy: "random" });
    expect(r.steps).toBe(300 * 6);
    expect(r.distinctSchedules).toBeGreaterThan(1);
    expect(r.distinctSchedules).toBeLessThanOrEqual(20); // C(6,3): interleavings of two tasks of 3 polls each
  });

  it("is deterministic for a seed, for every strategy", () => {
    for (const strategy of ["random", "swarm", "portfolio", "pct", "exhaustive"] as const) {
      const a = explore(ordering, { runs: 300, seed: 11, strategy });
      const b = explore(ordering, { runs: 300, seed: 11, strategy });
      expect(b.runs, strategy).toBe(a.runs);
      expect(b.failure?.token, strategy).toBe(a.failure?.token);
    }
  });

  it("reports the residual-miss bound after clean PCT runs, from the observed n and k", () => {
    const clean = defineScenario({ name: "clean-3", setup(sim) {
      for (const n of ["a", "b", "c"]) sim.spawn(spin(3, 0), { name: n });
    } });
    const r = explore(clean, { runs: 200, seed: 2, strategy: "pct", pctDepth: 2 });
    const b = r.residualMissBound!;
    expect(b).toMatchObject({ runs: 200, n: 3, d: 2 });
    expect(b.k).toBeGreaterThan(3);
    expect(b.bound).toBeCloseTo((1 - 1 / (b.n * b.k ** (b.d - 1))) ** 200, 12);
    const viaPortfolio = explore(clean, { runs: 300, seed: 2 }).residualMissBound!;
    expect(viaPortfolio.runs).toBe(75); // one run in four is PCT's (weights 2 : 1 : 1)
  });

  it("stops at the time limit", () => {
    const busy = defineScenario({ name: "busy", setup(sim) {
      sim.spawn(spin(50, 0), { name: "a" });
    } });
    const r = explore(busy, { runs: 1_000_000_000, timeLimitMs: 50, seed: 0 });
    expect(r.ok).toBe(true);
    expect(r.runs).toBeLessThan(1_000_000_000);
  });

  it("rejects bad options, naming them", () => {
    expect(() => explore(ordering, { runs: 0 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'runs': must be ≥ 1, got 0]`);
    expect(() => explore(ordering, { strategy: "pcct" as "pct" })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'strategy': unknown strategy 'pcct'. Use one of portfolio, random, pct, swarm, exhaustive, dpor, or a Strategy object]`);
  });
});

describe("swarm", () => {
  it("switches a different subset of fault kinds on from run to run", () => {
    const seen = new Set<string>();
    const s = defineScenario({ name: "faults-seen", setup(sim) {
      seen.add([...sim.options.faults].sort().join(","));
      sim.spawn(spin(1, 0));
    } });
    explore(s, { runs: 40, seed: 2, strategy: "swarm" });
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe("swarm honours the faults option", () => {
  it("switches on only the kinds the options allow", () => {
    const seen = new Set<string>();
    const s = defineScenario({ name: "allowed", setup(sim) {
      for (const f of sim.options.faults) seen.add(f);
      sim.spawn(spin(1, 0));
    } });
    explore(s, { runs: 60, seed: 2, strategy: "swarm", faults: ["latency", "tie"] });
    expect([...seen].sort()).toEqual(["latency", "tie"]);
    seen.clear();
    explore(s, { runs: 60, seed: 2, strategy: "swarm", faults: "none" });
    expect(seen.size).toBe(0);
  });
});

describe("cancellation exploration", () => {
  it("completes when the cancel fault drops the last unfinished task", () => {
    const s = defineScenario({ name: "last-one", setup(sim) {
      sim.spawn(asyncBlock(function* () {
        yield* yieldNow();
        yield* yieldNow();
      }), { name: "only", cancellable: true });
    } });
    const r = explore(s, { runs: 500, seed: 1, faults: ["cancel"], strategy: "random" });
    expect(r.failure?.report ?? "").toBe("");
  });

  /** A notify-one whose waiter, cancelled after being notified, swallows the notification. */
  const make = (passesOn: boolean) =>
    defineScenario({
      name: `notify-one-cancel-${passesOn ? "ok" : "bug"}`,
      setup(sim) {
        const waiters: { slot: WakerSlot; notified: boolean }[] = [];
        let permits = 0;
        const notifyOne = () => {
          const w = waiters.shift();
          if (w === undefined) permits++;
          else {
            w.notified = true;
            w.slot.wake();
          }
        };
        const notified = () => {
          const me = { slot: new WakerSlot(), notified: false };
          let queued = false;
          return {
            label: "notified",
            poll(cx: Context): Poll<void> {
              if (me.notified) return ready();
              if (!queued && permits > 0) {
                permits--;
                return ready();
              }
              if (!queued) waiters.push(me), (queued = true);
              me.slot.register(cx);
              return PENDING;
            },
            drop() {
              me.slot.clear();
              const i = waiters.indexOf(me);
              if (i >= 0) waiters.splice(i, 1);
              else if (me.notified && passesOn) notifyOne(); // hand the notification on
            },
          };
        };
        // w1 may be dropped at any await point; w2 must get a notification in every case.
        const w1 = sim.spawn(asyncBlock(function* () {
          yield* wait(notified());
        }), { name: "w1", cancellable: true });
        sim.spawn(asyncBlock(function* () {
          yield* wait(notified());
        }), { name: "w2" });
        sim.spawn(asyncBlock(function* () {
          yield* yieldNow();
          notifyOne();
          // A second notification only if w1 used the first; a cancelled w1 must pass it on.
          const o = yield* w1;
          if (o.kind === "completed") notifyOne();
        }), { name: "notifier" });
      },
    });

  it("finds a notification consumed by a waiter that was then cancelled", () => {
    // FIFO: w1 waits first and gets the first notification; the only choices are the drops.
    const r = explore(make(false), { runs: 2000, seed: 1, faults: ["cancel"], executor: "fifo", strategy: "random" });
    expect(r.ok).toBe(false);
    expect(r.failure!.violation.kind).toBe("lost-wakeup");
    expect(r.failure!.faults).toEqual(["cancel"]);
  });

  it("passes when a cancelled, notified waiter hands the notification on", () => {
    expect(explore(make(true), { runs: 2000, seed: 1, faults: ["cancel"], executor: "fifo", strategy: "random" }).ok).toBe(true);
  });
});

describe("replay tokens", () => {
  it("parse ∘ format is the identity", () => {
    fc.assert(
      fc.property(
        fc.record({
          fingerprint: fc.nat({ max: 0xffffffff }),
          faults: fc.subarray([...FAULT_KINDS]),
          generator: fc.string(),
          scenario: fc.string(),
          choices: fc.array(fc.nat(), { maxLength: 200 }),
        }),
        (t) => {
          expect(parseToken(formatToken(t))).toEqual(t);
        },
      ),
    );
  });

  it("is URL-safe and versioned", () => {
    const t = runScenario(ordering, { seed: 4 }).token;
    expect(t).toMatch(/^ws1\.[A-Za-z0-9_-]+$/);
  });

  it("refuses a token from another scenario, saying which", () => {
    const t = runScenario(ordering, { seed: 4 }).token;
    expect(() => replay(example, t)).toThrowErrorMatchingInlineSnapshot(`[TokenError: this replay token was recorded for scenario 'ordering-depth-1', not 'example-buggy-notify': replay it against the scenario that printed it]`);
  });

  it("refuses another version, a damaged token, and other options", () => {
    const t = runScenario(ordering, { seed: 4 }).token;
    expect(() => replay(ordering, t.replace(/^ws1/, "ws9"))).toThrowErrorMatchingInlineSnapshot(`[TokenError: replay token version 'ws9' is not supported by this wakesim (it reads 'ws1'); replay it with the wakesim version that printed it]`);
    expect(() => replay(ordering, t.slice(0, 8))).toThrowErrorMatchingInlineSnapshot(`[TokenError: replay token is truncated (was it cut when copied?)]`);
    expect(() => replay(ordering, "hello")).toThrowErrorMatchingInlineSnapshot(`[TokenError: 'hello' is not a wakesim replay token (tokens start with 'ws1.')]`);
    expect(() => replay(ordering, t, { executor: "fifo" })).toThrowErrorMatchingInlineSnapshot(`[TokenError: this replay token for scenario 'ordering-depth-1' was recorded under other simulation options (fingerprint 732229be, these give 675aaced): pass the executor, maxLatencyTicks, pollCostTicks and maxSteps of the original run]`);
  });
});
