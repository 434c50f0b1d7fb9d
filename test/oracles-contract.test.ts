import { describe, expect, it } from "vitest";
import {
  asyncBlock,
  asyncFn,
  ContractError,
  guard,
  PENDING,
  ready,
  Sim,
  sleep,
  wait,
  yieldNow,
  type Context,
  type Future,
  type Poll,
  type Waker,
} from "wakesim";
import { Flag, spin } from "./helpers.js";

// ---- user-written combinators under test -------------------------------------------------

/**
 * BUGGY join of two futures: it polls both children on every poll, forgetting that one of them
 * already returned ready — so a finished child is polled again.
 */
function buggyJoin2<A, B>(a: Future<A>, b: Future<B>): Future<[A, B]> {
  let va: A | undefined;
  let vb: B | undefined;
  let haveA = false;
  let haveB = false;
  return {
    label: "buggyJoin2",
    poll(cx: Context): Poll<[A, B]> {
      const pa = a.poll(cx); // bug: no `if (!haveA)`
      if (pa.ready) ((va = pa.value), (haveA = true));
      const pb = b.poll(cx); // bug: no `if (!haveB)`
      if (pb.ready) ((vb = pb.value), (haveB = true));
      return haveA && haveB ? ready([va as A, vb as B]) : PENDING;
    },
  };
}

/** The correct twin: a finished child is remembered and never polled again; drop releases the rest. */
function join2<A, B>(a: Future<A>, b: Future<B>): Future<[A, B]> {
  let ra: { v: A } | null = null;
  let rb: { v: B } | null = null;
  return {
    label: "join2",
    poll(cx: Context): Poll<[A, B]> {
      if (ra === null) {
        const pa = a.poll(cx);
        if (pa.ready) ra = { v: pa.value };
      }
      if (rb === null) {
        const pb = b.poll(cx);
        if (pb.ready) rb = { v: pb.value };
      }
      return ra !== null && rb !== null ? ready([ra.v, rb.v]) : PENDING;
    },
    drop() {
      if (ra === null) a.drop?.();
      if (rb === null) b.drop?.();
    },
  };
}

/** A child that completes at once, and one that needs a few polls. */
const quick = () => guard<number>({ poll: () => ready(1) }, "quick");
const slow = () => guard(spin(2, 2), "slow");

describe("guard: poll after ready", () => {
  it("reports a combinator that polls a finished child again, naming the task and the child, and panics that task", () => {
    const sim = new Sim({ seed: 1 });
    const h = sim.spawn(buggyJoin2(quick(), slow()), { name: "joiner" });
    const out = sim.run();
    expect(out.ok).toBe(false);
    expect(out.status).toBe("stopped");
    // Reported once, as a contract violation: the panic it causes is not reported again.
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "contract", rule: "poll-after-ready", task: "joiner", tasks: ["joiner"], step: 1 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(
      `"future 'quick' was polled again after it returned ready: a finished future must not be polled (drop it, or remember that it finished) — in task 'joiner' at step 1"`,
    );
    expect(h.outcome?.kind).toBe("panicked");
    expect(h.outcome).toMatchObject({ kind: "panicked", message: "ContractError: poll-after-ready: quick" });
    expect(h.outcome?.kind === "panicked" && h.outcome.error).toBeInstanceOf(ContractError);
  });

  it("goes on after the contract panic with stopOnViolation: false, still reporting it once", () => {
    const sim = new Sim({ seed: 1, stopOnViolation: false });
    const h = sim.spawn(buggyJoin2(quick(), slow()), { name: "joiner" });
    const other = sim.spawn(spin(4, "done"), { name: "bystander" });
    const out = sim.run();
    expect(out.status).toBe("completed");
    expect(out.violations.map((v) => [v.kind, v.kind === "contract" ? v.rule : ""])).toEqual([["contract", "poll-after-ready"]]);
    expect(h.outcome?.kind).toBe("panicked");
    expect(other.outcome).toEqual({ kind: "completed", value: "done" });
  });

  it("reports the slip inside an async fn too, where the awaited child's panic is thrown into the body", () => {
    const sim = new Sim({ seed: 1 });
    const h = sim.spawn(asyncBlock(function* () {
      return yield* wait(buggyJoin2(quick(), slow()));
    }, "outer"), { name: "body" });
    const out = sim.run();
    expect(out.violations).toMatchObject([{ kind: "contract", rule: "poll-after-ready", task: "body" }]);
    expect(h.outcome?.kind).toBe("panicked");
  });

  it("uses the future's own label when guard() is given none", () => {
    const sim = new Sim({ seed: 1 });
    const labelled: Future<number> = { label: "recv(chan#1)", poll: () => ready(7) };
    sim.spawn(buggyJoin2(guard(labelled), slow()), { name: "rx" });
    const out = sim.run();
    expect(out.violations[0]?.message).toContain("future 'recv(chan#1)' was polled again");
  });

  it("passes the correct twin, with every child guarded, over 100 seeds", () => {
    for (let seed = 0; seed < 100; seed++) {
      const sim = new Sim({ seed });
      const flag = new Flag();
      const h = sim.spawn(join2(guard(sleep(3), "sleep"), join2(guard(flag.wait(), "flag"), quick())), { name: "joiner" });
      sim.spawn(asyncBlock(function* () {
        yield* yieldNow();
        yield* sleep(1);
        flag.set();
      }), { name: "setter" });
      sim.spawn(guard(join2(slow(), guard(spin(1, 3), "spin")), "outer"), { name: "nested" });
      const out = sim.run();
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
      expect(h.outcome).toEqual({ kind: "completed", value: [undefined, [undefined, 1]] });
    }
  });

  it("drops a guarded future's inner future only while it is unfinished", () => {
    const dropped: string[] = [];
    const mk = (name: string, polls: number): Future<number> => {
      const inner = spin(polls, 0);
      return { label: name, poll: (cx) => inner.poll(cx), drop: () => dropped.push(name) };
    };
    const finished = guard(mk("finished", 0));
    const unfinished = guard(mk("unfinished", 10));
    const sim = new Sim({ seed: 1 });
    const h = sim.spawn({
      poll(cx) {
        finished.poll(cx);
        unfinished.poll(cx);
        return ready(0);
      },
    }, { name: "t" });
    expect(sim.run().ok).toBe(true);
    expect(h.outcome?.kind).toBe("completed");
    finished.drop();
    unfinished.drop();
    expect(dropped).toEqual(["unfinished"]);
  });
});

