/**
 * The thread explorers against each other on tiny programs (dpor-programs.ts): the reduced search
 * (DporExplorer) must reach every final state, every failure and every Mazurkiewicz trace the
 * full search (ThreadDfsExplorer) reaches, each trace exactly once, deterministically.
 */
import { describe, expect, it } from "vitest";
import { DporExplorer } from "../src/explore/dpor.js";
import { dependent } from "../src/explore/thread-access.js";
import { ThreadDfsExplorer } from "../src/explore/thread-dfs.js";
import { exhaustThreads, type ThreadExplorer } from "../src/explore/thread-explorer.js";
import { ops, runProgram, type Op, type Program, type RunResult, type ThreadBody } from "./dpor-programs.js";
import { atomicWaker, registerWakeSketch } from "./dpor-atomic-waker.js";

const { load, store, cas, fetchAdd, lock, unlock, local } = ops;

function exploreWith(explorer: ThreadExplorer, p: Program) {
  const runs = exhaustThreads(explorer, (run) => runProgram(p, run, dependent));
  const complete = runs.filter((r) => !r.stopped);
  return {
    runs,
    complete,
    finals: new Set(complete.map((r) => r.final)),
    failures: new Set(complete.flatMap((r) => r.failures)),
    traces: new Set(complete.map((r) => r.trace)),
    stats: explorer.stats,
  };
}
const full = (p: Program) => exploreWith(new ThreadDfsExplorer(), p);
const reduced = (p: Program) => {
  const dpor = new DporExplorer();
  const out = exploreWith(dpor, p);
  // Every race had an enabled initial to add: the fallback that adds all is never needed here.
  expect(dpor.stats.conservativeReversals).toBe(0);
  return out;
};
const sorted = (s: Set<string>) => [...s].sort();

/** The reduced search covers the full one: same finals, failures and traces, each trace once. */
function expectCovers(p: Program) {
  const f = full(p);
  const r = reduced(p);
  expect(sorted(r.finals)).toEqual(sorted(f.finals));
  expect(sorted(r.failures)).toEqual(sorted(f.failures));
  expect(sorted(r.traces)).toEqual(sorted(f.traces));
  expect(r.complete.length).toBe(r.traces.size);
  expect(r.stats.schedules).toBe(r.complete.length);
  return { f, r };
}

function* seq(...list: Op[]): ThreadBody {
  for (const o of list) yield o;
}
/** Reads the counter, writes it back plus one: the textbook lost update. */
function* increment(cell: string): ThreadBody {
  const v = yield load(cell);
  yield store(cell, v + 1);
}
const counterCheck = (n: number) => (c: Readonly<Record<string, number>>) => (c.counter === n ? [] : [`lost update: counter = ${c.counter}`]);

