/**
 * WakerSlot: the "keep the latest" rule in one place.
 *
 * Invariant: the slot must always store the waker of the most recent poll that registered,
 * because only that waker is guaranteed to reach the task (DESIGN §1). `register(cx)` clones
 * only when the stored waker would not wake the same poll, and releases the one it replaces.
 */
import type { Context } from "./context.js";
import type { TaskId } from "../core/ids.js";
import type { Waker } from "../waker/waker.js";

export class WakerSlot {
  private waker: Waker | null = null;

  /** Stores (a clone of) this poll's waker, replacing and releasing an older one. */
  register(cx: Context): void {
    const cur = this.waker;
    if (cur !== null && cur.willWake(cx.waker)) return;
    cur?.drop();
    this.waker = cx.waker.clone();
  }

  /** The task whose waker is stored, or null. */
  get holder(): TaskId | null {
    return this.waker === null ? null : this.waker.taskId;
  }

  /** True while a waker is stored. */
  get isRegistered(): boolean {
    return this.waker !== null;
  }

  /** Wakes and empties the slot; returns whether a waker was there. */
  wake(): boolean {
    const w = this.waker;
    if (w === null) return false;
    this.waker = null;
    w.wake();
    return true;
  }

  /** Releases the stored waker without waking (a dropped waiter). */
  clear(): void {
    const w = this.waker;
    this.waker = null;
    w?.drop();
  }
}
