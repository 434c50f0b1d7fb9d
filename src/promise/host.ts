/**
 * VirtualHost: the timers of the host (Node's setTimeout, setInterval, setImmediate and their
 * clears) as reactor events of one simulation, for code written with promises — including code
 * in node_modules that calls them itself. While a run with async tasks steps, the escape traps
 * hand these globals to the running simulation's host (oracles/escape-traps.ts rule 4).
 *
 * Rules:
 *  1. One millisecond is one tick of virtual time. A delay is Node's: a number ≥ 1 (below 1, not
 *     a number, or above 2^31 − 1: 1), truncated to an integer, counted from now.
 *  2. A timer is a reactor event: it fires when the step loop delivers it, and its callback runs
 *     then, synchronously, as a macrotask; the microtasks it queues run before the next step.
 *     Timers due at the same instant fire in the order they were set, unless the `tie` fault lets
 *     the chooser reorder them — as the reactor treats every event.
 *  3. setImmediate is due now, after the events already due now (it was set later); a timeout of
 *     0 is due one tick later (rule 1), so an immediate set in the same callback runs first, as in
 *     Node's I/O callbacks.
 *  4. A handle is an object with Node's Timeout methods (ref, unref, hasRef, refresh, close,
 *     Symbol.toPrimitive → its id); clearing takes the handle or its id — an id once read, as
 *     Node registers a timer by id only when its Symbol.toPrimitive is called. A cleared or fired
 *     one-shot timer is forgotten; clearing it again does nothing; refreshing a fired one arms it
 *     again (a cleared one stays cleared), as in Node.
 *  5. A throw from a callback does not stop the run: it is handed to `uncaught` (the step loop
 *     reports it as a panic of the host, as Node would crash on it).
 *  6. A timer's origin is the task on whose behalf it was set, as the step loop names it when
 *     the timer is made (`originNow`): the task being polled, or — in the microtasks between two
 *     steps, which are all caused by the step before — the task that step polled or the origin
 *     of the event it delivered (so a continuation that awaits a timer again keeps its task). It
 *     is a hint for strategies that rank tied events (PCT), not an oracle's fact: a step whose
 *     microtasks resume several tasks' code lends all their timers its own origin.
 */
import type { Reactor } from "../reactor/reactor.js";
import { ReactorEvent } from "../reactor/event-queue.js";
import type { TaskId } from "../core/ids.js";

const MAX_DELAY = 2 ** 31 - 1;
const NO_ARGS: readonly unknown[] = Object.freeze([]);

type Callback = (...args: unknown[]) => void;

/** Node's rule for a timer's delay (rule 1). */
function delayOf(ms: unknown): number {
  const n = typeof ms === "number" ? ms : Number(ms);
  if (!(n >= 1 && n <= MAX_DELAY)) return 1;
  return Math.trunc(n);
}

type Kind = "timeout" | "interval" | "immediate";

/** A handle as Node's Timeout and Immediate objects behave (rule 4). */
export class VirtualTimer {
  /** @internal */ event: HostTimerEvent | null = null;
  /** @internal Cleared (not merely fired): refresh does nothing, as in Node. */ cleared = false;
  /** @internal Its id was read (Symbol.toPrimitive): clearing by that number finds it, as in Node (rule 4). */ exposed = false;
  private referenced = true;

  constructor(
    /** @internal */ readonly host: VirtualHost,
    readonly id: number,
    readonly kind: Kind,
    /** @internal */ readonly callback: Callback,
    /** @internal */ readonly args: readonly unknown[],
    /** @internal */ readonly delay: number,
    /** The task on whose behalf it was set (rule 6). */
    readonly origin: TaskId | null,
  ) {}

  ref(): this {
    if (!this.referenced && this.event !== null) this.host.referencedTimers++;
    this.referenced = true;
    return this;
  }

  unref(): this {
    if (this.referenced && this.event !== null) this.host.referencedTimers--;
    this.referenced = false;
    return this;
  }

  hasRef(): boolean {
    return this.referenced;
  }

  /** Starts the timer again from now, with the same delay — also one that fired, as Node does (not one cleared). */
  refresh(): this {
    if (this.event !== null) this.host.arm(this);
    else if (!this.cleared) this.host.revive(this);
    return this;
  }

  close(): this {
    this.host.clear(this);
    return this;
  }

  [Symbol.toPrimitive](): number {
    if (!this.exposed) this.host.expose(this);
    return this.id;
  }
}

