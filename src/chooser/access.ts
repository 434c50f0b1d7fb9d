/**
 * Accesses: what one atomic step of a thread touches, and when two steps are dependent — the
 * model the thread explorers (explore/dpor.ts, explore/thread-dfs.ts) reason about, and what a
 * run with threads (sim/threads.ts) reports of each step. Nothing here knows tasks, wakers or
 * cells: the simulation describes each step as an `Access`.
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
 *  4. a "local" event (a named preemption point, thread-private work) is independent of all;
 *  5. the object "*" stands for every object (a step whose effects are not described);
 *  6. an access may name further objects the same step touches (`also`): two steps are
 *     dependent when any access of one is dependent with any access of the other.
 * Events of the same thread are ordered by program order, never by this relation.
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
