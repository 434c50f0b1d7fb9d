import { describe, expect, it } from "vitest";
import {
  asyncBlock,
  countInnerPoll,
  defineScenario,
  explore,
  FutureBase,
  PENDING,
  ready,
  readyFuture,
  replay,
  select,
  Sim,
  sleep,
  WakerSlot,
  yieldNow,
  type Context,
  type Future,
  type Poll,
  wait,
} from "wakesim";
import { busyReactorSelfWake } from "../fixtures/busy-reactor.js";
import { firstFailure, Flag } from "./helpers.js";


describe("reactor starvation", () => {
  /** A task waits for a flag that a timer task sets; the buggy one busy-waits by waking itself. */
  const make = (busy: boolean) =>
    defineScenario({
      name: `wait-for-timer-${busy ? "busy" : "parked"}`,
      setup(sim) {
        const flag = new Flag();
        let set = false;
        sim.spawn(asyncBlock(function* () {
          yield* sleep(5);
          set = true;
          flag.set();
        }), { name: "timer" });
        sim.spawn(
          busy
            ? { label: "spin", poll: (cx: Context): Poll<void> => (set ? ready() : (cx.waker.wakeByRef(), PENDING)) }
            : flag.wait(),
          { name: "waiter" },
        );
      },
    });

  it("catches a self-waking busy task that keeps the timer from ever firing", () => {
    const found = firstFailure(make(true), 5);
    expect(found?.seed).toBe(0);
    const v = found!.out.violations[0]!;
    expect(v).toMatchObject({ kind: "starvation", cause: "reactor", tasks: ["waiter"], bound: 10_000 });
    expect(v.message).toMatchInlineSnapshot(`"1 timer/I/O event has waited through 10000 polls without the reactor delivering anything: tasks kept the executor busy ('waiter'), and virtual time only advances when nothing is runnable"`);
  });

  it("passes the task that parks on the flag", () => {
    expect(firstFailure(make(false), 300, { faults: "all" })).toBeNull();
  });

  /** A long but finite batch, one yieldNow() per item, next to a timer that is not due yet. */
  const batch = (items: number, withTimer: boolean) =>
    defineScenario({
      name: `batch-${items}`,
      setup(sim) {
        if (withTimer) sim.spawn(asyncBlock(function* () { yield* sleep(5); }), { name: "timer" });
        sim.spawn(asyncBlock(function* () {
          for (let i = 0; i < items; i++) yield* yieldNow();
        }), { name: "batch" });
      },
    });

  it("passes a finite batch of 2500 yieldNow() steps, alone or next to a timer that is not due (it fires after the batch)", () => {
    // Before: the batch alone was a livelock at 1000 polls, and the pending (not due) timer made
    // it "reactor starvation" at 1000 polls — on correct code, under every strategy.
    for (const withTimer of [false, true]) {
      const out = firstFailure(batch(2500, withTimer), 20, { faults: "all" });
      expect(out?.out.violations[0]?.message ?? null, `withTimer ${withTimer}`).toBeNull();
    }
  });

  it("still reports the batch when it never ends (an endless loop next to the timer)", () => {
    const found = firstFailure(batch(1_000_000, true), 1);
    expect(found!.out.violations[0]).toMatchObject({ kind: "starvation", cause: "reactor", tasks: ["batch"], bound: 10_000, observed: 10_000 });
  });

  it("keeps the token of a long starved run short: trailing default choices are dropped, and it replays the same", () => {
    // busy-reactor-self-wake spins for 10 000 polls with two runnable tasks: a choice per step,
    // all of them 0 once shrunk to the default schedule. A replay answers 0 once its list runs out.
    const found = explore(busyReactorSelfWake, { runs: 5, seed: 0 });
    const f = found.failure!;
    expect(f.outcome.violations[0]).toMatchObject({ kind: "starvation", cause: "reactor" });
    expect(f.outcome.choices.length).toBeGreaterThan(10_000);
    expect(f.token.length).toBeLessThan(200);
    const again = replay(busyReactorSelfWake, f.token);
    expect(again.violations[0]!.message).toBe(f.outcome.violations[0]!.message);
    expect(again.steps).toBe(f.outcome.steps);
  });
});

