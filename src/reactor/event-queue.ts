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
  /** `countTies`' ranking (heap indices, the first `tieCount`) and search stack, kept between calls (takeDue runs on every delivery). */
  private readonly ties: number[] = [];
  private tieCount = 0;
  private readonly open: number[] = [];

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
    this.heap.push(e);
    this.siftUp(this.heap.length - 1);
  }

  private siftUp(from: number): void {
    const h = this.heap;
    const e = h[from]!;
    let i = from;
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

  /**
   * How many live events are due at the earliest deadline, `peek()`'s: they are ranked in
   * (deadline, seq) order for `takeTie`, without being taken out. They are found at the top of
   * the heap: an event due then has every ancestor due then too (the heap order), so the search
   * stops below any other deadline.
   */
  countTies(): number {
    const top = this.peek();
    if (top === undefined) return (this.tieCount = 0);
    const at = top.at;
    const h = this.heap;
    const ties = this.ties;
    const open = this.open;
    let n = 0;
    let sp = 0;
    open[sp++] = 0;
    while (sp > 0) {
      const i = open[--sp]!;
      const e = h[i]!;
      if (e.at !== at) continue;
      if (!e.cancelled) ties[n++] = i;
      const l = 2 * i + 1;
      if (l < h.length) open[sp++] = l;
      if (l + 1 < h.length) open[sp++] = l + 1;
    }
    // Few: insertion sort by sequence. The first is the head itself.
    for (let k = 1; k < n; k++) {
      const x = ties[k]!;
      let j = k - 1;
      while (j >= 0 && h[ties[j]!]!.seq > h[x]!.seq) {
        ties[j + 1] = ties[j]!;
        j--;
      }
      ties[j + 1] = x;
    }
    return (this.tieCount = n);
  }

  /** The `k`-th (0-based) of the ties `countTies` just ranked, left in the queue. */
  tieAt(k: number): ReactorEvent {
    return this.heap[this.ties[k]!]!;
  }

  /** Removes and returns the `k`-th (0-based) of the ties `countTies` just ranked; the others stay queued as they were. */
  takeTie(k: number): ReactorEvent {
    if (k >= this.tieCount) throw new RangeError(`takeTie(${k}) after countTies() gave ${this.tieCount}`);
    const i = this.ties[k]!;
    this.tieCount = 0;
    if (i === 0) return this.pop()!;
    const h = this.heap;
    const e = h[i]!;
    const last = h.pop()!;
    if (i < h.length) {
      // `last` takes the hole: up if it precedes the hole's parent, else down.
      h[i] = last;
      if (before(last, h[(i - 1) >> 1]!)) this.siftUp(i);
      else this.siftDown(i);
    }
    e.queued = false;
    this.live--;
    return e;
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
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(from: number): void {
    const h = this.heap;
    const e = h[from]!;
    const n = h.length;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, e)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = e;
  }
}

function before(a: ReactorEvent, b: ReactorEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
