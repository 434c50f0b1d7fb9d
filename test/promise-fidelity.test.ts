/**
 * Fidelity: small async programs print the same order of events when run natively, on Node's
 * real event loop, and as one task under wakesim's default schedule (every choice 0). The engine
 * orders the microtasks in both; the simulation owns only the timers. Delays are distinct (or
 * the order is fixed by Node's phases) so that the native order itself is deterministic.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, runScenarioAsync } from "wakesim";
import { ReplayChooser } from "wakesim/explore";

type Log = (s: string) => void;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const PROGRAMS: Record<string, (log: Log) => Promise<void>> = {
  "then chains interleave by depth": async (log) => {
    const a = Promise.resolve().then(() => log("a1")).then(() => log("a2")).then(() => log("a3"));
    const b = Promise.resolve().then(() => log("b1")).then(() => log("b2"));
    await Promise.all([a, b]);
  },
  "a thenable is adopted two ticks later": async (log) => {
    const thenable = { then: (r: (v: string) => void) => (log("then called"), r("t")) };
    const p = Promise.resolve(thenable).then((v) => log(`thenable ${v}`));
    const q = Promise.resolve("plain").then((v) => log(v)).then(() => log("plain 2")).then(() => log("plain 3"));
    await Promise.all([p, q]);
  },
  "Promise.all, allSettled, race, any": async (log) => {
    const d = (ms: number, v: string, fail = false) => sleep(ms).then(() => (log(`settle ${v}`), fail ? Promise.reject(new Error(v)) : v));
    log(`all ${(await Promise.all([d(30, "x"), d(10, "y")])).join()}`);
    log(`allSettled ${(await Promise.allSettled([d(20, "p", true), d(5, "q")])).map((r) => r.status).join()}`);
    log(`race ${await Promise.race([d(15, "slow"), d(7, "fast")])}`);
    await sleep(20);
    log(`any ${await Promise.any([d(3, "bad", true), d(9, "good")])}`);
  },
  "async generators and for await": async (log) => {
    async function* gen() {
      for (let i = 0; i < 3; i++) {
        await sleep(5 * (i + 1));
        log(`yield ${i}`);
        yield i;
      }
    }
    for await (const v of gen()) log(`got ${v}`);
    const side = (async () => {
      for (let i = 0; i < 3; i++) (await null, log(`side ${i}`));
    })();
    for await (const v of [Promise.resolve("p0"), "v1"]) log(`array ${v}`);
    await side;
  },
  "rejections, catch and finally": async (log) => {
    try {
      await sleep(3).then(() => Promise.reject(new Error("nope")));
    } catch (e) {
      log(`caught ${(e as Error).message}`);
    } finally {
      log("finally 1");
    }
    await Promise.reject(new Error("x"))
      .finally(() => log("finally 2"))
      .catch(() => log("caught 2"));
  },
  "timers with distinct delays fire in deadline order": async (log) => {
    const done: Promise<void>[] = [];
    for (const ms of [30, 10, 20, 5, 25]) done.push(sleep(ms).then(() => log(`t${ms}`)));
    await Promise.all(done);
  },
  "nextTick before promise reactions, in a macrotask": async (log) => {
    await sleep(1);
    process.nextTick(() => log("tick 1"));
    queueMicrotask(() => log("micro 1"));
    Promise.resolve().then(() => log("then 1"));
    process.nextTick(() => {
      log("tick 2");
      Promise.resolve().then(() => log("then from tick"));
    });
    await sleep(1);
  },
  "setImmediate in a timer callback runs before a zero timeout": async (log) => {
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        setTimeout(() => (log("timeout 0"), resolve()), 0);
        setImmediate(() => log("immediate"));
        log("in timer");
      }, 2),
    );
  },
  "nested timers and a cleared one": async (log) => {
    await new Promise<void>((resolve) => {
      const never = setTimeout(() => log("cleared timer fired"), 15);
      setTimeout(() => {
        log("outer");
        clearTimeout(never);
        setTimeout(() => (log("inner"), resolve()), 20);
      }, 10);
    });
  },
  "setInterval until cleared": async (log) => {
    await new Promise<void>((resolve) => {
      let n = 0;
      const h = setInterval(() => {
        log(`tick ${++n}`);
        if (n === 3) (clearInterval(h), resolve());
      }, 20);
      setTimeout(() => log("between"), 30); // gaps wide enough that a busy machine keeps the native order
    });
  },
  "Date.now advances with the timers": async (log) => {
    const t0 = Date.now();
    await sleep(40);
    const dt = Date.now() - t0;
    log(dt >= 39 ? "at least 40ms passed" : `${dt}ms passed`); // natively it may be later, never (much) earlier
  },
  "async functions calling each other": async (log) => {
    const inner = async (n: number): Promise<number> => {
      log(`inner ${n}`);
      if (n === 0) return 0;
      await null;
      return 1 + (await inner(n - 1));
    };
    const [x, y] = await Promise.all([inner(2), (async () => (log("other"), await sleep(1), log("other done"), 7))()]);
    log(`results ${x} ${y}`);
  },
  "Promise.race settles with the first, the losers still run": async (log) => {
    const slow = sleep(20).then(() => (log("slow settled"), "slow"));
    log(`winner ${await Promise.race([slow, sleep(5).then(() => "fast")])}`);
    await slow;
    log("after slow");
  },
  "Promise.any with every promise rejected is an AggregateError": async (log) => {
    try {
      await Promise.any([sleep(4).then(() => Promise.reject(new Error("a"))), Promise.reject(new Error("b"))]);
    } catch (e) {
      log(`${(e as AggregateError).name} ${(e as AggregateError).errors.map((x: Error) => x.message).join(",")}`);
    }
  },
  "an async function returning a promise takes extra ticks": async (log) => {
    const direct = async () => "direct";
    const wrapped = async () => Promise.resolve("wrapped");
    const a = wrapped().then((v) => log(v));
    const b = direct().then((v) => log(v));
    const c = Promise.resolve().then(() => log("t1")).then(() => log("t2")).then(() => log("t3"));
    await Promise.all([a, b, c]);
  },
  "await of a non-promise still yields once": async (log) => {
    const other = Promise.resolve().then(() => log("other 1")).then(() => log("other 2"));
    log("before");
    await 42;
    log("after 42");
    await other;
  },
  "a rejection caught down the chain, awaited later": async (log) => {
    const handled = sleep(3)
      .then(() => {
        throw new Error("late");
      })
      .then(() => log("skipped"))
      .catch((e: Error) => (log(`handled ${e.message}`), "recovered"));
    await sleep(10);
    log(`then ${await handled}`);
  },
  "finally runs in order and passes the value through": async (log) => {
    const v = await Promise.resolve("v")
      .finally(() => log("finally a"))
      .then((x) => (log(`then ${x}`), x))
      .finally(() => sleep(2).then(() => log("finally b after sleep")));
    log(`value ${v}`);
  },
  "nextTick inside a promise reaction runs after the microtask queue": async (log) => {
    await sleep(1);
    Promise.resolve().then(() => {
      log("then 1");
      process.nextTick(() => log("tick from then"));
      Promise.resolve().then(() => log("then from then"));
    });
    Promise.resolve().then(() => log("then 2"));
    await sleep(1);
  },
  "setImmediate chains run one per loop turn, between timers": async (log) => {
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        setImmediate(() => {
          log("immediate 1");
          setImmediate(() => (log("immediate 2"), resolve()));
        });
        setTimeout(() => log("timeout 5"), 5);
      }, 1),
    );
    await sleep(10);
  },
  "clearImmediate and clearInterval before they fire": async (log) => {
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        const i = setImmediate(() => log("cleared immediate ran"));
        const v = setInterval(() => log("cleared interval ran"), 1);
        clearImmediate(i);
        clearInterval(v);
        setTimeout(() => (log("done"), resolve()), 3);
      }, 1),
    );
  },
  "timer arguments and this-free callbacks": async (log) => {
    await new Promise<void>((resolve) => setTimeout((a: string, b: number) => (log(`args ${a} ${b}`), resolve()), 2, "x", 7));
    await new Promise<void>((resolve) => setImmediate((c: string) => (log(`immediate arg ${c}`), resolve()), "y"));
  },
  "a timer's refresh restarts it": async (log) => {
    // Natively a timer may fire a millisecond early by Date.now (libuv counts from its cached loop
    // time): the check is only that it fired later than its first deadline (10), not when.
    const t0 = Date.now();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => (log(`fired ${Date.now() - t0 > 11 ? "later than its first deadline" : "at its first deadline"}`), resolve()), 10);
      setTimeout(() => (log("refresh"), t.refresh()), 5);
    });
  },
  "async iteration over a stream of timed values, with break": async (log) => {
    async function* ticks() {
      try {
        for (let i = 0; ; i++) {
          await sleep(3);
          yield i;
        }
      } finally {
        log("generator finally");
      }
    }
    for await (const i of ticks()) {
      log(`tick ${i}`);
      if (i === 2) break;
    }
  },
  "ticks and reactions queued by timers due at one instant drain after each callback": async (log) => {
    await new Promise<void>((resolve) => {
      for (const k of [1, 2, 3]) {
        setTimeout(() => {
          log(`timer ${k}`);
          process.nextTick(() => (log(`tick ${k}`), Promise.resolve().then(() => log(`then from tick ${k}`))));
          Promise.resolve().then(() => (log(`then ${k}`), process.nextTick(() => log(`tick from then ${k}`))));
          if (k === 3) setTimeout(resolve, 5);
        }, 4);
      }
    });
  },
  "nextTicks and reactions that keep queueing each other, then an immediate": async (log) => {
    await sleep(1);
    const chain = (n: number): void => {
      if (n === 0) return;
      process.nextTick(() => {
        log(`tick ${n}`);
        Promise.resolve().then(() => (log(`then ${n}`), chain(n - 1)));
        queueMicrotask(() => log(`micro ${n}`));
      });
    };
    chain(4);
    await new Promise<void>((resolve) => setImmediate(() => (log("immediate"), resolve())));
  },
  "Promise.withResolvers-style deferreds settled from timers": async (log) => {
    const deferred = () => {
      let resolve!: (v: string) => void;
      const promise = new Promise<string>((r) => (resolve = r));
      return { promise, resolve };
    };
    const a = deferred();
    const b = deferred();
    setTimeout(() => b.resolve("b"), 4);
    setTimeout(() => a.resolve("a"), 8);
    const order: string[] = [];
    await Promise.all([a.promise.then((v) => order.push(v)), b.promise.then((v) => order.push(v))]);
    log(order.join(" then "));
  },
};

/** Runs `program` natively, starting in a macrotask as a wakesim task's first poll does. */
function native(program: (log: Log) => Promise<void>): Promise<string[]> {
  const log: string[] = [];
  return new Promise((resolve, reject) => setImmediate(() => program((s) => log.push(s)).then(() => resolve(log), reject)));
}

