import { describe, expect, it } from "vitest";
import { PENDING, ready, Sim, type Context, type Poll, type Waker } from "wakesim";

/** Runs one task whose poll body is `body`; returns the sim and its outcome. */
function runOne(body: (cx: Context, n: number) => Poll<unknown>, opts = {}) {
  const sim = new Sim({ seed: 1, trace: true, ...opts });
  let n = 0;
  sim.spawn({ poll: (cx) => body(cx, ++n) }, { name: "t" });
  return { sim, out: sim.run() };
}

describe("Waker", () => {
  it("hands each poll a fresh generation, shared by its clones", () => {
    const seen: Waker[] = [];
    runOne((cx, n) => {
      seen.push(cx.waker, cx.waker.clone());
      if (n === 3) return ready(0);
      cx.waker.wakeByRef();
      return PENDING;
    });
    expect(seen.map((w) => w.generation)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(seen[0]!.isBorrowed).toBe(true);
    expect(seen[1]!.isBorrowed).toBe(false);
    expect(seen[1]!.willWake(seen[0]!)).toBe(true);
    expect(seen[1]!.willWake(seen[2]!)).toBe(false);
  });

  it("makes the borrowed waker unusable after its poll, with a message that says to clone it", () => {
    let kept: Waker | null = null;
    // The at-poll oracle would stop the run first (the waiter took no clone); let it go on.
    const sim = new Sim({ seed: 1, executor: "fifo", stopOnViolation: false });
    sim.spawn({ poll: (cx) => ((kept = cx.waker), PENDING) }, { name: "waiter" });
    sim.spawn(
      {
        poll: () => {
          kept!.wake();
          return ready(0);
        },
      },
      { name: "notifier" },
    );
    const out = sim.run();
    const contract = out.violations.find((v) => v.kind === "contract");
    expect(contract?.message).toMatchInlineSnapshot(
      `"waker.wake() on the borrowed waker of task 'waiter' from poll 1, after that poll returned. cx.waker is lent for one poll only: clone it (cx.waker.clone()) to keep it, and keep the latest clone. (used during a poll of task 'notifier')"`,
    );
    expect(contract).toMatchObject({ rule: "waker-borrowed-after-poll", task: "waiter", tasks: ["waiter", "notifier"] });
  });

  it("consumes an owned waker on wake(), and reports a second use", () => {
    let clone: Waker | null = null;
    const { out } = runOne((cx, n) => {
      if (n === 1) {
        clone = cx.waker.clone();
        clone.wake();
        return PENDING;
      }
      clone!.wakeByRef();
      return ready(0);
    });
    const v = out.violations[0];
    expect(v?.kind).toBe("contract");
    expect(v?.message).toMatchInlineSnapshot(
      `"waker.wakeByRef() on a waker of task 't' (poll 1) that wake() or drop() already consumed. Use wakeByRef() to wake without consuming, or clone() before waking."`,
    );
  });

  it("keeps an owned waker usable after wakeByRef() and counts live clones", () => {
    let clone: Waker | null = null;
    const sim = new Sim({ seed: 1 });
    sim.spawn(
      {
        poll(cx) {
          if (clone === null) {
            clone = cx.waker.clone();
            clone.wakeByRef();
            clone.wakeByRef();
            return PENDING;
          }
          clone.drop();
          return ready(0);
        },
      },
      { name: "t" },
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.tasks[0]!.polls).toBe(2); // two wakes before the next poll coalesce into one
  });

  it("lets wake() on the borrowed waker act as wakeByRef()", () => {
    const { out } = runOne((cx, n) => {
      if (n === 2) return ready(0);
      cx.waker.wake();
      return PENDING;
    });
    expect(out.ok).toBe(true);
  });

  it("marks a wake through a waker from an older poll as stale in the trace, and lets it through by default (choice 0)", () => {
    const run = (staleAnswer: number) => {
      let old: Waker | null = null;
      const sim = new Sim({ trace: true, chooser: { name: "probe", choose: (_n, kind) => (kind === "stale-wake" ? staleAnswer : 0) } });
      sim.spawn(
        {
          poll(cx) {
            if (old === null) {
              old = cx.waker.clone();
              cx.waker.wakeByRef();
              return PENDING;
            }
            if (cx.waker.generation === 2) {
              old.wake(); // stale: generation 1, task already on poll 2
              return PENDING;
            }
            return ready(0);
          },
        },
        { name: "t" },
      );
      const out = sim.run();
      const wakes = out.trace!.filter((e) => e.type === "WakeIssued").map((w) => (w.type === "WakeIssued" ? [w.waker, w.stale, w.effect] : null));
      return { out, wakes };
    };
    const through = run(0);
    expect(through.out.ok).toBe(true);
    expect(through.wakes).toEqual([
      ["t@g1.0", false, "notified-while-running"],
      ["t@g1.1", true, "notified-while-running"],
    ]);
    const inert = run(1);
    expect(inert.wakes[1]).toEqual(["t@g1.1", true, "ignored (stale waker made inert)"]);
    expect(inert.out.violations).toHaveLength(1);
    expect(inert.out.violations[0]).toMatchObject({ kind: "stale-waker", task: "t", wakerGeneration: 1, taskGeneration: 2, by: "t" });
  });
});
