/**
 * Races inside a poll (src/threads, src/sim/threads.ts): atomic cells, preemptible polls on
 * workers, simulated threads, mutexes and parking, and the explorers over them.
 */
import { describe, expect, it } from "vitest";
import {
  AtomicCell,
  CondVar,
  DataCell,
  defineScenario,
  explore,
  PENDING,
  point,
  ready,
  replay,
  runScenario,
  Sim,
  SimMutex,
  runSteps,
  spinLoop,
  stepFuture,
  traceText,
  wake,
  type Context,
  type Poll,
  type Steps,
  type Waker,
} from "wakesim";
import { dporStrategy, threadDfsStrategy, type ThreadExplorerStrategy } from "wakesim/explore";
import type { Scenario } from "wakesim";
import { atomicWakerScenario } from "../fixtures/threads/atomic-waker.js";
import { timerNextWakeScenario } from "../fixtures/threads/timer-next-wake.js";
import { spin } from "./helpers.js";

/** Two threads add 1 each: with `racy`, as load then store (a lost update is possible). */
function counter(racy: boolean) {
  return defineScenario({
    name: racy ? "racy-counter" : "atomic-counter",
    setup(sim) {
      const n = new AtomicCell(0, "n");
      let finished = 0;
      for (const name of ["a", "b"]) {
        sim.thread(
          function* () {
            if (racy) {
              const v = yield* n.load();
              yield* n.store(v + 1);
            } else yield* n.fetchAdd(1);
            finished++;
          },
          { name },
        );
      }
      sim.invariant("both increments counted", () => finished < 2 || n.peek() === 2);
    },
  });
}

/** Two preemptible tasks: one stores a flag, the other is ready only if it loads it set (else it waits for good). */
const twoTasksRacing = defineScenario({
  name: "two-tasks-racing",
  setup(sim) {
    const flag = new AtomicCell(0, "flag");
    sim.spawn(stepFuture(function* (): Steps<Poll<number>> {
      yield* flag.store(1);
      return ready(1);
    }), { name: "storer" });
    sim.spawn(stepFuture(function* (): Steps<Poll<number>> {
      return (yield* flag.load()) === 1 ? ready(1) : PENDING;
    }), { name: "loader" });
  },
});

describe("atomic cells", () => {
  it("load, store, swap, compare-exchange and the fetch-ops do what Rust's atomics do", () => {
    const seen: unknown[] = [];
    const sim = new Sim({ seed: 1 });
    const c = new AtomicCell(5, "c");
    sim.thread(function* () {
      seen.push(yield* c.load());
      yield* c.store(7);
      seen.push(yield* c.swap(9));
      seen.push(yield* c.compareExchange(1, 2));
      seen.push(yield* c.compareExchange(9, 3));
      seen.push(yield* c.fetchAdd(4), yield* c.fetchSub(1), yield* c.fetchOr(8), yield* c.fetchAnd(12), yield* c.fetchXor(1));
      seen.push(yield* c.update((v) => v * 2));
      seen.push(c.peek());
    });
    expect(sim.run()).toMatchObject({ ok: true, status: "completed" });
    expect(seen).toEqual([5, 7, { ok: false, previous: 9 }, { ok: true, previous: 9 }, 3, 7, 6, 14, 12, 13, 26]);
  });

  it("a lost update of a load-then-store counter is found by every strategy; fetchAdd never loses one", () => {
    for (const strategy of ["random", "pct", "portfolio", "exhaustive", "dpor"] as const) {
      const bad = explore(counter(true), { runs: 500, strategy, seed: 3 });
      expect(bad.failure?.violation.kind, strategy).toBe("invariant");
      const good = explore(counter(false), { runs: 500, strategy, seed: 3 });
      expect(good.ok, strategy).toBe(true);
    }
  });

  it("the lost update's token replays it, and shrinking leaves one preemption", () => {
    const found = explore(counter(true), { runs: 500, strategy: "random", seed: 11 });
    const f = found.failure!;
    expect(replay(counter(true), f.token).violations[0]?.kind).toBe("invariant");
    expect(f.choices.filter((c) => c !== 0)).toHaveLength(1);
  });
});

