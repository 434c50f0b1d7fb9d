/**
 * Polls that never yield, caught without the user's cooperation (issue 11): user combinators
 * that re-poll a self-waking inner future in a loop, written WITHOUT `countInnerPoll`. Every
 * waker operation is harness code, so the simulation counts wakes and clones of the polled
 * task's own wakers within one poll and breaks the poll off past `oracles.pollBudget`.
 *
 * The two bug classes: futures-rs's FuturesUnordered that never yields while a child keeps
 * waking itself (its ready-to-run queue never drains), and `Shared` re-polling its inner future
 * whenever it was woken during its own poll. Both use per-child wakers, written as a JavaScript
 * user would: an object with the Waker methods that records the wake and forwards it to the
 * task's waker (what futures-rs's per-child wakers and Shared's Notifier do).
 */
import { describe, expect, it } from "vitest";
import { asyncFn, Context, defineScenario, explore, FutureBase, join, PENDING, ready, replay, runScenario, select, sleep, yieldNow, type Future, type Poll, type Waker } from "wakesim";

/**
 * A guard for these tests only: without the oracle the buggy loops below never end, and a test
 * must not hang. Far above the poll budget (10 000), so it only ever fires when nothing else did.
 */
const TEST_GUARD = 200_000;

/** A per-child waker: records the wake, then wakes the task through the waker it wraps. */
class ChildWaker {
  constructor(
    private readonly parent: Waker,
    private readonly onWake: () => void,
  ) {}
  wake(): void {
    this.onWake();
    this.parent.wake();
  }
  wakeByRef(): void {
    this.onWake();
    this.parent.wakeByRef();
  }
  clone(): Waker {
    return new ChildWaker(this.parent.clone(), this.onWake) as unknown as Waker;
  }
  willWake(other: Waker): boolean {
    return other instanceof ChildWaker && this.parent.willWake(other.parent);
  }
  drop(): void {
    this.parent.drop();
  }
  get generation(): number {
    return this.parent.generation;
  }
}

function childContext(cx: Context, onWake: () => void): Context {
  return new Context(new ChildWaker(cx.waker, onWake) as unknown as Waker, cx.runtime);
}

/** A child that yields forever: wakes itself and returns pending (a busy background job). */
class Spinner implements Future<never> {
  readonly label = "spinner";
  poll(cx: Context): Poll<never> {
    cx.waker.wakeByRef();
    return PENDING;
  }
}

/** A child that yields `n` times, then completes. */
class Yields implements Future<number> {
  readonly label = "yields";
  constructor(private n: number) {}
  poll(cx: Context): Poll<number> {
    if (this.n-- <= 0) return ready(0);
    cx.waker.wakeByRef();
    return PENDING;
  }
}

/**
 * A FuturesUnordered: children woken go to a ready-to-run queue. The buggy one drains the
 * queue in one poll, so a child that wakes itself during its poll is back in the queue at once
 * and the poll never returns; the correct one polls only the children queued when it started.
 */
class UserFuturesUnordered extends FutureBase<number> {
  readonly label = "futures-unordered";
  private readonly readyQueue: number[];
  private left: number;

  constructor(
    private readonly children: (Future<unknown> | null)[],
    private readonly yields: boolean,
  ) {
    super();
    this.readyQueue = children.map((_, i) => i);
    this.left = children.length;
  }

  poll(cx: Context): Poll<number> {
    let budget = this.yields ? this.readyQueue.length : Infinity;
    let guard = 0;
    for (let i = this.readyQueue.shift(); i !== undefined; i = budget > 0 ? this.readyQueue.shift() : undefined) {
      if (++guard > TEST_GUARD) throw new Error("futures-unordered: still looping (the test guard)");
      budget--;
      const child = this.children[i];
      if (child === null || child === undefined) continue;
      const p = child.poll(childContext(cx, () => this.readyQueue.push(i)));
      if (p.ready) {
        this.children[i] = null;
        this.left--;
      }
    }
    if (this.left === 0) return ready(this.children.length);
    return PENDING;
  }
}

/**
 * A Shared future: polls its inner future with a notifier waker. The buggy one re-polls the
 * inner future at once whenever it was woken during that poll (futures-rs's REPOLL state); the
 * correct one returns pending and lets the wake reschedule the task.
 */
class UserShared<T> extends FutureBase<T> {
  readonly label = "shared";
  private woken = false;
  constructor(
    private readonly inner: Future<T>,
    private readonly repolls: boolean,
  ) {
    super();
  }
  poll(cx: Context): Poll<T> {
    for (let guard = 0; ; guard++) {
      if (guard > TEST_GUARD) throw new Error("shared: still looping (the test guard)");
      this.woken = false;
      const p = this.inner.poll(childContext(cx, () => (this.woken = true)));
      if (p.ready) return p;
      if (!(this.repolls && this.woken)) return PENDING;
    }
  }
}

const driveSet = asyncFn(function* driver(set: UserFuturesUnordered) {
  return yield* set;
});
const driveShared = asyncFn(function* consumer(s: UserShared<never>) {
  return yield* s;
});
const gateOpener = asyncFn(function* gateOpener() {
  yield* sleep(1);
});

const neverYieldingSet = defineScenario({
  name: "futures-unordered-never-yields",
  setup(sim) {
    sim.spawn(driveSet(new UserFuturesUnordered([new Yields(1), new Spinner()], false)), { name: "driver" });
    sim.spawn(gateOpener(), { name: "gate-opener" });
  },
});