describe("livelock", () => {
  /** Two tasks wake each other forever; the correct pair stops after a fixed number of rounds. */
  const make = (rounds: number) =>
    defineScenario({
      name: `ping-pong-${rounds}`,
      setup(sim) {
        const slots = [new WakerSlot(), new WakerSlot()];
        let turn = 0;
        let left = rounds;
        for (const me of [0, 1]) {
          sim.spawn({
            label: "ping-pong",
            poll(cx: Context): Poll<void> {
              if (left <= 0) {
                slots[1 - me]!.wake();
                return ready();
              }
              if (turn === me) {
                turn = 1 - me;
                left--;
                slots[1 - me]!.wake();
              }
              slots[me]!.register(cx);
              return PENDING;
            },
          }, { name: me === 0 ? "ping" : "pong" });
        }
      },
    });

  it("catches two tasks waking each other with no progress", () => {
    const found = firstFailure(make(Infinity), 3);
    const v = found!.out.violations[0]!;
    expect(v).toMatchObject({ kind: "starvation", cause: "livelock" });
    expect(v.tasks).toEqual(["ping", "pong"]);
    expect(v.message).toMatchInlineSnapshot(`"task 'pong' was polled 10000 times with no progress anywhere (no task finished, no event delivered, no bytes moved, no sim.progress()): a busy loop or livelock among 'ping', 'pong' waking each other"`);
  });

  it("passes a bounded exchange of 200 rounds", () => {
    expect(firstFailure(make(200), 200)).toBeNull();
  });

  it("counts sim.progress() as progress", () => {
    const sim = new Sim({ seed: 1 });
    let n = 0;
    sim.spawn({
      poll(cx: Context): Poll<void> {
        if (++n === 5000) return ready();
        sim.progress(); // each poll did real work
        cx.waker.wakeByRef();
        return PENDING;
      },
    }, { name: "worker" });
    expect(sim.run().ok).toBe(true);
  });
});