describe("preemptible polls on workers", () => {
  /** A task that registers its waker in a cell and checks a flag; a thread sets the flag and wakes. */
  function handoff(order: "register-then-check" | "check-then-register") {
    return defineScenario({
      name: `handoff-${order}`,
      setup(sim) {
        const flag = new AtomicCell(false, "flag");
        const slot = new AtomicCell<Waker | null>(null, "slot");
        sim.spawn(
          stepFuture(function* (cx: Context): Steps<Poll<string>> {
            if (order === "check-then-register" && (yield* flag.load())) return ready("early");
            (yield* slot.swap(cx.waker.clone()))?.drop();
            if (yield* flag.load()) return ready("seen");
            return PENDING;
          }, "waiter"),
          { name: "waiter" },
        );
        sim.thread(
          function* () {
            yield* flag.store(true);
            const w = yield* slot.swap(null);
            if (w !== null) yield* wake(w);
          },
          { name: "setter" },
        );
      },
    });
  }

  it("a correct register-then-check handoff is clean in every schedule (dpor exhausts them)", () => {
    const r = explore(handoff("register-then-check"), { runs: 10_000, strategy: "dpor" });
    expect(r.ok).toBe(true);
    expect(r.exhausted).toBe(true);
    expect(Number(r.stats.schedules)).toBeGreaterThan(1);
  });

  it("a wake that arrives while the woken task is mid-poll on a worker makes it poll again (notified while running)", () => {
    // The setter wakes between the waiter's swap and its flag load in some schedules: the task
    // is Running then, and must be polled again after this poll returns pending.
    let midPoll = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = runScenario(handoff("register-then-check"), { seed, trace: true });
      expect(out.ok).toBe(true);
      if (traceText(out).includes("notified-while-running")) midPoll++;
    }
    expect(midPoll).toBeGreaterThan(0);
  });

  it("plain polls stay atomic and their runs choose as before, whatever the number of workers", () => {
    const sc = defineScenario({
      name: "plain",
      setup(sim) {
        sim.spawn(spin(3, "a"), { name: "a" });
        sim.spawn(spin(2, "b"), { name: "b" });
      },
    });
    for (let seed = 0; seed < 20; seed++) {
      const one = runScenario(sc, { seed });
      const four = runScenario(sc, { seed, workers: 4 });
      expect(four.choices).toEqual(one.choices);
      expect(four.steps).toBe(one.steps);
    }
  });

  it("two workers poll two preemptible tasks at once: their steps interleave", () => {
    const sc = defineScenario({
      name: "two-workers",
      setup(sim) {
        const log = new AtomicCell<string>("", "log");
        for (const name of ["x", "y"]) {
          sim.spawn(
            stepFuture(function* (): Steps<Poll<void>> {
              yield* log.update((s) => s + name);
              yield* point("between");
              yield* log.update((s) => s + name);
              return ready(undefined);
            }),
            { name },
          );
        }
        sim.invariant("polls never interleave", () => !/^(xy|yx)/.test(log.peek()));
      },
    });
    expect(explore(sc, { runs: 300, strategy: "random" }).failure?.violation.kind).toBe("invariant");
    // With one worker, a poll runs to its end before the next begins.
    expect(explore(sc, { runs: 300, strategy: "random", workers: 1 }).ok).toBe(true);
  });

  it("the AtomicWaker's check-then-register twin loses the wake in some schedule; DPOR needs far fewer schedules than the full search", () => {
    const dpor = explore(atomicWakerScenario("none", 2), { runs: 100_000, strategy: dporStrategy() });
    const full = explore(atomicWakerScenario("none", 2), { runs: 100_000, strategy: threadDfsStrategy() });
    expect(dpor.ok && full.ok).toBe(true);
    expect(dpor.exhausted && full.exhausted).toBe(true);
    expect(Number(full.stats.schedules) / Number(dpor.stats.schedules)).toBeGreaterThanOrEqual(10);
    for (const s of [dporStrategy(), threadDfsStrategy()]) {
      const bug = explore(atomicWakerScenario("check-then-register", 2), { runs: 100_000, strategy: s });
      expect(bug.failure?.violation.kind).toBe("lost-wakeup");
      expect(bug.failure?.violation.tasks).toEqual(["consumer"]);
    }
  }, 60_000); // full searches of thousands of schedules: seconds on a busy 2-core machine

  it("two preemptible tasks race with each other under every strategy, DPOR included (each task's polls are one thread, whichever worker runs them)", () => {
    for (const strategy of ["dpor", "random", "pct", "exhaustive"] as const) expect(explore(twoTasksRacing, { runs: 500, strategy }).failure?.violation.kind, strategy).toBe("lost-wakeup");
  });

  it("PCT can switch back and forth between two threads (A, B, A, B): a lowered thread goes below every other", () => {
    const sc = defineScenario({
      name: "ping-pong",
      setup(sim) {
        const x = new AtomicCell(0, "x");
        sim.thread(function* () {
          yield* x.store(1);
          yield* x.store(2);
        }, { name: "A" });
        sim.thread(function* () {
          const v = yield* x.load();
          const w = yield* x.load();
          if (v === 1 && w === 2) throw new Error("A1 B1 A2 B2");
        }, { name: "B" });
      },
    });
    expect(explore(sc, { runs: 2000, strategy: "pct" }).failure?.violation.kind).toBe("panic");
  });

  it("a spin on a flag another thread sets is not a livelock, under any strategy (the yield rule)", () => {
    const sc = defineScenario({
      name: "spin-wait",
      setup(sim) {
        const flag = new AtomicCell(false, "flag");
        sim.spawn(
          stepFuture(function* (cx: Context): Steps<Poll<void>> {
            if (yield* flag.load()) return ready(undefined);
            cx.waker.wakeByRef(); // spin: poll again
            return PENDING;
          }),
          { name: "spinner" },
        );
        sim.thread(function* () {
          yield* point("busy");
          yield* flag.store(true);
        });
      },
    });
    for (const strategy of ["random", "pct", "exhaustive", "dpor"] as const) expect(explore(sc, { runs: 300, strategy }).ok, strategy).toBe(true);
  });
});

