import { describe, expect, it } from "vitest";
import {
  asyncBlock,
  defineScenario,
  EOF,
  RESET,
  FutureBase,
  PENDING,
  ready,
  runScenario,
  Sim,
  sleep,
  WakerSlot,
  WOULD_BLOCK,
  yieldNow,
  select,
  type Context,
  type Poll,
  type Waker,
} from "wakesim";
import { firstFailure, Flag } from "./helpers.js";


/** A notifier. The buggy one drops a notify() that finds no waiter; the correct one stores a permit. */
class Notify {
  private permit = false;
  private readonly slot = new WakerSlot();
  constructor(private readonly storesPermit: boolean) {}
  notify(): void {
    // BUG (when !storesPermit): with nobody waiting yet, the notification is dropped.
    if (!this.storesPermit && !this.slot.isRegistered) return;
    this.permit = true;
    this.slot.wake();
  }
  notified(): FutureBase<void> {
    const n = this;
    return new (class extends FutureBase<void> {
      readonly label = "notified";
      poll(cx: Context): Poll<void> {
        if (n.permit) {
          n.permit = false;
          return ready();
        }
        n.slot.register(cx);
        return PENDING;
      }
    })();
  }
}

const notifyScenario = (storesPermit: boolean) =>
  defineScenario({
    name: `notify-${storesPermit ? "permit" : "lost"}`,
    setup(sim) {
      const n = new Notify(storesPermit);
      sim.spawn(asyncBlock(function* () {
        yield* n.notified();
      }), { name: "waiter" });
      sim.spawn(asyncBlock(function* () {
        n.notify();
      }), { name: "notifier" });
    },
  });

describe("lost-wakeup oracle", () => {
  it("finds a notify whose permit is lost, diagnosing a held waker that nobody woke", () => {
    const found = firstFailure(notifyScenario(false), 50);
    expect(found).not.toBeNull();
    const v = found!.out.violations[0]!;
    expect(v).toMatchObject({ kind: "lost-wakeup", detection: "quiescence", tasks: ["waiter"] });
    expect(v.kind === "lost-wakeup" && v.stuck[0]).toMatchObject({ diagnosis: "waker-held-never-woken", wakersHeld: 1, heldBy: [], awaiting: "async block › notified" });
    expect(v.message).toMatchInlineSnapshot(`
      "the run reached quiescence (nothing runnable, no pending event) at step 2, t=0, with 1 task still pending:
        - waiter: pending since step 1 (awaiting async block › notified); 1 clone of its waker is held by user code, but nobody woke it (a lost notification, or a wait cycle)"
    `);
  });

  it("passes the correct notify (stored permit) under every schedule tried", () => {
    expect(firstFailure(notifyScenario(true), 500, { faults: "all" })).toBeNull();
  });

  it("flags, at the poll, a channel receive that returns pending without registering", () => {
    const make = (registers: boolean) =>
      defineScenario({
        name: `recv-${registers ? "ok" : "forgets"}`,
        setup(sim) {
          const queue: number[] = [];
          const slot = new WakerSlot();
          const recv = () =>
            new (class extends FutureBase<number> {
              readonly label = "recv";
              poll(cx: Context): Poll<number> {
                const v = queue.shift();
                if (v !== undefined) return ready(v);
                if (registers) slot.register(cx);
                return PENDING;
              }
            })();
          sim.spawn(asyncBlock(function* () {
            return (yield* recv()) + (yield* recv());
          }), { name: "rx" });
          sim.spawn(asyncBlock(function* () {
            for (const v of [1, 2]) {
              queue.push(v);
              slot.wake();
              yield* yieldNow();
            }
          }), { name: "tx" });
        },
      });
    const found = firstFailure(make(false), 50);
    expect(found?.out.violations[0]).toMatchObject({ kind: "lost-wakeup", detection: "at-poll", tasks: ["rx"] });
    expect(found!.out.violations[0]!.message).toMatchInlineSnapshot(`"poll 1 of task 'rx' (step 1, awaiting async block › recv) returned pending without taking a clone of this poll's waker and without waking it: nothing can wake it for this poll"`);
    expect(firstFailure(make(true), 300, { faults: "all" })).toBeNull();
  });

  it("names the pipe endpoint that holds the waker of a reader nobody writes to", () => {
    const sim = new Sim({ seed: 1 });
    const { reader, writer } = sim.io.pipe();
    sim.spawn(asyncBlock(function* () {
      return yield* reader.read();
    }), { name: "reader" });
    sim.spawn(asyncBlock(function* () {
      yield* writer.write("");
      // forgot writer.close(): the reader waits forever
    }), { name: "writer" });
    const out = sim.run();
    const v = out.violations[0]!;
    expect(v.kind === "lost-wakeup" && v.stuck[0]).toMatchObject({ task: "reader", diagnosis: "waker-held-never-woken", heldBy: ["pipe#1 reader (waiting for readable)"] });
  });

  it("catches an edge-triggered reader that does not drain, while a draining one passes", () => {
    const make = (drains: boolean) =>
      defineScenario({
        name: `reader-${drains ? "drains" : "partial"}`,
        setup(sim) {
          const { reader, writer } = sim.io.pipe();
          sim.spawn(asyncBlock(function* () {
            for (const chunk of ["ab", "cd", "ef"]) {
              yield* writer.write(chunk);
              yield* yieldNow();
            }
            writer.close();
          }), { name: "writer" });
          sim.spawn({
            label: "line-reader",
            got: "",
            poll(cx: Context): Poll<string> {
              for (;;) {
                const r = reader.tryRead(drains ? Infinity : 1);
                if (r === EOF || r === RESET) return ready(this.got);
                if (r === WOULD_BLOCK || !drains) {
                  if (typeof r === "string") this.got += r;
                  if (reader.pollReadable(cx).ready) continue;
                  return PENDING;
                }
                if (typeof r === "string") this.got += r;
              }
            },
          } as { label: string; got: string; poll(cx: Context): Poll<string> }, { name: "reader" });
        },
      });
    const found = firstFailure(make(false), 100);
    expect(found).not.toBeNull();
    expect(found!.out.violations[0]).toMatchObject({ kind: "lost-wakeup", tasks: ["reader"] });
    expect(firstFailure(make(true), 300, { faults: "all" })).toBeNull();
  });

  it("notes a wait cycle when several tasks wait on each other with wakers held", () => {
    const sim = new Sim({ seed: 3 });
    const a = new Flag();
    const b = new Flag();
    sim.spawn(asyncBlock(function* () {
      yield* a.wait();
      b.set();
    }), { name: "left" });
    sim.spawn(asyncBlock(function* () {
      yield* b.wait();
      a.set();
    }), { name: "right" });
    const out = sim.run();
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`
      "the run reached quiescence (nothing runnable, no pending event) at step 2, t=0, with 2 tasks still pending:
        - left: pending since step 0 (awaiting async block › flag.wait); 1 clone of its waker is held by user code, but nobody woke it (a lost notification, or a wait cycle)
        - right: pending since step 1 (awaiting async block › flag.wait); 1 clone of its waker is held by user code, but nobody woke it (a lost notification, or a wait cycle)
        2 tasks wait with wakers held and none can run (left, right): if each waits for another, this is a wait cycle (deadlock)."
    `);
  });
});

