/**
 * EventQueue: a binary min-heap of reactor events ordered by (deadline, sequence).
 *
 * Tie-break rule (explicit, as fake-timers does): events with the same deadline come out in
 * registration order — the sequence number is unique per simulation, so the order is total and
 * never depends on heap internals. Reordering ties is a chooser decision made by the reactor,
 * not here.
 *
 * Cancelled events stay in the heap until they reach the top (lazy deletion); `liveCount`
 * counts only live ones, so quiescence checks stay exact.
 */
import type { TaskId } from "../core/ids.js";

export abstract class ReactorEvent {
  /** @internal */ seq = 0;
  /** @internal */ cancelled = false;
  /** @internal */ queued = false;
  constructor(
    /** Virtual time at which the event is due. */
    readonly at: number,
  ) {}
  /** Delivers the event (wakes whoever waits on it). */
  abstract fire(): void;
  /** A short label for traces: `timer#4`, `pipe#1 arrival 5B`. */
  abstract describe(): string;
  /** The task on whose behalf the event was made, when known (a strategy may rank tied events by it). */
  get origin(): TaskId | null {
    return null;
  }
}

export class EventQueue {
  private heap: ReactorEvent[] = [];
  private live = 0;
  private nextSeq = 0;

  get liveCount(): number {
    return this.live;
  }

  push(e: ReactorEvent): void {
    this.insert(e, this.nextSeq++);
  }

  private insert(e: ReactorEvent, seq: number): void {
    e.seq = seq;
    e.queued = true;
    this.live++;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (!before(e, pe)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  /** Calls `fn` on every live event, in no particular order (diagnosis only: O(n)). */
  forEachLive(fn: (e: ReactorEvent) => void): void {
    for (const e of this.heap) if (!e.cancelled) fn(e);
  }

  /** Marks an event cancelled; it is skipped when it reaches the top. */
  cancel(e: ReactorEvent): void {
    if (e.queued && !e.cancelled) {
      e.cancelled = true;
      this.live--;
    }
  }

  /** The earliest live event, or undefined. */
  peek(): ReactorEvent | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live event. */
  pop(): ReactorEvent | undefined {
    this.dropCancelled();
    const e = this.removeTop();
    if (e !== undefined) {
      e.queued = false;
      this.live--;
    }
    return e;
  }

  /** Removes and returns every live event with deadline exactly `at`, in (deadline, seq) order. */
  popAllAt(at: number): ReactorEvent[] {
    const out: ReactorEvent[] = [];
    for (let e = this.peek(); e !== undefined && e.at === at; e = this.peek()) out.push(this.pop()!);
    return out;
  }

  /** Re-inserts an event taken out by `popAllAt`, keeping its original sequence number. */
  restore(e: ReactorEvent): void {
    this.insert(e, e.seq);
  }

  private dropCancelled(): void {
    const h = this.heap;
    while (h.length > 0 && h[0]!.cancelled) {
      const e = this.removeTop()!;
      e.queued = false;
    }
  }

  private removeTop(): ReactorEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: ReactorEvent, b: ReactorEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