async function simulated(name: string, program: (log: Log) => Promise<void>): Promise<string[]> {
  const log: string[] = [];
  const out = await runScenarioAsync(
    defineScenario({ name, setup: (sim) => void sim.spawn(() => program((s) => log.push(s)), { name: "main" }) }),
    { chooser: new ReplayChooser([]) },
  );
  expect(out.violations.map((v) => v.message)).toEqual([]);
  expect(out.status).toBe("completed");
  return log;
}

describe("fidelity: the same event order natively and under the default schedule", () => {
  for (const [name, program] of Object.entries(PROGRAMS)) {
    it(name, async () => {
      const real = await native(program);
      expect(real.length).toBeGreaterThan(0);
      expect(await simulated(name, program)).toEqual(real);
    });
  }
});

describe("fidelity: the same where Node has no process._tickCallback (a macrotask per step, promise/drain.ts rule 3)", () => {
  for (const [name, program] of Object.entries(PROGRAMS)) {
    it(name, async () => {
      const real = await native(program);
      const p = process as unknown as { _tickCallback?: unknown };
      const drain = p._tickCallback;
      p._tickCallback = undefined;
      try {
        expect(await simulated(name, program)).toEqual(real);
      } finally {
        p._tickCallback = drain;
      }
    });
  }
});
