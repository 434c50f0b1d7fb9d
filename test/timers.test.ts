import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asyncBlock, Sim, sleep, sleepUntil } from "wakesim";
import { ReactorEvent } from "wakesim/reactor";
import { ReplayChooser } from "wakesim/explore";
import { EventQueue } from "../src/reactor/event-queue.js";

class Mark extends ReactorEvent {
  constructor(at: number, readonly tag: number) {
    super(at);
  }
  fire(): void {}
  describe(): string {
    return `mark${this.tag}`;
  }
}

describe("EventQueue", () => {
  it("pops in (deadline, registration order) for any insertion pattern, skipping cancelled", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(20), fc.boolean()), { maxLength: 60 }), (spec) => {
        const q = new EventQueue();
        const evs = spec.map(([at], i) => new Mark(at, i));
        evs.forEach((e) => q.push(e));
        spec.forEach(([, cancel], i) => cancel && q.cancel(evs[i]!));
        const expected = evs.filter((_, i) => !spec[i]![1]).sort((a, b) => a.at - b.at || a.tag - b.tag).map((e) => e.tag);
        expect(q.liveCount).toBe(expected.length);
        const got: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) got.push((e as Mark).tag);
        expect(got).toEqual(expected);
        expect(q.liveCount).toBe(0);
      }),
    );
  });

  it("takes any one of the events tied at the earliest deadline, in (deadline, registration order) rank, the rest staying queued in order", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(4), cancel: fc.boolean(), take: fc.nat(), pops: fc.nat(3) }), { maxLength: 60 }), (ops) => {
        // Interleaves pushes (some cancelled at once) with tie takes and plain pops; checks against a sorted model.
        const q = new EventQueue();
        let model: Mark[] = [];
        ops.forEach(({ at, cancel, take, pops }, i) => {
          const e = new Mark(at, i);
          q.push(e);
          if (cancel) q.cancel(e);
          else model.push(e);
          model.sort((a, b) => a.at - b.at || a.tag - b.tag);
          if (pops === 0 && model.length > 0) {
            const ties = model.filter((m) => m.at === model[0]!.at);
            expect(q.countTies()).toBe(ties.length);
            const got = q.takeTie(take % ties.length);
            expect(got).toBe(ties[take % ties.length]);
            model = model.filter((m) => m !== got);
          } else if (pops === 1) {
            expect(q.pop()).toBe(model.shift());
          }
          expect(q.liveCount).toBe(model.length);
        });
        const rest: (Mark | undefined)[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) rest.push(e as Mark);
        expect(rest).toEqual(model);
      }),
    );
  });
});

describe("virtual clock", () => {
  it("auto-advances to the next timer when nothing is runnable, and never goes backwards", () => {
    const seen: number[] = [];
    const sim = new Sim({ seed: 9 });
    for (const d of [30, 10, 20]) {
      sim.spawn(asyncBlock(function* () {
        yield* sleep(d);
        seen.push(sim.now);
      }), { name: `s${d}` });
    }
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(seen).toEqual([10, 20, 30]);
    expect(out.time).toBe(30);
  });

  it("fires timers due at the same instant in registration order by default", () => {
    const order: string[] = [];
    const sim = new Sim({ chooser: new ReplayChooser([]), executor: "fifo" });
    for (const n of ["a", "b", "c"]) {
      sim.spawn(asyncBlock(function* () {
        yield* sleepUntil(4);
        order.push(n);
      }), { name: n });
    }
    expect(sim.run().ok).toBe(true);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("lets the chooser reorder ties when the 'tie' fault is on", () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const order: string[] = [];
      const sim = new Sim({ seed, executor: "fifo", faults: ["tie"], faultProbability: 0.5 });
      for (const n of ["a", "b", "c"]) {
        sim.spawn(asyncBlock(function* () {
          yield* sleepUntil(4);
          order.push(n);
        }), { name: n });
      }
      sim.run();
      orders.add(order.join(""));
    }
    expect(orders.size).toBeGreaterThan(1);
    expect(orders.has("abc")).toBe(true);
  });

  it("with a poll cost, lets time pass while tasks run so timers race with polls", () => {
    const sim = new Sim({ seed: 2, pollCostTicks: 1, executor: "fifo" });
    let spins = 0;
    const done = { v: false };
    sim.spawn(asyncBlock(function* () {
      yield* sleep(3);
      done.v = true;
    }), { name: "timer" });
    sim.spawn({
      poll(cx) {
        if (done.v) return { ready: true, value: undefined };
        spins++;
        cx.waker.wakeByRef();
        return { ready: false };
      },
    }, { name: "spinner" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(spins).toBeGreaterThan(0);
    expect(out.time).toBeGreaterThanOrEqual(3);
  });
});
