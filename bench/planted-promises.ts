/**
 * The planted bugs of planted.ts, written with async/await for fast-check's own scheduler
 * (`fc.scheduler()`), so `npm run bench:find` measures the JS peer on the same logic.
 *
 * Translation rule: one wakesim poll = one scheduled step. Each task awaits
 * `s.schedule(Promise.resolve())` before the code of each of its polls, so the scheduler picks
 * which waiting task runs next, uniformly at random — the same walk as wakesim's "random"
 * strategy over the permissive executor. Waiting on a notification is a plain promise; a task
 * that is notified takes a scheduled step before it goes on (as a woken task waits to be polled).
 *
 * The oracles are the same: a thrown Error in a step is a panic; a task still pending once the
 * scheduler is idle (`s.waitIdle()`) is a lost wakeup. Both are reported by throwing from the
 * property after `waitIdle`.
 */
import type { Scheduler } from "fast-check";

export interface PlantedPromiseBug {
  /** Same id as in planted.ts. */
  readonly id: string;
  /** One run: spawns the tasks on `s`, lets the scheduler drain, throws if an oracle fires. */
  run(s: Scheduler): Promise<void>;
}

/** A tiny task harness over the scheduler: spawn, then check after idle. */
class Tasks {
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

  async finish(): Promise<void> {
    await this.s.waitIdle();
    if (this.panic !== null) throw this.panic;
    if (this.pending.size > 0) throw new Error(`lost wakeup: ${[...this.pending].join(", ")} still pending when the scheduler is idle`);
  }

  /** Noise: `n + 1` steps (spin(n) of planted.ts: pending n times, then ready). */
  spin(name: string, n: number): void {
    this.spawn(name, async () => {
      for (let i = 0; i <= n; i++) await this.step();
    });
  }
}

/** depth 1 — use before lazy init (see planted.ts). */
async function lazyInit(s: Scheduler): Promise<void> {
  const t = new Tasks(s);
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
  await t.finish();
}

/** depth 2 — lost wakeup: check, await something else, wait on a notifier without a permit. */
async function lostNotify(s: Scheduler): Promise<void> {
  const t = new Tasks(s);
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
  t.spin("noise1", 3);
  t.spin("noise2", 3);
  await t.finish();
}

/** depth 3 — a gate closed without draining, among 8 tasks. */
async function gateDrain(s: Scheduler): Promise<void> {
  const t = new Tasks(s);
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
  for (let i = 1; i <= 5; i++) t.spin(`noise${i}`, 3);
  await t.finish();
}

/** starvation-shaped — the renewer must lose 8 decisions in a row to the watchdog. */
async function starvedRenewer(s: Scheduler): Promise<void> {
  const t = new Tasks(s);
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
  t.spin("noise1", 4);
  t.spin("noise2", 4);
  await t.finish();
}

export const PLANTED_PROMISES: readonly PlantedPromiseBug[] = [
  { id: "depth1-lazy-init", run: lazyInit },
  { id: "depth2-lost-notify", run: lostNotify },
  { id: "depth3-gate-drain", run: gateDrain },
  { id: "starvation-8", run: starvedRenewer },
];
