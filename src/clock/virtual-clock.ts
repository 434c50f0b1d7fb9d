/**
 * VirtualClock: the only time source in a simulation.
 *
 * Invariants:
 *  1. Time is an integer number of ticks and never goes backwards.
 *  2. Only the simulation advances it: by auto-advance to the next due event when nothing is
 *     runnable, or by the poll-cost model. Nothing reads the machine's real time.
 */
export class VirtualClock {
  private t = 0;

  /** Current virtual time, in ticks. */
  get now(): number {
    return this.t;
  }

  /** @internal Moves time forward to `at` (no-op if `at` is not later). */
  advanceTo(at: number): void {
    if (at > this.t) this.t = at;
  }
}