describe("spin loops in threads", () => {
  function spinlock(hint: boolean) {
    return defineScenario({
      name: `spinlock${hint ? "" : "-no-hint"}`,
      setup(sim) {
        const locked = new AtomicCell(false, "locked");
        for (const name of ["a", "b"]) {
          sim.thread(function* () {
            while (!(yield* locked.compareExchange(false, true)).ok) if (hint) yield* spinLoop();
            yield* locked.store(false);
          }, { name });
        }
      },
    });
  }

  it("with the spinLoop hint, a spinlock is one finite space: dpor and exhaustive search exhaust it clean", () => {
    const d = explore(spinlock(true), { runs: 10_000, strategy: "dpor" });
    expect(d.ok && d.exhausted).toBe(true);
    const e = explore(spinlock(true), { runs: 10_000, strategy: "exhaustive" });
    expect(e.ok && e.exhausted).toBe(true);
  });

  it("without it, a spin the explorer keeps choosing is handed to the fair suffix as under any strategy: no false alarm, and what it finds replays", () => {
    for (const strategy of ["dpor", "exhaustive", "pct", "random"] as const) {
      expect(explore(spinlock(false), { runs: 30, strategy, maxSteps: 400 }).ok, strategy).toBe(true);
    }
    // At the default step limit too: the explorer decides the first EXPLORER_MAX_STEPS steps of a
    // run, not the 50 000 before the suffix (its race analysis grows with the square of that).
    const d = explore(spinlock(false), { runs: 50, strategy: "dpor" });
    expect(d.ok && d.exhausted).toBe(true);
  });
});

