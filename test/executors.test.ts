/**
 * Every executor's queueing policy, observed through the Sim with hand-written futures that log
 * their polls; plus a user's own executor (a correct one and one that loses wakes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayChooser } from "../src/chooser/replay.js";
import type { Executor, ExecutorEnv, ScheduleCause } from "../src/executors/executor.js";
import { WorkStealingExecutor } from "../src/executors/work-stealing.js";
import type { Context } from "../src/future/context.js";
import type { Future } from "../src/future/future.js";
import { PENDING, ready, type Poll } from "../src/future/poll.js";
import type { ExecutorSpec } from "../src/executors/spec.js";
import type { SimOptions } from "../src/sim/config.js";
import { OptionError } from "../src/core/errors.js";
import type { TaskId } from "../src/core/ids.js";
import { Sim } from "../src/sim/sim.js";
import type { JoinHandle } from "../src/task/join-handle.js";
import { WakerSlot } from "../src/future/waker-slot.js";

// ---- hand-written futures ----------------------------------------------------------------------

/** Logs each poll; yields (wakes itself during the poll) `n` times, then completes. */
function yielder(name: string, log: string[], n: number): Future<void> {
  let left = n;
  return {
    poll(cx: Context): Poll<void> {
      log.push(name);
      if (left-- <= 0) return ready();
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
}

/** A one-shot signal with one waiter. */
class Bell {
  rung = false;
  readonly slot = new WakerSlot();
  ring(): void {
    this.rung = true;
    this.slot.wake();
  }
}

/** Logs each poll; pending (registered on the bell) until the bell rang. */
function waitFor(bell: Bell, name: string, log: string[]): Future<void> {
  return {
    poll(cx: Context): Poll<void> {
      log.push(name);
      if (bell.rung) return ready();
      bell.slot.register(cx);
      return PENDING;
    },
  };
}

/** Logs its one poll, in which it rings the bells in the given order. */
function ringer(bells: Bell[], name: string, log: string[]): Future<void> {
  return {
    poll(): Poll<void> {
      log.push(name);
      for (const b of bells) b.ring();
      return ready();
    },
  };
}

/**
 * Two tasks that wake each other `rounds` times each ("ping-pong"), and a bystander: the
 * message-passing pattern that a LIFO slot serves well and that starves everything else.
 * The bystander is spawned from outside, or by ping in the middle of the game (so that a
 * work-stealing worker holds it in its local queue rather than in the global injector).
 */
function pingPong(sim: Sim, rounds: number, log: string[], bystander: "outside" | "by-ping" = "outside"): void {
  const slots = [new WakerSlot(), new WakerSlot()] as const;
  let turn = 0;
  const player = (me: 0 | 1, name: string): Future<void> => ({
    poll(cx: Context): Poll<void> {
      log.push(name);
      if (turn % 2 === me && turn < 2 * rounds) {
        if (bystander === "by-ping" && turn === 2) sim.spawn(yielder("bystander", log, 0), { name: "bystander" });
        turn++;
        slots[me === 0 ? 1 : 0].wake();
      }
      if (turn >= 2 * rounds) return ready();
      slots[me].register(cx);
      return PENDING;
    },
  });
  sim.spawn(player(0, "ping"), { name: "ping" });
  sim.spawn(player(1, "pong"), { name: "pong" });
  if (bystander === "outside") sim.spawn(yielder("bystander", log, 0), { name: "bystander" });
}

/** Runs the bell scenario: three waiters register, then a ringer wakes them as 3, 1, 2. */
function wakeOrder(options: SimOptions): string[] {
  const log: string[] = [];
  const sim = new Sim(options);
  const bells = [new Bell(), new Bell(), new Bell()] as const;
  sim.spawn(waitFor(bells[0], "w1", log), { name: "w1" });
  sim.spawn(waitFor(bells[1], "w2", log), { name: "w2" });
  sim.spawn(waitFor(bells[2], "w3", log), { name: "w3" });
  sim.spawn(ringer([bells[2], bells[0], bells[1]], "ringer", log), { name: "ringer" });
  expect(sim.run().ok).toBe(true);
  return log;
}

/** A run-to-completion workload: a root fans out a chain of children, plus outside tasks. */
function workload(sim: Sim, record: (name: string) => void): void {
  const bells = Array.from({ length: 6 }, () => new Bell());
  const child = (i: number): Future<void> => {
    let yields = i % 3;
    return {
      poll(cx: Context): Poll<void> {
        record(`c${i}`);
        const before = bells[i - 1];
        if (before !== undefined && !before.rung) {
          before.slot.register(cx);
          return PENDING;
        }
        if (yields-- > 0) {
          cx.waker.wakeByRef();
          return PENDING;
        }
        bells[i]!.ring();
        return ready();
      },
    };
  };
  let handles: JoinHandle<void>[] | null = null;
  sim.spawn(
    {
      poll(cx: Context): Poll<void> {
        record("root");
        if (handles === null) handles = bells.map((_, i) => sim.spawn(child(i), { name: `c${i}` }));
        let done = true;
        for (const h of handles) if (!h.poll(cx).ready) done = false;
        return done ? ready() : PENDING;
      },
    },
    { name: "root" },
  );
  for (let i = 0; i < 4; i++) {
    const log: string[] = [];
    const inner = yielder(`o${i}`, log, 2);
    sim.spawn({ poll: (cx) => (record(`o${i}`), inner.poll(cx)) }, { name: `o${i}` });
  }
}

// ---- built-in executors ------------------------------------------------------------------------

describe("FifoExecutor", () => {
  it("polls tasks in the order they were woken", () => {
    expect(wakeOrder({ executor: "fifo" })).toEqual(["w1", "w2", "w3", "ringer", "w3", "w1", "w2"]);
  });

  it("round-robins tasks that yield", () => {
    const log: string[] = [];
    const sim = new Sim({ executor: "fifo" });
    for (const n of ["a", "b", "c"]) sim.spawn(yielder(n, log, 1), { name: n });
    expect(sim.run().ok).toBe(true);
    expect(log.join(" ")).toBe("a b c a b c");
  });
});

describe("PermissiveExecutor", () => {
  it("explores different poll orders across seeds", () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const log: string[] = [];
      const sim = new Sim({ seed, executor: "permissive" });
      for (const n of ["a", "b", "c", "d"]) sim.spawn(yielder(n, log, 1), { name: n });
      expect(sim.run().ok).toBe(true);
      orders.add(log.join(" "));
    }
    expect(orders.size).toBeGreaterThan(5);
  });

  it("gives FIFO order when every choice is 0", () => {
    const fifo = wakeOrder({ executor: "fifo" });
    expect(wakeOrder({ executor: "permissive", chooser: new ReplayChooser([]) })).toEqual(fifo);
  });
});

