/**
 * tokio/tests/sync_mpsc.rs (tokio-rs/tokio@ea91b33ca), the parts that fit a bounded channel
 * without permits, ported test by test to wakesim's mock task and run against fixtures/mpsc.ts.
 * Each test is titled with its upstream fn name.
 *
 * Names: `mpsc::channel(n)` → new Channel({ capacity: n }); `tx.send(v).await` / `rx.recv().await`
 * on a channel where they complete at once → one poll of a mock task, asserted ready
 * (`sendNow` / `recvNow` below); `Ok(())` → true, `Some(v)` → v, `None` and `Err(Closed)` /
 * `Err(Disconnected)` → CLOSED, `Err(Full)` → FULL, `Err(TryRecvError::Empty)` → EMPTY;
 * `rx.close()` → close().
 *
 * Deliberately different, and why:
 *  - "no sender handles" (marked so in the test): the fixture's channel has no Sender handles to
 *    clone and drop — its scenario's producers share the channel and a 'closer' task closes it at
 *    a chosen moment, which is what the exploration needs. So the drop of tokio's last sender is
 *    written `close()`: for the receiver they are the same event (drain, then CLOSED), and no
 *    sender is left to notice that it also stops sends.
 *  - "no permits" (marked so): the fixture has no reserve()/Permit; a slot is reserved for the
 *    oldest parked send when one frees up (fixtures/mpsc.ts rule 2), which is tokio's permit
 *    hand-over seen from a send future. Where a tokio test reserves a permit and sends through it
 *    later, the port parks a send future instead: its message enters the buffer as soon as it
 *    has a slot.
 *  - release_waker_on_rx_drop: no Receiver handle either; the waker is the recv future's, and
 *    dropping that future releases it.
 *
 * Ported: 33 of 105, all passing; 17 of them deliberately different (above), 16 the same.
 * Skipped (72), by what they need that the fixture does not have:
 *  - the unbounded channel (28): send_recv_unbounded, send_recv_many_unbounded,
 *    send_recv_many_unbounded_capacity, recv_many_with_non_empty_buffer_unbounded_rx_closed_and_idle,
 *    async_send_recv_unbounded, send_recv_stream_unbounded, no_t_bounds_unbounded,
 *    try_recv_unbounded, try_recv_close_while_empty_unbounded, drop_all_elements_during_panic and
 *    the 18 test_rx_unbounded_* (each the unbounded twin of a ported test_rx_*);
 *  - reserve / try_reserve / reserve_many and their permits (29): reserve_disarm,
 *    recv_close_gets_none_reserved, failed_reserve_many_wakes_closed_receiver,
 *    cancelled_reserve_many_wakes_closed_receiver, failed_reserve_wakes_closed_receiver,
 *    cancelled_reserve_wakes_closed_receiver, reserve_many_above_cap, try_reserve_many_zero,
 *    reserve_many_zero, try_reserve_many_edge_cases, try_reserve_fails, reserve_many_and_send,
 *    try_reserve_many_and_send, reserve_many_on_closed_channel, try_reserve_many_on_closed_channel,
 *    try_reserve_many_full, drop_permit_releases_permit, drop_permit_iterator_releases_permits,
 *    the six {dropping,sending,releasing}_last_*permit*_wakes_closed_receiver, ready_close_cancel_bounded,
 *    permit_available_not_acquired_close, try_recv_after_receiver_close_with_permit,
 *    test_rx_is_not_closed_when_there_are_permits_but_not_senders, test_tx_capacity (counts reserved slots);
 *  - recv_many (3): async_send_recv_many_with_buffer, send_recv_many_bounded_capacity,
 *    recv_many_with_non_empty_buffer_bounded_rx_closed_and_idle;
 *  - a Receiver handle whose drop discards the buffer, with Arc counts (3): dropping_rx_closes_channel,
 *    dropping_rx_closes_channel_for_try, unconsumed_messages_are_dropped;
 *  - threads or blocking (4): blocking_recv, blocking_recv_async, blocking_send, blocking_send_async;
 *  - send_timeout and a runtime's timer (2): recv_timeout, recv_timeout_panic;
 *  - streams and spawned tasks (3): send_recv_stream_with_buffer, async_send_recv_with_buffer — its
 *    logic is send_recv_with_buffer's with a spawned sender — and no_t_bounds_buffer (Rust trait
 *    bounds: Debug and Clone without T's, nothing to run in TypeScript).
 */
