/**
 * SimThread: a thread of the simulation that is not a task — a driver thread, a blocking-pool
 * thread, a callback thread (`sim.thread(function* (t) { … })`). It runs a step body
 * (step-op.ts), touches the same cells as tasks' preemptible polls, and calls wakers.
 *
 * Parking (as Rust's `std::thread::park`): `yield* t.park()` blocks until another thread calls
 * `yield* t.unpark()`; an unpark that comes first leaves a token and the next park returns at
 * once. `park({ until })` also returns when virtual time reaches `until` (the run's clock jumps
 * there when nothing else can happen): that deadline is the thread's own, as a driver computes
 * its park timeout from its own timer wheel.
 */
import { newObjectId, op, type StepOp, type StepThread, type Steps } from "./step-op.js";

/** A thread's body: a generator of atomic steps; `t` is its own handle. */
export type ThreadBody = (t: SimThread) => Steps<void>;

export interface ThreadOptions {
  /** Shown in reports and traces (default "thread<N>"). */
  name?: string;
  /** A daemon thread (a driver looping forever) is not expected to finish: a run ends without it. */
  daemon?: boolean;
}

export class SimThread implements StepThread {
  readonly id: string;
  #token = false;

  constructor(
    readonly no: number,
    readonly name: string,
    readonly daemon: boolean,
  ) {
    this.id = newObjectId("thread", name);
  }

  /**
   * Blocks until unparked (true) or, with `until`, until virtual time reaches it (false). Only
   * the thread itself parks: the body's own handle.
   */
  *park(opts: { until?: number } = {}): Steps<boolean> {
    const me = yield op(this.id, "rmw", `park ${this.name}`);
    if (me.no !== this.no) throw new Error(`${me.name} called park on ${this.name}'s handle: a thread parks only itself`);
    if (this.#token) {
      this.#token = false;
      return true;
    }
    let timedOut = false;
    const until = opts.until;
    const o: StepOp & ParkOp = {
      access: { object: this.id, kind: "rmw" },
      label: `unparked ${this.name}`,
      ready: () => this.#token || timedOut,
      waitsFor: until === undefined ? "an unpark" : `an unpark or t=${until}`,
      until,
      expire: () => {
        timedOut = true;
      },
    };
    yield o;
    if (this.#token) {
      this.#token = false;
      return true;
    }
    return false;
  }

  /** Wakes the thread from `park` (or leaves a token for its next park). */
  *unpark(): Steps<void> {
    yield op(this.id, "write", `unpark ${this.name}`);
    this.#token = true;
  }
}

/** A blocked op with a deadline (park): the scheduler calls `expire` when virtual time reaches `until`. */
export interface ParkOp {
  readonly until?: number | undefined;
  expire?(): void;
}
