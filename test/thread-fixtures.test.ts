/**
 * The thread fixtures (fixtures/threads/): three real lost-wakeup bugs, each as a buggy twin that
 * the explorers must find — for the reason its header gives, checked on the failing run's trace —
 * and a correct twin that must stay clean (2000 runs of random, pct and portfolio each, and the
 * whole space under dpor).
 *
 * Measured by `npm run bench:find` (median runs to the first failure of the buggy twins over 30
 * seeds, budget 2000; dpor is deterministic: its runs):
 *                         random   pct   portfolio  dpor
 *   atomic-waker          31.5     9.5   19.5       4
 *   shared-2706           22       8     15         4
 *   readiness-tick-6133   14       16    10         8
 *   timer-next-wake-6682  5        4.5   5.5        5
 * The correct twins (`npm run bench:thread-soak`): clean for 20 000 runs each of random, pct,
 * swarm and portfolio, under exhaustive search (delay bound 2, space exhausted) and under dpor
 * (no bound, space exhausted: 158 schedules for atomic-waker, 98 shared, 77 readiness-tick, 6
 * timer-next-wake). Here only the budgets are asserted (≤ 2000 runs).
 */
import { describe, expect, it } from "vitest";
import { explore, replay, traceText, type ExploreResult, type Scenario, type StrategyName } from "wakesim";
import { readinessTickCorrect, readinessTickPerTurn, readinessTickScenario } from "../fixtures/threads/readiness-tick.js";
import { sharedCorrect, sharedCorrectThreadPoller, sharedNoAwakenState, sharedNoAwakenStateThreadPoller } from "../fixtures/threads/shared.js";
import { timerNextWakeCorrect, timerNextWakePublishAfterUnlock, timerNextWakeScenario } from "../fixtures/threads/timer-next-wake.js";

const BUDGET = 2000;

/** The stuck tasks of a lost-wakeup violation. */
function stuckTasks(r: ExploreResult): string[] {
  const v = r.failure!.violation;
  return v.kind === "lost-wakeup" ? v.stuck.map((s) => s.task) : [];
}

/** Explores `sc` under `strategy` and expects a lost-wakeup of `task` within the budget. */
function expectLostWakeup(sc: Scenario, strategy: StrategyName, task: string): ExploreResult {
  const r = explore(sc, { strategy, runs: strategy === "dpor" ? 100_000 : BUDGET });
  expect(r.ok, `${sc.name} under ${strategy}: no failure in ${r.runs} runs`).toBe(false);
  expect(r.failure!.violation.kind).toBe("lost-wakeup");
  expect(stuckTasks(r)).toEqual([task]);
  return r;
}

/** The failure's token replays to the same violation. */
function expectReplays(sc: Scenario, r: ExploreResult): void {
  const o = replay(sc, r.failure!.token);
  expect(o.ok).toBe(false);
  expect(o.violations[0]!.kind).toBe(r.failure!.violation.kind);
  expect(o.violations[0]!.tasks).toEqual(r.failure!.violation.tasks);
  // Byte for byte: the replay's trace is the failure's (a run is a function of its choices).
  expect(traceText(o)).toBe(traceText(r.failure!.outcome));
}

/**
 * The trace lines of the failing run match `patterns` in this order (each after the previous
 * match; a pattern may be marked `last` to take its last occurrence after the previous match).
 */
function expectInOrder(r: ExploreResult, patterns: (RegExp | { last: RegExp })[]): void {
  const lines = traceText(r.failure!.outcome).split("\n");
  let at = -1;
  for (const p of patterns) {
    const re = p instanceof RegExp ? p : p.last;
    let found = -1;
    for (let i = at + 1; i < lines.length; i++) {
      if (re.test(lines[i]!)) {
        found = i;
        if (p instanceof RegExp) break;
      }
    }
    expect(found, `${String(re)} after line ${at} of\n${lines.join("\n")}`).toBeGreaterThan(at);
    at = found;
  }
}

function expectClean(sc: Scenario): void {
  for (const strategy of ["random", "pct", "portfolio"] as const) {
    const r = explore(sc, { strategy, runs: BUDGET });
    expect(r.failure?.report ?? null, `${sc.name} under ${strategy}`).toBeNull();
    expect(r.runs).toBe(BUDGET);
  }
}

function expectExhaustedClean(sc: Scenario): ExploreResult {
  const r = explore(sc, { strategy: "dpor", runs: 100_000 });
  expect(r.failure?.report ?? null).toBeNull();
  expect(r.exhausted).toBe(true);
  return r;
}

