/**
 * An async fn's `finally` that awaits while the async fn is dropped (issue 11 follow-up): the
 * drop is synchronous, so the await and the rest of that `finally` never run. wakesim reports it
 * at the drop as contract/await-in-drop, instead of the lost wakeup the skipped release causes.
 */
import { describe, expect, it } from "vitest";
import { asyncBlock, asyncFn, defineScenario, explore, PENDING, select, Sim, sleep, wait, yieldNow, type Future } from "wakesim";
import { explain, formatReport } from "wakesim/report";
import { formatTrace } from "wakesim/trace";
import awaitInFinally from "../fixtures/unusual/debatable/await-in-finally.js";
import { Flag } from "./helpers.js";

describe("await inside finally while an async fn is dropped", () => {
  it("is reported at the drop as contract/await-in-drop, naming the task and the awaited future (the debatable fixture)", () => {
    const found = explore(awaitInFinally, { runs: 200, strategy: "random", seed: 0, faults: ["cancel"] });
    const v = found.failure!.violation;
    expect(v.kind).toBe("contract");
    expect(v.kind === "contract" && v.rule).toBe("await-in-drop");
    expect(v.message).toMatchInlineSnapshot(
      `"async fn 'worker' was dropped (cancelled) and its finally block awaited 'sleep(0)' during the drop. A drop cannot await (Rust has no async drop): that future was never polled, and the rest of the finally block after the await did not run — any cleanup there (a release, a close, a wake) was skipped. Do the cleanup synchronously in finally, before any await, or hold a guard object whose drop() releases it — in task 'worker-1' at step 1"`,
    );
    expect(formatReport(found.failure!.outcome, { scenario: awaitInFinally.name }).split("\n")[0]).toMatchInlineSnapshot(`"unusual/await-in-finally: FAILED — contract violation in task 'worker-1': await inside a drop"`);
    expect(explain(v).map((e) => `${e.key}: ${e.title}`)).toMatchInlineSnapshot(`
      [
        "contract/await-in-drop: Await inside a drop",
      ]
    `);
  });

  it("skips the rest of that finally, drops the yielded future unpolled, and still runs the enclosing finally blocks", () => {
    const sim = new Sim({ executor: "fifo" });
    const log: string[] = [];
    const flush: Future<void> = {
      label: "flush",
      poll: () => {
        log.push("flush polled");
        return PENDING;
      },
      drop: () => log.push("flush dropped"),
    };
    const h = sim.spawn(
      asyncBlock(function* () {
        try {
          try {
            yield* new Flag().wait();
          } finally {
            log.push("inner finally");
            yield* wait(flush);
            log.push("after the await"); // skipped: the drop cannot wait for flush
          }
        } finally {
          log.push("outer finally");
        }
      }, "victim-body"),
      { name: "victim" },
    );
    sim.spawn(
      asyncBlock(function* () {
        yield* yieldNow();
        h.abort();
      }),
      { name: "killer" },
    );
    const out = sim.run();
    expect(log).toEqual(["inner finally", "flush dropped", "outer finally"]);
    expect(h.outcome).toEqual({ kind: "cancelled" });
    expect(out.violations.map((v) => `${v.kind}${v.kind === "contract" ? `/${v.rule}` : ""} ${v.tasks.join(",")}`)).toEqual(["contract/await-in-drop victim"]);
    expect(out.violations[0]!.message).toContain("async fn 'victim-body' was dropped (cancelled) and its finally block awaited 'flush' during the drop.");
  });

  it("is reported in the task whose select dropped the async fn as a loser, after the drop is recorded", () => {
    const sim = new Sim({ seed: 0, executor: "fifo", trace: true });
    const loser = asyncBlock(function* () {
      try {
        yield* new Flag().wait();
      } finally {
        yield* sleep(2);
      }
    }, "cleanup-later");
    sim.spawn(asyncBlock(function* () {
      yield* select(loser, sleep(1));
    }), { name: "chooser" });
    const out = sim.run();
    expect(out.violations.map((v) => `${v.kind}${v.kind === "contract" ? `/${v.rule}` : ""} ${v.tasks.join(",")}`)).toEqual(["contract/await-in-drop chooser"]);
    expect(formatTrace(out.trace!).split("\n").filter((l) => /dropped|VIOLATION/.test(l))).toMatchInlineSnapshot(`
      [
        "2 t=1 chooser dropped cleanup-later: select: branch 1 won",
        "2 t=1 VIOLATION contract (chooser)",
      ]
    `);
  });

  it("names every future awaited during the drop, and leaves a finally that never stops yielding suspended instead of hanging", () => {
    const sim = new Sim({ executor: "fifo", stopOnViolation: false });
    let finallies = 0;
    const h = sim.spawn(
      asyncBlock(function* () {
        try {
          yield* new Flag().wait();
        } finally {
          for (;;) {
            try {
              finallies++;
              yield* sleep(1);
            } finally {
              // `continue` in a finally overrides the return() completion: a generator that cannot be returned.
              continue;
            }
          }
        }
      }, "stubborn"),
      { name: "stubborn" },
    );
    sim.spawn(
      asyncBlock(function* () {
        yield* yieldNow();
        h.abort();
      }),
    );
    const out = sim.run();
    expect(finallies).toBe(100);
    expect(out.violations.map((v) => v.message.slice(0, 160))).toMatchInlineSnapshot(`
      [
        "async fn 'stubborn' was dropped (cancelled) and its finally block awaited 100 futures ('sleep(1)', 'sleep(1)', 'sleep(1)', …) (and kept yielding: left suspended",
      ]
    `);
  });

  it("leaves a finally block without an await alone: the fixed worker passes under cancellation", () => {
    const scenario = defineScenario({
      name: "sync-release-in-finally",
      setup(sim) {
        let permits = 1;
        const flag = { waiters: [] as Flag[] };
        const acquire = asyncFn(function* () {
          while (permits === 0) {
            const f = new Flag();
            flag.waiters.push(f);
            try {
              yield* f.wait();
            } finally {
              flag.waiters.splice(flag.waiters.indexOf(f), 1);
            }
          }
          permits--;
        });
        const release = () => {
          permits++;
          for (const f of flag.waiters) f.set();
        };
        const worker = asyncFn(function* () {
          for (let j = 0; j < 2; j++) {
            yield* acquire();
            try {
              yield* sleep(1);
            } finally {
              release(); // synchronous: runs in full when the task is dropped
            }
            yield* sleep(0);
          }
        });
        sim.spawn(worker(), { name: "worker-1", cancellable: true });
        sim.spawn(worker(), { name: "worker-2" });
      },
    });
    const found = explore(scenario, { runs: 300, strategy: "random", seed: 0, faults: ["cancel"] });
    expect(found.failure?.violation.message).toBeUndefined();
  });
});