describe("DporExplorer", () => {
  it("finds every lost update the full search finds (2 and 3 threads)", () => {
    for (const n of [2, 3]) {
      const p: Program = { cells: { counter: 0 }, threads: Array.from({ length: n }, () => () => increment("counter")), check: counterCheck(n) };
      const { f, r } = expectCovers(p);
      expect(sorted(r.failures)).toEqual(Array.from({ length: n - 1 }, (_, i) => `lost update: counter = ${i + 1}`));
      expect(r.complete.length).toBeLessThan(f.complete.length);
    }
  });

  it("finds a check-then-act race (two initializers both see 'not yet')", () => {
    function* initOnce(): ThreadBody {
      if ((yield load("init")) === 0) {
        yield store("init", 1);
        yield fetchAdd("inits", 1);
      }
    }
    const p: Program = { cells: { init: 0, inits: 0 }, threads: [initOnce, initOnce], check: (c) => (c.inits === 1 ? [] : [`initialized ${c.inits} times`]) };
    const { r } = expectCovers(p);
    expect(sorted(r.failures)).toEqual(["initialized 2 times"]);
  });

  it("explores one schedule of independent threads, where the full search explores them all", () => {
    const own = (t: number) => () => seq(store(`x${t}`, 1), load(`x${t}`), store(`x${t}`, 2));
    const p: Program = { cells: {}, threads: [own(0), own(1), own(2)] };
    const { f, r } = expectCovers(p);
    expect(r.runs.length).toBe(1);
    expect(f.complete.length).toBe(1680); // 9! / (3!·3!·3!)
  });

  it("explores exactly the Mazurkiewicz traces of small known programs", () => {
    const count = (threads: (() => ThreadBody)[]) => {
      const n = reduced({ cells: {}, threads }).complete.length;
      expect(full({ cells: {}, threads }).traces.size).toBe(n);
      return n;
    };
    const w = () => seq(store("x", 1));
    const r = () => seq(load("x"));
    expect(count([w, w])).toBe(2);
    expect(count([w, w, w])).toBe(6); // 3!: writes to one cell are totally ordered
    expect(count([r, r, r])).toBe(1); // reads commute
    expect(count([w, r, r])).toBe(4); // each reader before or after the writer
    // x and y each ordered both ways, except "x: 1 before 0, y: 0 before 1", which has a cycle.
    expect(count([() => seq(store("x", 1), store("y", 1)), () => seq(store("y", 2), store("x", 2))])).toBe(3);
    expect(count([() => seq(local("a"), local("b")), () => seq(local("c"))])).toBe(1);
  });

  it("orders critical sections of one mutex both ways, and never deadlocks a correct lock", () => {
    function* locked(): ThreadBody {
      yield lock("m");
      const v = yield load("counter");
      yield store("counter", v + 1);
      yield unlock("m");
    }
    const p: Program = { cells: { counter: 0 }, threads: [locked, locked, () => seq(load("counter"))], check: counterCheck(2) };
    const { r, f } = expectCovers(p);
    expect(r.failures.size).toBe(0);
    expect(r.complete.length).toBe(6); // 2 section orders × 3 places of the reader
    expect(f.complete.length).toBeGreaterThan(r.complete.length);
  });

  it("finds a lock-order deadlock", () => {
    const p: Program = {
      cells: {},
      threads: [() => seq(lock("a"), lock("b"), unlock("b"), unlock("a")), () => seq(lock("b"), lock("a"), unlock("a"), unlock("b"))],
    };
    const { r } = expectCovers(p);
    expect(sorted(r.failures)).toEqual(["deadlock"]);
  });

  // 200 programs under WAKESIM_SOAK (~20 s, the full search's side), the first 60 of them otherwise.
  const PROGRAMS = process.env.WAKESIM_SOAK ? 200 : 60;
  const PINNED_60 = { full: 84884, reduced: 503, stopped: 19 };
  it(`covers the full search on ${PROGRAMS} random programs with data-dependent control flow and locks`, () => {
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const cellsOf = ["x", "y", "z"];
    const totals = { full: 0, reduced: 0, stopped: 0 };
    const randomOp = (): Op => {
      const c = cellsOf[rand(3)]!;
      switch (rand(5)) {
        case 0: return load(c);
        case 1: return store(c, 1 + rand(2));
        case 2: return fetchAdd(c, 1);
        case 3: return cas(c, rand(2), 2);
        default: return local("p");
      }
    };
    for (let i = 0; i < PROGRAMS; i++) {
      const nThreads = 2 + rand(2);
      const threads = Array.from({ length: nThreads }, () => {
        const plan = Array.from({ length: nThreads === 2 ? 4 : 3 }, () => [randomOp(), randomOp()] as const);
        const guarded = rand(3) === 0;
        return function* (): ThreadBody {
          if (guarded) yield lock("m");
          let last = 0;
          // Each step picks one of two ops from what the previous one returned.
          for (const [a, b] of plan.slice(0, guarded ? plan.length - 1 : plan.length)) last = yield last % 2 === 0 ? a : b;
          if (guarded) yield unlock("m");
        };
      });
      const { f, r } = expectCovers({ cells: { x: 0, y: 0, z: 0 }, threads });
      totals.full += f.complete.length;
      totals.reduced += r.complete.length;
      totals.stopped += r.stats.sleepBlocked;
    }
    // What the reduction saved (runs stopped in a sleep set are its waste), pinned per count.
    const pinned: Record<number, typeof totals> = { 200: { full: 280400, reduced: 1580, stopped: 77 }, 60: PINNED_60 };
    expect(totals).toEqual(pinned[PROGRAMS]);
  }, 120_000);

  it("covers the full search on 100 random programs nesting two mutexes (deadlocks included)", () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    let deadlocks = 0;
    for (let i = 0; i < 100; i++) {
      const threads = Array.from({ length: 2 + rand(2) }, () => {
        const [outer, inner] = rand(2) === 0 ? ["a", "b"] : ["b", "a"];
        const nested = rand(2) === 0;
        const cell = ["x", "y"][rand(2)]!;
        return function* (): ThreadBody {
          yield lock(outer);
          const v = yield load(cell);
          if (nested && v === 0) {
            yield lock(inner);
            yield store(cell, v + 1);
            yield unlock(inner);
          } else yield fetchAdd(cell, 1);
          yield unlock(outer);
        };
      });
      const { r } = expectCovers({ cells: { x: 0, y: 0 }, threads });
      if (r.failures.has("deadlock")) deadlocks++;
    }
    expect(deadlocks).toBeGreaterThan(10);
  }, 60_000);

  it("is deterministic: the same program gives the same sequence of schedules", () => {
    const p: Program = { cells: { counter: 0 }, threads: [() => increment("counter"), () => increment("counter"), () => seq(load("counter"), store("y", 1))] };
    const schedules = (e: ThreadExplorer) => exploreWith(e, p).runs.map((r: RunResult) => r.schedule.join(""));
    expect(schedules(new DporExplorer())).toEqual(schedules(new DporExplorer()));
    expect(schedules(new ThreadDfsExplorer())).toEqual(schedules(new ThreadDfsExplorer()));
    expect(schedules(new DporExplorer())[0]).toBe("001122"); // the first run runs each thread on
  });

  it("says so when a run is not a pure function of its schedule", () => {
    let calls = 0;
    const flaky = () => seq(load(calls++ === 0 ? "z" : "w"), store("x", 1));
    const p: Program = { cells: {}, threads: [flaky, () => seq(store("x", 2))] };
    expect(() => reduced(p)).toThrowErrorMatchingInlineSnapshot(
      `[ThreadNondeterminismError: the run diverged from the replayed schedule at step 0: thread 0's access was read "z" before and is read "w" now — a run must depend on nothing but the scheduler's answers (no real time, randomness or state kept between runs)]`,
    );
  });

  it("AtomicWaker register/wake: the same lost wakeup as the full search, in far fewer schedules", () => {
    const counts: Record<string, string> = {};
    for (const variant of ["correct", "no-recheck"] as const) {
      for (const [name, p] of [
        ["sketch", registerWakeSketch(variant)],
        ["1 notifier", atomicWaker(variant)],
        ["2 notifiers", atomicWaker(variant, { notifiers: 2 })],
      ] as const) {
        const { f, r } = expectCovers(p);
        expect(sorted(r.failures)).toEqual(variant === "correct" ? [] : ["lost wakeup: task pending, never woken"]);
        // Runs stopped in a sleep set count too: they are work the reduction did not save.
        counts[`${variant}, ${name}`] = `${f.complete.length} / ${r.complete.length} + ${r.stats.sleepBlocked} stopped`;
        if (name === "2 notifiers") expect(f.complete.length / r.complete.length).toBeGreaterThanOrEqual(10);
      }
    }
    // Schedules without / with the reduction. Issue 14's goal (≥ 10×) holds once a second
    // thread wakes (a channel with two senders); one waker and one waiter have few orders to merge.
    expect(counts).toMatchInlineSnapshot(`
      {
        "correct, 1 notifier": "40 / 6 + 0 stopped",
        "correct, 2 notifiers": "5302 / 92 + 0 stopped",
        "correct, sketch": "10 / 4 + 0 stopped",
        "no-recheck, 1 notifier": "19 / 5 + 0 stopped",
        "no-recheck, 2 notifiers": "1472 / 68 + 0 stopped",
        "no-recheck, sketch": "5 / 3 + 0 stopped",
      }
    `);
  });
});