describe("shared.ts: futures-rs Shared, a waker registered after the inner wake (#2706)", { timeout: 60_000 }, () => {
  // The window: the awaiter records its waker after the inner future's wake drained the slab,
  // and sees POLLING before the now_or_never poller's POLLING → IDLE.
  const window = [
    /now-or-never: compareExchange shared\.state#\d+ 0 → 1/, // A becomes the poller
    /now-or-never: lock shared\.wakers/, // the inner future's wake (drains the slab)
    /now-or-never: unlock shared\.wakers/,
    { last: /awaiter: lock shared\.wakers/ }, // B's record, after the wake
    { last: /awaiter: compareExchange shared\.state#\d+ 0 → 1/ }, // fails: POLLING
    /awaiter -> pending/,
    /now-or-never: compareExchange shared\.state#\d+ 1 → 0/, // POLLING → IDLE: nobody wakes B
  ];

  it("the buggy twin is found by the default exploration, for the reason in its header, and replays", () => {
    const r = expectLostWakeup(sharedNoAwakenState, "portfolio", "awaiter");
    expectInOrder(r, window);
    expect(r.failure!.report).toContain("waker held, never woken");
    expectReplays(sharedNoAwakenState, r);
  });

  it("the buggy twin is found by random and by pct", () => {
    for (const s of ["random", "pct"] as const) expectInOrder(expectLostWakeup(sharedNoAwakenState, s, "awaiter"), window);
  });

  it("dpor finds the buggy twin, with now_or_never on a task (two preemptible tasks racing) and on a thread", () => {
    expectInOrder(expectLostWakeup(sharedNoAwakenState, "dpor", "awaiter"), window);
    const r = expectLostWakeup(sharedNoAwakenStateThreadPoller, "dpor", "awaiter");
    expectInOrder(r, [
      /now-or-never: compareExchange shared\.state#\d+ 0 → 1/,
      /now-or-never: unlock shared\.wakers/,
      { last: /awaiter: lock shared\.wakers/ },
      { last: /awaiter: compareExchange shared\.state#\d+ 0 → 1/ },
      /now-or-never: compareExchange shared\.state#\d+ 1 → 0/,
    ]);
    expectReplays(sharedNoAwakenStateThreadPoller, r);
  });

  it("the correct twin is clean: 2000 runs of random, pct, portfolio; dpor exhausts its space", () => {
    expectClean(sharedCorrect);
    expectClean(sharedCorrectThreadPoller);
    const r = expectExhaustedClean(sharedCorrectThreadPoller);
    expect(r.stats["schedules"]).toBeGreaterThan(1);
  });
});

describe("readiness-tick.ts: tokio readiness tick ABA (#6133)", { timeout: 60_000 }, () => {
  // The window: the read that says WouldBlock, then message 2 and its event with the same tick
  // (turn 3, tick 1 with 1 bit), then the stale clear.
  const window = [
    { last: /reader: .*swap socket\.data/ },
    /io-driver: fetchAdd\(1\) socket\.data/,
    /io-driver: driver turn 3: set READABLE, tick=1/,
    /reader: .*clear READABLE if tick=1/,
    /reader -> pending/,
  ];

  it("the buggy twin is found by the default exploration, for the reason in its header, and replays", () => {
    const r = expectLostWakeup(readinessTickPerTurn, "portfolio", "reader");
    expectInOrder(r, window);
    expectReplays(readinessTickPerTurn, r);
  });

  it("the buggy twin is found by random, pct and dpor", () => {
    for (const s of ["random", "pct", "dpor"] as const) expectInOrder(expectLostWakeup(readinessTickPerTurn, s, "reader"), window);
  });

  it("the correct twin is clean: 2000 runs of random, pct, portfolio; dpor exhausts its space", () => {
    expectClean(readinessTickCorrect);
    expectExhaustedClean(readinessTickCorrect);
  });

  it("the fix narrows the window, it does not close it: two events for the resource inside it wrap the 1-bit tick", () => {
    const sc = readinessTickScenario("none", { messages: 3 });
    const r = expectLostWakeup(sc, "portfolio", "reader");
    expectInOrder(r, [
      { last: /reader: .*swap socket\.data/ },
      /io-driver: driver turn \d+: set READABLE, tick\+1/,
      /io-driver: driver turn \d+: set READABLE, tick\+1/,
      /reader: .*clear READABLE/,
      /reader -> pending/,
    ]);
  });
});

describe("timer-next-wake.ts: tokio stale next_wake published after the scan (#6682)", { timeout: 60_000 }, () => {
  // The window: the driver's scan (empty wheel) ends, the sleeper inserts and reads the stale
  // next_wake (no unpark), the driver publishes null and parks with no deadline.
  const window = [
    /time-driver: unlock wheel\[0\]/,
    /sleeper: lock wheel\[0\]/,
    /sleeper: load next_wake/,
    /time-driver: store next_wake#\d+ ← null/,
    /time-driver: park time-driver/,
  ];
  const noUnpark = (r: ExploreResult) => expect(traceText(r.failure!.outcome)).not.toMatch(/unpark time-driver/);

  it("the buggy twin is found by the default exploration, for the reason in its header, and replays", () => {
    const r = expectLostWakeup(timerNextWakePublishAfterUnlock, "portfolio", "sleeper");
    expectInOrder(r, window);
    noUnpark(r);
    expectReplays(timerNextWakePublishAfterUnlock, r);
  });

  it("the buggy twin is found by random, pct and dpor", () => {
    for (const s of ["random", "pct", "dpor"] as const) {
      const r = expectLostWakeup(timerNextWakePublishAfterUnlock, s, "sleeper");
      expectInOrder(r, window);
      noUnpark(r);
    }
  });

  it("the correct twin is clean: 2000 runs of random, pct, portfolio; dpor exhausts its space", () => {
    expectClean(timerNextWakeCorrect);
    expectExhaustedClean(timerNextWakeCorrect);
  });

  it("with a later timer in the wheel the buggy driver fires the sleeper late (the fixed one on time)", () => {
    const bad = explore(timerNextWakeScenario("publish-after-unlock", { laterTimer: 30 }), { runs: BUDGET });
    expect(bad.failure?.violation.kind).toBe("panic");
    expect(bad.failure!.report).toContain("fired late, at t=30");
    expectExhaustedClean(timerNextWakeScenario("none", { laterTimer: 30 }));
  });

  it("with the cancel racing in the sleeper's poll (sleeper → driver → sleeper): found by random, pct and dpor; the fix exhausts clean", () => {
    const sc = timerNextWakeScenario("publish-after-unlock", { cancel: "in-poll" });
    for (const s of ["random", "pct", "dpor"] as const) expectInOrder(expectLostWakeup(sc, s, "sleeper"), window);
    expectExhaustedClean(timerNextWakeScenario("none", { cancel: "in-poll" }));
  });
});
