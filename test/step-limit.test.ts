/**
 * Step-limit diagnosis (issue 11): a run that hits maxSteps says which tasks sat still — runnable
 * but never polled, or parked and never woken — for most of the run while others were polled.
 */
import { describe, expect, it } from "vitest";
import { asyncFn, defineScenario, PENDING, ready, runScenario, yieldNow, type Waker } from "wakesim";
import { formatReport } from "wakesim/report";
import { type Chooser } from "wakesim/explore";
import type { Executor } from "wakesim/executors";
import type { TaskId } from "wakesim";
import { Flag } from "./helpers.js";

const spinner = asyncFn(function* spinner() {
  for (;;) yield* yieldNow(); // never finishes: a busy self-wake
});
const waiter = asyncFn(function* waiter(f: Flag) {
  yield* f.wait();
});
const worker = asyncFn(function* worker() {
  yield* yieldNow();
});

/** Keeps polling the task polled last whenever it is runnable (unfair on purpose, as PCT can be). */
const sticky: Chooser = {
  name: "sticky",
  fair: false,
  choose: () => 0,
  chooseTask: (cands, prev) => Math.max(0, prev === null ? 0 : cands.indexOf(prev)),
};

/**
 * A user executor that only ever offers the task scheduled last (a stack): a self-waking task
 * keeps itself on top, and the tasks under it are never offered. The fair suffix only chooses
 * among an executor's candidates, so this unfairness — the executor's own — still shows.
 */
class StackExecutor implements Executor {
  readonly name = "stack";
  private readonly stack: TaskId[] = [];
  schedule(task: TaskId): void {
    this.stack.push(task);
  }
  candidates(): readonly TaskId[] {
    return this.stack.length === 0 ? [] : [this.stack[this.stack.length - 1]!];
  }
  take(): TaskId {
    return this.stack.pop()!;
  }
  remove(task: TaskId): void {
    const i = this.stack.indexOf(task);
    if (i >= 0) this.stack.splice(i, 1);
  }
}

const spins = defineScenario({
  name: "spins",
  setup(sim) {
    sim.spawn(waiter(new Flag()), { name: "c" }); // polled first, parks for good
    sim.spawn(spinner(), { name: "a" }); // polled next, and then always
    sim.spawn(worker(), { name: "b" }); // never polled
  },
});

/** The same tasks spawned so that the stack polls c first, then a for ever, and never offers b. */
const stacked = defineScenario({
  name: "spins",
  setup(sim) {
    sim.spawn(worker(), { name: "b" }); // bottom of the stack: never offered
    sim.spawn(spinner(), { name: "a" }); // re-scheduled on top after every poll
    sim.spawn(waiter(new Flag()), { name: "c" }); // on top: polled first, parks for good
  },
});

