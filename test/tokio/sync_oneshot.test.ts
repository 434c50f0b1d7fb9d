/**
 * tokio/tests/sync_oneshot.rs (tokio-rs/tokio@ea91b33ca), ported test by test to wakesim's mock
 * task and run against fixtures/oneshot.ts. Each test is titled with its upstream fn name.
 *
 * Names: `Ok(v)` → v, `Err(RecvError)` / `Err(TryRecvError::Closed)` → CLOSED,
 * `Err(TryRecvError::Empty)` → "empty", `tx.send(v)` is Ok → true, `drop(tx)` → tx.drop(),
 * `drop(rx)` → rx.drop(), `tx.poll_closed(cx)` → tx.pollClosed(cx), `task::spawn(())` →
 * mockTask(). tokio's `waker_ref_count()` counts the mock task's own reference: it is our
 * `wakersHeld` + 1 (so tokio's 2 is our 1).
 *
 * Ported: all 22 (async_send_recv and async_rx_closed, which use a runtime only to await and to
 * spawn, run on a mock task and on a Sim). Skipped: none.
 * Deliberately different: 4 — send_recv, close_tx, drops_tasks, receiver_changes_task. The
 * fixture's receiver gives the sender one turn before it parks (fixtures/oneshot.ts rule 2: its
 * first pending poll wakes itself and registers nothing; the second registers, then re-checks),
 * on purpose: that window is what its "lost-wake-in-window" twin gets wrong. tokio's receiver
 * registers at its first poll. So where tokio polls an empty receiver once and then counts its
 * wakers or expects a wake from the sender, these ports poll it twice — the first poll's
 * self-wake would otherwise pass `is_woken()` for the wrong reason.
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import { asyncBlock, asyncFn, mockTask, Sim, wait } from "wakesim";
import { CLOSED, oneshot } from "../../fixtures/oneshot.js";

/** Steps an empty receiver's mock task past the fixture's first-poll yield (rule 2), to where tokio's first poll is. */
function parkReceiver(t: { poll(): unknown; isWoken(): boolean }): void {
  expect(t.poll()).toBePending(); // the yield: woken by itself
  expect(t.poll()).toBePending(); // registered
  expect(t.isWoken()).toBe(false);
}

