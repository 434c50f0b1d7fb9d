import { describe, expect, expectTypeOf, it } from "vitest";
import { asyncBlock, asyncFn, PENDING, ready, Sim, sleep, wait, yieldNow, type Future, type JoinOutcome } from "wakesim";
import { Flag } from "./helpers.js";

describe("asyncFn", () => {
  it("awaits futures with yield* and returns the body's value, typed end to end", () => {
    const sim = new Sim({ seed: 3 });
    const flag = new Flag();
    const plain: Future<number> = { poll: () => ready(41) };
    const body = asyncFn(function* (x: number) {
      yield* sleep(5);
      yield* flag.wait();
      const v = yield* wait(plain);
      expectTypeOf(v).toEqualTypeOf<number>();
      return v + x;
    });
    const h = sim.spawn(body(1), { name: "body" });
    sim.spawn(
      asyncBlock(function* () {
        yield* sleep(7);
        flag.set();
      }),
      { name: "setter" },
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.time).toBe(7);
    expectTypeOf(h.outcome).toEqualTypeOf<JoinOutcome<number> | undefined>();
    expect(h.outcome).toEqual({ kind: "completed", value: 42 });
  });

  it("runs nothing before the first poll", () => {
    const log: string[] = [];
    const f = asyncFn(function* () {
      log.push("ran");
      return 1;
    })();
    expect(log).toEqual([]);
    const sim = new Sim();
    sim.spawn(f);
    sim.run();
    expect(log).toEqual(["ran"]);
  });

  it("throws an awaited future's panic into the body, where try/catch sees it", () => {
    const sim = new Sim();
    const boom: Future<number> = {
      poll: () => {
        throw new Error("boom");
      },
    };
    const h = sim.spawn(
      asyncBlock(function* () {
        try {
          return yield* wait(boom);
        } catch (e) {
          return `caught ${(e as Error).message}`;
        }
      }),
    );
    expect(sim.run().ok).toBe(true);
    expect(h.outcome).toEqual({ kind: "completed", value: "caught boom" });
  });

  it("on drop, drops the awaited future and runs the body's finally blocks", () => {
    const sim = new Sim({ executor: "fifo" });
    const log: string[] = [];
    const never = new Flag().wait();
    const inner: Future<void> = {
      poll: (cx) => never.poll(cx),
      drop: () => {
        log.push("inner dropped");
        never.drop?.(); // release the flag's waker (the leak oracle checks)
      },
    };
    const h = sim.spawn(
      asyncBlock(function* () {
        try {
          yield* wait(inner);
        } finally {
          log.push("finally ran");
        }
      }),
      { name: "victim" },
    );
    sim.spawn(
      asyncBlock(function* () {
        yield* yieldNow();
        h.abort();
      }),
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(log).toEqual(["inner dropped", "finally ran"]);
    expect(h.outcome).toEqual({ kind: "cancelled" });
  });

  it("rejects a yielded non-future with a message that shows the fix", () => {
    const sim = new Sim();
    const bad = asyncBlock(function* () {
      yield 5 as unknown as Future<unknown>;
    }, "bad");
    const h = sim.spawn(bad, { name: "bad" });
    const out = sim.run();
    expect(h.outcome?.kind).toBe("panicked");
    expect(out.violations[0]?.message).toMatchInlineSnapshot(
      `"task 'bad' panicked in poll 1 at step 0: TypeError: async fn 'bad' yielded number (5), which is not a future. Await futures with \`yield* fut\` or \`yield* wait(fut)\`, not \`yield fut\`."`,
    );
  });

  it("names a yielded promise as the problem", () => {
    const sim = new Sim({ allowPanics: true });
    const h = sim.spawn(
      asyncBlock(function* () {
        yield { then() {} } as unknown as Future<unknown>;
      }, "awaits-promise"),
    );
    sim.run();
    expect(h.outcome?.kind === "panicked" && h.outcome.message).toContain("a JavaScript promise: await it with `yield* fromPromise(p)`");
  });
});
