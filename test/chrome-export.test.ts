import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explore, exploreAsync, replay, replayAsync, runScenario, runScenarioAsync, type Outcome } from "wakesim";
import { toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from "wakesim/report";
import { type TraceEvent } from "wakesim/trace";
import example from "../fixtures/example.js";
import { mpscCorrect } from "../fixtures/mpsc.js";
import { heavyWaiter041 } from "../fixtures/promise/heavy-waiter.js";
import { asyncSemaMisuse } from "../fixtures/promise/packages.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** The example's failing run, found by exploring and replayed with a full trace (as the CLI does). */
function exampleFailure(): Outcome {
  const found = explore(example, { runs: 100 });
  expect(found.failure).not.toBeNull();
  return replay(example, found.failure!.token);
}

/** async-sema's missing release, found by exploreAsync and replayed with a full trace (as the CLI does). */
async function asyncFailure(): Promise<Outcome> {
  const found = await exploreAsync(asyncSemaMisuse, { runs: 100 });
  expect(found.failure).not.toBeNull();
  return replayAsync(asyncSemaMisuse, found.failure!.token);
}

const chrome = (o: Outcome, scenario = "s"): ChromeTrace => toChromeTrace(o, { scenario, seed: 7, version: VERSION });
const ofPhase = (t: ChromeTrace, ph: ChromeTraceEvent["ph"]) => t.traceEvents.filter((e) => e.ph === ph);
const threadNames = (t: ChromeTrace) => new Map(ofPhase(t, "M").filter((e) => e.name === "thread_name").map((e) => [e.tid, String(e.args!["name"])]));
const inside = (ts: number, x: ChromeTraceEvent) => x.ts! <= ts && ts < x.ts! + x.dur!;

/** The structural rules every export keeps; returns the flows as (from lane, to lane) pairs. */
function checkTrace(t: ChromeTrace, o: Outcome): { from: string; to: string }[] {
  expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  expect(t.displayTimeUnit).toBe("ns");
  const names = threadNames(t);
  // Lanes are tids 1…n (Perfetto reads tid 0 as "none"): the reactor's first, then the tasks.
  expect([...names.keys()]).toEqual([...names.keys()].map((_, i) => i + 1));
  expect(names.get(1)).toBe("world (reactor)");
  expect([...names.values()].slice(1).sort()).toEqual(o.tasks.map((x) => x.name).sort());

  for (const e of t.traceEvents) expect(e.tid).toBeGreaterThan(0);
  const slices = ofPhase(t, "X");
  for (const x of slices) {
    expect(x).toMatchObject({ ts: expect.any(Number), dur: expect.any(Number), tid: expect.any(Number), pid: 1 });
    expect(x.dur).toBeGreaterThan(0);
    expect(names.has(x.tid)).toBe(true);
    if (x.cat === "poll") expect(x.args).toMatchObject({ generation: expect.any(Number), result: expect.stringMatching(/^(ready|pending|panicked)$/) });
  }
  // Slices of one lane never overlap.
  for (const tid of names.keys()) {
    const lane = slices.filter((x) => x.tid === tid).sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < lane.length; i++) expect(lane[i - 1]!.ts! + lane[i - 1]!.dur!).toBeLessThanOrEqual(lane[i]!.ts!);
  }
  // Virtual time is the ruler: floor(ts / tickWidth) is the slice's virtual time.
  const clock = t.metadata["clock"] as { mode: string; tickWidthUs: number };
  expect(clock.mode).toBe("virtual-time");
  for (const x of slices) expect(Math.floor(x.ts! / clock.tickWidthUs)).toBe(x.args!["t"]);

  const starts = ofPhase(t, "s");
  const ends = ofPhase(t, "f");
  expect(ends).toHaveLength(starts.length);
  const flows = starts.map((s) => {
    const matching = ends.filter((f) => f.id === s.id);
    expect(matching).toHaveLength(1);
    const f = matching[0]!;
    expect(f).toMatchObject({ name: s.name, cat: "wake", bp: "e" });
    // The start lies in the waking slice; the end in the woken task's NEXT poll after the wake.
    expect(slices.some((x) => x.tid === s.tid && inside(s.ts!, x))).toBe(true);
    const next = slices.filter((x) => x.tid === f.tid && x.cat === "poll" && x.ts! > s.ts!).sort((a, b) => a.ts! - b.ts!)[0];
    expect(next).toBeDefined();
    expect(inside(f.ts!, next!)).toBe(true);
    expect(names.get(f.tid)).toBe(s.args!["task"]);
    return { from: names.get(s.tid)!, to: names.get(f.tid)! };
  });

  const counters = ofPhase(t, "C").filter((c) => c.name === "runnable tasks");
  expect(counters.length).toBeGreaterThan(0);
  for (const c of counters) expect(c.args!["runnable"]).toBeGreaterThanOrEqual(0);
  expect(ofPhase(t, "C").some((c) => c.name === "virtual time")).toBe(true);
  return flows;
}

