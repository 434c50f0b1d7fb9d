/**
 * PipeState: the shared state behind one unidirectional pipe — the reader's buffer, the chunks
 * in flight, the readiness edges of both ends, and the injected I/O faults. The endpoints
 * (pipe.ts) are thin doors onto it; the reactor delivers its `Arrival` events.
 *
 * Readiness is edge-triggered, as epoll's EPOLLET and mio: an edge is stored on a transition
 * and consumed by the next `pollReadable`/`pollWritable`; storing an edge also wakes the
 * registered waker (if any). Invariants:
 *  1. A read edge fires only when the buffer goes empty → non-empty, on EOF and on reset.
 *     Data arriving into a non-empty buffer fires none: a reader must read until WOULD_BLOCK
 *     before it waits again, or it may wait forever.
 *  2. A write edge fires only when the pipe goes full → not full (a read drained it), on reset
 *     and on early EOF. A new pipe starts with one write edge stored (it starts writable, as a
 *     freshly registered mio socket reports writable once).
 *  3. `capacity` bounds buffered + in-flight chars; a write never makes `usedChars` exceed it.
 *  4. Arrivals are FIFO: chunk k is delivered before chunk k+1. Deadlines are clamped to be
 *     non-decreasing, and since the `tie` fault may still reorder events due at the same
 *     instant, an `Arrival` delivers whatever chunk is at the head of `inFlight`, not "its own".
 *  5. Every fault is one chooser decision, asked only where it could change something, and
 *     only when switched on (`decideFault`): a run with I/O faults off asks no I/O question
 *     besides the step loop's own deliver-vs-poll choice.
 *  6. After a reset, or an early EOF, nothing is in flight and no arrival event stays queued.
 */
import type { Context } from "../future/context.js";
import { PENDING, ready, type Poll, type Ready } from "../future/poll.js";
import { ReactorEvent } from "../reactor/event-queue.js";
import type { Runtime } from "../future/runtime.js";
import { WakerSlot } from "../future/waker-slot.js";
import { EOF, RESET, WOULD_BLOCK } from "./io-result.js";

/** Counters shared by every pipe of one SimIo (progress measures for the oracles). */
export interface IoStats {
  /** Chars handed to readers by `tryRead`. */
  bytesMoved: number;
  /** Arrival events delivered. */
  arrivals: number;
  /** I/O faults injected (each counted once, when it took effect). */
  faultsInjected: number;
}

/** A segment in flight. Mutable: `coalesce` appends to it and `close` may set its FIN bit. */
interface Chunk {
  data: string;
  fin: boolean;
}

const READY_VOID: Ready<void> = Object.freeze(ready());

/** Delivery of the head in-flight chunk of one pipe (rule 4). */
export class Arrival extends ReactorEvent {
  constructor(
    private readonly pipe: PipeState,
    at: number,
    /** The chunk this event describes; re-pointed at delivery to the chunk actually delivered. */
    private chunk: Chunk,
  ) {
    super(at);
  }

  fire(): void {
    this.chunk = this.pipe.arrive(this);
  }

  describe(): string {
    const c = this.chunk;
    if (c.data.length === 0 && c.fin) return `${this.pipe.name} FIN`;
    return `${this.pipe.name} arrival ${c.data.length}B${c.fin ? "+FIN" : ""}`;
  }
}

export class PipeState {
  /** Delivered chars not yet read. */
  private buffer = "";
  private readonly inFlight: Chunk[] = [];
  private inFlightChars = 0;
  /** Queued arrival events, oldest first (to cancel them on reset / early EOF). */
  private readonly events: Arrival[] = [];
  /** Deadline of the latest scheduled arrival: later arrivals are clamped to it (rule 4). */
  private lastArrivalAt = 0;
  private readEdge = false;
  private writeEdge = true; // rule 2: starts writable
  /** The writer called close(). */
  closed = false;
  /** The reader has reached EOF: it sees EOF once the buffer is drained. */
  private eof = false;
  /** Reset: both ends see RESET. */
  isReset = false;
  /** An early EOF cut the stream: the writer sees RESET. */
  private broken = false;
  readonly readSlot = new WakerSlot();
  readonly writeSlot = new WakerSlot();

  constructor(
    readonly rt: Runtime,
    private readonly stats: IoStats,
    readonly name: string,
    /** Max chars buffered + in flight (Infinity = unbounded). */
    readonly capacity: number,
    /** Base latency of every transfer, in virtual ticks. */
    readonly latencyTicks: number,
  ) {}

  /** Chars buffered or in flight (what counts against `capacity`). */
  get usedChars(): number {
    return this.buffer.length + this.inFlightChars;
  }

  /** Chars delivered and not yet read. */
  get bufferedChars(): number {
    return this.buffer.length;
  }

  /** True when a registered reader waits although a read would not block. */
  get readerParkedWhileReady(): boolean {
    return this.readSlot.isRegistered && (this.buffer.length > 0 || this.eof || this.isReset);
  }

  /** True when a registered writer waits although a write would not block. */
  get writerParkedWhileReady(): boolean {
    return this.writeSlot.isRegistered && (this.usedChars < this.capacity || this.isReset || this.broken);
  }

  // ---- reader side -----------------------------------------------------------------------