describe("step-limit", () => {
  it("does not blame a task that an unfair strategy passed over: the fair suffix polls it (fair-suffix.ts)", () => {
    const out = runScenario(spins, { chooser: sticky, maxSteps: 300, oracles: { livelockPolls: 100_000 } });
    expect(out.status).toBe("step-limit");
    expect(out.violations[0]).toMatchObject({ kind: "step-limit", sat: [{ task: "c", state: "parked" }], busy: [{ task: "a" }, { task: "b", polls: 2 }] });
  });


  it("names the tasks that sat runnable or parked while another was polled", () => {
    const out = runScenario(stacked, { executor: () => new StackExecutor(), maxSteps: 300, oracles: { livelockPolls: 100_000 } });
    expect(out.status).toBe("step-limit");
    const v = out.violations[0]!;
    expect(v).toMatchObject({
      kind: "step-limit",
      sat: [
        { task: "b", state: "runnable", sinceStep: 0, stepsWithout: 300, polls: 0 },
        { task: "c", state: "parked", sinceStep: 0, stepsWithout: 300, polls: 1 },
      ],
      busy: [{ task: "a", polls: 299 }],
    });
    expect(v.message).toMatchInlineSnapshot(`
      "the run did not finish within maxSteps=300 (tasks still pending: b, a, c); it persisted for another 150 steps under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 150 when it was first suspected. 2 tasks sat still for most of the run while others were polled:
        - b: runnable since it was spawned at step 0, never polled in the 300 steps since
        - c: parked since its poll 1 at step 0 (awaiting waiter › flag.wait), never woken in the last 300 steps
        meanwhile 'a' was polled 299 times (in the whole run).
      A runnable task never polled is starved: an executor or strategy that keeps picking others, or a task that never yields (a busy self-wake). A parked one waits for a wake that never comes while the rest keep the run busy (a lost wakeup). If the work is just long, raise maxSteps."
    `);
  });

  it("names a parked task that was never woken, with what it awaits", () => {
    const parked = defineScenario({
      name: "parked",
      setup(sim) {
        sim.spawn(waiter(new Flag()), { name: "c" });
        sim.spawn(spinner(), { name: "a" });
      },
    });
    const out = runScenario(parked, { seed: 3, maxSteps: 400, oracles: { livelockPolls: 100_000 } });
    const v = out.violations[0]!;
    expect(v).toMatchObject({ kind: "step-limit", sat: [{ task: "c", state: "parked", sinceStep: 0, stepsWithout: 400, polls: 1 }], busy: [{ task: "a", polls: 399 }] });
    expect(v.message).toMatchInlineSnapshot(`
      "the run did not finish within maxSteps=400 (tasks still pending: c, a). One task sat still for most of the run while others were polled:
        - c: parked since its poll 1 at step 0 (awaiting waiter › flag.wait), never woken in the last 400 steps
        meanwhile 'a' was polled 399 times (in the whole run).
      A runnable task never polled is starved: an executor or strategy that keeps picking others, or a task that never yields (a busy self-wake). A parked one waits for a wake that never comes while the rest keep the run busy (a lost wakeup). If the work is just long, raise maxSteps."
    `);
    expect(formatReport(out, { scenario: "parked" }).split("\n")[0]).toMatchInlineSnapshot(`"parked: FAILED — step limit: 'c' parked, never woken for the last 400 of 400 steps while 'a' was polled 399 times"`);
  });

  it("says when a parked task's one wake came through a stale waker made inert", () => {
    const lostByStale = defineScenario({
      name: "lost-by-stale",
      setup(sim) {
        let kept: Waker | null = null;
        let set = false;
        sim.spawn(
          {
            label: "keeps-first-waker",
            poll(cx) {
              if (set) return ready(undefined);
              if (kept === null) {
                kept = cx.waker.clone(); // BUG: kept from the first poll only
                cx.waker.wakeByRef();
              }
              return PENDING;
            },
          },
          { name: "c" },
        );
        let polls = 0;
        sim.spawn(
          {
            poll(cx) {
              if (++polls === 5) {
                set = true;
                kept?.wake(); // poll 1's waker: c has been polled since
              }
              cx.waker.wakeByRef(); // and spins on
              return PENDING;
            },
          },
          { name: "a" },
        );
      },
    });
    const out = runScenario(lostByStale, { seed: 1, maxSteps: 200, oracles: { staleWakers: "inert", livelockPolls: 100_000 } });
    expect(out.violations[0]!.message.split("\n")[1]).toMatchInlineSnapshot(`"  - c: parked since its poll 2 at step 4 (awaiting keeps-first-waker), woken since only through the stale waker of poll 1 (at step 6), treated as inert"`);
  });

  it("keeps the plain message when every task was polled lately (a livelock among all)", () => {
    const all = defineScenario({ name: "all-spin", setup: (sim) => void [sim.spawn(spinner(), { name: "a" }), sim.spawn(spinner(), { name: "b" })] });
    const out = runScenario(all, { seed: 1, maxSteps: 200, oracles: { livelockPolls: 100_000 } });
    expect(out.violations[0]).toMatchObject({ kind: "step-limit", sat: [] });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"the run did not finish within maxSteps=200 (tasks still pending: a, b). Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps."`);
  });
});
