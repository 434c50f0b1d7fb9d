/**
 * Waker: the handle a pending future keeps so that its task is polled again.
 *
 * Owns the handle's lifecycle; never owns a queue. Waking calls the schedule hook that the
 * simulation injected into the task (smol/async-task style), and the simulation decides what
 * "runnable" means.
 *
 * Invariants:
 *  1. `cx.waker` is *borrowed* for one poll. When the poll returns, the simulation expires it;
 *     any later use throws a `WakerMisuseError` that says to clone it (Rust forces the clone at
 *     compile time; we enforce it at run time so the harness knows exactly who holds a wake source).
 *  2. Each poll hands out a waker with a fresh `generation` (the task's poll count). Clones share
 *     their origin's generation, so a wake through a clone from an older poll is recognisable as stale.
 *  3. `wake()` consumes an owned waker; `wakeByRef()` does not. A consumed or dropped waker is dead:
 *     using it again is a misuse. Calling `wake()` on the borrowed waker acts as `wakeByRef()`
 *     (it cannot be consumed: its poll owns it).
 *  4. `willWake(other)` answers as the runtime the run models (WakeHook.wakersPerPoll): two
 *     wakers of the same poll always will; two of different polls of the same task will where
 *     a task's wakers are all alike (tokio, embassy: a waker points at the task), and will not
 *     where each poll lends a waker of its own — where, consistently, an older poll's waker is
 *     inert. Either way the idiom "if (!stored.willWake(cx.waker)) stored = cx.waker.clone()"
 *     keeps a waker that reaches the task, and embassy's "store the new one, wake the evicted
 *     one" arm cannot turn into an endless self-wake (which per-poll answers with live old
 *     wakers would make of it: a mix no runtime has).
 */
import type { TaskId } from "../core/ids.js";

/** What a waker wakes: implemented by the simulation's task record. */
export interface WakeTarget {
  readonly id: TaskId;
  readonly name: string;
  /** The schedule hook: the only thing a waker calls. */
  readonly hook: WakeHook;
  /** Counts clones, to label wakers in traces. */
  cloneSerial: number;
}

/** Injected by the simulation. */
export interface WakeHook {
  wake(target: WakeTarget, waker: Waker): void;
  wakerCloned(target: WakeTarget, waker: Waker): void;
  /** An owned clone was consumed by wake() (`woken`) or dropped without waking. */
  wakerReleased(target: WakeTarget, waker: Waker, woken: boolean): void;
  wakerMisused(target: WakeTarget, waker: Waker, misuse: WakerMisuse, message: string): void;
  /**
   * Whether this run models a runtime whose wakers are per poll (an older poll's waker is inert
   * and `willWake` false across polls) rather than per task. Asked only when it matters: the
   * first time two wakers of different polls of one task are compared, or a stale one wakes.
   */
  wakersPerPoll(target: WakeTarget): boolean;
}

export type WakerMisuse = "borrowed-after-poll" | "used-after-consume";

const BORROWED = 0;
const EXPIRED = 1;
const OWNED = 2;
const DEAD = 3; // consumed by wake() or dropped

/** Thrown when a waker is used against the contract; inside a poll it panics that task. */
export class WakerMisuseError extends Error {
  override readonly name = "WakerMisuseError";
  constructor(
    readonly misuse: WakerMisuse,
    message: string,
  ) {
    super(message);
  }
}

export class Waker {
  /** @internal */ _state: number;
  /** @internal Clone number within its generation (0 = the borrowed original). */
  readonly serial: number;

  /** @internal Only the simulation and `clone()` create wakers. */
  constructor(
    /** @internal */ readonly _target: WakeTarget,
    /** The poll of the task this waker was handed out for (1 = first poll). */
    readonly generation: number,
    borrowed: boolean,
    serial: number,
  ) {
    this._state = borrowed ? BORROWED : OWNED;
    this.serial = serial;
  }

  /** The task this waker wakes. */
  get taskId(): TaskId {
    return this._target.id;
  }

  /** True for `cx.waker` (valid only during its poll); false for clones. */
  get isBorrowed(): boolean {
    return this._state === BORROWED || this._state === EXPIRED;
  }

  /** Wakes the task and consumes this handle (the borrowed `cx.waker` is not consumed). */
  wake(): void {
    this.check("wake");
    this._target.hook.wake(this._target, this);
    if (this._state === OWNED) {
      this._state = DEAD;
      this._target.hook.wakerReleased(this._target, this, true);
    }
  }

  /** Wakes the task and keeps this handle usable. */
  wakeByRef(): void {
    this.check("wakeByRef");
    this._target.hook.wake(this._target, this);
  }

  /** An owned handle to the same task and generation; the only way to keep a waker past a poll. */
  clone(): Waker {
    this.check("clone");
    const w = new Waker(this._target, this.generation, false, ++this._target.cloneSerial);
    this._target.hook.wakerCloned(this._target, w);
    return w;
  }

  /** True if both wake the same task and keeping `this` loses nothing (see rule 4). */
  willWake(other: Waker): boolean {
    if (this._target !== other._target) return false;
    return this.generation === other.generation || !this._target.hook.wakersPerPoll(this._target);
  }

  /** Releases an owned clone without waking (Rust's Drop). A no-op on the borrowed waker. */
  drop(): void {
    if (this._state === OWNED) {
      this._state = DEAD;
      this._target.hook.wakerReleased(this._target, this, false);
    } else if (this._state === DEAD) {
      this.misuse("used-after-consume", "drop");
    }
  }

  /** @internal Called by the simulation when the poll that lent this waker returns. */
  _expire(): void {
    if (this._state === BORROWED) this._state = EXPIRED;
  }

  /** A short label for traces: `task#3@g2.1`. */
  toString(): string {
    return `${this._target.name}@g${this.generation}.${this.serial}`;
  }

  private check(op: string): void {
    const s = this._state;
    if (s === BORROWED || s === OWNED) return;
    if (s === EXPIRED) this.misuse("borrowed-after-poll", op);
    else this.misuse("used-after-consume", op);
  }

  private misuse(kind: WakerMisuse, op: string): never {
    const t = this._target;
    const message =
      kind === "borrowed-after-poll"
        ? `waker.${op}() on the borrowed waker of task '${t.name}' from poll ${this.generation}, after that poll returned. ` +
          `cx.waker is lent for one poll only: clone it (cx.waker.clone()) to keep it, and keep the latest clone.`
        : `waker.${op}() on a waker of task '${t.name}' (poll ${this.generation}) that wake() or drop() already consumed. ` +
          `Use wakeByRef() to wake without consuming, or clone() before waking.`;
    t.hook.wakerMisused(t, this, kind, message);
    throw new WakerMisuseError(kind, message);
  }
}