describe("toChromeTrace", () => {
  it("exports the example's lost wakeup: lanes, polls, reactor wakes as flows, metadata", () => {
    const o = exampleFailure();
    const t = toChromeTrace(o, { scenario: example.name, seed: 42, version: VERSION });
    const flows = checkTrace(t, o);
    expect(flows).toContainEqual({ from: "world (reactor)", to: "waiter" });
    expect(t.metadata).toMatchObject({ scenario: example.name, seed: 42, token: o.token, version: VERSION, traced: true });
    expect(t.metadata["violations"]).toEqual([{ kind: "lost-wakeup", message: o.violations[0]!.message, tasks: ["waiter"], step: o.violations[0]!.step, time: o.violations[0]!.time }]);
    // The stuck task's lane ends with the violation.
    const waiter = [...threadNames(t)].find(([, n]) => n === "waiter")![0];
    const last = t.traceEvents.filter((e) => e.tid === waiter && e.ph !== "M").at(-1);
    expect(last).toMatchObject({ ph: "i", cat: "violation", name: "✗ lost-wakeup" });
  });

  it("draws a wake between tasks from the waker's poll", () => {
    const o = runScenario(mpscCorrect, { seed: 3, trace: true });
    expect(o.ok).toBe(true);
    const flows = checkTrace(chrome(o), o);
    expect(flows.some((f) => f.from !== "world (reactor)" && f.from !== f.to)).toBe(true);
    expect(flows.length).toBe(o.trace!.filter((e) => e.type === "WakeIssued" && e.effect !== "finished" && !e.effect.startsWith("ignored")).length);
  });

  it("is deterministic: the same run gives the same JSON", () => {
    const a = exampleFailure();
    const b = replay(example, a.token);
    const meta = { scenario: example.name, seed: 1, version: VERSION };
    expect(JSON.stringify(toChromeTrace(b, meta))).toBe(JSON.stringify(toChromeTrace(a, meta)));
    expect(JSON.stringify(chrome(runScenario(mpscCorrect, { seed: 9, trace: true })))).toBe(JSON.stringify(chrome(runScenario(mpscCorrect, { seed: 9, trace: true }))));
  });

  it("counts runnable tasks from the trace: spawned or woken, and not yet polled", () => {
    const o = exampleFailure();
    const counts = ofPhase(chrome(o), "C").filter((c) => c.name === "runnable tasks").map((c) => c.args!["runnable"]);
    expect(counts).toEqual([
      1, // spawned waiter
      2, // spawned notifier
      1, // poll notifier g1
      0, // poll waiter g1
      1, // timer#1 wakes notifier
      2, // timer#2 wakes waiter
      1, // poll notifier g2
      0, // poll waiter g2 (→ pending, and nothing will wake it)
    ]);
  });

  it("keeps a wake that no poll followed as an instant, and gives a wake outside a poll a source slice", () => {
    const trace: TraceEvent[] = [
      { type: "TaskSpawned", step: 0, time: 0, task: "a", by: null },
      { type: "TaskSpawned", step: 0, time: 0, task: "b", by: null },
      { type: "TaskPolled", step: 0, time: 0, task: "b", generation: 1 },
      { type: "PollReturned", step: 0, time: 0, task: "b", result: "pending" },
      { type: "TaskPolled", step: 1, time: 0, task: "a", generation: 1 },
      { type: "PollReturned", step: 1, time: 0, task: "a", result: "pending" },
      // 'a' wakes 'b' after its poll, in a later step (a waker dropped by a cancel, say).
      { type: "WakeIssued", step: 2, time: 0, task: "b", by: "a", waker: "b@g1.1", stale: false, effect: "schedule" },
      { type: "ViolationReported", step: 3, time: 0, kind: "lost-wakeup", tasks: "b" },
    ];
    const o = handOutcome(trace);
    const t = chrome(o);
    checkTrace(t, o);
    expect(ofPhase(t, "s")).toHaveLength(0);
    expect(ofPhase(t, "X").map((x) => `${threadNames(t).get(x.tid)}: ${x.name}`)).toEqual(["b: poll g1", "a: poll g1", "a: wake outside a poll of a"]);
    expect(t.traceEvents.filter((e) => e.cat === "woken").map((e) => e.name)).toEqual(["woken by a"]);
  });

  it("falls back to trace order for ts when virtual time is too large to scale", () => {
    const huge = 2 ** 52;
    const o = handOutcome([
      { type: "TaskSpawned", step: 0, time: 0, task: "a", by: null },
      { type: "TaskPolled", step: 0, time: 0, task: "a", generation: 1 },
      { type: "PollReturned", step: 0, time: 0, task: "a", result: "pending" },
      { type: "ClockAdvanced", step: 1, from: 0, to: huge },
      { type: "EventDelivered", step: 1, time: huge, event: "timer#1" },
      { type: "WakeIssued", step: 1, time: huge, task: "a", by: null, waker: "a@g1.1", stale: false, effect: "schedule" },
      { type: "TaskPolled", step: 2, time: huge, task: "a", generation: 2 },
      { type: "PollReturned", step: 2, time: huge, task: "a", result: "ready" },
    ]);
    const t = chrome(o);
    expect(t.metadata["clock"]).toMatchObject({ mode: "slots", slotUs: 4 });
    expect(ofPhase(t, "X").map((x) => [x.name, x.ts, x.dur])).toEqual([["poll g1", 4, 6], ["deliver timer#1", 16, 6], ["poll g2", 24, 6]]);
    expect(ofPhase(t, "f")).toMatchObject([{ ts: 25, tid: 2 }]);
  });

  it("exports a failing run with async tasks: a lane per task, the reactor's timer deliveries waking them, the stuck tasks' lanes ending in the violation", async () => {
    const o = await asyncFailure();
    expect(o.violations.map((v) => v.kind)).toEqual(["lost-wakeup"]);
    const t = chrome(o, asyncSemaMisuse.name);
    const flows = checkTrace(t, o);
    expect(flows).toEqual([{ from: "world (reactor)", to: "job-0" }, { from: "world (reactor)", to: "job-1" }]);
    // A timer's callback settles the promise in the microtasks after its delivery's step: the wake
    // is traced at the next step, by the reactor, so its source is a reactor slice of its own.
    expect(ofPhase(t, "X").filter((x) => x.cat !== "poll").map((x) => x.name)).toEqual(["deliver setTimeout#1 (anonymous)", "reactor wake", "deliver setTimeout#2 (anonymous)", "reactor wake"]);
    for (const stuck of ["job-2", "job-3"]) {
      const tid = [...threadNames(t)].find(([, n]) => n === stuck)![0];
      expect(t.traceEvents.filter((e) => e.tid === tid && e.ph !== "M").at(-1)).toMatchObject({ ph: "i", cat: "violation", name: "✗ lost-wakeup" });
    }
    expect(t.metadata).toMatchObject({ scenario: asyncSemaMisuse.name, token: o.token, traced: true });
    expect(JSON.stringify(chrome(await replayAsync(asyncSemaMisuse, o.token), asyncSemaMisuse.name))).toBe(JSON.stringify(t));
  });

  it("exports a long async run that hit its step limit (async-mutex 0.4.1's crowd-out) on the virtual-time ruler", async () => {
    const o = await runScenarioAsync(heavyWaiter041, { seed: 0, trace: true });
    expect(o.status).toBe("step-limit");
    const t = chrome(o, heavyWaiter041.name);
    checkTrace(t, o);
    expect([...threadNames(t).values()]).toEqual(["world (reactor)", "light-1", "light-2", "heavy"]);
    expect(ofPhase(t, "X").filter((x) => x.cat !== "poll").length).toBeGreaterThan(1900); // the lights' timers, delivered one by one
  });

  it("exports an untraced outcome as lanes and metadata only", () => {
    const o = runScenario(example, { seed: 0 });
    const t = chrome(o);
    expect(t.traceEvents.every((e) => e.ph === "M")).toBe(true);
    expect([...threadNames(t).values()]).toEqual(["world (reactor)", "waiter", "notifier"]);
    expect(t.metadata).toMatchObject({ traced: false, token: o.token });
  });
});

function handOutcome(trace: readonly TraceEvent[]): Outcome {
  return {
    ok: false,
    status: "quiescent",
    violations: [],
    steps: 3,
    polls: 2,
    time: 0,
    seed: 7,
    chooser: "alea",
    faults: [],
    choices: [],
    tasks: [
      { id: 0, name: "a", state: "pending", polls: 1, daemon: false },
      { id: 1, name: "b", state: "pending", polls: 1, daemon: false },
    ],
    token: "ws1.hand-made-token",
    trace,
  };
}