import { describe, expect, it } from "vitest";
import "wakesim/vitest";
import { mockTask, type Future } from "wakesim";
import { Channel, CLOSED, EMPTY, FULL } from "../../fixtures/mpsc.js";

/** `tx.send(v).await` where it completes at once. */
function sendNow<T>(ch: Channel<T>, v: T): void {
  expect(mockTask(ch.send(v)).poll()).toBeReadyWith(true);
}

/** `rx.recv().await` where it completes at once: the message, or CLOSED. */
function recvNow<T>(ch: Channel<T>): unknown {
  const p = mockTask(ch.recv() as Future<unknown>).poll();
  expect(p).toBeReady();
  return (p as { value: unknown }).value;
}

describe("tokio sync_mpsc.rs", () => {
  it("send_recv_with_buffer", () => {
    // DELIBERATELY DIFFERENT: no permits (reserve + permit.send is a send), no sender handles (drop(tx) is close()).
    const ch = new Channel<number>({ capacity: 16 });
    sendNow(ch, 1);
    expect(ch.trySend(2)).toBe(true);
    ch.close();
    expect(recvNow(ch)).toBe(1);
    expect(recvNow(ch)).toBe(2);
    expect(recvNow(ch)).toBe(CLOSED);
  });

  it("start_send_past_cap", () => {
    // DELIBERATELY DIFFERENT: no permits (the two reserve() futures are parked sends), no sender handles.
    const t1 = mockTask();
    const ch = new Channel<string>({ capacity: 1 });
    expect(ch.trySend("a")).toBe(true);
    const r1 = ch.send("r1");
    expect(t1.enter((cx) => r1.poll(cx))).toBePending();
    {
      const r2 = mockTask(ch.send("r2"));
      expect(r2.poll()).toBePending();
      (r1 as Future<unknown>).drop?.();
      expect(t1.wakersHeld).toBe(0); // the dropped send left the queue with its waker
      expect(recvNow(ch)).toBe("a");
      expect(r2).toBeWoken();
      expect(t1).not.toBeWoken();
      r2.drop(); // end of scope: its reserved slot is passed on (nobody is left)
    }
    ch.close();
    expect(recvNow(ch)).toBe(CLOSED);
  });

  it("buffer_gteq_one", () => {
    expect(() => new Channel<number>({ capacity: 0 })).toThrow(RangeError);
  });

  it("send_recv_buffer_limited", () => {
    // DELIBERATELY DIFFERENT: no permits — the second reserve() is a parked send of the second message.
    const ch = new Channel<number>({ capacity: 1 });
    // send the first message
    sendNow(ch, 1);
    // not ready
    const p2 = mockTask(ch.send(2));
    expect(p2.poll()).toBePending();
    // take the value
    expect(recvNow(ch)).toBe(1);
    // notified
    expect(p2).toBeWoken();
    // trying to send fails: the freed slot is reserved for the parked send (rule 2)
    expect(ch.trySend(1337)).toBe(FULL);
    // send the second
    expect(p2.poll()).toBeReadyWith(true);
    expect(recvNow(ch)).toBe(2);
  });

  it("recv_close_gets_none_idle", () => {
    const ch = new Channel<number>({ capacity: 10 });
    ch.close();
    expect(recvNow(ch)).toBe(CLOSED);
    expect(mockTask(ch.send(1)).poll()).toBeReadyWith(CLOSED);
  });

  it("tx_close_gets_none", () => {
    // DELIBERATELY DIFFERENT: no sender handles (`let (_, rx)` drops the sender: close()).
    const ch = new Channel<number>({ capacity: 10 });
    ch.close();
    expect(recvNow(ch)).toBe(CLOSED);
  });

  it("try_send_fail", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<string>({ capacity: 1 });
    expect(ch.trySend("hello")).toBe(true);
    // this fails
    expect(ch.trySend("fail")).toBe(FULL);
    expect(recvNow(ch)).toBe("hello");
    expect(ch.trySend("goodbye")).toBe(true);
    ch.close();
    expect(recvNow(ch)).toBe("goodbye");
    expect(recvNow(ch)).toBe(CLOSED);
  });

  it("try_send_fail_with_try_recv", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<string>({ capacity: 1 });
    expect(ch.trySend("hello")).toBe(true);
    expect(ch.trySend("fail")).toBe(FULL);
    expect(ch.tryRecv()).toBe("hello");
    expect(ch.trySend("goodbye")).toBe(true);
    ch.close();
    expect(ch.tryRecv()).toBe("goodbye");
    expect(ch.tryRecv()).toBe(CLOSED);
  });

  it("try_recv_bounded", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<string>({ capacity: 5 });
    for (let i = 0; i < 5; i++) expect(ch.trySend("hello")).toBe(true);
    expect(ch.trySend("hello")).toBe(FULL);
    for (let i = 0; i < 5; i++) expect(ch.tryRecv()).toBe("hello");
    expect(ch.tryRecv()).toBe(EMPTY);

    for (let i = 0; i < 4; i++) expect(ch.trySend("hello")).toBe(true);
    expect(ch.tryRecv()).toBe("hello");
    expect(ch.trySend("hello")).toBe(true);
    expect(ch.trySend("hello")).toBe(true);
    expect(ch.trySend("hello")).toBe(FULL);
    for (let i = 0; i < 5; i++) expect(ch.tryRecv()).toBe("hello");
    expect(ch.tryRecv()).toBe(EMPTY);

    for (let i = 0; i < 3; i++) expect(ch.trySend("hello")).toBe(true);
    ch.close();
    for (let i = 0; i < 3; i++) expect(ch.tryRecv()).toBe("hello");
    expect(ch.tryRecv()).toBe(CLOSED);
  });

  it("try_recv_after_receiver_close", () => {
    const ch = new Channel<null>({ capacity: 5 });
    expect(ch.tryRecv()).toBe(EMPTY);
    ch.close();
    expect(ch.tryRecv()).toBe(CLOSED);
  });

  it("try_recv_close_while_empty_bounded", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<null>({ capacity: 5 });
    expect(ch.tryRecv()).toBe(EMPTY);
    ch.close();
    expect(ch.tryRecv()).toBe(CLOSED);
  });

  it("test_rx_is_closed_when_calling_close_with_sender", () => {
    const ch = new Channel<null>({ capacity: 10 });
    ch.close();
    expect(ch.isClosed).toBe(true);
  });

  it("test_rx_is_closed_when_dropping_all_senders", () => {
    // DELIBERATELY DIFFERENT: no sender handles — the spawned task dropping a sender clone and the
    // drop of the last one are one close(), made here by a mock task.
    const ch = new Channel<null>({ capacity: 10 });
    const task = mockTask({ poll: () => (ch.close(), { ready: true as const, value: undefined }) });
    expect(task.poll()).toBeReady();
    expect(ch.isClosed).toBe(true);
  });

  it("test_rx_is_not_closed_when_there_are_senders", () => {
    const ch = new Channel<null>({ capacity: 10 });
    expect(ch.isClosed).toBe(false);
  });

  it("test_rx_is_not_closed_when_there_are_senders_and_buffer_filled", () => {
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    expect(ch.isClosed).toBe(false);
  });

  it("test_rx_is_closed_when_there_are_no_senders_and_there_are_messages", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    ch.close();
    expect(ch.isClosed).toBe(true);
  });

  it("test_rx_is_closed_when_there_are_messages_and_close_is_called", () => {
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    ch.close();
    expect(ch.isClosed).toBe(true);
  });

  it("test_rx_is_empty_when_no_messages_were_sent", () => {
    const ch = new Channel<null>({ capacity: 10 });
    expect(ch.isEmpty).toBe(true);
  });

  it("test_rx_is_not_empty_when_there_are_messages_in_the_buffer", () => {
    const ch = new Channel<null>({ capacity: 10 });
    sendNow(ch, null);
    expect(ch.isEmpty).toBe(false);
  });

  it("test_rx_is_not_empty_when_the_buffer_is_full", () => {
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    expect(ch.isEmpty).toBe(false);
  });

  it("test_rx_is_not_empty_when_all_but_one_messages_are_consumed", () => {
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    for (let i = 0; i < 9; i++) expect(recvNow(ch)).not.toBe(CLOSED);
    expect(ch.isEmpty).toBe(false);
  });

  it("test_rx_is_empty_when_all_messages_are_consumed", () => {
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    let got = 0;
    while (typeof ch.tryRecv() === "number") got++;
    expect(got).toBe(10);
    expect(ch.isEmpty).toBe(true);
  });

  it("test_rx_is_empty_all_senders_are_dropped_and_messages_consumed", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<number>({ capacity: 10 });
    for (let i = 0; i < 10; i++) sendNow(ch, i);
    ch.close();
    for (let i = 0; i < 10; i++) expect(recvNow(ch)).toBe(i);
    expect(ch.isEmpty).toBe(true);
  });

  it("test_rx_len_on_empty_channel", () => {
    const ch = new Channel<null>({ capacity: 100 });
    expect(ch.len).toBe(0);
  });

  it("test_rx_len_on_empty_channel_without_senders", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<null>({ capacity: 100 });
    ch.close();
    expect(ch.len).toBe(0);
  });

  it("test_rx_len_on_filled_channel", () => {
    const ch = new Channel<number>({ capacity: 100 });
    for (let i = 0; i < 100; i++) sendNow(ch, i);
    expect(ch.len).toBe(100);
  });

  it("test_rx_len_on_filled_channel_without_senders", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<number>({ capacity: 100 });
    for (let i = 0; i < 100; i++) sendNow(ch, i);
    ch.close();
    expect(ch.len).toBe(100);
  });

  it("test_rx_len_when_consuming_all_messages", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close()).
    const ch = new Channel<number>({ capacity: 100 });
    for (let i = 0; i < 100; i++) {
      sendNow(ch, i);
      expect(ch.len).toBe(i + 1);
    }
    ch.close();
    for (let i = 99; i >= 0; i--) {
      expect(recvNow(ch)).not.toBe(CLOSED);
      expect(ch.len).toBe(i);
    }
  });

  it("test_rx_len_when_close_is_called", () => {
    const ch = new Channel<null>({ capacity: 100 });
    sendNow(ch, null);
    ch.close();
    expect(ch.len).toBe(1);
  });

  it("test_rx_len_when_close_is_called_before_dropping_sender", () => {
    // DELIBERATELY DIFFERENT: no sender handles (the drop of tx after rx.close() is a second close(), a no-op).
    const ch = new Channel<null>({ capacity: 100 });
    sendNow(ch, null);
    ch.close();
    ch.close();
    expect(ch.len).toBe(1);
  });

  it("test_rx_len_when_close_is_called_after_dropping_sender", () => {
    // DELIBERATELY DIFFERENT: no sender handles (drop(tx) is close(); rx.close() after it is a no-op).
    const ch = new Channel<null>({ capacity: 100 });
    sendNow(ch, null);
    ch.close();
    ch.close();
    expect(ch.len).toBe(1);
  });

  it("test_is_empty_32_msgs", () => {
    const ch = new Channel<number>({ capacity: 33 });
    for (let value = 1; value < 257; value++) {
      sendNow(ch, value);
      expect(recvNow(ch)).toBe(value);
      expect(ch.isEmpty, `${value}. len: ${ch.len}`).toBe(true);
    }
  });

  it("release_waker_on_rx_drop", () => {
    // DELIBERATELY DIFFERENT: no Receiver handle — the recv future holds the registration and its drop releases it.
    const ch = new Channel<null>({ capacity: 1 });
    const rx = mockTask(ch.recv());
    expect(rx.wakersHeld).toBe(0);
    expect(rx.poll()).toBePending();
    expect(rx.wakersHeld).toBe(1);
    rx.drop();
    expect(rx.wakersHeld, "dropping rx did not drop its waker").toBe(0);
  });
});
