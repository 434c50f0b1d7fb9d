/**
 * SimIo: the fake I/O of one simulation (`sim.io`) — it makes pipes and duplex streams and
 * keeps the I/O counters the oracles read.
 *
 * Invariants:
 *  1. No module-level state: names (`pipe#N`, `duplex#N`) are numbered per SimIo, in creation
 *     order, so two sims side by side name their pipes identically.
 *  2. Options are checked eagerly, when the pipe is made; the error names the option.
 *  3. Every nondeterministic I/O decision goes through the Runtime (`decideFault`), never
 *     through anything of its own (see pipe-state.ts, rule 5).
 */
import { checkInt } from "../core/checks.js";
import { closest, OptionError } from "../core/errors.js";
import type { TaskId } from "../core/ids.js";
import type { Runtime } from "../future/runtime.js";
import type { ReadFuture, ReadToEndFuture, WriteFuture } from "./io-futures.js";
import { PipeState, type IoStats } from "./pipe-state.js";
import { PipeReader, PipeWriter } from "./pipe.js";

export interface PipeOptions {
  /** Max chars buffered plus in flight; writes beyond it would block (default Infinity). */
  capacity?: number;
  /** Base latency of every transfer, in virtual ticks (default 0: due at once, still an event). */
  latencyTicks?: number;
  /** Label for traces and reports (default `pipe#N`, or `duplex#N` for a duplex). */
  name?: string;
}

/** Both ends of a unidirectional pipe. */
export interface Pipe {
  readonly reader: PipeReader;
  readonly writer: PipeWriter;
}

/** One end of a duplex stream: reads what the other end writes, and the other way round. */
export class StreamEnd {
  constructor(
    readonly name: string,
    readonly reader: PipeReader,
    readonly writer: PipeWriter,
  ) {}
  /** `this.reader.read(max)`. */
  read(max: number = Infinity): ReadFuture {
    return this.reader.read(max);
  }
  /** `this.reader.readToEnd()`. */
  readToEnd(): ReadToEndFuture {
    return this.reader.readToEnd();
  }
  /** `this.writer.write(data)`. */
  write(data: string): WriteFuture {
    return this.writer.write(data);
  }
  /** Closes this end's writing half (the peer sees EOF). */
  close(): void {
    this.writer.close();
  }
}

const OPTION_KEYS = ["capacity", "latencyTicks", "name"] as const;

export class SimIo {
  private readonly pipes: PipeState[] = [];
  private duplexes = 0;
  private readonly stats: IoStats = { bytesMoved: 0, arrivals: 0, faultsInjected: 0 };

  constructor(private readonly rt: Runtime) {}

  /** A unidirectional pipe: what `writer` writes, `reader` reads, in order. */
  pipe(opts: PipeOptions = {}): Pipe {
    const o = checkOptions(opts, "pipe");
    const p = this.make(o.name ?? `pipe#${this.pipes.length + 1}`, o);
    return { reader: new PipeReader(p), writer: new PipeWriter(p) };
  }

  /**
   * A bidirectional stream: two pipes crossed. End 0 writes to `<name>[0->1]`, which end 1
   * reads, and reads `<name>[1->0]`. Both pipes get the same options.
   */
  duplex(opts: PipeOptions = {}): [StreamEnd, StreamEnd] {
    const o = checkOptions(opts, "duplex");
    const name = o.name ?? `duplex#${++this.duplexes}`;
    const ab = this.make(`${name}[0->1]`, o);
    const ba = this.make(`${name}[1->0]`, o);
    return [
      new StreamEnd(`${name}[0]`, new PipeReader(ba), new PipeWriter(ab)),
      new StreamEnd(`${name}[1]`, new PipeReader(ab), new PipeWriter(ba)),
    ];
  }

  /** Chars delivered to readers by `tryRead` so far (a progress measure). */
  get bytesMoved(): number {
    return this.stats.bytesMoved;
  }

  /** Arrival events delivered so far. */
  get arrivals(): number {
    return this.stats.arrivals;
  }

  /** I/O faults that took effect so far (short reads/writes, coalesces, latency, spurious readiness, resets, early EOFs). */
  get faultsInjected(): number {
    return this.stats.faultsInjected;
  }

  /** Pipes made so far (each half of a duplex counts). */
  get pipeCount(): number {
    return this.pipes.length;
  }

  /**
   * Endpoints whose waiter is parked although the operation would not block: `"<pipe>:reader"`
   * with data, EOF or a reset pending, `"<pipe>:writer"` with free capacity or a reset. With
   * edge-triggered readiness this is a missed edge (a lost wakeup) unless the waiter is about to
   * be polled anyway. Linear in the number of pipes; allocates only when something is found.
   */
  parkedWhileReady(): string[] {
    let out: string[] | undefined;
    for (const p of this.pipes) {
      if (p.readerParkedWhileReady) (out ??= []).push(`${p.name}:reader`);
      if (p.writerParkedWhileReady) (out ??= []).push(`${p.name}:writer`);
    }
    return out ?? [];
  }

  /** Like `parkedWhileReady`, with the waiting task (for the resource-level lost-wakeup oracle). */
  parkedWaiters(): { resource: string; task: TaskId | null }[] {
    let out: { resource: string; task: TaskId | null }[] | undefined;
    for (const p of this.pipes) {
      if (p.readerParkedWhileReady) (out ??= []).push({ resource: `${p.name}:reader`, task: p.readSlot.holder });
      if (p.writerParkedWhileReady) (out ??= []).push({ resource: `${p.name}:writer`, task: p.writeSlot.holder });
    }
    return out ?? [];
  }

  /** The pipe endpoints holding a waker of `task` (for lost-wakeup diagnoses). */
  holdersOf(task: TaskId): string[] {
    const out: string[] = [];
    for (const p of this.pipes) {
      if (p.readSlot.holder === task) out.push(`${p.name} reader (waiting for readable)`);
      if (p.writeSlot.holder === task) out.push(`${p.name} writer (waiting for writable)`);
    }
    return out;
  }

  private make(name: string, o: CheckedOptions): PipeState {
    const p = new PipeState(this.rt, this.stats, name, o.capacity, o.latencyTicks);
    this.pipes.push(p);
    return p;
  }
}

interface CheckedOptions {
  capacity: number;
  latencyTicks: number;
  name: string | undefined;
}

function checkOptions(opts: PipeOptions, what: string): CheckedOptions {
  if (typeof opts !== "object" || opts === null) {
    throw new OptionError(`${what} options`, `expected an object like { capacity: 16, latencyTicks: 2 }, got ${String(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!(OPTION_KEYS as readonly string[]).includes(k)) {
      const hint = closest(k, OPTION_KEYS);
      throw new OptionError(k, `unknown ${what} option${hint ? ` (did you mean '${hint}'?)` : ""}; known: ${OPTION_KEYS.join(", ")}`);
    }
  }
  const capacity = opts.capacity ?? Infinity;
  if (capacity !== Infinity && !(typeof capacity === "number" && Number.isInteger(capacity) && capacity >= 1)) {
    throw new OptionError("capacity", `expected a positive integer number of chars (or Infinity), got ${typeof capacity === "string" ? JSON.stringify(capacity) : String(capacity)}`);
  }
  const latencyTicks = checkInt("latencyTicks", opts.latencyTicks ?? 0, 0);
  const name = opts.name;
  if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
    throw new OptionError("name", `expected a non-empty string, got ${typeof name === "string" ? '""' : String(name)}`);
  }
  return { capacity, latencyTicks, name };
}