const repollingShared = defineScenario({
  name: "shared-repolls",
  setup(sim) {
    sim.spawn(driveShared(new UserShared(new Spinner(), true)), { name: "consumer" });
    sim.spawn(gateOpener(), { name: "gate-opener" });
  },
});

describe("poll-budget without countInnerPoll", () => {
  it("breaks off a FuturesUnordered that never yields while a child wakes itself, naming the task and the future", () => {
    const out = runScenario(neverYieldingSet, { seed: 1 });
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0]!;
    expect(v).toMatchObject({ kind: "poll-budget", task: "driver", counted: "self-wakes", budget: 10_000 });
    expect(v.message).toMatchInlineSnapshot(`"one poll of task 'driver' woke its own task more than 10000 times (in driver › futures-unordered) and was broken off: a loop re-polling a future that wakes itself (a FuturesUnordered that never yields while a child keeps waking itself, a Shared that re-polls its inner future whenever it was woken during its own poll) never returns to the executor, and every other task waits. Return pending after the wake: the task is polled again."`);
    expect(out.tasks.find((t) => t.name === "driver")?.state).toBe("panicked");
    expect(out.tasks.find((t) => t.name === "gate-opener")?.state).toBe("pending"); // the run stopped at the violation
  });

  it("breaks off a Shared that re-polls its inner future when woken during its own poll", () => {
    const out = runScenario(repollingShared, { seed: 1, oracles: { pollBudget: 500 } });
    expect(out.violations[0]).toMatchObject({ kind: "poll-budget", task: "consumer", counted: "self-wakes", budget: 500, observed: 501 });
    expect(out.violations[0]!.message).toContain("(in consumer › shared)");
  });

  it("is found by explore, and replays", () => {
    const found = explore(neverYieldingSet, { runs: 10 });
    expect(found.failure?.outcome.violations[0]?.kind).toBe("poll-budget");
    const again = replay(neverYieldingSet, found.failure!.token);
    expect(again.violations.map((v) => v.message)).toEqual(found.failure!.outcome.violations.map((v) => v.message));
  });

  it("breaks off a busy retry loop that clones the waker on every attempt", () => {
    const waiters: Waker[] = [];
    /** Registers a fresh clone on every poll (a wait list that appends) and never completes. */
    const registers: Future<never> = {
      label: "register",
      poll(cx) {
        waiters.push(cx.waker.clone());
        return PENDING;
      },
    };
    const retry = {
      label: "retry-loop",
      poll(cx: Context): Poll<never> {
        for (let guard = 0; guard < TEST_GUARD; guard++) registers.poll(cx); // BUG: spins on a pending future
        throw new Error("retry-loop: still looping (the test guard)");
      },
    };
    const out = runScenario(defineScenario({ name: "retry", setup: (sim) => void sim.spawn(retry, { name: "retrier" }) }), { seed: 1 });
    expect(out.violations[0]).toMatchObject({ kind: "poll-budget", task: "retrier", counted: "waker-clones" });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"one poll of task 'retrier' cloned its own waker more than 10000 times (in retry-loop) and was broken off: a loop that keeps polling a future that stays pending (a busy retry around poll()) never returns to the executor, and every other task waits. Return pending: the registered waker will wake the task."`);
  });
});

describe("legitimate wakes and clones are not flagged", () => {
  it("a task that yields once per poll, many times", () => {
    const yielder = asyncFn(function* yielder() {
      for (let i = 0; i < 500; i++) yield* yieldNow();
    });
    const out = runScenario(defineScenario({ name: "yielder", setup: (sim) => void sim.spawn(yielder(), { name: "y" }) }), { seed: 1, oracles: { pollBudget: 100 } });
    expect(out.ok).toBe(true);
  });

  it("a combinator whose many children each wake once in one poll, and the yielding FuturesUnordered", () => {
    const children = Array.from({ length: 5000 }, () => new Yields(2));
    const out = runScenario(defineScenario({ name: "wide", setup: (sim) => void sim.spawn(driveSet(new UserFuturesUnordered(children, true)), { name: "driver" }) }), { seed: 1 });
    expect(out.violations).toEqual([]);
    expect(out.ok).toBe(true);
  });

  it("a select that clones the waker once per branch, polled many times", () => {
    const ticker = asyncFn(function* ticker() {
      for (let i = 0; i < 50; i++) yield* select(...Array.from({ length: 12 }, (_, k) => sleep(k + 1)), join(sleep(1), sleep(2)));
    });
    // up to two selects a poll (the one that completes, the next one): ~30 clones and inner polls, under a budget of 40
    const out = runScenario(defineScenario({ name: "selects", setup: (sim) => void sim.spawn(ticker(), { name: "t" }) }), { seed: 1, oracles: { pollBudget: 40 } });
    expect(out.violations).toEqual([]);
    expect(out.ok).toBe(true);
  });

  it("a Shared that returns pending when woken during its poll", () => {
    const out = runScenario(
      defineScenario({ name: "shared-ok", setup: (sim) => void sim.spawn(asyncFn(function* c() { return yield* new UserShared(new Yields(300), false); })(), { name: "c" }) }),
      { seed: 1, oracles: { pollBudget: 10 } },
    );
    expect(out.ok).toBe(true);
  });
});
