/**
 * The planted bugs of planted.ts written with async/await, run two ways so `npm run bench:find`
 * compares schedulers on the very same code: under fast-check's own scheduler
 * (`fc.scheduler()`, `run`) and under wakesim as async scenarios (`scenario`, explored with
 * `exploreAsync`). Each bug is one body written against a World (fixtures/promise/world.ts):
 * `spawn` starts a task, `step()` is a scheduling point.
 *
 * Translation rule: one wakesim poll of planted.ts = one `step()`. Each task awaits a step
 * before the code of each of its polls, so the scheduler picks which waiting task runs next.
 * Waiting on a notification is a plain promise; a task that is notified takes a step before it
 * goes on (as a woken task waits to be polled). A step is
 *  - for fast-check: `s.schedule(Promise.resolve())` — the scheduler resolves one scheduled
 *    promise at a time, uniformly at random among those waiting;
 *  - for wakesim: a virtual `setImmediate` — every step of a run is due at the same instant, so
 *    each is a tie among the host's timers, ordered by the chooser (one decision per step), and
 *    a task's first segment runs in its first poll (one more decision per task, among those
 *    not started yet, as a fast-check task's first segment runs when it is spawned).
 * Both sides make one decision per step and run the same code between steps; neither is told
 * which tasks matter.
 *
 * The oracles are the same: a thrown Error in a step is a panic; a task still pending once
 * nothing else can happen is a lost wakeup. fast-check: both reported by throwing from the
 * property after `s.waitIdle()`. wakesim: its own oracles (the panic of the task, the lost
 * wakeup at quiescence).
 */
import type { Scheduler } from "fast-check";
import { defineScenario, type Scenario } from "wakesim";
import { simWorld, type World } from "../fixtures/promise/world.js";

export interface PlantedPromiseBug {
  /** Same id as in planted.ts. */
  readonly id: string;
  /** One run under fast-check's scheduler: spawns the tasks on `s`, lets it drain, throws if an oracle fires. */
  run(s: Scheduler): Promise<void>;
  /** The same body as a wakesim async scenario. */
  readonly scenario: Scenario;
}

/** The World of one fast-check run: a task is the body's promise, a step a scheduled promise. */
export class FastCheckWorld implements World {
  private readonly pending = new Set<string>();
  private panic: unknown = null;
  constructor(readonly s: Scheduler) {}

  /** One scheduling decision: resolves when the scheduler picks this task. */
  step(): Promise<void> {
    return this.s.schedule(Promise.resolve());
  }

  spawn(name: string, body: () => Promise<void>): void {
    this.pending.add(name);
    body().then(
      () => this.pending.delete(name),
      (e: unknown) => {
        this.pending.delete(name);
        this.panic ??= e;
      },
    );
  }

  /** Lets the scheduler drain, then throws what an oracle found. */
  async finish(): Promise<void> {
    await this.s.waitIdle();
    if (this.panic !== null) throw this.panic;
    if (this.pending.size > 0) throw new Error(`lost wakeup: ${[...this.pending].join(", ")} still pending when the scheduler is idle`);
  }
}

/** Runs `body` once under fast-check's scheduler `s` (throws if an oracle fires). */
export async function runUnderFastCheck(s: Scheduler, body: (w: World) => void): Promise<void> {
  const w = new FastCheckWorld(s);
  body(w);
  await w.finish();
}

/** Noise: `n + 1` steps (spin(n) of planted.ts: pending n times, then ready). */
function spin(t: World, name: string, n: number): void {
  t.spawn(name, async () => {
    for (let i = 0; i <= n; i++) await t.step();
  });
}

/** depth 1 — use before lazy init (see planted.ts). */
function lazyInit(t: World): void {
  let registry: Map<string, number> | null = null;
  const getOrInit = () => (registry ??= new Map());
  for (let i = 0; i < 5; i++) {
    t.spawn(`worker${i}`, async () => {
      await t.step();
      getOrInit().set(`w${i}`, 0);
      await t.step();
      getOrInit().set(`w${i}`, 1);
    });
  }
  t.spawn("reporter", async () => {
    await t.step();
    if (registry === null) throw new Error("reporter read the registry before anyone created it");
  });
}

/** depth 2 — lost wakeup: check, await something else, wait on a notifier without a permit. */
function lostNotify(t: World): void {
  const queue: number[] = [];
  let waiter: (() => void) | null = null;
  const notify = () => {
    const w = waiter;
    if (w === null) return; // BUG: no permit stored
    waiter = null;
    w();
  };
  const notified = () => new Promise<void>((resolve) => (waiter = resolve));
  t.spawn("consumer", async () => {
    await t.step();
    if (queue.length === 0) {
      await t.step(); // an unrelated await between the check and the wait
      await notified(); // BUG: no re-check
      await t.step(); // woken: polled again
    }
    queue.shift();
  });
  t.spawn("producer", async () => {
    await t.step(); // prepare
    await t.step();
    queue.push(42);
    notify();
  });
  spin(t, "noise1", 3);
  spin(t, "noise2", 3);
}

/** depth 3 — a gate closed without draining, among 8 tasks. */
function gateDrain(t: World): void {
  let open = false;
  let inside = 0;
  t.spawn("admin", async () => {
    await t.step();
    open = true;
    await t.step();
    open = false; // BUG: does not wait for `inside` to drop to 0
  });
  t.spawn("client", async () => {
    await t.step();
    if (open) inside++;
  });
  t.spawn("auditor", async () => {
    await t.step();
    if (!open && inside > 0) throw new Error(`gate closed with ${inside} session(s) inside`);
  });
  for (let i = 1; i <= 5; i++) spin(t, `noise${i}`, 3);
}

/** starvation-shaped — the renewer must lose 8 decisions in a row to the watchdog. */
function starvedRenewer(t: World): void {
  let renewed = false;
  let ticks = 0;
  t.spawn("renewer", async () => {
    await t.step();
    renewed = true;
  });
  t.spawn("watchdog", async () => {
    for (;;) {
      await t.step();
      ticks++;
      if (!renewed && ticks >= 8) throw new Error(`lease expired: the renewer was not polled in ${ticks} watchdog ticks`);
      if (ticks >= 10) return;
    }
  });
  spin(t, "noise1", 4);
  spin(t, "noise2", 4);
}

function planted(id: string, body: (w: World) => void): PlantedPromiseBug {
  return {
    id,
    run: (s) => runUnderFastCheck(s, body),
    scenario: defineScenario({
      name: `planted-promise-${id}`,
      setup(sim) {
        body(simWorld(sim));
      },
    }),
  };
}

export const PLANTED_PROMISES: readonly PlantedPromiseBug[] = [
  planted("depth1-lazy-init", lazyInit),
  planted("depth2-lost-notify", lostNotify),
  planted("depth3-gate-drain", gateDrain),
  planted("starvation-8", starvedRenewer),
];