describe("ThreadDfsExplorer", () => {
  it("explores every interleaving once", () => {
    const p: Program = { cells: {}, threads: [() => seq(local("a"), local("b")), () => seq(local("c"), local("d"))] };
    const f = full(p);
    // Rank order: the thread that just ran first, so a switch is taken as late as possible.
    expect(f.complete.map((r) => r.schedule.join(""))).toEqual(["0011", "0110", "0101", "1100", "1001", "1010"]);
  });

  it("bounds preemptions, and counts what the bound cut", () => {
    const p: Program = { cells: {}, threads: [() => seq(local("a"), local("b"), local("c")), () => seq(local("d"), local("e"), local("f"))] };
    const zero = exploreWith(new ThreadDfsExplorer({ maxPreemptions: 0 }), p);
    expect(zero.complete.map((r) => r.schedule.join(""))).toEqual(["000111", "111000"]);
    expect(zero.stats.boundCut).toBeGreaterThan(0);
    const one = exploreWith(new ThreadDfsExplorer({ maxPreemptions: 1 }), p);
    expect(one.complete.length).toBe(6); // 2 + a switch after 1 or 2 steps of either thread
    expect(exploreWith(new ThreadDfsExplorer(), p).stats.boundCut).toBe(0);
    expect(() => new ThreadDfsExplorer({ maxPreemptions: -1 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxPreemptions': must be ≥ 0, got -1]`);
  });
});