describe("DPOR against the full search, on runs with parks and condition variables", () => {
  /** Every outcome (status, violations, end time) of every schedule the explorer hands out (it must exhaust them). */
  function outcomes(sc: Scenario, st: ThreadExplorerStrategy): Set<string> {
    const out = new Set<string>();
    for (let p = st.nextRun(); p !== null; p = st.nextRun()) {
      const o = runScenario(sc, { chooser: p.chooser, stopOnViolation: false });
      st.runDone();
      // Step numbers differ between schedules that only reorder independent steps: not an outcome.
      if (o.status !== "pruned") out.add(`${o.status}|${o.violations.map((v) => v.message.replace(/step \d+/g, "step N")).sort().join(";")}|t=${o.time}`);
    }
    expect(st.exhausted).toBe(true);
    return out;
  }

  it("reaches every outcome the full search reaches (independent and racing tasks; a driver thread that parks until its own deadline; a condvar handoff racing two unparks)", () => {
    const parkCondvar = defineScenario({
      name: "park-condvar",
      setup(sim) {
        const m = new SimMutex("m");
        const cv = new CondVar("cv");
        const x = new AtomicCell(0, "x");
        let items = 0;
        const consumer = sim.thread(function* (t) {
          yield* m.lock();
          while (items === 0) yield* cv.wait(m);
          items--;
          yield* m.unlock();
          if ((yield* x.load()) === 0) yield* t.park({ until: 7 });
        }, { name: "consumer" });
        sim.thread(function* () {
          yield* x.store(1);
          yield* consumer.unpark();
          yield* m.lock();
          items++;
          yield* cv.notifyOne();
          yield* m.unlock();
        }, { name: "producer" });
        sim.thread(function* () {
          if ((yield* x.swap(2)) === 1) yield* consumer.unpark();
        }, { name: "third" });
      },
    });
    // Preemptible tasks that touch only their own data: under the permissive executor each task's
    // scheduling is its own (threads.ts rule 4), so DPOR needs one schedule where the full search
    // needs 11 550 (3 tasks); two tasks racing on a flag keep both of their outcomes.
    const independent = defineScenario({
      name: "independent-tasks",
      options: { workers: 3 },
      setup(sim) {
        for (let i = 0; i < 3; i++) {
          const d = new DataCell(0, `d${i}`);
          let polled = false;
          sim.spawn(stepFuture(function* (cx: Context): Steps<Poll<number>> {
            if (!polled) {
              polled = true;
              yield* d.write(1);
              cx.waker.wakeByRef();
              return PENDING;
            }
            return ready(yield* d.read());
          }), { name: `t${i}` });
        }
      },
    });
    const one = dporStrategy();
    expect(outcomes(independent, one)).toEqual(outcomes(independent, threadDfsStrategy()));
    expect(one.stats().schedules).toBe(1);
    for (const sc of [twoTasksRacing, timerNextWakeScenario("publish-after-unlock"), timerNextWakeScenario("publish-after-unlock", { cancel: "in-poll" }), parkCondvar]) {
      const reduced = outcomes(sc, dporStrategy());
      const full = outcomes(sc, threadDfsStrategy());
      expect([...reduced].sort(), sc.name).toEqual([...full].sort());
    }
  }, 60_000); // full searches of thousands of schedules: seconds on a busy 2-core machine
});