describe("guard: re-entrant poll", () => {
  it("reports a future whose poll polls itself", () => {
    const sim = new Sim({ seed: 1 });
    const self: { g?: Future<number> } = {};
    self.g = guard<number>({ poll: (cx) => self.g!.poll(cx) }, "narcissus");
    const h = sim.spawn(self.g, { name: "mirror" });
    const out = sim.run();
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "contract", rule: "reentrant-poll", task: "mirror", tasks: ["mirror"], step: 0 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(
      `"future 'narcissus' was polled while its own poll was still running (a re-entrant poll): a future may not poll itself, directly or through a cycle — in task 'mirror' at step 0"`,
    );
    expect(h.outcome).toMatchObject({ kind: "panicked", message: "ContractError: reentrant-poll: narcissus" });
  });

  it("reports a cycle of two futures polling each other", () => {
    const sim = new Sim({ seed: 1 });
    const cyc: { a?: Future<number>; b?: Future<number> } = {};
    cyc.a = guard<number>({ poll: (cx) => cyc.b!.poll(cx) }, "ping");
    cyc.b = guard<number>({ poll: (cx) => cyc.a!.poll(cx) }, "pong");
    sim.spawn(cyc.a, { name: "loop" });
    const out = sim.run();
    expect(out.violations).toMatchObject([{ kind: "contract", rule: "reentrant-poll", task: "loop" }]);
    expect(out.violations[0]!.message).toContain("future 'ping' was polled while its own poll was still running");
  });

  it("lets a guarded future be polled again once its poll returned (pending is not re-entrancy)", () => {
    const sim = new Sim({ seed: 1 });
    const g = guard(spin(5, "x"), "spinner");
    const h = sim.spawn(g, { name: "t" });
    expect(sim.run().ok).toBe(true);
    expect(h.outcome).toEqual({ kind: "completed", value: "x" });
  });
});

