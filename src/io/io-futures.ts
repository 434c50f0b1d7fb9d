/**
 * The high-level I/O futures: correct `read`, `readToEnd` and `write` built on the
 * edge-triggered low level of pipe.ts — the reference users' own I/O futures are held to.
 *
 * Invariants:
 *  1. A future waits (returns PENDING) only right after the low level said WOULD_BLOCK and the
 *     readiness poll registered this poll's waker: never with data left unread or capacity
 *     left unused, so no readiness edge can be missed.
 *  2. Readiness that turns out empty (a stale edge, or the `spurious-readiness` fault) is
 *     retried at most SPIN_BUDGET times in one poll; then the future wakes itself and yields,
 *     as tokio's cooperative budget does, so one poll never spins forever.
 *  3. A future that registered a waker releases it when it completes and when it is dropped.
 *  4. Polling a future again after it returned ready throws (Rust's "polled after completion").
 */
import type { Context } from "../future/context.js";
import { FutureBase } from "../future/future.js";
import { PENDING, ready, type Poll } from "../future/poll.js";
import { EOF, RESET, WOULD_BLOCK } from "./io-result.js";
import type { PipeReader, PipeWriter } from "./pipe.js";

/** Empty readiness retries allowed in one poll (rule 2). */
const SPIN_BUDGET = 32;

/** Returned by `step` when it made progress but is not finished. */
const PROGRESS: unique symbol = Symbol("wakesim.io.PROGRESS");

abstract class IoFuture<T> extends FutureBase<T> {
  abstract readonly label: string;
  private done = false;
  /** This future registered a waker with its endpoint (rule 3). */
  protected registered = false;

  poll(cx: Context): Poll<T> {
    if (this.done) throw new Error(`${this.label} was polled after it completed; a future must not be polled after it returned ready`);
    for (let spins = 0; spins < SPIN_BUDGET; ) {
      const r = this.step();
      if (r !== WOULD_BLOCK) {
        if (r === PROGRESS) continue;
        this.done = true;
        if (this.registered) {
          this.registered = false;
          this.release();
        }
        return ready(r);
      }
      if (!this.pollReady(cx).ready) {
        this.registered = true;
        return PENDING;
      }
      spins++;
    }
    cx.waker.wakeByRef(); // rule 2: yield instead of spinning
    return PENDING;
  }

  drop(): void {
    this.release();
  }

  /** One attempt: the final value, PROGRESS (try again at once), or WOULD_BLOCK. */
  protected abstract step(): T | typeof PROGRESS | WOULD_BLOCK;
  protected abstract pollReady(cx: Context): Poll<void>;
  protected abstract release(): void;
}

/** `reader.read(max)`: the next data (1..max chars), EOF or RESET. */
export class ReadFuture extends IoFuture<string | EOF | RESET> {
  readonly label: string;
  constructor(
    private readonly reader: PipeReader,
    private readonly max: number,
  ) {
    super();
    this.label = `read(${reader.name})`;
  }
  protected step(): string | EOF | RESET | WOULD_BLOCK {
    return this.reader.tryRead(this.max);
  }
  protected pollReady(cx: Context): Poll<void> {
    return this.reader.pollReadable(cx);
  }
  protected release(): void {
    this.reader.deregister();
  }
}

/** `reader.readToEnd()`: everything until EOF, or RESET (what was read so far is discarded). */
export class ReadToEndFuture extends IoFuture<string | RESET> {
  readonly label: string;
  private acc = "";
  constructor(private readonly reader: PipeReader) {
    super();
    this.label = `readToEnd(${reader.name})`;
  }
  /** Chars read so far. */
  get received(): string {
    return this.acc;
  }
  protected step(): string | RESET | typeof PROGRESS | WOULD_BLOCK {
    const r = this.reader.tryRead();
    if (typeof r === "string") {
      this.acc += r;
      return PROGRESS;
    }
    if (r === EOF) return this.acc;
    return r;
  }
  protected pollReady(cx: Context): Poll<void> {
    return this.reader.pollReadable(cx);
  }
  protected release(): void {
    this.reader.deregister();
  }
}

/** `writer.write(data)`: writes all of it, looping over partial writes; the count, or RESET. */
export class WriteFuture extends IoFuture<number | RESET> {
  readonly label: string;
  private writtenChars = 0;
  constructor(
    private readonly writer: PipeWriter,
    private readonly data: string,
  ) {
    super();
    this.label = `write(${writer.name}, ${data.length}B)`;
  }
  /** Chars accepted so far. */
  get written(): number {
    return this.writtenChars;
  }
  protected step(): number | RESET | typeof PROGRESS | WOULD_BLOCK {
    const d = this.data;
    if (this.writtenChars === d.length) return this.writtenChars;
    const r = this.writer.tryWrite(this.writtenChars === 0 ? d : d.slice(this.writtenChars));
    if (typeof r === "number") {
      this.writtenChars += r;
      return PROGRESS;
    }
    return r;
  }
  protected pollReady(cx: Context): Poll<void> {
    return this.writer.pollWritable(cx);
  }
  protected release(): void {
    this.writer.deregister();
  }
}
