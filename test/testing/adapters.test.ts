/**
 * The adapters (src/testing/adapters.ts) and the standalone wakers (src/testing/wakers.ts), by
 * hand and inside a Sim run.
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import {
  asyncBlock,
  contextOf,
  countingWaker,
  countWakes,
  FutureBase,
  interleavePending,
  mockTask,
  noopContext,
  panicContext,
  PENDING,
  pendingOnce,
  ready,
  Sim,
  UnexpectedWakeError,
  WakerMisuseError,
  WakerSlot,
  wakerFrom,
  yieldNow,
  type Context,
  type Poll,
} from "wakesim";

/** Ready at its `readyAt`-th poll; registers its waker before that. Counts its polls. */
class CountDown extends FutureBase<string> {
  readonly label = "count-down";
  polls = 0;
  readonly slot = new WakerSlot();
  constructor(private readonly readyAt: number) {
    super();
  }
  poll(cx: Context): Poll<string> {
    if (++this.polls >= this.readyAt) return ready("done");
    this.slot.register(cx);
    return PENDING;
  }
  drop(): void {
    this.slot.clear();
  }
}

describe("interleavePending", () => {
  it("returns a self-woken Pending before every inner poll", () => {
    const inner = new CountDown(2);
    const t = mockTask(interleavePending(inner));
    expect(t.poll()).toBePending();
    expect(t).toBeWoken();
    expect(inner.polls).toBe(0);
    expect(t.poll()).toBePending(); // inner poll 1
    expect(inner.polls).toBe(1);
    expect(t.isWoken()).toBe(false);
    expect(t.poll()).toBePending(); // the interleaved one again
    expect(t).toBeWoken();
    expect(inner.polls).toBe(1);
    expect(t.poll()).toBeReadyWith("done");
    expect(inner.polls).toBe(2);
  });

  it("drops its inner future", () => {
    const t = mockTask(interleavePending(new CountDown(9)));
    t.poll();
    t.poll();
    expect(t.wakersHeld).toBe(1);
    t.drop();
    expect(t.wakersHeld).toBe(0);
  });
});

describe("pendingOnce", () => {
  it("returns a self-woken Pending before the first poll only", () => {
    const inner = new CountDown(3);
    const t = mockTask(pendingOnce(inner));
    expect(t.poll()).toBePending();
    expect(t).toBeWoken();
    expect(t.poll()).toBePending();
    expect(t.poll()).toBePending();
    expect(inner.polls).toBe(2);
    expect(t.poll()).toBeReady();
  });
});

describe("countWakes", () => {
  it("counts the wakes and clones of the wrapped future, and forwards them to the task clone for clone", () => {
    const inner = new CountDown(3);
    const c = countWakes(inner);
    const t = mockTask(c);
    expect(t.poll()).toBePending();
    expect(c.counts).toEqual({ wakes: 0, clones: 1, held: 1 });
    expect(t.wakersHeld).toBe(1);
    expect(t.poll()).toBePending(); // WakerSlot keeps its clone: willWake across polls (per-task wakers)
    expect(c.counts).toEqual({ wakes: 0, clones: 1, held: 1 });
    inner.slot.wake();
    expect(c.counts).toEqual({ wakes: 1, clones: 1, held: 0 });
    expect(t).toBeWoken();
    expect(t.wakersHeld).toBe(0);
    expect(t.poll()).toBeReadyWith("done");
  });

  it("a dropped counted clone drops its forward", () => {
    const inner = new CountDown(9);
    const t = mockTask(countWakes(inner));
    t.poll();
    t.drop();
    expect(t.wakersHeld).toBe(0);
    expect(t.wakeCount).toBe(0);
  });

  it("works in a Sim run, wrapped around a yield: the wakes reach the task", () => {
    const sim = new Sim({ seed: 1 });
    const counted = countWakes(interleavePending(yieldNow()));
    sim.spawn(
      asyncBlock(function* () {
        yield* counted;
        return "finished";
      }),
      { name: "t" },
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    // Two inner polls (the yield pends once), each preceded by an interleaved pending: 2 + 1 wakes.
    expect(counted.counts.wakes).toBe(3);
  });
});

describe("standalone wakers", () => {
  it("a counting waker counts wakes and clones; its context polls again after a wake", () => {
    const { waker, counts } = countingWaker();
    const cx = contextOf(waker);
    const f = new CountDown(3);
    expect(f.poll(cx)).toEqual(PENDING);
    expect(counts).toMatchObject({ wakes: 0, clones: 1, held: 1 });
    cx.waker.wake(); // the context's waker is borrowed: wake() does not consume it
    cx.waker.wake();
    expect(counts.wakes).toBe(2);
    f.slot.wake();
    expect(counts).toMatchObject({ wakes: 3, clones: 1, held: 0 });
    expect(f.poll(cx).ready).toBe(false);
  });

  it("a panicking waker throws when a poll wakes its task", () => {
    expect(() => yieldNow().poll(panicContext())).toThrow(UnexpectedWakeError);
    expect(new CountDown(2).poll(panicContext()).ready).toBe(false); // registering is fine
  });

  it("a noop waker does nothing; a consumed clone cannot be woken again", () => {
    const cx = noopContext();
    const w = cx.waker.clone();
    w.wake();
    expect(() => w.wake()).toThrow(WakerMisuseError);
  });

  it("wakerFrom calls your functions", () => {
    const log: string[] = [];
    const { waker } = wakerFrom({ wake: () => log.push("wake"), clone: () => log.push("clone"), release: (woken) => log.push(`release(${woken})`) });
    const c = waker.clone();
    c.wakeByRef();
    c.drop();
    waker.clone().wake();
    expect(log).toEqual(["clone", "wake", "release(false)", "clone", "wake", "release(true)"]);
  });
});