describe("asyncFn: poll after ready", () => {
  /** Polls `child` once more after it completed (the bug), then completes with its value. */
  function pollsTwice<T>(child: Future<T>): Future<T> {
    let value: { v: T } | null = null;
    return {
      poll(cx) {
        const p = child.poll(cx); // bug: polled even after it returned ready
        if (value !== null) return ready(value.v);
        if (p.ready) value = { v: p.value };
        cx.waker.wakeByRef();
        return PENDING;
      },
    };
  }

  it("reports an async fn future polled after it completed, with the function's name as label", () => {
    const fetchUser = asyncFn(function* fetchUser(id: number) {
      yield* yieldNow();
      return `user${id}`;
    });
    const sim = new Sim({ seed: 1 });
    const h = sim.spawn(pollsTwice(fetchUser(7)), { name: "caller" });
    const out = sim.run();
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "contract", rule: "poll-after-ready", task: "caller", step: 2 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(
      `"future 'fetchUser' was polled again after it returned ready: a finished future must not be polled (drop it, or remember that it finished) — in task 'caller' at step 2"`,
    );
    expect(h.outcome).toMatchObject({ kind: "panicked", message: "ContractError: async fn 'fetchUser' polled after it completed" });
  });

  it("does not report an async fn awaited correctly", () => {
    const fetchUser = asyncFn(function* fetchUser(id: number) {
      yield* yieldNow();
      return `user${id}`;
    });
    for (let seed = 0; seed < 20; seed++) {
      const sim = new Sim({ seed });
      const h = sim.spawn(asyncBlock(function* () {
        const [a, b] = yield* wait(join2(fetchUser(1), fetchUser(2)));
        return `${a},${b}`;
      }), { name: "caller" });
      expect(sim.run().ok, `seed ${seed}`).toBe(true);
      expect(h.outcome).toEqual({ kind: "completed", value: "user1,user2" });
    }
  });

  it("reports an async fn future polled after it was dropped (cancelled) as a failure, not a silent pass", () => {
    const body = asyncFn(function* cancelled() {
      yield* yieldNow();
      yield* yieldNow();
      return 1;
    });
    const child = body();
    const sim = new Sim({ seed: 1 });
    let polls = 0;
    const h = sim.spawn({
      poll(cx): Poll<number> {
        polls++;
        if (polls === 2) child.drop(); // gives up on the child…
        const p = child.poll(cx); // …and polls it anyway: the bug
        if (p.ready) return ready(p.value);
        cx.waker.wakeByRef();
        return PENDING;
      },
    }, { name: "careless" });
    const out = sim.run();
    expect(h.outcome).toMatchObject({ kind: "panicked", message: "ContractError: async fn 'cancelled' polled after it was dropped" });
    // The task panicked on a contract slip: the run must not come out ok with nothing reported.
    expect(out.ok).toBe(false);
    expect(out.violations.map((v) => v.tasks)).toEqual([["careless"]]);
  });
});

describe("waker contract: the correct twins", () => {
  // The buggy fixtures (a borrowed cx.waker kept past its poll; a consumed clone used again)
  // are in waker.test.ts; these are the correct versions that must pass.

  it("passes a waiter that keeps a clone of cx.waker, woken later by another task", () => {
    for (const executor of ["fifo", "permissive", "lifo-slot"] as const) {
      for (let seed = 0; seed < 20; seed++) {
        let kept: Waker | null = null;
        let woken = false;
        const sim = new Sim({ seed, executor });
        sim.spawn({
          poll(cx): Poll<void> {
            if (woken) return ready();
            kept = cx.waker.clone(); // the fix: clone to keep
            return PENDING;
          },
        }, { name: "waiter" });
        sim.spawn({
          poll(cx): Poll<void> {
            if (kept === null) {
              cx.waker.wakeByRef(); // the waiter has not parked yet: try again
              return PENDING;
            }
            woken = true;
            kept.wake();
            return ready();
          },
        }, { name: "notifier" });
        const out = sim.run();
        expect(out.ok, `${executor}, seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
      }
    }
  });

  it("passes a future that clones before each consuming wake(), and one that wakes by reference", () => {
    const sim = new Sim({ seed: 1 });
    let n = 0;
    sim.spawn({
      poll(cx): Poll<number> {
        if (++n === 2) return ready(n);
        const clone = cx.waker.clone();
        clone.clone().wake(); // consumes only the second clone
        clone.wakeByRef(); // the first clone is still usable…
        clone.wake(); // …and consumed here, once
        return PENDING;
      },
    }, { name: "t" });
    const out = sim.run();
    expect(out.ok, out.violations[0]?.message).toBe(true);
    expect(out.polls).toBe(2);
  });

  it("reports a clone used after drop() as use after consume", () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn({
      poll(cx): Poll<void> {
        const w = cx.waker.clone();
        w.drop();
        w.wakeByRef();
        return PENDING;
      },
    }, { name: "t" });
    const out = sim.run();
    expect(out.violations).toMatchObject([{ kind: "contract", rule: "waker-used-after-consume", task: "t" }]);
    expect(out.violations[0]!.message).toMatchInlineSnapshot(
      `"waker.wakeByRef() on a waker of task 't' (poll 1) that wake() or drop() already consumed. Use wakeByRef() to wake without consuming, or clone() before waking."`,
    );
  });
});
