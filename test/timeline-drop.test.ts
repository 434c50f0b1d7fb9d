/**
 * A dropped future (a cancelled task) is shown in the timeline and the HTML report — and kept
 * when a long run's middle is trimmed. So is a select/race/timeout loser dropped in a poll.
 */
import { describe, expect, it } from "vitest";
import { asyncBlock, PENDING, race, ready, select, Sim, sleep, timeout, wait, type Context, type Future, type JoinHandle, type Poll, type Waker } from "wakesim";
import { formatTrace } from "wakesim/trace";
import { toChromeTrace, toHtmlReport } from "wakesim/report";
import { formatTimeline } from "../src/report/timeline.js";
import { Flag } from "./helpers.js";

/** 'killer' yields `spins` times, then aborts 'victim' (which waits, holding its waker, and releases it when dropped). */
function cancelled(spins: number) {
  const sim = new Sim({ seed: 0, trace: true });
  let kept: Waker | null = null;
  const victim: Future<void> = {
    poll: (cx: Context): Poll<void> => {
      kept ??= cx.waker.clone();
      return PENDING;
    },
    drop: () => kept?.drop(),
  };
  let handle: JoinHandle<void> | null = null;
  let n = 0;
  const killer: Future<void> = {
    poll: (cx: Context): Poll<void> => {
      if (n++ < spins) {
        cx.waker.wakeByRef();
        return PENDING;
      }
      handle!.abort();
      return ready(undefined);
    },
  };
  handle = sim.spawn(victim, { name: "victim" });
  sim.spawn(killer, { name: "killer" });
  return sim.run();
}

describe("a dropped future", () => {
  it("shows in its task's lane as '✂ dropped (cancelled)'", () => {
    const out = cancelled(1);
    expect(formatTimeline(out.trace!)).toMatchInlineSnapshot(`
      "step  t │ victim                │ killer
      ────────┼───────────────────────┼────────────────────
         0  0 │ spawned               │
         0  0 │                       │ spawned
         0  0 │                       │ poll g1
         0  0 │                       │ woken by itself
         0  0 │                       │ → pending
         1  0 │                       │ poll g2
         1  0 │ ✂ dropped (cancelled) │
         1  0 │ finished: cancelled   │
         1  0 │                       │ → ready
         1  0 │                       │ finished: completed"
    `);
  });

  it("is kept when the middle of a long run is trimmed, and counted as a drop, not a note", () => {
    const out = cancelled(200);
    const text = formatTimeline(out.trace!, { maxRows: 4, headRows: 2, focus: [] });
    expect(text).toContain("✂ dropped (cancelled)");
    // A drop inside an omitted stretch would be named as such.
    expect(formatTimeline(out.trace!, { maxRows: 2, headRows: 1 })).not.toMatch(/\d+ notes?\b/);
  });

  it("ends its lane in the HTML report with a 'dropped' marker", () => {
    const out = cancelled(1);
    const doc = toHtmlReport(out, { scenario: "cancel", report: "", version: "0" });
    expect(doc).toMatch(/<g class="dropped" data-task="victim"><text class="instant dropped"[^>]*>✂<title>cancelled: future dropped \(step 1, t=0\)<\/title><\/text><text class="dropped-label"[^>]*>dropped<\/text><\/g>/);
  });
});

/** 'rx' runs `body` (a select, race or timeout whose loser is flag.wait, never set); 'other' sets nothing. */
function loser(body: (flag: Flag) => Future<unknown>, trace = true) {
  const sim = new Sim({ seed: 0, executor: "fifo", trace });
  const flag = new Flag();
  sim.spawn(asyncBlock(function* () {
    yield* wait(body(flag));
  }), { name: "rx" });
  return sim.run();
}

describe("a dropped select, race or timeout loser", () => {
  it("is recorded in the trace and shown in its task's lane with why it was dropped", () => {
    const out = loser((flag) => select(flag.wait(), sleep(5)));
    expect(formatTrace(out.trace!).split("\n").filter((l) => l.includes("dropped"))).toMatchInlineSnapshot(`
      [
        "2 t=5 rx dropped flag.wait: select: branch 1 won",
      ]
    `);
    expect(formatTimeline(out.trace!, { maxLaneWidth: 60 })).toMatchInlineSnapshot(`
      "step  t │ world           │ rx
      ────────┼─────────────────┼───────────────────────────────────────────
         0  0 │                 │ spawned
         0  0 │                 │ poll g1
         0  0 │                 │ → pending
         1  5 │ clock 0 → 5     │
         1  5 │ deliver timer#1 │
         1  5 │                 │ woken by reactor
         2  5 │                 │ poll g2
         2  5 │                 │ ✂ dropped flag.wait (select: branch 1 won)
         2  5 │                 │ → ready
         2  5 │                 │ finished: completed"
    `);
  });

  it("names the combinator: race, and a timeout whose deadline passed", () => {
    const line = (f: (flag: Flag) => Future<unknown>) => formatTrace(loser(f).trace!).split("\n").filter((l) => l.includes("dropped"));
    expect(line((flag) => race(sleep(5), flag.wait()))).toMatchInlineSnapshot(`
      [
        "2 t=5 rx dropped flag.wait: race: branch 0 won",
      ]
    `);
    expect(line((flag) => timeout(flag.wait(), 3))).toMatchInlineSnapshot(`
      [
        "2 t=3 rx dropped flag.wait: timeout(3): deadline passed",
      ]
    `);
    // A timeout whose future won drops its timer: routine, not recorded.
    expect(line(() => timeout(sleep(1), 3))).toEqual([]);
  });

  it("is an instant in the Chrome trace and a ✂ in the HTML report's lane", () => {
    const out = loser((flag) => select(flag.wait(), sleep(5)));
    const chrome = toChromeTrace(out, { scenario: "loser", version: "0" });
    expect(chrome.traceEvents.filter((e) => e.cat === "dropped").map((e) => [e.name, e.args])).toMatchInlineSnapshot(`
      [
        [
          "✂ dropped flag.wait (select: branch 1 won)",
          {
            "future": "flag.wait",
            "reason": "select: branch 1 won",
            "step": 2,
            "t": 5,
          },
        ],
      ]
    `);
    const doc = toHtmlReport(out, { scenario: "loser", report: "", version: "0" });
    expect(doc).toMatch(/<text class="instant loser-dropped" data-task="rx"[^>]*>✂<title>✂ dropped flag\.wait \(select: branch 1 won\) \(step \d+, t=5\)<\/title><\/text>/);
  });

  it("is not recorded when tracing is off, and does not change the schedule", () => {
    const traced = loser((flag) => select(flag.wait(), sleep(5)));
    const fast = loser((flag) => select(flag.wait(), sleep(5)), false);
    expect(fast.trace).toBeNull();
    expect(fast.token).toBe(traced.token);
    expect(fast.steps).toBe(traced.steps);
  });
});
