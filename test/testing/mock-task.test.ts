/**
 * The mock task (src/testing/mock-task.ts): polls by hand, counts wakes and clones, enforces the
 * poll contract with the Sim's errors and words, and drops.
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import {
  asyncBlock,
  ContractError,
  FutureBase,
  mockTask,
  noopContext,
  PENDING,
  ready,
  sleep,
  WakerMisuseError,
  WakerSlot,
  yieldNow,
  type Context,
  type Future,
  type MockTask,
  type Poll,
  type Waker,
} from "wakesim";

/** A latch: pending until `open()`, keeping the latest waker in a slot. */
class Latch extends FutureBase<string> {
  readonly label = "latch";
  readonly slot = new WakerSlot();
  opened = false;
  open(): void {
    this.opened = true;
    this.slot.wake();
  }
  poll(cx: Context): Poll<string> {
    if (this.opened) return ready("open");
    this.slot.register(cx);
    return PENDING;
  }
  drop(): void {
    this.slot.clear();
  }
}

describe("mockTask", () => {
  it("polls, reports woken since the latest poll, and counts wakes in all", () => {
    const latch = new Latch();
    const t = mockTask(latch);
    expect(t.poll()).toBePending();
    expect(t.isWoken()).toBe(false);
    expect(t.wakersHeld).toBe(1);
    latch.open();
    expect(t.isWoken()).toBe(true);
    expect(t.wakeCount).toBe(1);
    expect(t.wakersHeld).toBe(0); // wake() consumed the slot's clone
    expect(t.poll()).toBeReadyWith("open");
    expect(t.isWoken()).toBe(false); // cleared when the poll started
    expect(t.wakeCount).toBe(1);
    expect(t.polls).toBe(2);
    expect(t.isDone).toBe(true);
  });

  it("counts a wake during the poll itself (a yield) as woken", () => {
    const t = mockTask(yieldNow());
    expect(t.poll()).toBePending();
    expect(t).toBeWoken();
    expect(t).toHaveWakeCount(1);
    expect(t.poll()).toBeReady();
  });

  it("counts a wake through a waker of an older poll as a wake, and as stale", () => {
    let kept: Waker | null = null;
    const t = mockTask({
      poll(cx: Context): Poll<void> {
        kept ??= cx.waker.clone(); // BUG on purpose: keeps the first poll's waker
        return PENDING;
      },
    });
    t.poll();
    t.poll();
    kept!.wake();
    expect(t.isWoken()).toBe(true);
    expect(t.staleWakes).toBe(1);
  });

  it("throws the Sim's WakerMisuseError when the borrowed waker is used after its poll, and records it", () => {
    let borrowed: Waker | null = null;
    const t = mockTask({
      label: "keeps-borrowed",
      poll(cx: Context): Poll<void> {
        borrowed = cx.waker; // BUG on purpose: no clone
        return PENDING;
      },
    });
    t.poll();
    expect(() => borrowed!.wake()).toThrow(WakerMisuseError);
    // First the poll itself: pending with no clone taken (the lost-wakeup oracle at the poll).
    expect(t.violations.map((v) => (v.kind === "contract" ? v.rule : v.kind))).toEqual(["lost-wakeup", "waker-borrowed-after-poll"]);
    expect(t.violations[1]!.message).toMatchInlineSnapshot(`"waker.wake() on the borrowed waker of task 'keeps-borrowed' from poll 1, after that poll returned. cx.waker is lent for one poll only: clone it (cx.waker.clone()) to keep it, and keep the latest clone."`);
  });

  it("throws ContractError on a poll after ready, with the words of a Sim report", () => {
    const t = mockTask(new Latch());
    t.future.open();
    expect(t.poll()).toBeReady();
    expect(() => t.poll()).toThrowErrorMatchingInlineSnapshot(
      `[ContractError: future 'latch' was polled again after it returned ready: a finished future must not be polled (drop it, or remember that it finished) — in task 'latch' at step 1]`,
    );
    expect(t.violations).toHaveLength(1);
  });

  it("throws ContractError on a poll after drop, and on a re-entrant poll", () => {
    const t = mockTask(new Latch());
    t.drop();
    expect(() => t.poll()).toThrow(ContractError);
    const self: { t?: MockTask<Future<void>> } = {};
    self.t = mockTask({ poll: (): Poll<void> => self.t!.poll() as Poll<void> });
    expect(() => self.t!.poll()).toThrow(/re-entrant poll/);
  });

  it("an asyncFn polled after it completed reports through the mock runtime (the same rule as in a Sim)", () => {
    const body = asyncBlock(function* () {
      return 1;
    });
    const t = mockTask(body);
    expect(t.poll()).toBeReadyWith(1);
    expect(() => t.enter((cx, f) => f.poll(cx))).toThrow(ContractError);
    expect(t.violations.map((v) => v.kind === "contract" && v.rule)).toEqual(["poll-after-ready"]);
  });

  it("records a pending poll that took no clone and woke nothing (lost-wakeup at the poll)", () => {
    const t = mockTask({ label: "forgetful", poll: (): Poll<void> => PENDING });
    expect(t.poll()).toBePending();
    expect(t.violations.map((v) => v.kind)).toEqual(["lost-wakeup"]);
    expect(t.violations[0]!.message).toMatchInlineSnapshot(`"poll 1 of mock task 'forgetful' returned pending without taking a clone of this poll's waker and without waking it: nothing can wake it for this poll"`);
    const ok = mockTask(new Latch());
    ok.poll();
    expect(ok.violations).toEqual([]);
  });

  it("drop() calls the future's drop, which must release its clones", () => {
    const t = mockTask(new Latch());
    t.poll();
    expect(t.wakersHeld).toBe(1);
    t.drop();
    expect(t.wakersHeld).toBe(0);
    expect(t.isDropped).toBe(true);
    expect(() => t.enter(() => 0)).toThrow(/dropped/);
  });

  it("enter() lends a fresh waker of the task to direct calls, with no future wrapped", () => {
    const latch = new Latch();
    const t = mockTask();
    expect(t.enter((cx) => latch.poll(cx))).toBePending();
    expect(t.wakersHeld).toBe(1);
    latch.open();
    expect(t).toBeWoken();
    expect(() => t.poll()).toThrow(/wraps no future/);
  });

  it("a future that keeps the latest waker moves from a noop context to the task's waker", () => {
    const latch = new Latch();
    const t = mockTask(latch);
    t.enter((_, f) => f.poll(noopContext()));
    expect(t.poll()).toBePending();
    latch.open();
    expect(t).toBeWoken();
  });

  it("runtime.advance(ticks) fires the timers of sleep in order, on a shared clock", () => {
    const a = mockTask(sleep(5));
    const b = mockTask(sleep(2), { runtime: a.runtime });
    expect(a.poll()).toBePending();
    expect(b.poll()).toBePending();
    a.runtime.advance(1);
    expect(b.isWoken()).toBe(false);
    a.runtime.advance(1);
    expect(b).toBeWoken();
    expect(a.isWoken()).toBe(false);
    expect(b.poll()).toBeReady();
    a.runtime.advance(3);
    expect(a).toBeWoken();
    expect(a.runtime.now).toBe(5);
  });
});
