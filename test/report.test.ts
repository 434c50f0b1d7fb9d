import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { PENDING, ready, replay, runScenario, Sim, WakerSlot, type Context, type Outcome, type Poll, type Violation, type Waker } from "wakesim";
import { type TraceEvent } from "wakesim/trace";
import example from "../fixtures/example.js";
import { explain } from "../src/report/explain.js";
import { formatOutcome } from "../src/cli/format.js";
import { formatReport, summarize, type ReportContext } from "../src/report/report.js";
import { formatTimeline } from "../src/report/timeline.js";
import { spin } from "./helpers.js";

/**
 * The report with the outcome's token replaced by <token>: token bytes follow the token format
 * and the options fingerprint (tested in their own suite), not the report's layout.
 */
function report(outcome: Outcome, ctx: ReportContext): string {
  const text = formatReport(outcome, ctx);
  expect(text).toContain(outcome.token);
  expect(text).not.toMatch(/[ \t]$/m); // no trailing whitespace: stable in snapshots and diffs
  return text.replaceAll(outcome.token, "<token>");
}

/** The example's failing run, found from seed 0 and replayed with a full trace (as the CLI does). */
function exampleFailure(): Outcome {
  const found = runScenario(example, { seed: 0 });
  expect(found.ok).toBe(false);
  return replay(example, found.token);
}

/** A hand-built outcome, for kinds and traces the Sim is not asked to produce here. */
function handOutcome(violations: readonly Violation[], trace: readonly TraceEvent[] | null): Outcome {
  return {
    ok: violations.length === 0,
    status: "quiescent",
    violations,
    steps: 140,
    polls: 120,
    time: 3,
    seed: 7,
    chooser: "alea",
    faults: [],
    choices: [0, 1, 0, 2],
    tasks: [
      { id: 0, name: "worker", state: "completed", polls: 100, daemon: false },
      { id: 1, name: "waiter", state: "pending", polls: 1, daemon: false },
    ],
    token: "ws1.hand-made-token",
    trace,
  };
}

/** A busy worker (100 self-waking polls) and a waiter polled once early, then never woken. */
function longTrace(): TraceEvent[] {
  const t: TraceEvent[] = [
    { type: "TaskSpawned", step: 0, time: 0, task: "worker", by: null },
    { type: "TaskSpawned", step: 0, time: 0, task: "waiter", by: null },
  ];
  for (let step = 0; step < 100; step++) {
    const time = step < 50 ? 0 : 3;
    if (step === 50) t.push({ type: "ClockAdvanced", step, from: 0, to: 3 }, { type: "EventDelivered", step, time, event: "timer#1" });
    if (step === 20) {
      t.push({ type: "TaskPolled", step, time, task: "waiter", generation: 1 }, { type: "PollReturned", step, time, task: "waiter", result: "pending" });
      continue;
    }
    const g = step < 20 ? step + 1 : step;
    t.push(
      { type: "TaskPolled", step, time, task: "worker", generation: g },
      { type: "WakeIssued", step, time, task: "worker", by: "worker", waker: `worker@g${g}.0`, stale: false, effect: "notified-while-running" },
      { type: "PollReturned", step, time, task: "worker", result: step === 99 ? "ready" : "pending" },
    );
  }
  t.push({ type: "TaskFinished", step: 99, time: 3, task: "worker", outcome: "completed" });
  return t;
}

const lostWaiter: Violation = {
  kind: "lost-wakeup",
  detection: "quiescence",
  stuck: [
    {
      task: "waiter",
      diagnosis: "waker-held-never-woken",
      lastPolledStep: 20,
      wakersHeld: 1,
      heldBy: ["pipe#1 reader"],
      awaiting: "read",
      explanation: "pending since step 20; 1 clone of its waker is held by pipe#1 reader, but nobody woke it",
    },
  ],
  tasks: ["waiter"],
  step: 100,
  time: 3,
  message: "the run reached quiescence at step 100, t=3, with 1 task still pending:\n  - waiter: pending since step 20",
};

