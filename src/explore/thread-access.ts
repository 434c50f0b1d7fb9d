/**
 * The abstract model the thread explorers (dpor.ts, thread-dfs.ts) reason about: a run is a
 * sequence of *events*, each executed by one thread and described only by what it touches.
 * Nothing here knows about tasks, wakers or cells; the simulation translates each atomic step
 * into an `Access` (see dpor.ts, "Wiring").
 *
 * Dependence (`dependent`) — two events of *different* threads are dependent when swapping them
 * could change what either does or what the state is afterwards:
 *  1. they touch the same object and at least one of them writes: a "write", an "rmw" (a
 *     successful compare-exchange, swap, fetch-add…), or a "wake" (a wake changes the woken
 *     task's wake state, so it is a write to the task's object);
 *  2. two reads of one object are independent, whatever else happens (a failed compare-exchange
 *     is a read: describe each access as it happened);
 *  3. "lock" and "unlock" on the same mutex are dependent with each other (and with any memory
 *     access that names the same object, conservatively);
 *  4. a "local" event (a named preemption point, thread-private work) is independent of all.
 * Events of the same thread are ordered by program order, never by this relation.
 *
 * Happens-before is the transitive closure of program order and dependence in the executed
 * order, kept as one vector clock per event (`Clock`: entry t = how many events of thread t the
 * event has seen, itself included).
 */

/** A thread of the abstract model: a small non-negative integer chosen by the program. */
export type ThreadNo = number;

/** Object ids: any string or number, compared with ===. */
export type ObjectId = string | number;

export type AccessKind = "read" | "write" | "rmw" | "lock" | "unlock" | "wake" | "local";

/** What one event touches. */
export interface Access {
  readonly object: ObjectId;
  readonly kind: AccessKind;
  /**
   * Further objects the same event touches (a step that performs an op and then wakes a task):
   * two events are dependent when any access of one is dependent with any of the other.
   */
  readonly also?: readonly Access[];
}

/** One executed event: who ran, what it touched. */
export interface ThreadEvent {
  readonly thread: ThreadNo;
  readonly access: Access;
}

export const ACCESS_KINDS: readonly AccessKind[] = ["read", "write", "rmw", "lock", "unlock", "wake", "local"];

const writes = (k: AccessKind) => k === "write" || k === "rmw" || k === "wake";
const isMutexOp = (k: AccessKind) => k === "lock" || k === "unlock";

/** Whether two accesses by different threads are dependent (rules 1–4 of the header; `also` included). */
export function dependent(a: Access, b: Access): boolean {
  if (a.also === undefined && b.also === undefined) return dependentOne(a, b);
  for (const x of [a, ...(a.also ?? [])]) for (const y of [b, ...(b.also ?? [])]) if (dependentOne(x, y)) return true;
  return false;
}

/** An object that stands for every object (a step whose effects are not described: sim/threads.ts). */
const EVERYTHING = "*";

function dependentOne(a: Access, b: Access): boolean {
  if (a.kind === "local" || b.kind === "local") return false;
  if (a.object === EVERYTHING || b.object === EVERYTHING) return true;
  if (a.object !== b.object) return false;
  if (isMutexOp(a.kind) || isMutexOp(b.kind)) return true;
  return writes(a.kind) || writes(b.kind);
}

/** A copy of an access the caller may not keep unchanged (ops mutate theirs as they perform). */
export function copyAccess(a: Access): Access {
  return a.also === undefined ? { object: a.object, kind: a.kind } : { object: a.object, kind: a.kind, also: a.also.map(copyAccess) };
}

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
