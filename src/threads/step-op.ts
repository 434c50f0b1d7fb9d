/**
 * Atomic steps: the unit a preemptible poll (`pollSteps`) and a simulated thread (`sim.thread`)
 * are made of. A step body is a generator that *yields before each shared access*: it yields a
 * `StepOp` saying what it is about to touch, the scheduler decides when that thread goes on, and
 * the access happens right after the generator resumes — so at every scheduling point the
 * scheduler knows each thread's next access (what partial-order reduction needs: dpor.ts).
 *
 * Rules:
 *  1. Between two yields a body runs alone: code there must touch only thread-private state (or
 *     state nobody else touches while it runs). Everything shared goes through an op — an
 *     atomic cell, a mutex, a condition variable, a park, a wake (`yield* wake(w)`), or a named
 *     `point(name)` where the body wants a preemption point and touches nothing.
 *  2. An op is performed when the generator resumes; the resumption value is the `StepThread`
 *     that runs it (ops that need an owner, as a mutex does, read it from there).
 *  3. An op whose `ready()` is false blocks its thread: the scheduler does not resume it until
 *     it is true (a mutex held by another thread, a park with no token).
 *  4. `access` describes the op as it happened: an op may change its `kind` while it performs
 *     (a failed compare-exchange is a read, not a read-modify-write).
 *  5. Object ids are numbered per run (`resetObjectIds` when a Sim is made), so the same cell of
 *     the same scenario has the same id in every run — the explorers compare runs by them. Two
 *     sims made side by side may share ids: that only makes their cells look dependent, which
 *     is safe (more schedules explored, none lost).
 *
 * Sequential consistency: every op takes effect at once, in the order the scheduler runs them;
 * weak memory orderings (Rust's Relaxed/Acquire/Release) are not modelled.
 */
import type { Access, AccessKind, ObjectId } from "../chooser/access.js";

/** What one atomic step is about to do (rule 2–4). */
export interface StepOp {
  /** What the step touches, and how (mutable while it performs: rule 4). */
  readonly access: { object: ObjectId; kind: AccessKind };
  /** Shown in traces and reports: "load flag#2", "lock m#1", "point after-register". */
  readonly label: string;
  /** Rule 3: false while the op cannot happen yet. */
  ready?(): boolean;
  /** Rule 3, for a report of a thread blocked at the end of a run: what it waits for. */
  readonly waitsFor?: string;
  /** A plain (non-atomic) access (DataCell): checked for data races, not a synchronization. */
  readonly nonAtomic?: boolean;
  /** The thread yields here (`spinLoop`): it does not run again while another thread can, until one has (sim/threads.ts rule 6). */
  readonly yields?: boolean;
}

/** The thread an op runs on (rule 2): a worker of the executor, or a `sim.thread`. */
export interface StepThread {
  /** Stable within a run: workers 0…W−1, then the reactor, then threads in creation order. */
  readonly no: number;
  readonly name: string;
}

/** A sequence of atomic steps returning T (what `yield*` on an op or a step body gives). */
export type Steps<T> = Generator<StepOp, T, StepThread>;

/** Scheduler bookkeeping objects (task states and the run queue, the reactor): see sim/threads.ts. */
export const SCHEDULER_OBJECT = "sched";
/** An object that stands for everything: a step whose effects are not described (a plain poll, an event delivery). */
export const WORLD_OBJECT = "*";

let nextObjectNo = 0;

/** Rule 5: a new object's id, `name#N`. */
export function newObjectId(kind: string, name?: string): string {
  return `${name ?? kind}#${++nextObjectNo}`;
}

/** Rule 5: called when a Sim is made, so a scenario's objects get the same ids in every run. */
export function resetObjectIds(): void {
  nextObjectNo = 0;
}

/** An op for an access that needs nothing but its turn. */
export function op(object: ObjectId, kind: AccessKind, label: string): StepOp {
  return { access: { object, kind }, label };
}

/** A named preemption point that touches nothing shared: `yield* point("after-register")`. */
export function* point(name: string): Steps<void> {
  yield op(`point:${name}`, "local", `point ${name}`);
}

/**
 * A spin-loop hint, as Rust's `std::hint::spin_loop()` / `std::thread::yield_now()` (and loom's
 * `yield_now`, which loom requires in spin loops for the same reason): call it in every turn of
 * a loop that waits for another thread — `while (!(yield* lock.compareExchange(false, true)).ok)
 * yield* spinLoop();`. The thread does not run again while another thread can, until one has,
 * so a spin-wait is one finite schedule per turn the others take, not an endless one.
 */
export function* spinLoop(): Steps<void> {
  yield { access: { object: "point:spin-loop", kind: "local" }, label: "spin loop", yields: true };
}

/** Copies an access (ops mutate theirs while they perform: rule 4). */
export function accessOf(o: StepOp): Access {
  return { object: o.access.object, kind: o.access.kind };
}

/** Whether a value a body yielded is an op (to name the mistake when it is not). */
export function isStepOp(x: unknown): x is StepOp {
  // (`label` may be a getter that builds its text: not read here, on every step)
  return typeof x === "object" && x !== null && "access" in x && "label" in x;
}
