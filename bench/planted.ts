/**
 * Planted bugs for `npm run bench:find`: small wakesim scenarios whose bug needs a known number
 * of ordering constraints (the bug "depth" of Burckhardt et al., ASPLOS 2010: the fewest
 * orderings between events that, once they all hold, make the bug show). Every bug is reported
 * by an oracle — a panic (an Error thrown inside a poll) or a lost wakeup at quiescence — and a
 * run takes microseconds.
 *
 * The same logic, written with async/await, is in planted-promises.ts (run by fast-check's
 * scheduler and by wakesim's exploreAsync); both files keep the same ids and the same task
 * shapes (one wakesim poll = one scheduled step).
 *
 * Probabilities quoted below are for the uniform random walk over the permissive executor (the
 * default): at each decision every runnable task is equally likely. Tasks that only spin never
 * change the *relative* order of the others under that walk, so the noise tasks change PCT's k
 * (steps) and n (tasks) but not random's odds.
 */
import { asyncBlock, defineScenario, PENDING, ready, WakerSlot, yieldNow, FutureBase, type Context, type Future, type Poll, type Scenario } from "wakesim";

export interface PlantedBug {
  /** Short id, shared with planted-promises.ts. */
  readonly id: string;
  /** Ordering constraints the bug needs (the PCT depth). */
  readonly depth: number;
  /** Tasks in the scenario. */
  readonly tasks: number;
  /** Probability that one uniform-random run shows the bug (computed by hand, see each header). */
  readonly randomOdds: number;
  readonly scenario: Scenario;
}

/** Noise: stays pending `n` polls (waking itself each time), then completes. */
function spin(n: number): Future<void> {
  let left = n;
  return {
    poll(cx: Context): Poll<void> {
      if (left-- <= 0) return ready();
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
}

/**
 * depth 1 — use before (lazy) init, among 6 tasks.
 *
 * Five workers share a registry that is created lazily by whoever touches it first
 * (`getOrInit`). The reporter reads it directly, forgetting the lazy init, and panics if it is
 * not there yet. One ordering constraint: the reporter's read precedes the registry's creation
 * (the first poll of any worker). Equivalently, one decision — the first — must pick the
 * reporter among 6 runnable tasks. Random: p = 1/6. PCT's depth-1 guarantee is 1/n = 1/6 as
 * well (the reporter gets the top priority), so neither strategy has an edge here: this is the
 * bug where the portfolio must not be slower than the random walk.
 */
export const lazyInit = defineScenario({
  name: "planted-depth1-lazy-init",
  setup(sim) {
    let registry: Map<string, number> | null = null;
    const getOrInit = () => (registry ??= new Map());
    for (let i = 0; i < 5; i++) {
      sim.spawn(asyncBlock(function* () {
        getOrInit().set(`w${i}`, 0);
        yield* yieldNow();
        getOrInit().set(`w${i}`, 1);
      }), { name: `worker${i}` });
    }
    sim.spawn({
      label: "report",
      poll(): Poll<number> {
        // BUG: reads the registry without getOrInit().
        if (registry === null) throw new Error("reporter read the registry before anyone created it");
        return ready((registry as Map<string, number>).size);
      },
    }, { name: "reporter" });
  },
});

/**
 * A notifier that does not store a permit: notify() with nobody registered is dropped
 * (the classic lost-wakeup bug; a correct one would remember the notification).
 */
class LossyNotify {
  private readonly slot = new WakerSlot();
  private fired = false;
  notify(): void {
    if (!this.slot.isRegistered) return; // BUG: no permit stored for a later waiter
    this.fired = true;
    this.slot.wake();
  }
  notified(): FutureBase<void> {
    const n = this;
    return new (class extends FutureBase<void> {
      readonly label = "notified";
      poll(cx: Context): Poll<void> {
        if (n.fired) {
          n.fired = false;
          return ready();
        }
        n.slot.register(cx);
        return PENDING;
      }
    })();
  }
}

/**
 * depth 2 — a lost wakeup: check, await something else, then wait on a notifier with no permit.
 * Four tasks: consumer, producer, two noise spinners.
 *
 * The consumer checks the queue (empty), awaits a yield (think: flushing a log line) and only
 * then waits for the notification, without re-checking. The producer prepares (one poll), then
 * pushes and notifies. The wake is lost iff the push+notify lands between the consumer's check
 * and its wait: two ordering constraints, check < notify and notify < wait. The consumer is
 * then parked with its waker held and nobody left to wake it: a lost wakeup at quiescence.
 * Random: p = P(C1 < P2 < C2) over the interleavings of the two 2-poll tasks = 1/4.
 * PCT needs the consumer above the producer and a change point exactly after the check.
 */
export const lostNotify = defineScenario({
  name: "planted-depth2-lost-notify",
  setup(sim) {
    const queue: number[] = [];
    const notify = new LossyNotify();
    sim.spawn(asyncBlock(function* () {
      if (queue.length === 0) {
        yield* yieldNow(); // an unrelated await between the check and the wait
        yield* notify.notified(); // BUG: no re-check, and notify keeps no permit
      }
      return queue.shift();
    }), { name: "consumer" });
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow(); // prepare the item
      queue.push(42);
      notify.notify();
    }), { name: "producer" });
    sim.spawn(spin(3), { name: "noise1" });
    sim.spawn(spin(3), { name: "noise2" });
  },
});

