/**
 * The poll matchers (src/vitest-matchers.ts, registered by `import "wakesim/vitest"`) and the
 * plain assert helpers (src/testing/assert.ts): what a failure prints — what the poll returned,
 * which task and poll, and the task's wake counts.
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import { assertNotWoken, assertPending, assertReady, assertReadyWith, assertWoken, FutureBase, mockTask, PENDING, PollAssertionError, ready, WakerSlot, type Context, type Poll } from "wakesim";

class Gate extends FutureBase<{ n: number }> {
  readonly label = "gate";
  readonly slot = new WakerSlot();
  value: { n: number } | null = null;
  poll(cx: Context): Poll<{ n: number }> {
    if (this.value !== null) return ready(this.value);
    this.slot.register(cx);
    return PENDING;
  }
}

/** The message of the error `fn` throws (it must throw). */
function thrown(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a throw");
}

describe("poll matchers", () => {
  it("toBePending fails on a Ready poll, saying its value, the task, the poll and the wake counts", () => {
    const g = new Gate();
    const t = mockTask(g, { name: "rx" });
    t.poll();
    g.value = { n: 1 };
    g.slot.wake();
    const p = t.poll();
    expect(thrown(() => expect(p).toBePending())).toMatchInlineSnapshot(
      `"expected Pending, but poll 2 of mock task 'rx' returned Ready({ n: 1 }) (task 'rx' now: woken 0 times since poll 2, once in all; 0 waker clones held)"`,
    );
    expect(p).toBeReady();
    expect(p).not.toBePending();
  });

  it("toBeReady and toBeReadyWith fail on Pending, and toBeReadyWith on a different value", () => {
    const g = new Gate();
    const t = mockTask(g, { name: "rx" });
    const p = t.poll();
    expect(thrown(() => expect(p).toBeReady())).toMatchInlineSnapshot(
      `"expected Ready, but poll 1 of mock task 'rx' returned Pending (task 'rx' now: woken 0 times since poll 1, 0 times in all; 1 waker clone held)"`,
    );
    g.value = { n: 2 };
    const q = t.poll();
    expect(q).toBeReadyWith({ n: 2 });
    expect(thrown(() => expect(q).toBeReadyWith({ n: 3 }))).toMatchInlineSnapshot(
      `"expected Ready({ n: 3 }), but poll 2 of mock task 'rx' returned Ready({ n: 2 }) (task 'rx' now: woken 0 times since poll 2, 0 times in all; 1 waker clone held)"`,
    );
    expect(thrown(() => expect(q).not.toBeReadyWith({ n: 2 }))).toMatchInlineSnapshot(
      `"expected anything but Ready({ n: 2 }), but poll 2 of mock task 'rx' returned Ready({ n: 2 }) (task 'rx' now: woken 0 times since poll 2, 0 times in all; 1 waker clone held)"`,
    );
  });

  it("a poll made without a mock task is described by what it returned", () => {
    expect(thrown(() => expect(PENDING).toBeReadyWith(1))).toMatchInlineSnapshot(`"expected Ready(1), but the poll returned Pending"`);
    expect(thrown(() => expect(42).toBePending())).toMatchInlineSnapshot(`"expected Pending, but the poll returned not a Poll: 42"`);
  });

  it("toBeWoken and toHaveWakeCount fail with the task's wake counts", () => {
    const g = new Gate();
    const t = mockTask(g, { name: "waiter" });
    t.poll();
    expect(thrown(() => expect(t).toBeWoken())).toMatchInlineSnapshot(
      `"expected mock task 'waiter' to be woken since its latest poll, but it was not: woken 0 times since poll 1, 0 times in all; 1 waker clone held"`,
    );
    g.slot.wake();
    expect(t).toBeWoken();
    expect(thrown(() => expect(t).not.toBeWoken())).toMatchInlineSnapshot(
      `"expected mock task 'waiter' not to be woken since its latest poll, but it was: woken once since poll 1, once in all; 0 waker clones held"`,
    );
    expect(t).toHaveWakeCount(1);
    expect(thrown(() => expect(t).toHaveWakeCount(2))).toMatchInlineSnapshot(
      `"expected mock task 'waiter' to have been woken 2 times in all: woken once since poll 1, once in all; 0 waker clones held"`,
    );
    expect(thrown(() => expect({}).toBeWoken())).toMatchInlineSnapshot(`"expected a mock task (from mockTask()), got {}"`);
  });
});

describe("assert helpers (any runner)", () => {
  it("throw PollAssertionError with the same words, prefixed by the caller's message", () => {
    const g = new Gate();
    const t = mockTask(g, { name: "rx" });
    const p = t.poll();
    assertPending(p);
    assertNotWoken(t);
    expect(() => assertReady(p)).toThrow(PollAssertionError);
    expect(thrown(() => assertReady(p, "after the first poll"))).toMatchInlineSnapshot(
      `"after the first poll: expected Ready, but poll 1 of mock task 'rx' returned Pending (task 'rx' now: woken 0 times since poll 1, 0 times in all; 1 waker clone held)"`,
    );
    expect(thrown(() => assertWoken(t))).toMatch(/to be woken since its latest poll, but it was not/);
    g.value = { n: 7 };
    g.slot.wake();
    expect(thrown(() => assertNotWoken(t))).toMatch(/not to be woken.*woken once since poll 1/);
    assertWoken(t);
    const q = t.poll();
    expect(assertReady(q)).toEqual({ n: 7 });
    assertReadyWith(q, { n: 7 });
    expect(thrown(() => assertPending(q))).toMatch(/expected Pending, but poll 2 of mock task 'rx' returned Ready\(\{ n: 7 \}\)/);
  });
});