  tryRead(max: number): string | WOULD_BLOCK | EOF | RESET {
    if (this.isReset) return RESET;
    const len = this.buffer.length;
    if (len === 0) return this.eof ? EOF : WOULD_BLOCK;
    let n = max < len ? max : len;
    if (n > 1) {
      const fewer = this.rt.decideFault(n, "short-read");
      if (fewer > 0) this.fault(`short read: ${n - fewer} of ${n}B`);
      n -= fewer;
    }
    const wasFull = this.usedChars >= this.capacity;
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    this.stats.bytesMoved += n;
    this.rt.progress();
    if (wasFull) this.fireWriteEdge(); // rule 2: full → not full
    return out;
  }

  pollReadable(cx: Context): Poll<void> {
    if (this.readEdge) {
      this.readEdge = false;
      return READY_VOID;
    }
    if (this.rt.decideFault(2, "spurious-readiness") === 1) {
      this.fault("spurious readable");
      return READY_VOID;
    }
    this.readSlot.register(cx);
    return PENDING;
  }

  // ---- writer side -----------------------------------------------------------------------

  tryWrite(data: string): number | WOULD_BLOCK | RESET {
    if (this.closed) {
      throw new Error(
        `write of ${data.length}B to '${this.name}' after its writer was closed; ` +
          `close() means no more data (the reader sees EOF after what was sent before it) — write everything first, then close`,
      );
    }
    if (this.isReset || this.broken) return RESET;
    if (data.length === 0) return 0;
    const free = this.capacity - this.usedChars;
    if (free <= 0) return WOULD_BLOCK;
    let n = free < data.length ? free : data.length;
    if (n > 1) {
      const fewer = this.rt.decideFault(n, "short-write");
      if (fewer > 0) this.fault(`short write: ${n - fewer} of ${n}B`);
      n -= fewer;
    }
    this.send(n === data.length ? data : data.slice(0, n));
    return n;
  }

  pollWritable(cx: Context): Poll<void> {
    if (this.writeEdge) {
      this.writeEdge = false;
      return READY_VOID;
    }
    if (this.rt.decideFault(2, "spurious-readiness") === 1) {
      this.fault("spurious writable");
      return READY_VOID;
    }
    this.writeSlot.register(cx);
    return PENDING;
  }

  /** No more writes. The FIN rides on the last in-flight chunk, or travels alone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.isReset || this.broken) return;
    const last = this.inFlight[this.inFlight.length - 1];
    if (last !== undefined) last.fin = true;
    else this.schedule({ data: "", fin: true });
  }

  // ---- transfers -------------------------------------------------------------------------

  private send(data: string): void {
    const last = this.inFlight[this.inFlight.length - 1];
    if (last !== undefined && this.rt.decideFault(2, "coalesce") === 1) {
      // Merged into the newest in-flight chunk: one arrival, at most one edge for both.
      this.fault(`coalesced ${data.length}B into an in-flight chunk of ${last.data.length}B`);
      last.data += data;
      this.inFlightChars += data.length;
      return;
    }
    this.inFlightChars += data.length;
    this.schedule({ data, fin: false });
  }

  private schedule(chunk: Chunk): void {
    const rt = this.rt;
    const extraTicks = rt.decideFault(rt.maxLatencyTicks + 1, "latency");
    if (extraTicks > 0) this.fault(`+${extraTicks} ticks latency`);
    let at = rt.now + this.latencyTicks + extraTicks;
    if (at < this.lastArrivalAt) at = this.lastArrivalAt; // rule 4: never overtake
    this.lastArrivalAt = at;
    const e = new Arrival(this, at, chunk);
    this.inFlight.push(chunk);
    this.events.push(e);
    rt.reactor.schedule(e);
  }

  /** @internal Called by an Arrival: delivers the head chunk and returns it. */
  arrive(e: Arrival): Chunk {
    const i = this.events.indexOf(e);
    if (i >= 0) this.events.splice(i, 1);
    const chunk = this.inFlight.shift()!;
    this.inFlightChars -= chunk.data.length;
    this.stats.arrivals++;
    if (this.rt.decideFault(2, "reset") === 1) {
      this.reset();
      return chunk;
    }
    if (this.rt.decideFault(2, "early-eof") === 1) {
      this.earlyEof(chunk.data.length);
      return chunk;
    }
    const wasEmpty = this.buffer.length === 0;
    this.buffer += chunk.data;
    if (chunk.fin) this.eof = true;
    if ((wasEmpty && chunk.data.length > 0) || chunk.fin) this.fireReadEdge(); // rule 1
    return chunk;
  }

  private reset(): void {
    this.fault(`connection reset (${this.buffer.length}B buffered and ${this.inFlightChars}B in flight lost)`);
    this.isReset = true;
    this.buffer = "";
    this.dropInFlight();
    this.fireReadEdge();
    this.fireWriteEdge();
  }

  private earlyEof(arrivingChars: number): void {
    this.fault(`early EOF (${arrivingChars + this.inFlightChars}B in flight lost)`);
    this.eof = true;
    this.broken = true;
    this.dropInFlight();
    this.fireReadEdge();
    this.fireWriteEdge();
  }

  private dropInFlight(): void {
    for (const e of this.events) this.rt.reactor.cancel(e);
    this.events.length = 0;
    this.inFlight.length = 0;
    this.inFlightChars = 0;
  }

  private fireReadEdge(): void {
    this.readEdge = true;
    this.readSlot.wake();
  }

  private fireWriteEdge(): void {
    this.writeEdge = true;
    this.writeSlot.wake();
  }

  private fault(what: string): void {
    this.stats.faultsInjected++;
    this.rt.note(`${this.name}: ${what}`);
  }
}