describe("threads: mutex, condition variable, park", () => {
  it("a lock-order deadlock is reported with what each thread waits for", () => {
    const sc = defineScenario({
      name: "deadlock",
      setup(sim) {
        const a = new SimMutex("A");
        const b = new SimMutex("B");
        sim.thread(function* () {
          yield* a.lock();
          yield* b.lock();
          yield* b.unlock();
          yield* a.unlock();
        }, { name: "t1" });
        sim.thread(function* () {
          yield* b.lock();
          yield* a.lock();
          yield* a.unlock();
          yield* b.unlock();
        }, { name: "t2" });
      },
    });
    for (const strategy of ["random", "dpor"] as const) {
      const r = explore(sc, { runs: 500, strategy });
      expect(r.failure?.violation.kind, strategy).toBe("liveness");
      expect(r.failure?.violation.message).toMatch(/^t[12] was still blocked when the run went quiet, waiting for lock [AB]#\d+ \(held by t[12]\)/);
    }
  });

  it("a condition variable hands a value over without losing the notification", () => {
    const sc = defineScenario({
      name: "condvar",
      setup(sim) {
        const m = new SimMutex("m");
        const cv = new CondVar("cv");
        let ready = false;
        let got = false;
        sim.thread(function* () {
          yield* m.lock();
          while (!ready) yield* cv.wait(m);
          got = true;
          yield* m.unlock();
        }, { name: "consumer" });
        sim.thread(function* () {
          yield* m.lock();
          ready = true;
          yield* cv.notifyOne();
          yield* m.unlock();
        }, { name: "producer" });
        sim.eventually("consumer got it", () => got, { withinSteps: 1000 });
      },
    });
    for (const strategy of ["random", "pct", "dpor"] as const) expect(explore(sc, { runs: 300, strategy }).ok, strategy).toBe(true);
  });

  it("park returns at its own deadline in virtual time, at once on a token left by an earlier unpark, and on another thread's unpark", () => {
    const events: string[] = [];
    const sim = new Sim({ seed: 2 });
    sim.thread(function* (t) {
      events.push(`deadline: ${yield* t.park({ until: 50 })} at ${sim.now}`);
      yield* t.unpark();
      events.push(`token: ${yield* t.park()} at ${sim.now}`);
    }, { name: "alone" });
    expect(sim.run()).toMatchObject({ ok: true, status: "completed", time: 50 });
    expect(events).toEqual(["deadline: false at 50", "token: true at 50"]);
    const pair = defineScenario({
      name: "unpark",
      setup(s) {
        const parker = s.thread(function* (t) {
          yield* t.park();
        }, { name: "parker" });
        s.thread(function* () {
          yield* parker.unpark();
        }, { name: "unparker" });
      },
    });
    const r = explore(pair, { runs: 100, strategy: "dpor" });
    expect(r.ok && r.exhausted).toBe(true);
  });

  it("the same seed gives the same trace, byte for byte", () => {
    const a = traceText(runScenario(atomicWakerScenario("check-then-register", 2), { seed: 9, trace: true }));
    const b = traceText(runScenario(atomicWakerScenario("check-then-register", 2), { seed: 9, trace: true }));
    expect(a).toBe(b);
    expect(a).toContain("producer1");
  });
});

describe("data races on plain cells", () => {
  /** A writer hands a value to a reader through a flag: data first, then the flag (or the other way round). */
  function publish(order: "data-then-flag" | "flag-then-data" | "mutex") {
    return defineScenario({
      name: `publish-${order}`,
      setup(sim) {
        const data = new DataCell(0, "data");
        const flag = new AtomicCell(false, "flag");
        const m = new SimMutex("m");
        sim.thread(function* () {
          if (order === "mutex") return yield* m.withLock(() => data.write(42));
          if (order === "flag-then-data") yield* flag.store(true);
          yield* data.write(42);
          if (order === "data-then-flag") yield* flag.store(true);
        }, { name: "writer" });
        sim.thread(function* () {
          if (order === "mutex") return void (yield* m.withLock(() => data.read()));
          if (yield* flag.load()) yield* data.read();
        }, { name: "reader" });
      },
    });
  }

  it("data written before a thread is made is the new thread's to read (its creation orders them), both ways", () => {
    for (const childWrites of [false, true]) {
      const sc = defineScenario({
        name: `hand-over-by-spawn-${childWrites ? "write" : "read"}`,
        setup(sim) {
          const d = new DataCell(0, "d");
          sim.thread(function* () {
            if (childWrites) yield* d.read();
            else yield* d.write(1);
            sim.thread(function* () {
              if (childWrites) yield* d.write(2);
              else yield* d.read();
            }, { name: "child" });
          }, { name: "parent" });
        },
      });
      for (const strategy of ["random", "dpor"] as const) expect(explore(sc, { runs: 200, strategy }).ok, `${sc.name} ${strategy}`).toBe(true);
    }
  });

  it("a read not ordered after the write it may see is a data race naming both accesses; publishing through the flag or a mutex is not", () => {
    for (const strategy of ["random", "dpor"] as const) {
      const bad = explore(publish("flag-then-data"), { runs: 500, strategy });
      expect(bad.failure?.violation.kind, strategy).toBe("data-race");
      expect(bad.failure?.report).toContain("Data race on a plain cell: Two threads touched a DataCell");
      expect(bad.failure?.violation.message).toMatch(/^data race on data#\d+: (reader's read at step \d+ and writer's write|writer's write at step \d+ and reader's read) at step \d+ are not ordered/);
      expect(explore(publish("data-then-flag"), { runs: 500, strategy }).ok, strategy).toBe(true);
      expect(explore(publish("mutex"), { runs: 500, strategy }).ok, strategy).toBe(true);
    }
  });
});

describe("mistakes get a clear error", () => {
  it("a step body that yields a value instead of an op is a panic naming the task", () => {
    const sim = new Sim();
    sim.spawn(
      stepFuture(function* (): Steps<Poll<void>> {
        yield 42 as never;
        return ready(undefined);
      }),
      { name: "oops" },
    );
    sim.thread(function* () {
      yield* point("x");
    });
    const out = sim.run();
    expect(out.violations[0]?.message).toMatch(/the pollSteps of task 'oops' yielded 42: yield\* an operation/);
  });

  it("a non-daemon thread that loops forever hits the step limit, which names it and says to make it a daemon", () => {
    const sim = new Sim({ maxSteps: 300 });
    sim.thread(function* () {
      for (;;) yield* point("spin");
    }, { name: "spinner" });
    const out = sim.run();
    expect(out.status).toBe("step-limit");
    expect(out.violations[0]?.message).toMatch(/\(tasks still pending: none; threads not finished: spinner\)\. A thread that loops forever must be made a daemon/);
    const daemon = new Sim({ maxSteps: 300 });
    daemon.thread(function* () {
      for (;;) yield* point("spin");
    }, { name: "spinner", daemon: true });
    daemon.spawn(spin(2, "task"), { name: "task" });
    expect(daemon.run()).toMatchObject({ ok: true, status: "completed" });
  });

  it("a thread that throws is reported as a thread, in the report's words too", () => {
    const sc = defineScenario({
      name: "thread-throws",
      setup(sim) {
        const c = new AtomicCell(0, "c");
        sim.thread(function* () {
          if ((yield* c.fetchAdd(1)) === 0) throw new Error("count went wrong");
        }, { name: "worker-thread" });
      },
    });
    const r = explore(sc, { runs: 10 });
    expect(r.failure?.report).toMatch(/^thread-throws: FAILED — thread 'worker-thread' panicked: Error: count went wrong/);
    expect(r.failure?.report).toContain("A thread threw: A simulated thread's body threw between two of its steps");
    expect(r.failure?.report).not.toContain("JoinHandle");
  });

  it("unlocking a mutex one does not hold, and sim.thread without a generator", () => {
    const sim = new Sim();
    const m = new SimMutex("m");
    sim.thread(function* () {
      yield* m.unlock();
    }, { name: "rogue" });
    expect(sim.run().violations[0]?.message).toMatch(/rogue unlocked m#\d+, which nobody held: unlock only a mutex you locked/);
    expect(() => new Sim().thread((() => 1) as never)).toThrow(/sim.thread expects a generator function/);
  });

  it("a preemptible future polled atomically (nested in a plain poll) cannot block", () => {
    const m = new SimMutex("m");
    runSteps(m.lock(), "first");
    expect(() => runSteps(m.lock(), "Locker")).toThrow(/^Locker blocked \(lock m#\d+, waiting for lock m#\d+ \(held by an atomic poll\)\) while polled atomically/);
  });
});