describe("LifoSlotExecutor", () => {
  it("polls next a task woken by the running task", () => {
    const run = (executor: ExecutorSpec) => {
      const log: string[] = [];
      const sim = new Sim({ executor });
      const bell = new Bell();
      sim.spawn(waitFor(bell, "waiter", log), { name: "waiter" });
      sim.spawn(ringer([bell], "ringer", log), { name: "ringer" });
      sim.spawn(yielder("bystander", log, 0), { name: "bystander" });
      expect(sim.run().ok).toBe(true);
      return log.join(" ");
    };
    expect(run("lifo-slot")).toBe("waiter ringer waiter bystander");
    expect(run("fifo")).toBe("waiter ringer bystander waiter");
  });

  it("starves a queued task while two tasks ping-pong wakes through the slot (unbounded)", () => {
    const log: string[] = [];
    const sim = new Sim({ executor: "lifo-slot" });
    pingPong(sim, 10, log);
    expect(sim.run().ok).toBe(true);
    // 20 hits plus the loser's final poll, and only then the bystander.
    expect(log.indexOf("bystander")).toBe(21);
    expect(log.at(-1)).toBe("bystander");
  });

  it("lets the queued task run after maxLifoPollsInRow slot polls in a row", () => {
    const log: string[] = [];
    const sim = new Sim({ executor: { kind: "lifo-slot", maxLifoPollsInRow: 3 } });
    pingPong(sim, 10, log);
    expect(sim.run().ok).toBe(true);
    // ping and pong from the queue, three from the slot, then the queue head.
    expect(log.slice(0, 6).join(" ")).toBe("ping pong ping pong ping bystander");
  });
});