describe("stale-waker oracle", () => {
  /** A waiter cell. The buggy one keeps the first waker it sees; the correct one keeps the latest. */
  const make = (keepsLatest: boolean) =>
    defineScenario({
      name: `waiter-${keepsLatest ? "latest" : "first"}`,
      setup(sim) {
        let value: number | null = null;
        let kept: Waker | null = null;
        const slot = new WakerSlot();
        const get = () =>
          new (class extends FutureBase<number> {
            readonly label = "get";
            poll(cx: Context): Poll<number> {
              if (value !== null) return ready(value);
              if (keepsLatest) slot.register(cx);
              else kept ??= cx.waker.clone(); // BUG: only the first waker is kept
              return PENDING;
            }
          })();
        sim.spawn(asyncBlock(function* () {
          // polled again by the timer branch: the cell's waker is then stale
          const r = yield* select(get(), sleep(1));
          if (r.index === 1) return yield* get();
          return r.value;
        }), { name: "reader" });
        sim.spawn(asyncBlock(function* () {
          yield* sleep(2);
          value = 7;
          if (keepsLatest) slot.wake();
          else kept?.wake();
        }), { name: "writer" });
      },
    });

  it("does not flag, at the poll, a task that still holds a waker of an earlier poll: that waker reaches it in most runtimes", () => {
    const out = runScenario(make(false), { seed: 0, oracles: { staleWakers: "off" } });
    expect(out.ok).toBe(true);
  });

  it("reports the kept waker when, made inert, it loses the reader (stale-waker, not a lost wakeup)", () => {
    const found = firstFailure(make(false), 20);
    expect(found?.out.violations[0]).toMatchObject({ kind: "stale-waker", task: "reader", by: "writer", wakerGeneration: 1, taskGeneration: 2 });
    expect(found!.out.violations[0]!.message).toContain("kept the waker of poll 1 instead of the latest");
  });

  it("with stale wakers made inert, every run loses the reader, reported once as the stale waker that lost it", () => {
    const found = firstFailure(make(false), 20, { oracles: { staleWakers: "inert" }, stopOnViolation: false });
    expect(found!.seed).toBe(0);
    expect(found!.out.violations.map((v) => v.kind)).toEqual(["stale-waker"]);
  });

  it("passes the waiter that keeps the latest waker", () => {
    expect(firstFailure(make(true), 300, { faults: "all" })).toBeNull();
  });
});

describe("waker dropped without a wake", () => {
  it("names who dropped the waker a waiting task registered (a shared slot overwritten)", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    const shared = new WakerSlot(); // BUG: one slot for two waiters
    for (const n of ["first", "second"]) {
      sim.spawn({ label: "wait", poll(cx: Context): Poll<void> {
        shared.register(cx);
        return PENDING;
      } }, { name: n });
    }
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      shared.wake(); // wakes only 'second'
    }), { name: "waker" });
    const out = sim.run();
    const v = out.violations[0]!;
    expect(v.kind === "lost-wakeup" && v.stuck.map((s) => [s.task, s.diagnosis])).toEqual([
      ["first", "waker-dropped-unwoken"],
      ["second", "waker-held-never-woken"],
    ]);
    expect(v.message).toContain("task 'second' dropped it at step 1 without waking it");
  });
});
