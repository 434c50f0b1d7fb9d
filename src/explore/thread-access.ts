/**
 * Happens-before over a run's events, for the thread explorers (dpor.ts, thread-dfs.ts): the
 * transitive closure of program order and dependence (chooser/access.ts) in the executed order,
 * kept as one vector clock per event (`Clock`: entry t = how many events of thread t the event
 * has seen, itself included).
 */
import { dependent, type ThreadEvent, type ThreadNo } from "../chooser/access.js";

export { ACCESS_KINDS, copyAccess, dependent } from "../chooser/access.js";
export type { Access, AccessKind, ObjectId, ThreadEvent, ThreadNo } from "../chooser/access.js";

/** A vector clock: entry t = number of events of thread t that happen-before (or are) the event. */
export type Clock = number[];

export function joinInto(into: Clock, other: Clock): void {
  for (let t = 0; t < other.length; t++) if ((other[t] ?? 0) > (into[t] ?? 0)) into[t] = other[t]!;
}

/** A run as the explorers record it: events, their clocks, and their index within their thread. */
export class HappensBefore {
  readonly events: ThreadEvent[] = [];
  readonly clocks: Clock[] = [];
  /** 1-based index of each event within its own thread. */
  readonly local: number[] = [];
  /** Index (in `events`) of the previous event of the same thread, or -1. */
  readonly prevOfThread: number[] = [];
  private readonly lastOfThread = new Map<ThreadNo, number>();

  get length(): number {
    return this.events.length;
  }

  /** Appends an event; its clock joins its thread's last clock with every dependent earlier event's. */
  push(event: ThreadEvent): void {
    const j = this.events.length;
    const prev = this.lastOfThread.get(event.thread) ?? -1;
    const clock: Clock = prev >= 0 ? [...this.clocks[prev]!] : [];
    for (let i = 0; i < j; i++) {
      const e = this.events[i]!;
      if (e.thread !== event.thread && dependent(e.access, event.access)) joinInto(clock, this.clocks[i]!);
    }
    const local = (clock[event.thread] ?? 0) + 1;
    for (let t = 0; t < event.thread; t++) clock[t] ??= 0;
    clock[event.thread] = local;
    this.events.push(event);
    this.clocks.push(clock);
    this.local.push(local);
    this.prevOfThread.push(prev);
    this.lastOfThread.set(event.thread, j);
  }

  /** Whether event i happens-before event j (i ≤ j; an event happens-before itself). */
  hb(i: number, j: number): boolean {
    if (i === j) return true;
    if (i > j) return false;
    return (this.clocks[j]![this.events[i]!.thread] ?? 0) >= this.local[i]!;
  }

  /** Drops every event from index n on (the explorer backtracked to n). */
  truncate(n: number): void {
    this.events.length = n;
    this.clocks.length = n;
    this.local.length = n;
    this.prevOfThread.length = n;
    this.lastOfThread.clear();
    for (let i = 0; i < n; i++) this.lastOfThread.set(this.events[i]!.thread, i);
  }
}
