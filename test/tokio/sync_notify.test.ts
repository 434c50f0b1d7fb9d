/**
 * tokio/tests/sync_notify.rs (tokio-rs/tokio@ea91b33ca), ported test by test to wakesim's mock
 * task and run against fixtures/notify.ts. Each test is titled with its upstream fn name.
 *
 * Names: `notify_one` → notifyOne, `notify_last` → notifyLast, `notify_waiters` → notifyAll,
 * `spawn(async { notify.notified().await })` → mockTask(asyncBlock(…)) (the notified() future is
 * made at the first poll, as in the async block), `spawn(notify.notified())` → mockTask(notified())
 * (made now). `drop(task)` → task.drop(). `now_or_never()` → one poll with a noop context.
 *
 * Ported: all 19. Skipped: none. Deliberately different: none (the fixture gained notifyLast and
 * enable() for them: fixtures/notify.ts rules 1, 4 and 5).
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import { asyncBlock, contextOf, mockTask, noopContext, wakerFrom } from "wakesim";
import { Notify } from "../../fixtures/notify.js";

/** tokio's `spawn(async { notify.notified().await })`. */
function waiter(notify: Notify) {
  return mockTask(
    asyncBlock(function* () {
      yield* notify.notified();
    }),
  );
}

describe("tokio sync_notify.rs", () => {
  it("notify_notified_one", () => {
    const notify = new Notify();
    const notified = waiter(notify);
    notify.notifyOne();
    expect(notified.poll()).toBeReady();
  });

  it("notify_multi_notified_one", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    // add two waiters into the queue
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    // wakes up the first one
    notify.notifyOne();
    expect(notified1.poll()).toBeReady();
    expect(notified2.poll()).toBePending();
  });

  it("notify_multi_notified_last", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    // wakes up the last one
    notify.notifyLast();
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBeReady();
  });

  it("notified_one_notify", () => {
    const notify = new Notify();
    const notified = waiter(notify);
    expect(notified.poll()).toBePending();
    notify.notifyOne();
    expect(notified).toBeWoken();
    expect(notified.poll()).toBeReady();
  });

  it("notified_multi_notify", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    notify.notifyOne();
    expect(notified1).toBeWoken();
    expect(notified2).not.toBeWoken();
    expect(notified1.poll()).toBeReady();
    expect(notified2.poll()).toBePending();
  });

  it("notify_notified_multi", () => {
    const notify = new Notify();
    notify.notifyOne();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    expect(notified1.poll()).toBeReady();
    expect(notified2.poll()).toBePending();
    notify.notifyOne();
    expect(notified2).toBeWoken();
    expect(notified2.poll()).toBeReady();
  });

  it("notified_drop_notified_notify", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    expect(notified1.poll()).toBePending();
    notified1.drop();
    expect(notified1.wakersHeld).toBe(0); // the dropped waiter left the queue with its waker
    expect(notified2.poll()).toBePending();
    notify.notifyOne();
    expect(notified2).toBeWoken();
    expect(notified2.poll()).toBeReady();
  });

  it("notified_multi_notify_drop_one", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    notify.notifyOne();
    expect(notified1).toBeWoken();
    expect(notified2).not.toBeWoken();
    notified1.drop(); // picked but not completed: passes the notification on
    expect(notified2).toBeWoken();
    expect(notified2.poll()).toBeReady();
  });

  it("notified_multi_notify_one_drop", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    const notified3 = waiter(notify);
    // queued in the order of their first polls
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    expect(notified3.poll()).toBePending();
    // FIFO by default
    notify.notifyOne();
    notified1.drop();
    // the next waiter is the one woken
    expect(notified2.poll()).toBeReady();
    expect(notified3.poll()).toBePending();
  });

  it("notified_multi_notify_last_drop", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    const notified2 = waiter(notify);
    const notified3 = waiter(notify);
    expect(notified1.poll()).toBePending();
    expect(notified2.poll()).toBePending();
    expect(notified3.poll()).toBePending();
    notify.notifyLast();
    notified3.drop();
    // the newest waiter still queued is the one woken
    expect(notified2.poll()).toBeReady();
    expect(notified1.poll()).toBePending();
  });

  it("notify_in_drop_after_wake", () => {
    const notify = new Notify();
    let releases = 0;
    // A waker whose release (Rust: the drop of its last reference) calls notifyAll, re-entering the notifier.
    const { waker, counts } = wakerFrom({
      release() {
        releases++;
        notify.notifyAll();
      },
    });
    const fut = asyncBlock(function* () {
      yield* notify.notified();
    });
    expect(fut.poll(contextOf(waker))).toBePending();
    expect(counts.held).toBe(1);
    // Notifying must not loop or throw when the waker it consumes notifies again from its release.
    notify.notifyAll();
    expect(releases).toBe(1);
    expect(counts.held).toBe(0);
  });

  it("notify_one_after_dropped_all", () => {
    const notify = new Notify();
    const notified1 = waiter(notify);
    expect(notified1.poll()).toBePending();
    notify.notifyAll();
    notify.notifyOne();
    notified1.drop(); // notified by notifyAll: nothing to pass on, the permit of notifyOne stays
    const notified2 = waiter(notify);
    expect(notified2.poll()).toBeReady();
  });

  it("test_notify_one_not_enabled", () => {
    const notify = new Notify();
    const future = mockTask(notify.notified());
    notify.notifyOne();
    expect(future.poll()).toBeReady();
  });

  it("test_notify_one_after_enable", () => {
    const notify = new Notify();
    const future = mockTask(notify.notified());
    future.enter((_, fut) => expect(fut.enable()).toBe(false));
    notify.notifyOne();
    expect(future.poll()).toBeReady();
    future.enter((_, fut) => expect(fut.enable()).toBe(true));
  });

  it("test_poll_after_enable", () => {
    const notify = new Notify();
    const future = mockTask(notify.notified());
    future.enter((_, fut) => expect(fut.enable()).toBe(false));
    expect(future.poll()).toBePending();
  });

  it("test_enable_after_poll", () => {
    const notify = new Notify();
    const future = mockTask(notify.notified());
    expect(future.poll()).toBePending();
    future.enter((_, fut) => expect(fut.enable()).toBe(false));
  });

  it("test_enable_consumes_permit", () => {
    const notify = new Notify();
    // add a permit
    notify.notifyOne();
    const future1 = mockTask(notify.notified());
    future1.enter((_, fut) => expect(fut.enable()).toBe(true));
    const future2 = mockTask(notify.notified());
    future2.enter((_, fut) => expect(fut.enable()).toBe(false));
  });

  it("test_waker_update", () => {
    const notify = new Notify();
    const future = mockTask(notify.notified());
    future.enter((_, fut) => expect(fut.poll(noopContext())).toBePending());
    expect(future.poll()).toBePending();
    notify.notifyOne();
    expect(future).toBeWoken(); // the task's waker replaced the noop one
  });

  it("unpolled_future_completed_by_notify_waiters_preserves_notify_one_permit", () => {
    const notify = new Notify();
    const notified1 = notify.notified();
    notify.notifyAll();
    notify.notifyOne();
    expect(notified1.poll(noopContext())).toBeReady(); // by notifyAll: the permit stays
    const notified2 = notify.notified();
    expect(notified2.poll(noopContext())).toBeReady(); // by the permit
  });
});
