/**
 * The text report of failing runs with async tasks: one lane per task in the timeline, the
 * violation in the stuck tasks' lanes, where each is parked, and a Reproduce section whose
 * in-code line is the call that replays such a run (replayAsync; replay throws on it).
 */
import { describe, expect, it } from "vitest";
import { defineScenario, exploreAsync, replayAsync, type Outcome } from "wakesim";
import { explain, formatReport } from "wakesim/report";
import { heavyWaiter041 } from "../fixtures/promise/heavy-waiter.js";
import { asyncSemaMisuse } from "../fixtures/promise/packages.js";

/** The section of a report whose heading line starts with `title`, up to the next section. */
const section = (report: string, title: string): string => report.slice(report.indexOf(`\n\n${title}`) + 2).split(/\n\n(?=[A-Z])/)[0]!;

describe("formatReport for a run with async tasks", () => {
  it("draws a lane per task, ends the stuck tasks' lanes in the violation, and says how to replay it", async () => {
    const found = await exploreAsync(asyncSemaMisuse, { runs: 100 });
    const o: Outcome = await replayAsync(asyncSemaMisuse, found.failure!.token);
    expect(o.hasAsyncTasks).toBe(true);
    const report = formatReport(o, { scenario: asyncSemaMisuse.name });
    expect(section(report, "Timeline")).toMatchInlineSnapshot(`
      "Timeline (28 trace events; step, virtual time t, one lane per task)
        step  t │ world                            │ job-0               │ job-1               │ job-2         │ job-3
        ────────┼──────────────────────────────────┼─────────────────────┼─────────────────────┼───────────────┼──────────────
           0  0 │                                  │ spawned             │                     │               │
           0  0 │                                  │                     │ spawned             │               │
           0  0 │                                  │                     │                     │ spawned       │
           0  0 │                                  │                     │                     │               │ spawned
           0  0 │                                  │ poll g1             │                     │               │
           0  0 │                                  │ → pending           │                     │               │
           1  0 │                                  │                     │ poll g1             │               │
           1  0 │                                  │                     │ → pending           │               │
           2  0 │                                  │                     │                     │ poll g1       │
           2  0 │                                  │                     │                     │ → pending     │
           3  0 │                                  │                     │                     │               │ poll g1
           3  0 │                                  │                     │                     │               │ → pending
           4  1 │ clock 0 → 1                      │                     │                     │               │
           4  1 │ deliver setTimeout#1 (anonymous) │                     │                     │               │
           5  1 │                                  │ woken by reactor    │                     │               │
           5  1 │                                  │ poll g2             │                     │               │
           5  1 │                                  │ → ready             │                     │               │
           5  1 │                                  │ finished: completed │                     │               │
           6  2 │ clock 1 → 2                      │                     │                     │               │
           6  2 │ deliver setTimeout#2 (anonymous) │                     │                     │               │
           7  2 │                                  │                     │ woken by reactor    │               │
           7  2 │                                  │                     │ poll g2             │               │
           7  2 │                                  │                     │ → ready             │               │
           7  2 │                                  │                     │ finished: completed │               │
           8  2 │ VIOLATION lost-wakeup            │                     │                     │ ✗ lost-wakeup │ ✗ lost-wakeup"
    `);
    expect(section(report, "Reproduce")).toContain(`in code:  await replayAsync(scenario, "${o.token}")`);
    expect(report).toMatch(/- job-2: waker held, never woken[\s\S]*awaiting: +async function, parked at fixtures\/promise\/packages\.ts:\d+/);
    // Why, in the vocabulary of async code; no masking note (a spurious poll finds the promise still pending).
    expect(report).toContain("waker clones:  1 held, by its async function's promise (settling it wakes the task),");
    expect(report).toContain("Await never settled: The task's async function awaits a promise that nothing will settle");
    expect(report).not.toContain("Waker held, never woken:");
    expect(report).not.toContain("Masking");
    const v = o.violations[0]!;
    expect(v.kind).toBe("lost-wakeup");
    if (v.kind !== "lost-wakeup") return;
    // A future stuck beside them keeps its own explanation.
    const mixed = { ...v, stuck: [...v.stuck, { ...v.stuck[0]!, task: "rx", awaiting: "rx › recv(chan#1)" }] };
    expect(explain(mixed).map((e) => e.key)).toEqual(["lost-wakeup/waker-held-never-woken", "lost-wakeup/await-never-settled"]);
    expect(explain(v).map((e) => e.key)).toEqual(["lost-wakeup/await-never-settled"]);
    // The exploration's own report says the same.
    expect(found.failure!.report).toContain("await replayAsync(scenario, ");
  });

  it("keeps the end of a long run in the lanes: the step-limit verdict in every task's lane", async () => {
    const found = await exploreAsync(heavyWaiter041, { runs: 20 });
    const o = found.failure!.outcome;
    const timeline = section(formatReport(o, { scenario: heavyWaiter041.name, maxTimelineRows: 12 }), "Timeline");
    const lines = timeline.split("\n");
    expect(lines[1]).toMatch(/^ +step +t │ world +│ light-1 +│ light-2 +│ heavy$/);
    expect(timeline).toMatch(/… \d+ rows omitted/);
    expect(lines.at(-1)).toMatch(/^ +4000 +\d+ │ VIOLATION step-limit +│ ✗ step-limit +│ ✗ step-limit +│ ✗ step-limit$/);
    // A host timer's id survives the cut; its callback's "(anonymous)" does not.
    expect(lines.at(-2)).toMatch(/│ deliver setTimeout#\d{4} \(anonym… │/);
  });
});

describe("the explanation of an async task's rejection", () => {
  it("is told in promise words ('Async function rejected'), while a future's throw stays a panic in poll", async () => {
    const scenario = defineScenario({
      name: "rejects",
      setup(sim) {
        sim.spawn(
          async () => {
            await new Promise((r) => setTimeout(r, 1));
            throw new Error("no config");
          },
          { name: "loader" },
        );
        sim.spawn({ label: "thrower", poll: () => { throw new Error("bad state"); } }, { name: "future" });
      },
      options: { allowPanics: false },
    });
    const r = await exploreAsync(scenario, { runs: 1 });
    const panics = r.failure!.outcome.violations.filter((v) => v.kind === "panic");
    const byTask = new Map(panics.map((v) => [v.tasks[0], explain(v)[0]!.title]));
    expect(byTask.get("future")).toBe("Panic in poll");
    const again = await exploreAsync(defineScenario({ ...scenario, name: "rejects-alone", setup: (sim) => void sim.spawn(async () => { await new Promise((r) => setTimeout(r, 1)); throw new Error("no config"); }, { name: "loader" }) }), { runs: 1 });
    expect(again.failure!.violation.kind).toBe("panic");
    expect(explain(again.failure!.violation)[0]!.title).toBe("Async function rejected");
    expect(again.failure!.report).toContain("Async function rejected: The task's async function threw");
  });
});