describe("WorkStealingExecutor", () => {
  const ws = (opts: Omit<ConstructorParameters<typeof WorkStealingExecutor>[0], "kind"> = {}) => {
    const box: { ex: WorkStealingExecutor | null } = { ex: null };
    const factory = () => (box.ex = new WorkStealingExecutor({ kind: "work-stealing", ...opts }));
    return { factory, get ex() { return box.ex!; } };
  };

  /** A root that spawns `n` children in its first poll; every poll records its worker. */
  function fanOut(sim: Sim, n: number, log: string[], worker: () => number | null): void {
    sim.spawn(
      {
        poll(): Poll<void> {
          log.push(`root@${worker()}`);
          for (let i = 1; i <= n; i++) {
            sim.spawn({ poll: () => (log.push(`c${i}@${worker()}`), ready()) }, { name: `c${i}` });
          }
          return ready();
        },
      },
      { name: "root" },
    );
  }

  it("puts tasks spawned by a running task on that worker: the last in its LIFO slot", () => {
    const w = ws({ workers: 2 });
    const log: string[] = [];
    const sim = new Sim({ executor: w.factory, chooser: new ReplayChooser([]) });
    fanOut(sim, 3, log, () => w.ex.runningOn);
    expect(sim.tick()).toBe(true);
    const s = w.ex.snapshot();
    expect(s.injector).toEqual([]);
    expect(s.workers.map((x) => [x.slot, x.local])).toEqual([
      [3, [1, 2]],
      [null, []],
    ]);
    expect(sim.run().ok).toBe(true);
    // Choice 0 is worker 0's own pick: the slot, then its queue (worker 1 never gets a turn).
    expect(log.join(" ")).toBe("root@0 c3@0 c1@0 c2@0");
  });

  it("puts them at the back of that worker's local queue without a LIFO slot", () => {
    const w = ws({ workers: 2, lifoSlot: false });
    const sim = new Sim({ executor: w.factory, chooser: new ReplayChooser([]) });
    fanOut(sim, 3, [], () => w.ex.runningOn);
    sim.tick();
    expect(w.ex.snapshot().workers.map((x) => [x.slot, x.local])).toEqual([
      [null, [1, 2, 3]],
      [null, []],
    ]);
  });

  it("lets an idle worker steal half of a busy worker's queue and poll the last task taken", () => {
    const w = ws({ workers: 2, lifoSlot: false });
    const log: string[] = [];
    // Step 1 has one candidate (no choice); step 2 picks worker 1, the thief.
    const sim = new Sim({ executor: w.factory, chooser: new ReplayChooser([1]) });
    fanOut(sim, 5, log, () => w.ex.runningOn);
    sim.tick();
    // Worker 0 is about to poll c1, so c2..c5 are stealable; the thief takes c2, c3 and polls c3.
    expect(w.ex.candidates()).toEqual([1, 3]);
    sim.tick();
    const s = w.ex.snapshot();
    expect(s.steals).toBe(1);
    expect(s.workers.map((x) => x.local)).toEqual([[1, 4, 5], [2]]);
    expect(sim.run().ok).toBe(true);
    expect(log.slice(0, 2)).toEqual(["root@0", "c3@1"]);
  });

  it("asks the chooser which victim to steal from, once per steal, and is idempotent", () => {
    const ex = new WorkStealingExecutor({ kind: "work-stealing", workers: 3, lifoSlot: false });
    const asked: string[] = [];
    const env: ExecutorEnv = { choose: (n, kind) => (asked.push(`${kind}/${n}`), 1) };
    ex.attach(env);
    const t = (n: number) => n as TaskId;
    for (const n of [10, 11, 12]) ex.schedule(t(n), "spawn", null);
    expect(ex.candidates()).toEqual([10, 11, 12]); // idle workers take successive injector entries
    // Worker 1 polls 11, which spawns 20 and 21 onto worker 1; worker 2 likewise with 30, 31.
    expect(ex.take(1)).toBe(11);
    ex.schedule(t(20), "spawn", t(11));
    ex.schedule(t(21), "wake", t(11));
    ex.pollDone(t(11));
    expect(ex.candidates()).toEqual([10, 20, 12]);
    expect(ex.take(2)).toBe(12);
    ex.schedule(t(30), "spawn", t(12));
    ex.schedule(t(31), "spawn", t(12));
    ex.pollDone(t(12));
    expect(ex.take(0)).toBe(10);
    ex.pollDone(t(10));
    // Worker 0 is idle; workers 1 and 2 each have one stealable task: the chooser picks victim 2.
    expect(ex.candidates()).toEqual([31, 20, 30]);
    expect(ex.candidates()).toEqual([31, 20, 30]);
    expect(asked).toEqual(["executor/2"]);
    expect(ex.take(0)).toBe(31);
    expect(ex.snapshot()).toMatchObject({ steals: 1, running: { task: 31, worker: 0 } });
  });

  it("keeps the contract under any sequence of schedules, takes and removes (property)", () => {
    // An op: [what, a, b]. 0: schedule a new task from outside; 1: take candidate a (mod n), whose
    // poll wakes or spawns b (mod 4) idle tasks and yields when a is odd; 2: remove a queued task.
    const op = fc.tuple(fc.nat(2), fc.nat(40), fc.nat(40));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.nat(), (ops, workers, lifoSlot, maxLifoPollsInRow, seed) => {
        const ex = new WorkStealingExecutor({ kind: "work-stealing", workers, lifoSlot, globalQueueIntervalPolls: 3, maxLifoPollsInRow });
        let r = seed;
        ex.attach({ choose: (n) => (r = (r * 1103515245 + 12345) % 2 ** 31) % n });
        const queued = new Set<number>();
        const idle: number[] = [];
        let next = 0;
        const fresh = () => next++ as TaskId;
        const checkCandidates = () => {
          const c = [...ex.candidates()];
          expect(new Set(c).size).toBe(c.length);
          for (const t of c) expect(queued.has(t)).toBe(true);
          expect(ex.candidates()).toEqual(c); // idempotent
          return c;
        };
        for (const [what, a, b] of ops) {
          if (what === 0) {
            const t = fresh();
            queued.add(t);
            ex.schedule(t, "spawn", null);
          } else if (what === 1) {
            const c = checkCandidates();
            if (c.length === 0) continue;
            const i = a % c.length;
            const t = ex.take(i);
            expect(t).toBe(c[i]);
            queued.delete(t);
            for (let k = 0; k < b % 4; k++) {
              const w = idle.length > 0 && k % 2 === 0 ? (idle.shift()! as TaskId) : fresh();
              queued.add(w);
              ex.schedule(w, k % 2 === 0 ? "wake" : "spawn", t);
            }
            if (a % 2 === 1) {
              queued.add(t);
              ex.schedule(t, "notified", t);
            } else idle.push(t);
            ex.pollDone(t);
          } else if (queued.size > 0) {
            const t = [...queued][a % queued.size]! as TaskId;
            queued.delete(t);
            ex.remove(t);
            idle.push(t);
          }
        }
        // Rule 1: everything still queued is eventually offered, whatever the choices.
        while (queued.size > 0) {
          const c = checkCandidates();
          expect(c.length).toBeGreaterThan(0);
          const t = ex.take(c.length - 1);
          queued.delete(t);
          ex.pollDone(t);
        }
        expect(ex.candidates()).toEqual([]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("sends schedules from outside any poll to the global injector", () => {
    const ex = new WorkStealingExecutor({ kind: "work-stealing" });
    ex.schedule(1 as TaskId, "wake", null);
    ex.schedule(2 as TaskId, "wake", 7 as TaskId); // e.g. a drop during an abort from the test
    expect(ex.snapshot().injector).toEqual([1, 2]);
  });

  it("gives injector tasks a turn every globalQueueIntervalPolls polls", () => {
    const run = (opts: { globalQueueIntervalPolls?: number }, spins: number) => {
      const log: string[] = [];
      const sim = new Sim({ executor: { kind: "work-stealing", workers: 1, ...opts } });
      // The spinner yields to the back of its local queue, which outranks the injector.
      sim.spawn(yielder("spinner", log, spins), { name: "spinner" });
      sim.spawn(yielder("outsider", log, 0), { name: "outsider" });
      expect(sim.run().ok).toBe(true);
      return log.indexOf("outsider");
    };
    expect(run({ globalQueueIntervalPolls: 4 }, 10)).toBe(3);
    expect(run({}, 100)).toBe(60);
  });

  it("bounds LIFO-slot polls in a row, which frees the local queue but not the injector", () => {
    const run = (maxLifoPollsInRow: number, bystander: "outside" | "by-ping") => {
      const log: string[] = [];
      const sim = new Sim({ executor: { kind: "work-stealing", workers: 1, maxLifoPollsInRow } });
      pingPong(sim, 10, log, bystander);
      expect(sim.run().ok).toBe(true);
      return log.indexOf("bystander");
    };
    // ping and pong come from the injector; ping's second hit spawns the bystander into the slot,
    // then wakes pong, which bumps it to the local queue. Three slot polls later it goes first.
    expect(run(3, "by-ping")).toBe(5);
    expect(run(Infinity, "by-ping")).toBe(21);
    // In the injector it waits for the global-queue interval (61 polls) or the end of the game.
    expect(run(3, "outside")).toBe(21);
  });

  it("completes every task of a many-task workload under many seeds, and really steals", () => {
    let steals = 0;
    let victimChoices = 0;
    const workers = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const w = ws({ workers: 3 });
      const sim = new Sim({ seed, executor: w.factory, trace: true });
      workload(sim, (name) => workers.add(`${name}@${w.ex.runningOn}`));
      const out = sim.run();
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
      expect(out.tasks.every((t) => t.state === "completed")).toBe(true);
      steals += w.ex.snapshot().steals;
      victimChoices += out.trace!.filter((e) => e.type === "ChoiceMade" && e.kind === "executor").length;
    }
    expect(steals).toBeGreaterThan(0);
    expect(victimChoices).toBeGreaterThan(0);
    // Children spawned by the root ran on every worker somewhere across the seeds.
    for (const n of [0, 1, 2]) expect(workers.has(`c5@${n}`)).toBe(true);
  });

  it("makes the same choices and polls on the same workers for the same seed", () => {
    const run = (seed: number) => {
      const w = ws({ workers: 4 });
      const log: string[] = [];
      const sim = new Sim({ seed, executor: w.factory });
      workload(sim, (name) => log.push(`${name}@${w.ex.runningOn}`));
      const out = sim.run();
      return { choices: out.choices, log };
    };
    for (const seed of [1, 2, 3]) expect(run(seed)).toEqual(run(seed));
    expect(run(1)).not.toEqual(run(2));
  });
});

// ---- the contract every executor shares ------------------------------------------------------

/** A user's executor: a stack (last runnable, first polled). */
class StackExecutor implements Executor {
  readonly name = "stack";
  private readonly stack: TaskId[] = [];
  private readonly one: TaskId[] = [];
  schedule(task: TaskId): void {
    this.stack.push(task);
  }
  candidates(): readonly TaskId[] {
    this.one.length = 0;
    const top = this.stack.at(-1);
    if (top !== undefined) this.one.push(top);
    return this.one;
  }
  take(): TaskId {
    return this.stack.pop()!;
  }
  remove(task: TaskId): void {
    const i = this.stack.indexOf(task);
    if (i >= 0) this.stack.splice(i, 1);
  }
}

/** A buggy user's executor: FIFO, but it forgets tasks woken while they were being polled. */
class DropsNotifiedExecutor implements Executor {
  readonly name = "drops-notified";
  private readonly queue: TaskId[] = [];
  schedule(task: TaskId, cause: ScheduleCause): void {
    if (cause !== "notified") this.queue.push(task);
  }
  candidates(): readonly TaskId[] {
    return this.queue;
  }
  take(index: number): TaskId {
    return this.queue.splice(index, 1)[0]!;
  }
  remove(task: TaskId): void {
    const i = this.queue.indexOf(task);
    if (i >= 0) this.queue.splice(i, 1);
  }
}

describe("notified while running", () => {
  const specs: [string, ExecutorSpec][] = [
    ["fifo", "fifo"],
    ["permissive", "permissive"],
    ["lifo-slot", "lifo-slot"],
    ["lifo-slot, bounded", { kind: "lifo-slot", maxLifoPollsInRow: 3 }],
    ["work-stealing", "work-stealing"],
    ["work-stealing, 3 workers, no slot", { kind: "work-stealing", workers: 3, lifoSlot: false }],
    ["a custom stack", () => new StackExecutor()],
  ];
  for (const [label, executor] of specs) {
    it(`polls again a task that woke itself during its poll (${label})`, () => {
      const log: string[] = [];
      const sim = new Sim({ seed: 3, executor });
      sim.spawn(yielder("self", log, 2), { name: "self" });
      sim.spawn(yielder("other", log, 1), { name: "other" });
      const out = sim.run();
      expect(out.ok).toBe(true);
      expect(log.filter((n) => n === "self")).toHaveLength(3);
    });
  }
});

describe("a custom executor", () => {
  it("runs a scenario with its own policy", () => {
    const log: string[] = [];
    const sim = new Sim({ executor: () => new StackExecutor() });
    const bell = new Bell();
    sim.spawn(waitFor(bell, "waiter", log), { name: "waiter" });
    sim.spawn(yielder("a", log, 0), { name: "a" });
    sim.spawn(ringer([bell], "ringer", log), { name: "ringer" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.tasks.map((t) => t.state)).toEqual(["completed", "completed", "completed"]);
    expect(log.join(" ")).toBe("ringer a waiter");
  });

  it("is caught losing a wake: the run ends quiescent with the stuck task blamed on the executor", () => {
    const sim = new Sim({ executor: () => new DropsNotifiedExecutor(), chooser: new ReplayChooser([]) });
    sim.spawn(yielder("yielder", [], 1), { name: "yielder" });
    sim.spawn(yielder("steady", [], 0), { name: "steady" });
    const out = sim.run();
    expect(out.status).toBe("quiescent");
    expect(out.ok).toBe(false);
    const v = out.violations[0]!;
    expect(v.kind).toBe("lost-wakeup");
    expect(v.kind === "lost-wakeup" && v.stuck.map((s) => [s.task, s.diagnosis])).toEqual([["yielder", "executor-lost-wake"]]);
    expect(v.message).toMatchInlineSnapshot(`
      "the run reached quiescence (nothing runnable, no pending event) at step 2, t=0, with 1 task still pending:
        - yielder: woken after its last poll (step 0) but never polled again: the executor lost the wake"
    `);
  });
});

describe("executor options", () => {
  const bad = (executor: unknown) => () => new Sim({ executor: executor as ExecutorSpec });

  it("rejects invalid work-stealing options, naming the option", () => {
    expect(bad({ kind: "work-stealing", workers: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.workers': must be ≥ 1, got 0]`,
    );
    expect(bad({ kind: "work-stealing", workers: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.workers': expected an integer, got 1.5]`,
    );
    expect(bad({ kind: "work-stealing", globalQueueIntervalPolls: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.globalQueueIntervalPolls': must be ≥ 1, got 0]`,
    );
    expect(bad({ kind: "work-stealing", maxLifoPollsInRow: "3" })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.maxLifoPollsInRow': expected an integer, got "3"]`,
    );
    expect(bad({ kind: "work-stealing", lifoSlot: "yes" })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.lifoSlot': expected true or false, got "yes"]`,
    );
    expect(bad({ kind: "work-stealing", worker: 4 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor.worker': unknown work-stealing option — did you mean 'workers'? Known: kind, workers, globalQueueIntervalPolls, lifoSlot, maxLifoPollsInRow.]`,
    );
  });

  it("rejects an unknown executor name and an executor instance", () => {
    expect(bad("lifo")).toThrow(OptionError);
    expect(bad("lifo")).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor': unknown executor 'lifo' — did you mean 'fifo'? Use one of permissive, fifo, lifo-slot, work-stealing, an options object, or a factory () => Executor.]`,
    );
    expect(bad(new StackExecutor())).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'executor': got an executor instance; pass a factory instead (executor: () => new MyExecutor()) so every Sim gets a fresh one.]`,
    );
  });
});