/** @internal The reactor event of one arming of a timer. */
export class HostTimerEvent extends ReactorEvent {
  constructor(
    at: number,
    private readonly host: VirtualHost,
    readonly timer: VirtualTimer,
  ) {
    super(at);
  }

  fire(): void {
    this.host.fired(this);
  }

  override get origin(): TaskId | null {
    return this.timer.origin;
  }

  describe(): string {
    return `${this.timer.kind === "immediate" ? "setImmediate" : this.timer.kind === "interval" ? "setInterval" : "setTimeout"}#${this.timer.id} (${this.timer.callback.name || "anonymous"})`;
  }
}

export class VirtualHost {
  private nextId = 1;
  /** Timers not yet fired or cleared whose id was read, by id (clearing by number, rule 4). */
  private readonly live = new Map<number, VirtualTimer>();

  constructor(
    private readonly reactor: Reactor,
    /** Rule 5. */
    private readonly uncaught: (error: unknown, where: string) => void,
    /** Rule 6. */
    private readonly originNow: () => TaskId | null = () => null,
  ) {}

  /** Live timers that keep the run going (Node's ref'd handles): it completes only at 0. */
  referencedTimers = 0;

  setTimeout(args: readonly unknown[]): VirtualTimer {
    return this.add("timeout", args, delayOf(args[1]));
  }

  setInterval(args: readonly unknown[]): VirtualTimer {
    return this.add("interval", args, delayOf(args[1]));
  }

  setImmediate(args: readonly unknown[]): VirtualTimer {
    return this.make("immediate", args[0], args.length > 1 ? args.slice(1) : NO_ARGS, 0);
  }

  clear(handle: unknown): boolean {
    const t = handle instanceof VirtualTimer ? handle : typeof handle === "number" ? this.live.get(handle) : undefined;
    if (t === undefined) return false;
    if (t.host !== this) return true; // a timer of an earlier run (kept in module state): long gone with its run
    t.cleared = true;
    this.forget(t);
    return true;
  }

  /** @internal (Re)arms `t` from now (refresh, and each round of an interval). */
  arm(t: VirtualTimer): void {
    if (t.event !== null) this.reactor.cancel(t.event);
    const e = new HostTimerEvent(this.reactor.now + t.delay, this, t);
    t.event = e;
    this.reactor.schedule(e);
  }

  /** @internal `t`'s id was read: from now on clearing by that number finds it while it is live. */
  expose(t: VirtualTimer): void {
    t.exposed = true;
    if (t.event !== null) this.live.set(t.id, t);
  }

  /** @internal A fired one-shot timer armed again (refresh). */
  revive(t: VirtualTimer): void {
    if (t.exposed) this.live.set(t.id, t);
    if (t.hasRef()) this.referencedTimers++;
    this.arm(t);
  }

  /** @internal The reactor delivered `e`: run its callback (rule 2). */
  fired(e: HostTimerEvent): void {
    const t = e.timer;
    if (t.event !== e) return; // re-armed or cleared since
    if (t.kind === "interval") this.arm(t);
    else this.unlist(t); // delivered: no longer in the reactor's queue
    try {
      if (t.args.length === 0) t.callback();
      else t.callback(...t.args);
    } catch (error) {
      this.uncaught(error, e.describe());
    }
  }

  /** A timer that will not fire again (cleared, or a one-shot that fired). */
  private forget(t: VirtualTimer): void {
    if (t.event === null) return;
    this.reactor.cancel(t.event);
    this.unlist(t);
  }

  private unlist(t: VirtualTimer): void {
    t.event = null;
    if (t.exposed) this.live.delete(t.id);
    if (t.hasRef()) this.referencedTimers--;
  }

  private add(kind: Kind, args: readonly unknown[], delay: number): VirtualTimer {
    return this.make(kind, args[0], args.length > 2 ? args.slice(2) : NO_ARGS, delay);
  }

  private make(kind: Kind, cb: unknown, args: readonly unknown[], delay: number): VirtualTimer {
    if (typeof cb !== "function") {
      throw new TypeError(`The "callback" argument must be of type function. Received ${cb === null ? "null" : typeof cb}`);
    }
    const t = new VirtualTimer(this, this.nextId++, kind, cb as Callback, args, delay, this.originNow());
    this.referencedTimers++;
    this.arm(t);
    return t;
  }
}