describe("formatReport", () => {
  it("does explain the example's lost wakeup: diagnosis, holder, cause, hints, replay command and lanes", () => {
    const text = report(exampleFailure(), { scenario: example.name, file: "fixtures/example.ts", seed: 0, runs: 1, strategy: "seeded" });
    expect(text).toMatchInlineSnapshot(`
      "example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)

      What happened
        The run went quiet (nothing runnable, nothing due) at step 6, t=1, after 4 polls. Tasks: waiter
        pending (2 polls), notifier completed (2 polls).

        [lost-wakeup, quiescence] at step 6, t=1 — task: waiter
          the run reached quiescence (nothing runnable, no pending event) at step 6, t=1, with 1 task
          still pending:
          - waiter: waker held, never woken (waker-held-never-woken)
              pending since: step 5 (its last poll)
              awaiting:      waiter › notified
              waker clones:  1 held, by user code (not a simulation resource)

      Why this usually happens
        Waker held, never woken: Someone keeps a clone of the task's Waker but never called wake(): a
          notification was lost. Typical causes: notify() ran before the waiter registered and stored no
          permit; a single waker slot overwritten by a second waiter; a close or drop path that wakes
          nobody; or tasks waiting for each other (a wait cycle).

      Hints
        - When a notify finds no waiter, store a permit that the next poll consumes (as tokio's Notify
          does).
        - Keep one waker per waiter (a queue), not one slot shared by several waiters; on close and on
          drop, wake every waiter.
        - In the Timeline, find the task's last poll and what the other tasks did after it.

      Masking
        Found with spurious-wake and spurious-readiness off. Spurious wakeups, and combinators that
        re-poll every child on any wake (join), can mask a lost wakeup by polling the stranded future
        anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.

      Reproduce
        token:    <token>
        seed:     0 (found on run 1)
        strategy: seeded (this run was made by its alea chooser)
        schedule: 2 choices, 2 of them not the default (0)
        command:  npx wakesim replay fixtures/example.ts <token>

      Timeline (19 trace events; step, virtual time t, one lane per task)
        step  t │ world                 │ waiter           │ notifier
        ────────┼───────────────────────┼──────────────────┼────────────────────
           0  0 │                       │ spawned          │
           0  0 │                       │                  │ spawned
           0  0 │                       │                  │ poll g1
           0  0 │                       │                  │ → pending
           1  0 │                       │ poll g1          │
           1  0 │                       │ → pending        │
           2  1 │ clock 0 → 1           │                  │
           2  1 │ deliver timer#1       │                  │
           2  1 │                       │                  │ woken by reactor
           3  1 │                       │                  │ poll g2
           3  1 │                       │                  │ → ready
           3  1 │                       │                  │ finished: completed
           4  1 │ deliver timer#2       │                  │
           4  1 │                       │ woken by reactor │
           5  1 │                       │ poll g2          │
           5  1 │                       │ → pending        │
           6  1 │ VIOLATION lost-wakeup │ ✗ lost-wakeup    │"
    `);
  });

  it("does report a panic with the throwing frame cut to its file name, and a replay() call when no file is known", () => {
    const sim = new Sim({ seed: 1, trace: true, executor: "fifo" });
    sim.spawn(
      {
        poll(): Poll<void> {
          const e = new RangeError("index 7 out of bounds");
          e.stack = "RangeError: index 7 out of bounds\n    at Parser.poll (/home/someone/project/src/parser.ts:12:5)\n    at Sim.poll (/x/sim.ts:1:1)";
          throw e;
        },
      },
      { name: "parser" },
    );
    sim.spawn(spin(1, "fine"), { name: "worker" });
    expect(report(sim.run(), { scenario: "parse-input" })).toMatchInlineSnapshot(`
      "parse-input: FAILED — task 'parser' panicked: RangeError: index 7 out of bounds

      What happened
        The run completed at step 3, t=0, after 3 polls. Tasks: parser panicked (1 poll), worker completed
        (2 polls).

        [panic] at step 0, t=0 — task: parser
          task 'parser' panicked in poll 1 at step 0: RangeError: index 7 out of bounds
          thrown at: Parser.poll (parser.ts:12:5)

      Why this usually happens
        Panic in poll: A future threw inside poll, so its task panicked. Typical causes: a state the code
          assumed impossible that this interleaving reaches (a value taken twice, another task assumed to
          have run first), or a future polled again after it finished or was dropped.

      Hints
        - Replay the token under a debugger: the run is deterministic, so it throws at the same poll every
          time.
        - If the panic is an expected outcome, read it from the JoinHandle and pass allowPanics: true.

      Reproduce
        token:    <token>
        chooser:  alea (the generator that made this run)
        schedule: no choices: the default schedule
        in code:  replay(scenario, "<token>")

      Timeline (12 trace events; step, virtual time t, one lane per task)
        step  t │ world           │ parser             │ worker
        ────────┼─────────────────┼────────────────────┼────────────────────
           0  0 │                 │ spawned            │
           0  0 │                 │                    │ spawned
           0  0 │                 │ poll g1            │
           0  0 │                 │ → PANIC            │
           0  0 │                 │ finished: panicked │
           0  0 │ VIOLATION panic │ ✗ panic            │
           1  0 │                 │                    │ poll g1
           1  0 │                 │                    │ woken by itself
           1  0 │                 │                    │ → pending
           2  0 │                 │                    │ poll g2
           2  0 │                 │                    │ → ready
           2  0 │                 │                    │ finished: completed"
    `);
  });

  it("does report a step limit and trims the busy loop to the rows that matter", () => {
    const sim = new Sim({ seed: 1, trace: true, maxSteps: 8 });
    sim.spawn(
      {
        poll(cx: Context): Poll<never> {
          cx.waker.wakeByRef(); // busy self-wake: never makes progress
          return PENDING;
        },
      },
      { name: "spinner" },
    );
    expect(report(sim.run(), { scenario: "busy-loop", maxTimelineRows: 8 })).toMatchInlineSnapshot(`
      "busy-loop: FAILED — step limit: not finished within maxSteps=8 (pending: spinner)

      What happened
        The run hit its step limit at step 8, t=0, after 8 polls. Tasks: spinner pending (8 polls).

        [step-limit] at step 8, t=0 — task: spinner
          the run did not finish within maxSteps=8 (tasks still pending: spinner). Either the tasks loop
          forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps.

      Why this usually happens
        Step limit reached: The run did not finish within maxSteps. Typical causes: starvation (a task
          left runnable, or parked with its wake lost, while others keep the run busy), a busy self-wake
          (a future that calls cx.waker.wakeByRef() and returns Pending on every poll without progress),
          tasks waking each other forever (livelock), or a long scenario.

      Hints
        - The message names the tasks that sat still and those polled meanwhile; the Timeline's last rows
          show the busy loop.
        - If the work is legitimately long, raise maxSteps.

      Reproduce
        token:    <token>
        chooser:  alea (the generator that made this run)
        schedule: no choices: the default schedule
        in code:  replay(scenario, "<token>")

      Timeline (26 trace events; step, virtual time t, one lane per task)
        step  t │ world                │ spinner
        ────────┼──────────────────────┼────────────────
           0  0 │                      │ spawned
           0  0 │                      │ poll g1
           0  0 │                      │ woken by itself
           0  0 │                      │ → pending
           1  0 │                      │ poll g2
           1  0 │                      │ woken by itself
        … 12 rows omitted (steps 1–5: 4 polls of spinner)
           5  0 │                      │ → pending
           6  0 │                      │ poll g7
           6  0 │                      │ woken by itself
           6  0 │                      │ → pending
           7  0 │                      │ poll g8
           7  0 │                      │ woken by itself
           7  0 │                      │ → pending
           8  0 │ VIOLATION step-limit │ ✗ step-limit"
    `);
  });

  it("does report a stale waker: a wait list that wakes the entry of an older poll, which made inert loses the task", () => {
    const sim = new Sim({ seed: 1, trace: true, executor: "fifo", oracles: { staleWakers: "inert" } });
    const waiters: Waker[] = [];
    let polls = 0;
    sim.spawn(
      {
        poll(cx: Context): Poll<string> {
          polls++;
          if (polls === 3) return ready("done");
          waiters.push(cx.waker.clone()); // BUG: appends every poll instead of replacing its entry
          if (polls === 1) cx.waker.wakeByRef();
          return PENDING;
        },
      },
      { name: "waiter" },
    );
    let yielded = false;
    sim.spawn(
      {
        poll(cx: Context): Poll<void> {
          if (!yielded) {
            yielded = true;
            cx.waker.wakeByRef();
            return PENDING;
          }
          waiters.shift()?.wake(); // the oldest entry: the waker of poll 1
          return ready();
        },
      },
      { name: "notifier" },
    );
    expect(report(sim.run(), { scenario: "stale", file: "fixtures/stale.ts", flags: "--executor fifo" })).toMatchInlineSnapshot(`
      "stale: FAILED — stale waker: 'waiter' lost — kept the waker of poll 1 (woken through it after poll 2)

      What happened
        The run went quiet (nothing runnable, nothing due) at step 4, t=0, after 4 polls. Tasks: waiter
        pending (2 polls), notifier completed (2 polls).

        [stale-waker] at step 4, t=0 — tasks: waiter, notifier
          task 'waiter' was lost through a stale waker: at step 3, t=0, task 'notifier' woke it through a
          waker from its poll 1, though it had been polled since (latest: poll 2) — whatever held that
          waker kept the waker of poll 1 instead of the latest. Most runtimes let such a wake through, but
          one with per-poll wakers does not, nor does any once the future moves to another task or
          combinator slot: this run modelled per-poll wakers, so it was inert, and nothing else woke the
          task — at quiescence (step 4, t=0) it was still pending. Keep the waker of every poll: replace
          the stored one unless stored.willWake(cx.waker).
          waker: from poll g1; the task was at poll g2; woken by notifier at step 3, treated as inert

      Why this usually happens
        Stale waker lost the task: A wake went through the Waker of an older poll. Most runtimes let it
          through, but only the latest poll's Waker is guaranteed to reach the task (per-poll wakers, a
          future moved to another task or slot): treated as inert here, it left the task parked for good.
          Typical cause: a future that stores its waker on the first poll only, or a wait list that never
          replaces an entry.

      Hints
        - On every poll, replace the stored waker unless stored.willWake(cx.waker); WakerSlot.register(cx)
          does exactly this.
        - oracles: { staleWakers: "inert" } makes every stale waker inert (no choice); "off" lets every
          stale wake through, as most runtimes do.

      Masking
        Found with spurious-wake and spurious-readiness off. Spurious wakeups, and combinators that
        re-poll every child on any wake (join), can mask a lost wakeup by polling the stranded future
        anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.

      Reproduce
        token:    <token>
        chooser:  alea (the generator that made this run)
        schedule: no choices: the default schedule
        command:  npx wakesim replay fixtures/stale.ts <token> --executor fifo

      Timeline (16 trace events; step, virtual time t, one lane per task)
        step  t │ world                 │ waiter                    │ notifier
        ────────┼───────────────────────┼───────────────────────────┼─────────────────────────────
           0  0 │                       │ spawned                   │
           0  0 │                       │                           │ spawned
           0  0 │                       │ poll g1                   │
           0  0 │                       │ woken by itself           │
           0  0 │                       │ → pending                 │
           1  0 │                       │                           │ poll g1
           1  0 │                       │                           │ woken by itself
           1  0 │                       │                           │ → pending
           2  0 │                       │ poll g2                   │
           2  0 │                       │ → pending                 │
           3  0 │                       │                           │ poll g2
           3  0 │                       │                           │ per-poll wakers (old ones i…
           3  0 │                       │ woken by notifier (stale) │
           3  0 │                       │                           │ → ready
           3  0 │                       │                           │ finished: completed
           4  0 │ VIOLATION stale-waker │ ✗ stale-waker             │ ✗ stale-waker"
    `);
  });

  it("does report a contract violation: the borrowed cx.waker kept past its poll", () => {
    const sim = new Sim({ seed: 1, trace: true, executor: "fifo" });
    const slot = new WakerSlot();
    let borrowed: Waker | null = null;
    sim.spawn(
      {
        poll(cx: Context): Poll<void> {
          borrowed = cx.waker; // BUG: keeps the borrowed waker instead of a clone
          slot.register(cx);
          return PENDING;
        },
      },
      { name: "holder" },
    );
    sim.spawn({ poll: (): Poll<void> => (borrowed?.wakeByRef(), ready()) }, { name: "user" });
    expect(report(sim.run(), { scenario: "borrowed-waker", command: "npm run wakesim --", file: "fixtures/borrow.ts" })).toMatchInlineSnapshot(`
      "borrowed-waker: FAILED — contract violation in task 'holder': borrowed waker used after its poll

      What happened
        The run stopped at its first violation at step 2, t=0, after 2 polls. Tasks: holder pending (1
        poll), user panicked (1 poll).

        [contract, waker-borrowed-after-poll] at step 1, t=0 — tasks: holder, user
          waker.wakeByRef() on the borrowed waker of task 'holder' from poll 1, after that poll returned.
          cx.waker is lent for one poll only: clone it (cx.waker.clone()) to keep it, and keep the latest
          clone. (used during a poll of task 'user')

      Why this usually happens
        Borrowed waker used after its poll: A future kept cx.waker itself instead of cx.waker.clone(), and
          used it after the poll that lent it returned. cx.waker is borrowed for one poll (Rust's borrow
          checker forbids keeping it); the harness enforces the same at run time so it knows who holds a
          wake source.

      Hints
        - Store cx.waker.clone(), never cx.waker itself; WakerSlot.register(cx) clones and keeps the
          latest.

      Reproduce
        token:    <token>
        chooser:  alea (the generator that made this run)
        schedule: no choices: the default schedule
        command:  npm run wakesim -- replay fixtures/borrow.ts <token>

      Timeline (8 trace events; step, virtual time t, one lane per task)
        step  t │ world              │ holder     │ user
        ────────┼────────────────────┼────────────┼───────────────────
           0  0 │                    │ spawned    │
           0  0 │                    │            │ spawned
           0  0 │                    │ poll g1    │
           0  0 │                    │ → pending  │
           1  0 │                    │            │ poll g1
           1  0 │ VIOLATION contract │ ✗ contract │ ✗ contract
           1  0 │                    │            │ → PANIC
           1  0 │                    │            │ finished: panicked"
    `);
  });

  it("does leave out the Timeline for an outcome without a trace, and says ok for a passing run", () => {
    const found = runScenario(example, { seed: 0 });
    const text = report(found, { scenario: example.name, file: "fixtures/example.ts", seed: 0 });
    expect(text).not.toMatch(/^Timeline/m);
    expect(text).toMatchInlineSnapshot(`
      "example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)

      What happened
        The run went quiet (nothing runnable, nothing due) at step 6, t=1, after 4 polls. Tasks: waiter
        pending (2 polls), notifier completed (2 polls).

        [lost-wakeup, quiescence] at step 6, t=1 — task: waiter
          the run reached quiescence (nothing runnable, no pending event) at step 6, t=1, with 1 task
          still pending:
          - waiter: waker held, never woken (waker-held-never-woken)
              pending since: step 5 (its last poll)
              awaiting:      waiter › notified
              waker clones:  1 held, by user code (not a simulation resource)

      Why this usually happens
        Waker held, never woken: Someone keeps a clone of the task's Waker but never called wake(): a
          notification was lost. Typical causes: notify() ran before the waiter registered and stored no
          permit; a single waker slot overwritten by a second waiter; a close or drop path that wakes
          nobody; or tasks waiting for each other (a wait cycle).

      Hints
        - When a notify finds no waiter, store a permit that the next poll consumes (as tokio's Notify
          does).
        - Keep one waker per waiter (a queue), not one slot shared by several waiters; on close and on
          drop, wake every waiter.
        - In the Timeline, find the task's last poll and what the other tasks did after it.

      Masking
        Found with spurious-wake and spurious-readiness off. Spurious wakeups, and combinators that
        re-poll every child on any wake (join), can mask a lost wakeup by polling the stranded future
        anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.

      Reproduce
        token:    <token>
        seed:     0
        chooser:  alea (the generator that made this run)
        schedule: 2 choices, 2 of them not the default (0)
        command:  npx wakesim replay fixtures/example.ts <token>"
    `);
    const sim = new Sim({ seed: 3 });
    sim.spawn(spin(2, "x"), { name: "a" });
    expect(report(sim.run(), { scenario: "fine" })).toMatchInlineSnapshot(`
      "fine: ok — completed after 3 steps (3 polls), t=0

      Reproduce
        token:    <token>
        chooser:  alea (the generator that made this run)
        schedule: no choices: the default schedule
        in code:  replay(scenario, "<token>")"
    `);
  });

  it("does number several violations and group their hints by bug class", () => {
    const panic: Violation = { kind: "panic", task: "worker", tasks: ["worker"], error: "Error: boom", stack: "", step: 12, time: 0, message: "task 'worker' panicked in poll 3 at step 12: Error: boom" };
    expect(formatReport(handOutcome([panic, lostWaiter], null), { scenario: "two" })).toMatchInlineSnapshot(`
      "two: FAILED — task 'worker' panicked: Error: boom (+1 more)

      What happened
        The run went quiet (nothing runnable, nothing due) at step 140, t=3, after 120 polls. Tasks:
        worker completed (100 polls), waiter pending (1 poll).

        1. [panic] at step 12, t=0 — task: worker
             task 'worker' panicked in poll 3 at step 12: Error: boom

        2. [lost-wakeup, quiescence] at step 100, t=3 — task: waiter
             the run reached quiescence at step 100, t=3, with 1 task still pending:
             - waiter: waker held, never woken (waker-held-never-woken)
                 pending since: step 20 (its last poll)
                 awaiting:      read
                 waker clones:  1 held, by pipe#1 reader

      Why this usually happens
        Panic in poll: A future threw inside poll, so its task panicked. Typical causes: a state the code
          assumed impossible that this interleaving reaches (a value taken twice, another task assumed to
          have run first), or a future polled again after it finished or was dropped.

        Waker held, never woken: Someone keeps a clone of the task's Waker but never called wake(): a
          notification was lost. Typical causes: notify() ran before the waiter registered and stored no
          permit; a single waker slot overwritten by a second waiter; a close or drop path that wakes
          nobody; or tasks waiting for each other (a wait cycle).

      Hints
        Panic in poll:
          - Replay the token under a debugger: the run is deterministic, so it throws at the same poll
            every time.
          - If the panic is an expected outcome, read it from the JoinHandle and pass allowPanics: true.
        Waker held, never woken:
          - When a notify finds no waiter, store a permit that the next poll consumes (as tokio's Notify
            does).
          - Keep one waker per waiter (a queue), not one slot shared by several waiters; on close and on
            drop, wake every waiter.
          - In the Timeline, find the task's last poll and what the other tasks did after it.

      Masking
        Found with spurious-wake and spurious-readiness off. Spurious wakeups, and combinators that
        re-poll every child on any wake (join), can mask a lost wakeup by polling the stranded future
        anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.

      Reproduce
        token:    ws1.hand-made-token
        chooser:  alea (the generator that made this run)
        schedule: 4 choices, 2 of them not the default (0)
        in code:  replay(scenario, "ws1.hand-made-token")"
    `);
  });

  it("does keep a message's preformatted lines whole (the side-by-side view of a divergence)", () => {
    const row = `  > ${"3 t=0 poll worker g2".padEnd(60)} | 3 t=0 poll other g1`;
    const v: Violation = {
      kind: "nondeterminism",
      cause: "divergence",
      api: null,
      callSite: null,
      tasks: ["worker", "other"],
      step: 3,
      time: 0,
      message: `rerunning the same choices gave a different trace from event 7 (step 3) on: the run depends on something outside the simulation. First run | rerun:\n${row}`,
    };
    expect(formatReport(handOutcome([v], null), { scenario: "div" })).toContain(`\n    ${row}\n`);
  });

  it("lists the run's fault kinds, which the token itself carries to the replay", () => {
    const hand = { ...handOutcome([lostWaiter], null), faults: ["spurious-wake", "latency"] as const };
    expect(formatReport(hand, { scenario: "long", file: "my fixtures/long.ts" }).split("\n").slice(-3)).toMatchInlineSnapshot(`
      [
        "  schedule: 4 choices, 2 of them not the default (0)",
        "  faults:   spurious-wake, latency",
        "  command:  npx wakesim replay 'my fixtures/long.ts' ws1.hand-made-token",
      ]
    `);
    const cli = formatOutcome(example, exampleFailure(), { command: "npx wakesim", file: "fixtures/example.ts", options: { executor: "fifo", faults: "all" } });
    expect(cli).toContain("npx wakesim replay fixtures/example.ts ws1.");
    expect(cli).toMatch(/ --executor fifo$/m); // fault kinds travel inside the token
  });

  it("does add colour only around whole lines, so stripping it gives the plain report", () => {
    const out = exampleFailure();
    const ctx = { scenario: example.name, file: "fixtures/example.ts" };
    expect(stripVTControlCharacters(formatReport(out, { ...ctx, color: true }))).toBe(formatReport(out, ctx));
  });

  it("does summarise and explain every other kind in one line and 2–4 lines", () => {
    const base = { step: 40, time: 2, tasks: ["a", "b"], message: "m" };
    const vs: Violation[] = [
      { ...base, kind: "starvation", cause: "fairness", bound: 200, observed: 412 },
      { ...base, kind: "starvation", cause: "reactor", bound: 1000, observed: 1001 },
      { ...base, kind: "starvation", cause: "livelock", bound: 1000, observed: 1000 },
      { ...base, kind: "starvation", cause: "bypass", bound: 100, observed: 101 },
      { ...base, kind: "poll-budget", task: "a", counted: "inner-polls", observed: 10001, innerPolls: 10001, budget: 10000 },
      { ...base, kind: "liveness", monitor: "queue drains", hotSteps: 500, bound: 400, atEnd: true },
      { ...base, kind: "invariant", invariant: "balance >= 0", error: null },
      { ...base, kind: "nondeterminism", cause: "escape", api: "Date.now", callSite: "/abs/app.ts:3:9" },
      { ...base, kind: "nondeterminism", cause: "divergence", api: null, callSite: null },
      { ...base, kind: "contract", rule: "poll-after-ready", task: "a" },
      { ...base, kind: "contract", rule: "reentrant-poll", task: "a" },
      { ...base, kind: "contract", rule: "poll-after-drop", task: "a" },
      { ...base, kind: "contract", rule: "waker-used-after-consume", task: "a" },
      { ...base, kind: "lost-wakeup", detection: "parked-while-ready", stuck: [] },
      { ...base, kind: "lost-wakeup", detection: "at-poll", stuck: [] },
      { ...base, kind: "leak", task: "a", wakersHeld: 1, heldBy: ["pipe#1 reader"] },
      { ...base, kind: "poll-budget", task: "a", counted: "self-wakes", observed: 10001, innerPolls: 10001, budget: 10000 },
      { ...base, kind: "stale-waker", task: "a", wakerGeneration: 1, taskGeneration: 3, by: "b", wakeStep: 30, wakeTime: 1, stuck: [] },
    ];
    for (const v of vs) {
      for (const e of explain(v)) {
        expect(e.hints.length, e.key).toBeGreaterThanOrEqual(1);
        expect(e.hints.length, e.key).toBeLessThanOrEqual(3);
        expect(e.why.length, e.key).toBeLessThanOrEqual(4 * 96); // at most 4 report lines
        // The escape entry names the real-world APIs it traps; every other entry keeps the model's words.
        if (e.key !== "nondeterminism/escape") expect(e.why, e.key).not.toMatch(/\b(promise|resolve|then|settle)\b/);
      }
    }
    expect(vs.map((v) => `${summarize(v)}  [${explain(v).map((e) => e.key).join(", ")}]`)).toMatchInlineSnapshot(`
      [
        "starvation: 'a', 'b' runnable but not polled for 412 steps (bound 200)  [starvation/fairness]",
        "starvation: timer/I/O events kept waiting through 1001 polls (bound 1000)  [starvation/reactor]",
        "livelock: 'a', 'b' polled 1000 times with no progress (bound 1000)  [starvation/livelock]",
        "starvation: 'a', 'b' overtaken 101 times (bound 100)  [starvation/bypass]",
        "poll budget: one poll of 'a' made 10001 inner polls (budget 10000)  [poll-budget]",
        "liveness: 'queue drains' stayed hot for 500 steps (bound 400), still hot at the end  [liveness]",
        "invariant 'balance >= 0' broken at step 40  [invariant]",
        "nondeterminism: Date.now used during the run  [nondeterminism/escape]",
        "nondeterminism: the replay diverged from the original run at step 40  [nondeterminism/divergence]",
        "contract violation in task 'a': poll after Ready  [contract/poll-after-ready]",
        "contract violation in task 'a': re-entrant poll  [contract/reentrant-poll]",
        "contract violation in task 'a': poll after drop  [contract/poll-after-drop]",
        "contract violation in task 'a': waker used after wake() consumed it  [contract/waker-used-after-consume]",
        "lost wakeup: 'a', 'b' stayed parked while the resource was ready  [lost-wakeup/parked-while-ready]",
        "lost wakeup: 'a', 'b' returned Pending with no wake source (step 40)  [lost-wakeup/no-wake-source]",
        "waker leak: cancelled task 'a' left 1 waker clone registered  [leak]",
        "poll budget: one poll of 'a' made 10001 wakes of itself (budget 10000)  [poll-budget]",
        "stale waker: 'a' lost — kept the waker of poll 1 (woken through it after poll 3)  [stale-waker]",
      ]
    `);
    const text = formatReport(handOutcome([vs[7]!], null), { scenario: "escape" });
    expect(text).toContain("called: Date.now at app.ts:3:9");
    expect(text).not.toContain("/abs/");
  });
});

