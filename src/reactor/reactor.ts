/**
 * Reactor: turns timer and I/O registrations into wakeups (DESIGN §3).
 *
 * Owns the event queue and the virtual clock's advancement. Invariants:
 *  1. Events are delivered in (deadline, registration sequence) order; when the `tie` fault is
 *     on, or in a run with async tasks (`exploreTies`), the chooser may pick any event among
 *     those due at the same earliest instant — there told on whose behalf each was made
 *     (`ReactorEvent.origin`), so strategies that rank tasks rank the continuations they resume.
 *  2. Time only moves in `advanceToNext` (auto-advance when nothing is runnable) and in
 *     `elapse` (the poll-cost model). Both are called by the simulation, never by futures.
 *  3. The world is quiescent for the reactor when no live event remains.
 */
import type { VirtualClock } from "../clock/virtual-clock.js";
import type { Decider } from "../chooser/chooser.js";
import { asTimerId, type TaskId, type TimerId } from "../core/ids.js";
import type { Waker } from "../waker/waker.js";
import { EventQueue, ReactorEvent } from "./event-queue.js";

/** A one-shot timer: wakes its waker at `at`. */
export class Timer extends ReactorEvent {
  fired = false;
  constructor(
    /** The reactor that owns it (so a dropped future can cancel it). */
    readonly reactorOf: Reactor,
    readonly id: TimerId,
    at: number,
    /** The registered (owned) waker; replace with `setWaker` to keep the latest. */
    public waker: Waker | null,
  ) {
    super(at);
  }

  /** The task whose waker it holds. */
  override get origin(): TaskId | null {
    return this.waker === null ? null : this.waker.taskId;
  }

  fire(): void {
    this.fired = true;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }

  describe(): string {
    return `timer#${this.id}`;
  }
}

export class Reactor {
  private readonly queue = new EventQueue();
  private nextTimerId = 1;
  /** Events delivered so far (a progress measure for the oracles). */
  delivered = 0;
  /**
   * Ties are the chooser's even without the `tie` fault: in a run with async tasks the order of
   * timers due at one instant is the nondeterminism explored (promise/host.ts rule 2).
   */
  exploreTies = false;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rt: Decider,
  ) {}

  get now(): number {
    return this.clock.now;
  }

  /** Registers a timer due at absolute tick `at`, waking `waker` (an owned clone). */
  addTimer(at: number, waker: Waker): Timer {
    const t = new Timer(this, asTimerId(this.nextTimerId++), Math.max(at, this.clock.now), waker);
    this.queue.push(t);
    return t;
  }

  /** Cancels a timer (or any event) and releases its waker. */
  cancel(e: ReactorEvent): void {
    this.queue.cancel(e);
    if (e instanceof Timer && e.waker !== null) {
      e.waker.drop();
      e.waker = null;
    }
  }

  /** Schedules an arbitrary event (I/O arrivals use this). */
  schedule(e: ReactorEvent): void {
    this.queue.push(e);
  }

  /** The timers holding a waker of `task` (for lost-wakeup diagnoses). */
  holdersOf(task: TaskId): string[] {
    const out: string[] = [];
    this.queue.forEachLive((e) => {
      if (e instanceof Timer && e.waker !== null && e.waker.taskId === task) out.push(`${e.describe()} (due t=${e.at})`);
    });
    return out.sort();
  }

  /** Live events not yet delivered. */
  get pendingEvents(): number {
    return this.queue.liveCount;
  }

  /** True when an event is due now. */
  hasDue(): boolean {
    if (this.queue.liveCount === 0) return false;
    const e = this.queue.peek();
    return e !== undefined && e.at <= this.clock.now;
  }

  /** Deadline of the next live event, or undefined. */
  nextDeadline(): number | undefined {
    return this.queue.peek()?.at;
  }

  /** Auto-advance: jumps the clock to the next event's deadline. Returns false if there is none. */
  advanceToNext(): boolean {
    const e = this.queue.peek();
    if (e === undefined) return false;
    this.clock.advanceTo(e.at);
    return true;
  }

  /** Poll-cost model: time passes while a task runs. */
  elapse(ticks: number): void {
    this.clock.advanceTo(this.clock.now + ticks);
  }

  /**
   * Takes the next due event (rule 1) out of the queue, or undefined if none is due. The caller
   * delivers it with `fire()` (after tracing it, so the trace shows the cause before its wakes).
   */
  takeDue(): ReactorEvent | undefined {
    const head = this.queue.peek();
    if (head === undefined || head.at > this.clock.now) return undefined;
    let e: ReactorEvent;
    if (this.exploreTies || this.rt.faultEnabled("tie")) {
      const n = this.queue.countTies();
      const i = !this.exploreTies ? this.rt.decideFault(n, "tie") : this.rt.decideTie !== undefined ? this.rt.decideTie(this.tieOrigins(n)) : this.rt.decide(n, "tie");
      e = this.queue.takeTie(i);
    } else {
      e = this.queue.pop()!;
    }
    this.delivered++;
    return e;
  }

  /** The origins of the `n` ties `countTies` just ranked, in that order (for a strategy that ranks tasks: PCT). */
  private tieOrigins(n: number): (TaskId | null)[] {
    const out: (TaskId | null)[] = [];
    for (let k = 0; k < n; k++) out.push(this.queue.tieAt(k).origin);
    return out;
  }
}