/**
 * depth 3 — an ordering bug among 8 concurrent tasks: a gate closed without draining.
 *
 * `admin` opens the gate (poll 1) and closes it again (poll 2), forgetting to wait for the
 * sessions inside to leave. `client` enters if the gate is open and keeps its session.
 * `auditor` checks the invariant "closed ⇒ nobody inside" once and panics if it is broken. Five
 * noise tasks spin. Three ordering constraints must all hold:
 * open < enter, enter < close, close < audit. Random: the first pick among {admin, client,
 * auditor} must be admin (1/3), the next client (1/3), the next admin rather than the auditor
 * (1/2): p = 1/18. PCT needs the right priorities and two change points at the right steps
 * (its bound for d = 3 is 1/(n·k²)).
 */
export const gateDrain = defineScenario({
  name: "planted-depth3-gate-drain",
  setup(sim) {
    let open = false;
    let inside = 0;
    sim.spawn(asyncBlock(function* () {
      open = true;
      yield* yieldNow();
      open = false; // BUG: does not wait for `inside` to drop to 0
    }), { name: "admin" });
    sim.spawn({
      label: "enter",
      poll(): Poll<void> {
        if (open) inside++;
        return ready();
      },
    }, { name: "client" });
    sim.spawn({
      label: "audit",
      poll(): Poll<void> {
        if (!open && inside > 0) throw new Error(`gate closed with ${inside} session(s) inside`);
        return ready();
      },
    }, { name: "auditor" });
    for (let i = 1; i <= 5; i++) sim.spawn(spin(3), { name: `noise${i}` });
  },
});

/**
 * starvation-shaped — one task must lose 8 decisions in a row, among 4 tasks.
 *
 * A lease renewer must renew before the watchdog has ticked 8 times; the watchdog ticks once
 * per poll (10 polls in all) and panics at its 8th tick if the lease was never renewed. Both are
 * runnable from the start, so the bug needs the renewer to be passed over at every one of the
 * 8 decisions where the watchdog runs instead (two noise spinners run around them). It is depth
 * 1 for PCT (watchdog above renewer, no change point hitting the watchdog in its first 8 ticks),
 * but a uniform walk pays for every decision: p = (1/2)^8 = 1/256.
 */
export const starvedRenewer = defineScenario({
  name: "planted-starvation-8",
  setup(sim) {
    let renewed = false;
    let ticks = 0;
    sim.spawn({
      label: "renew",
      poll(): Poll<void> {
        renewed = true;
        return ready();
      },
    }, { name: "renewer" });
    sim.spawn({
      label: "watchdog",
      poll(cx: Context): Poll<void> {
        ticks++;
        if (!renewed && ticks >= 8) throw new Error(`lease expired: the renewer was not polled in ${ticks} watchdog ticks`);
        if (ticks >= 10) return ready();
        cx.waker.wakeByRef();
        return PENDING;
      },
    }, { name: "watchdog" });
    sim.spawn(spin(4), { name: "noise1" });
    sim.spawn(spin(4), { name: "noise2" });
  },
});

export const PLANTED: readonly PlantedBug[] = [
  { id: "depth1-lazy-init", depth: 1, tasks: 6, randomOdds: 1 / 6, scenario: lazyInit },
  { id: "depth2-lost-notify", depth: 2, tasks: 4, randomOdds: 1 / 4, scenario: lostNotify },
  { id: "depth3-gate-drain", depth: 3, tasks: 8, randomOdds: 1 / 18, scenario: gateDrain },
  { id: "starvation-8", depth: 1, tasks: 4, randomOdds: 1 / 256, scenario: starvedRenewer },
];