describe("formatTimeline", () => {
  it("does trim a long trace to the head, the tail and the failing task's rows, saying what it omitted", () => {
    const timeline = formatTimeline(longTrace(), { maxRows: 6, focus: ["waiter"] });
    expect(timeline).toMatch(/… \d+ rows omitted \(steps \d+–\d+: \d+ polls of worker/);
    expect(timeline).toContain("poll g1"); // the waiter's only poll, in the middle of the run
    expect(timeline).toMatchInlineSnapshot(`
      "step  t │ worker              │ waiter
      ────────┼─────────────────────┼──────────
         0  0 │ spawned             │
         0  0 │                     │ spawned
         0  0 │ poll g1             │
         0  0 │ woken by itself     │
         0  0 │ → pending           │
         1  0 │ poll g2             │
      … 56 rows omitted (steps 1–19: 18 polls of worker)
        20  0 │                     │ poll g1
        20  0 │                     │ → pending
      … 234 rows omitted (steps 21–98: 78 polls of worker, 1 delivery, 1 clock jump)
        98  3 │ woken by itself     │
        98  3 │ → pending           │
        99  3 │ poll g99            │
        99  3 │ woken by itself     │
        99  3 │ → ready             │
        99  3 │ finished: completed │"
    `);
  });

  it("does keep the failing task's rows in a full report and drop lanes of tasks with no shown row", () => {
    const text = formatReport(handOutcome([lostWaiter], longTrace()), { scenario: "long", maxTimelineRows: 4 });
    expect(text).toMatchInlineSnapshot(`
      "long: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)

      What happened
        The run went quiet (nothing runnable, nothing due) at step 140, t=3, after 120 polls. Tasks:
        worker completed (100 polls), waiter pending (1 poll).

        [lost-wakeup, quiescence] at step 100, t=3 — task: waiter
          the run reached quiescence at step 100, t=3, with 1 task still pending:
          - waiter: waker held, never woken (waker-held-never-woken)
              pending since: step 20 (its last poll)
              awaiting:      read
              waker clones:  1 held, by pipe#1 reader

      Why this usually happens
        Waker held, never woken: Someone keeps a clone of the task's Waker but never called wake(): a
          notification was lost. Typical causes: notify() ran before the waiter registered and stored no
          permit; a single waker slot overwritten by a second waiter; a close or drop path that wakes
          nobody; or tasks waiting for each other (a wait cycle).

      Hints
        - When a notify finds no waiter, store a permit that the next poll consumes (as tokio's Notify
          does).
        - Keep one waker per waiter (a queue), not one slot shared by several waiters; on close and on
          drop, wake every waiter.
        - In the Timeline, find the task's last poll and what the other tasks did after it.

      Masking
        Found with spurious-wake and spurious-readiness off. Spurious wakeups, and combinators that
        re-poll every child on any wake (join), can mask a lost wakeup by polling the stranded future
        anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.

      Reproduce
        token:    ws1.hand-made-token
        chooser:  alea (the generator that made this run)
        schedule: 4 choices, 2 of them not the default (0)
        in code:  replay(scenario, "ws1.hand-made-token")

      Timeline (304 trace events; step, virtual time t, one lane per task)
        step  t │ worker              │ waiter
        ────────┼─────────────────────┼──────────
           0  0 │ spawned             │
           0  0 │                     │ spawned
           0  0 │ poll g1             │
           0  0 │ woken by itself     │
           0  0 │ → pending           │
           1  0 │ poll g2             │
        … 56 rows omitted (steps 1–19: 18 polls of worker)
          20  0 │                     │ poll g1
          20  0 │                     │ → pending
        … 236 rows omitted (steps 21–98: 78 polls of worker, 1 delivery, 1 clock jump)
          99  3 │ poll g99            │
          99  3 │ woken by itself     │
          99  3 │ → ready             │
          99  3 │ finished: completed │"
    `);
  });

  it("does cut long task names with … and caps the lane width", () => {
    const name = "a-task-with-a-very-long-descriptive-name";
    const trace: TraceEvent[] = [
      { type: "TaskSpawned", step: 0, time: 0, task: name, by: null },
      { type: "TaskPolled", step: 0, time: 0, task: name, generation: 1 },
      { type: "WakeIssued", step: 0, time: 0, task: name, by: "another-task-with-a-long-name", waker: "x", stale: true, effect: "schedule" },
      { type: "PollReturned", step: 0, time: 0, task: name, result: "panicked" },
      { type: "ChoiceMade", step: 1, kind: "task", n: 2, chosen: 1 },
      { type: "Note", step: 1, time: 0, task: null, text: "spurious readiness on pipe#2" },
    ];
    expect(formatTimeline(trace, { maxLaneWidth: 20 })).toMatchInlineSnapshot(`
      "step  t │ world                            │ a-task-with-a-very-…
      ────────┼──────────────────────────────────┼─────────────────────
         0  0 │                                  │ spawned
         0  0 │                                  │ poll g1
         0  0 │                                  │ woken by an… (stale)
         0  0 │                                  │ → PANIC
         1  0 │ note: spurious readiness on pip… │"
    `);
  });
});

describe("masking note", () => {
  it("says when a lost wakeup was found with spurious wakeups on, so nothing could have hidden it", () => {
    const sim = new Sim({ seed: 1, faults: ["spurious-wake", "spurious-readiness"] });
    sim.spawn({ label: "forgetful", poll: () => PENDING }, { name: "lost" });
    const report = formatReport(sim.run(), { scenario: "masked" });
    expect(report).toContain("Masking\n  Found with spurious wakeups on");
  });
});
