/**
 * Context: what a poll receives. Holds the borrowed waker of this poll and, for the built-in
 * leaf futures (sleep, pipe I/O), a handle to the runtime they register with.
 *
 * Invariant: a Context is valid only during the poll it was passed to; the simulation expires
 * its waker when the poll returns (see waker.ts, rule 1).
 */
import type { Waker } from "../waker/waker.js";
import type { Runtime } from "./runtime.js";

export class Context {
  constructor(
    /** Borrowed for this poll only: `cx.waker.clone()` to keep it. */
    readonly waker: Waker,
    /** @internal The simulation this poll runs in (timers, I/O, instrumentation). */
    readonly runtime: Runtime,
  ) {}
}
