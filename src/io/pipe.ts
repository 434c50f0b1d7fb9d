/**
 * Pipe endpoints: the reader and the writer of one unidirectional fake byte stream (data is a
 * string; one char counts as one byte). Created by `sim.io.pipe()`.
 *
 * Two levels, as mio under tokio:
 *  - low level, edge-triggered (`tryRead`/`pollReadable`, `tryWrite`/`pollWritable`): readiness
 *    is an edge that the next poll consumes, so a reader must read until WOULD_BLOCK before
 *    waiting again (see pipe-state.ts, rules 1–2). This is the level users' own I/O futures
 *    are written against — and where their lost wakeups are found.
 *  - high level (`read`, `readToEnd`, `write`): correct futures built on the low level.
 *
 * Invariants:
 *  1. An endpoint keeps at most one registered waker: the latest poll's (WakerSlot).
 *  2. `deregister()` releases it; the high-level futures call it from `drop()`.
 */
import type { Context } from "../future/context.js";
import type { Poll } from "../future/poll.js";
import { OptionError } from "../core/errors.js";
import { ReadFuture, ReadToEndFuture, WriteFuture } from "./io-futures.js";
import type { EOF, RESET, WOULD_BLOCK } from "./io-result.js";
import type { PipeState } from "./pipe-state.js";

/** The receiving end of a pipe. */
export class PipeReader {
  /** @internal Created by SimIo. */
  constructor(/** @internal */ readonly _pipe: PipeState) {}

  /** The pipe's name, as in traces (`pipe#1`). */
  get name(): string {
    return this._pipe.name;
  }

  /** Chars delivered and not yet read. */
  get bufferedChars(): number {
    return this._pipe.bufferedChars;
  }

  /**
   * Takes up to `max` delivered chars (fewer under the `short-read` fault, never 0).
   * WOULD_BLOCK when nothing is buffered and the stream goes on; EOF when nothing is buffered
   * and the writer closed (or an early EOF cut the stream); RESET after a reset.
   */
  tryRead(max: number = Infinity): string | WOULD_BLOCK | EOF | RESET {
    if (max !== Infinity && !(Number.isInteger(max) && max >= 1)) {
      throw new OptionError("max", `tryRead(max) on '${this.name}' expects a positive integer number of chars or Infinity, got ${String(max)}`);
    }
    // I/O operations count against the poll budget, so a loop that never stops retrying
    // (say, one that ignores RESET) is broken off instead of hanging the test run.
    this._pipe.rt.countInnerPoll();
    return this._pipe.tryRead(max);
  }

  /**
   * Edge-triggered readiness: ready if an unconsumed read edge is stored (consuming it), else
   * registers (a clone of) `cx.waker` and returns pending. Ready does not promise data: call
   * `tryRead` until WOULD_BLOCK, then poll again.
   */
  pollReadable(cx: Context): Poll<void> {
    cx.runtime.countInnerPoll();
    return this._pipe.pollReadable(cx);
  }

  /** Releases the registered waker, if any (a reader that stops waiting). */
  deregister(): void {
    this._pipe.readSlot.clear();
  }

  /** Reads up to `max` chars, waiting for data: the next data, EOF or RESET. */
  read(max: number = Infinity): ReadFuture {
    if (max !== Infinity && !(Number.isInteger(max) && max >= 1)) {
      throw new OptionError("max", `read(max) on '${this.name}' expects a positive integer number of chars or Infinity, got ${String(max)}`);
    }
    return new ReadFuture(this, max);
  }

  /** Reads everything until EOF (or RESET, which discards what was read). */
  readToEnd(): ReadToEndFuture {
    return new ReadToEndFuture(this);
  }

  toString(): string {
    return `${this.name}:reader`;
  }
}

/** The sending end of a pipe. */
export class PipeWriter {
  /** @internal Created by SimIo. */
  constructor(/** @internal */ readonly _pipe: PipeState) {}

  /** The pipe's name, as in traces (`pipe#1`). */
  get name(): string {
    return this._pipe.name;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this._pipe.closed;
  }

  /** Chars that a write could accept now (capacity minus buffered and in-flight chars). */
  get freeChars(): number {
    const p = this._pipe;
    return Math.max(0, p.capacity - p.usedChars);
  }

  /**
   * Accepts up to the free capacity of `data` (fewer under the `short-write` fault, never 0
   * for non-empty data) and sends it; returns how many chars were accepted. WOULD_BLOCK when
   * the pipe is full; RESET after a reset or an early EOF. Throws after `close()`.
   */
  tryWrite(data: string): number | WOULD_BLOCK | RESET {
    if (typeof data !== "string") {
      throw new OptionError("data", `tryWrite(data) on '${this.name}' expects a string, got ${typeof data}`);
    }
    this._pipe.rt.countInnerPoll();
    return this._pipe.tryWrite(data);
  }

  /**
   * Edge-triggered writability: ready if an unconsumed write edge is stored (a new pipe has
   * one; then full → not full, reset and early EOF store one), else registers (a clone of)
   * `cx.waker` and returns pending.
   */
  pollWritable(cx: Context): Poll<void> {
    cx.runtime.countInnerPoll();
    return this._pipe.pollWritable(cx);
  }

  /** Releases the registered waker, if any. */
  deregister(): void {
    this._pipe.writeSlot.clear();
  }

  /**
   * Ends the stream: the reader sees EOF after everything written before. Idempotent; writing
   * afterwards throws.
   */
  close(): void {
    this._pipe.close();
  }

  /** Writes all of `data`, waiting for capacity as needed; the count, or RESET. */
  write(data: string): WriteFuture {
    if (typeof data !== "string") {
      throw new OptionError("data", `write(data) on '${this.name}' expects a string, got ${typeof data}`);
    }
    return new WriteFuture(this, data);
  }

  toString(): string {
    return `${this.name}:writer`;
  }
}