describe("tokio sync_oneshot.rs", () => {
  it("send_recv", () => {
    // DELIBERATELY DIFFERENT: the receiver is polled twice where tokio polls it once (see the header).
    const [tx, rx0] = oneshot<number>();
    const rx = mockTask(rx0);
    parkReceiver(rx);
    expect(tx.send(1)).toBe(true);
    expect(rx).toBeWoken();
    expect(rx.poll()).toBeReadyWith(1);
  });

  it("async_send_recv", () => {
    const [tx, rx] = oneshot<number>();
    const t = mockTask(
      asyncBlock(function* () {
        expect(tx.send(1)).toBe(true);
        return yield* rx;
      }),
    );
    expect(t.poll()).toBeReadyWith(1);
  });

  it("close_tx", () => {
    // DELIBERATELY DIFFERENT: the receiver is polled twice where tokio polls it once (see the header).
    const [tx, rx0] = oneshot<number>();
    const rx = mockTask(rx0);
    parkReceiver(rx);
    tx.drop();
    expect(rx).toBeWoken();
    expect(rx.poll()).toBeReadyWith(CLOSED);
  });

  it("close_rx", () => {
    // First, without checking pollClosed
    {
      const [tx, rx] = oneshot<number>();
      rx.drop(); // Rust's `let (tx, _) = …` drops it at once
      expect(tx.send(1)).toBe(false);
    }
    // Second, via pollClosed
    const [tx, rx] = oneshot<number>();
    const txTask = mockTask();
    expect(txTask.enter((cx) => tx.pollClosed(cx))).toBePending();
    rx.drop();
    expect(txTask).toBeWoken();
    expect(tx.isClosed).toBe(true);
    expect(txTask.enter((cx) => tx.pollClosed(cx))).toBeReady();
    expect(tx.send(1)).toBe(false);
  });

  it("async_rx_closed", () => {
    // tokio::spawn(async move { drop(rx) }); tx.closed().await — on a Sim, every schedule of a few seeds.
    for (const seed of [1, 2, 3]) {
      const sim = new Sim({ seed });
      const [tx, rx] = oneshot<void>();
      sim.spawn(
        asyncFn(function* dropper() {
          rx.drop();
        })(),
        { name: "dropper" },
      );
      sim.spawn(
        asyncBlock(function* () {
          yield* wait(tx.closed());
        }),
        { name: "closed" },
      );
      expect(sim.run().ok).toBe(true);
    }
  });

  it("explicit_close_poll", () => {
    // First, with the message sent
    {
      const [tx, rx0] = oneshot<number>();
      const rx = mockTask(rx0);
      expect(tx.send(1)).toBe(true);
      rx.future.close();
      expect(rx.poll()).toBeReadyWith(1);
    }
    // Second, without the message sent
    {
      const [tx, rx0] = oneshot<number>();
      const txTask = mockTask();
      const rx = mockTask(rx0);
      expect(txTask.enter((cx) => tx.pollClosed(cx))).toBePending();
      rx.future.close();
      expect(txTask).toBeWoken();
      expect(tx.isClosed).toBe(true);
      expect(txTask.enter((cx) => tx.pollClosed(cx))).toBeReady();
      expect(tx.send(1)).toBe(false);
      expect(rx.poll()).toBeReadyWith(CLOSED);
    }
    // Again, but without sending the value this time
    {
      const [tx, rx0] = oneshot<number>();
      const txTask = mockTask();
      const rx = mockTask(rx0);
      expect(txTask.enter((cx) => tx.pollClosed(cx))).toBePending();
      rx.future.close();
      expect(txTask).toBeWoken();
      expect(tx.isClosed).toBe(true);
      expect(txTask.enter((cx) => tx.pollClosed(cx))).toBeReady();
      expect(rx.poll()).toBeReadyWith(CLOSED);
    }
  });

  it("explicit_close_try_recv", () => {
    // First, with the message sent
    {
      const [tx, rx] = oneshot<number>();
      expect(tx.send(1)).toBe(true);
      rx.close();
      expect(rx.tryRecv()).toBe(1);
    }
    // Second, without the message sent
    const [tx, rx] = oneshot<number>();
    const txTask = mockTask();
    expect(txTask.enter((cx) => tx.pollClosed(cx))).toBePending();
    rx.close();
    expect(txTask).toBeWoken();
    expect(tx.isClosed).toBe(true);
    expect(txTask.enter((cx) => tx.pollClosed(cx))).toBeReady();
    expect(rx.tryRecv()).toBe(CLOSED);
  });

  it("close_try_recv_poll", () => {
    // #[should_panic]: a receiver that try_recv found closed has completed; polling it panics.
    const [, rx0] = oneshot<number>();
    const rx = mockTask(rx0);
    rx.future.close();
    expect(rx.future.tryRecv()).toBe(CLOSED);
    expect(() => rx.poll()).toThrow(/polled after it completed/);
  });

  it("close_after_recv", () => {
    const [tx, rx] = oneshot<number>();
    expect(tx.send(17)).toBe(true);
    expect(rx.tryRecv()).toBe(17);
    rx.close();
    expect(rx.isTerminated).toBe(true);
  });

  it("try_recv_after_completion", () => {
    const [tx, rx] = oneshot<number>();
    expect(tx.send(17)).toBe(true);
    expect(rx.tryRecv()).toBe(17);
    expect(rx.tryRecv()).toBe(CLOSED);
    rx.close();
  });

  it("try_recv_after_completion_await", () => {
    const [tx, rx0] = oneshot<number>();
    const rx = mockTask(rx0);
    expect(tx.send(17)).toBe(true);
    expect(rx.poll()).toBeReadyWith(17);
    expect(rx.future.tryRecv()).toBe(CLOSED);
    rx.future.close();
  });

  it("drops_tasks", () => {
    // DELIBERATELY DIFFERENT: the receiver is polled twice where tokio polls it once (see the header).
    const [tx, rx] = oneshot<number>();
    const txTask = mockTask();
    const rxTask = mockTask();
    expect(txTask.enter((cx) => tx.pollClosed(cx))).toBePending();
    expect(rxTask.enter((cx) => rx.poll(cx))).toBePending(); // the yield
    expect(rxTask.enter((cx) => rx.poll(cx))).toBePending(); // registered
    expect([txTask.wakersHeld, rxTask.wakersHeld]).toEqual([1, 1]);
    tx.drop();
    rx.drop();
    expect(txTask.wakersHeld).toBe(0); // tokio: waker_ref_count() == 1
    expect(rxTask.wakersHeld).toBe(0);
  });

  it("receiver_changes_task", () => {
    // DELIBERATELY DIFFERENT: the receiver is polled twice where tokio polls it once (see the header).
    const [tx, rx] = oneshot<number>();
    const task1 = mockTask();
    const task2 = mockTask();
    expect(task1.enter((cx) => rx.poll(cx))).toBePending(); // the yield
    expect(task1.enter((cx) => rx.poll(cx))).toBePending(); // registered
    expect(task1.wakersHeld).toBe(1);
    expect(task2.wakersHeld).toBe(0);
    expect(task2.enter((cx) => rx.poll(cx))).toBePending();
    expect(task1.wakersHeld).toBe(0);
    expect(task2.wakersHeld).toBe(1);
    expect(tx.send(1)).toBe(true);
    expect(task1).not.toBeWoken();
    expect(task2).toBeWoken();
    expect(task2.enter((cx) => rx.poll(cx))).toBeReadyWith(1);
  });

  it("sender_changes_task", () => {
    const [tx, rx] = oneshot<number>();
    const task1 = mockTask();
    const task2 = mockTask();
    expect(task1.enter((cx) => tx.pollClosed(cx))).toBePending();
    expect(task1.wakersHeld).toBe(1);
    expect(task2.wakersHeld).toBe(0);
    expect(task2.enter((cx) => tx.pollClosed(cx))).toBePending();
    expect(task1.wakersHeld).toBe(0);
    expect(task2.wakersHeld).toBe(1);
    rx.drop();
    expect(task1).not.toBeWoken();
    expect(task2).toBeWoken();
    expect(task2.enter((cx) => tx.pollClosed(cx))).toBeReady();
  });

  it("receiver_is_terminated_send", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isTerminated, "not terminated before the value is sent").toBe(false);
    expect(tx.send(17)).toBe(true);
    expect(rx.isTerminated, "not terminated after the value is sent").toBe(false);
    const task = mockTask();
    expect(task.enter((cx) => rx.poll(cx))).toBeReadyWith(17);
    expect(rx.isTerminated, "terminated after the value is read").toBe(true);
  });

  it("receiver_is_terminated_try_recv", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isTerminated).toBe(false);
    expect(tx.send(17)).toBe(true);
    expect(rx.isTerminated).toBe(false);
    expect(rx.tryRecv()).toBe(17);
    expect(rx.isTerminated).toBe(true);
  });

  it("receiver_is_terminated_drop", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isTerminated).toBe(false);
    tx.drop();
    expect(rx.isTerminated).toBe(false);
    const task = mockTask();
    expect(task.enter((cx) => rx.poll(cx))).toBeReadyWith(CLOSED);
    expect(rx.isTerminated).toBe(true);
  });

  it("receiver_is_terminated_rx_close", () => {
    const [, rx] = oneshot<number>();
    expect(rx.isTerminated).toBe(false);
    rx.close();
    expect(rx.isTerminated).toBe(false);
    const task = mockTask();
    expect(task.enter((cx) => rx.poll(cx))).toBeReadyWith(CLOSED);
    expect(rx.isTerminated).toBe(true);
  });

  it("receiver_is_empty_send", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isEmpty, "empty before the value is sent").toBe(true);
    expect(tx.send(17)).toBe(true);
    expect(rx.isEmpty, "not empty after the value is sent").toBe(false);
    const task = mockTask();
    expect(task.enter((cx) => rx.poll(cx))).toBeReadyWith(17);
    expect(rx.isEmpty, "empty after the value is read").toBe(true);
  });

  it("receiver_is_empty_try_recv", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isEmpty).toBe(true);
    expect(tx.send(17)).toBe(true);
    expect(rx.isEmpty).toBe(false);
    expect(rx.tryRecv()).toBe(17);
    expect(rx.isEmpty).toBe(true);
  });

  it("receiver_is_empty_drop", () => {
    const [tx, rx] = oneshot<number>();
    expect(rx.isEmpty).toBe(true);
    tx.drop();
    expect(rx.isEmpty).toBe(true);
    const task = mockTask();
    expect(task.enter((cx) => rx.poll(cx))).toBeReadyWith(CLOSED);
    expect(rx.isEmpty).toBe(true);
  });

  it("receiver_is_empty_rx_close", () => {
    const [, rx] = oneshot<number>();
    expect(rx.isEmpty).toBe(true);
    rx.close();
    expect(rx.isEmpty).toBe(true);
  });
});