describe("fairness", () => {
  /** Two tasks ping-pong through the LIFO slot; a third, queued task waits to run once. */
  const setup = (sim: Sim) => {
    const slots = [new WakerSlot(), new WakerSlot()];
    let rounds = 2000;
    for (const me of [0, 1]) {
      sim.spawn({
        poll(cx: Context): Poll<void> {
          if (rounds-- <= 0) {
            slots[1 - me]!.wake();
            return ready();
          }
          sim.progress();
          slots[me]!.register(cx);
          slots[1 - me]!.wake();
          return PENDING;
        },
      }, { name: me === 0 ? "ping" : "pong" });
    }
    sim.spawn(readyFuture("ran"), { name: "bystander" });
  };

  it("catches a LIFO-slot executor starving a queued task", () => {
    const sim = new Sim({ seed: 1, executor: "lifo-slot" });
    setup(sim);
    const out = sim.run();
    expect(out.violations[0]).toMatchObject({ kind: "starvation", cause: "fairness", tasks: ["bystander"] });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"task 'bystander' has been runnable since step 0 but was not polled for 512 steps (fairness bound 200 = max(fairnessMinSteps, fairnessStepsPerRunnable × 2 runnable tasks)): the executor keeps choosing others; it persisted for another 256 steps under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 256 when it was first suspected"`);
  });

  it("passes when the LIFO slot is bounded (as tokio bounds it)", () => {
    const sim = new Sim({ seed: 1, executor: { kind: "lifo-slot", maxLifoPollsInRow: 3 } });
    setup(sim);
    expect(sim.run().ok).toBe(true);
  });

  it("does not apply under an unfair strategy", () => {
    const sim = new Sim({ executor: "lifo-slot", chooser: { name: "pct", fair: false, choose: () => 0 } });
    setup(sim);
    expect(sim.run().ok).toBe(true);
  });
});

describe("poll budget", () => {
  /** A user-written "drain all ready children" combinator; the buggy one never stops. */
  class DrainAll<T> extends FutureBase<number> {
    readonly label = "drain-all";
    private count = 0;
    constructor(private readonly next: () => Future<T> | null, private readonly yieldsEvery: number) {
      super();
    }
    poll(cx: Context): Poll<number> {
      for (let i = 0; ; i++) {
        if (i === this.yieldsEvery) {
          cx.waker.wakeByRef(); // cooperative: give others a turn
          return PENDING;
        }
        const f = this.next();
        if (f === null) return ready(this.count);
        countInnerPoll(cx);
        if (f.poll(cx).ready) this.count++;
      }
    }
  }

  it("breaks off a combinator that never yields and reports it", () => {
    const sim = new Sim({ seed: 1, oracles: { pollBudget: 500 } });
    const h = sim.spawn(new DrainAll(() => readyFuture(1), Infinity), { name: "drainer" });
    const out = sim.run();
    expect(h.outcome?.kind).toBe("panicked");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "poll-budget", task: "drainer", budget: 500, innerPolls: 501 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"one poll of task 'drainer' made more than 500 inner polls or I/O operations (in drain-all): a loop that never yields (a combinator polling a ready child forever, a retry loop ignoring an I/O result) keeps the executor and every other task waiting"`);
  });

  it("passes the combinator that yields every 100 inner polls", () => {
    const sim = new Sim({ seed: 1, oracles: { pollBudget: 500 } });
    let left = 5000;
    sim.spawn(new DrainAll(() => (left-- > 0 ? readyFuture(1) : null), 100), { name: "drainer" });
    expect(sim.run().ok).toBe(true);
  });

  it("breaks off a retry loop over I/O that ignores the result", () => {
    const sim = new Sim({ seed: 1 });
    const { reader } = sim.io.pipe();
    sim.spawn({ poll: (): Poll<void> => {
      for (;;) reader.tryRead(); // never waits: spins on WOULD_BLOCK
    } }, { name: "spinner" });
    const out = sim.run();
    expect(out.violations[0]).toMatchObject({ kind: "poll-budget", task: "spinner" });
  });
});

describe("liveness monitor on a select that always starts at branch 0", () => {
  /** A loop that selects over two sources; the buggy select always polls branch 0 first. */
  const make = (fair: boolean) =>
    defineScenario({
      name: `select-${fair ? "fair" : "first"}`,
      setup(sim) {
        let bWaiting = 0;
        let consumedB = 0;
        const a = () => readyFuture("a"); // a busy source: always ready
        const b = () => new (class extends FutureBase<string> {
          poll(): Poll<string> {
            return bWaiting > 0 ? (bWaiting--, consumedB++, ready("b")) : ready("none");
          }
        })();
        const biasedSelect = (x: Future<string>, y: Future<string>): Future<string> => ({
          poll(cx) {
            const p = x.poll(cx);
            return p.ready ? p : y.poll(cx);
          },
        });
        sim.spawn(asyncBlock(function* () {
          for (let i = 0; i < 400; i++) {
            if (fair) yield* select(a(), b());
            else yield* wait(biasedSelect(a(), b()));
            sim.progress();
            yield* yieldNow();
          }
        }), { name: "consumer" });
        sim.spawn(asyncBlock(function* () {
          bWaiting++;
        }), { name: "producer-b" });
        sim.monitor("b's message is waiting", () => bWaiting > 0 && consumedB === 0, { maxHotSteps: 300 });
      },
    });

  it("finds the starved branch", () => {
    const found = firstFailure(make(false), 3);
    expect(found?.out.violations[0]).toMatchObject({ kind: "liveness", monitor: "b's message is waiting" });
  });

  it("passes the reference select", () => {
    expect(firstFailure(make(true), 100)).toBeNull();
  });
});
