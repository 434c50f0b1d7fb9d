/**
 * The stale-waker oracle (issue 11): a wake through a waker from an earlier poll of the same
 * task wakes that task in every real runtime, so it is reported only when it would lose the
 * task — when the run explores "old wakers are inert" (as a runtime with per-poll wakers would
 * treat them, or any runtime once the future moved to another task or combinator slot) and the
 * task is then left parked.
 *
 * Written as a user would: a hand-written join whose leaf futures keep their own wakers (tokio's
 * `LocalSet::run_until` shape), an embassy-style single-slot Signal, and a waiter that keeps the
 * waker of its first poll (the real bug).
 */
import { describe, expect, it } from "vitest";
import { asyncFn, defineScenario, explore, FutureBase, PENDING, ready, replay, runScenario, select, Sim, sleep, type Context, type Future, type Poll, type Waker } from "wakesim";
import { type Chooser } from "wakesim/explore";

// ---- A one-shot cell whose waiter keeps the latest waker it was polled with ----------------

class Cell {
  isSet = false;
  waker: Waker | null = null;
  set(): void {
    this.isSet = true;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
  wait(): Future<void> {
    return new CellWait(this);
  }
}

class CellWait extends FutureBase<void> {
  readonly label = "cell.wait";
  constructor(private readonly cell: Cell) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const c = this.cell;
    if (c.isSet) return ready();
    if (c.waker === null || !c.waker.willWake(cx.waker)) {
      c.waker?.drop();
      c.waker = cx.waker.clone();
    }
    return PENDING;
  }
}

/** A local task: yields once, then sets the cell (waking whoever waits on it) and completes. */
class LocalTask extends FutureBase<void> {
  readonly label = "local-task";
  private polls = 0;
  constructor(private readonly cell: Cell) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (++this.polls === 1) {
      cx.waker.wakeByRef();
      return PENDING;
    }
    this.cell.set();
    return ready();
  }
}

/**
 * `runUntil(local, fut)`, as tokio's LocalSet: each poll drives the local task first, then the
 * future. Each leaf keeps the waker of the poll that last polled it, so when the local task
 * sets the cell during poll k+1, it wakes the cell's waker from poll k — a stale waker, woken
 * before `fut` is polled again in this very poll, which then sees the cell set. Harmless.
 */
class RunUntil extends FutureBase<void> {
  readonly label = "run-until";
  private localDone = false;
  constructor(
    private readonly local: Future<void>,
    private readonly fut: Future<void>,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (!this.localDone && this.local.poll(cx).ready) this.localDone = true;
    return this.fut.poll(cx);
  }
}

const localSet = defineScenario({
  name: "local-set-run-until",
  setup(sim) {
    const cell = new Cell();
    sim.spawn(new RunUntil(new LocalTask(cell), cell.wait()), { name: "main" });
  },
});

// ---- embassy's Signal: one waker slot; a new waiter's waker evicts (and wakes) the old one ---

class Signal<T> {
  private value: T | null = null;
  private waker: Waker | null = null;
  signal(v: T): void {
    this.value = v;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
  wait(): FutureBase<T> {
    return new SignalWait(this);
  }
  /** @internal */
  pollWait(cx: Context): Poll<T> {
    const v = this.value;
    if (v !== null) {
      this.value = null;
      return ready(v);
    }
    if (this.waker === null) this.waker = cx.waker.clone();
    else if (!this.waker.willWake(cx.waker)) {
      // embassy's policy: the slot keeps the newest waiter and wakes the one it evicts, so
      // that a waiter that lost its place re-polls (here: the same task's previous poll).
      const old = this.waker;
      this.waker = cx.waker.clone();
      old.wake();
    }
    return PENDING;
  }
}

class SignalWait<T> extends FutureBase<T> {
  readonly label = "signal.wait";
  constructor(private readonly s: Signal<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    return this.s.pollWait(cx);
  }
}

const signalWaiter = asyncFn(function* signalWaiter(s: Signal<number>) {
  return yield* s.wait();
});
const signaler = asyncFn(function* signaler(s: Signal<number>) {
  yield* sleep(2);
  s.signal(7);
});

const embassySignal = defineScenario({
  name: "embassy-signal",
  setup(sim) {
    const s = new Signal<number>();
    sim.spawn(signalWaiter(s), { name: "waiter" });
    sim.spawn(signaler(s), { name: "signaler" });
  },
});

// ---- The real bug: a waiter that keeps the waker of its first poll ---------------------------

/** A wait cell whose waiter keeps only the first waker it sees (BUG). */
class FirstWakerCell {
  value: number | null = null;
  kept: Waker | null = null;
  set(v: number): void {
    this.value = v;
    const w = this.kept;
    this.kept = null;
    w?.wake();
  }
}

class FirstWakerGet extends FutureBase<number> {
  readonly label = "get";
  constructor(private readonly c: FirstWakerCell) {
    super();
  }
  poll(cx: Context): Poll<number> {
    if (this.c.value !== null) return ready(this.c.value);
    this.c.kept ??= cx.waker.clone(); // BUG: only the first waker is kept
    return PENDING;
  }
}

/** Polls a future without owning it (Rust's `&mut fut` in `select!`). */
function byRef<T>(f: Future<T>): Future<T> {
  return { label: f.label ?? "by-ref", poll: (cx) => f.poll(cx) };
}

const reader = asyncFn(function* reader(c: FirstWakerCell) {
  const get = new FirstWakerGet(c);
  // polled again by the timer branch, then alone: the cell's waker is then from poll 1
  const r = yield* select(byRef(get), sleep(1));
  if (r.index === 0) return r.value;
  return yield* get;
});
const writer = asyncFn(function* writer(c: FirstWakerCell) {
  yield* sleep(2);
  c.set(7);
});

const keptFirst = defineScenario({
  name: "kept-first-waker",
  setup(sim) {
    const c = new FirstWakerCell();
    sim.spawn(reader(c), { name: "reader" });
    sim.spawn(writer(c), { name: "writer" });
  },
});

/** Answers 0 everywhere except "stale-wake" choices, which it answers `staleAnswer`. */
function staleChooser(staleAnswer: number): Chooser {
  return { name: "stale-probe", choose: (_n, kind) => (kind === "stale-wake" ? staleAnswer : 0) };
}

const staleWakes = (o: { trace: readonly { type: string }[] | null }) =>
  (o.trace ?? []).filter((e) => e.type === "WakeIssued" && (e as { stale?: boolean }).stale === true).length;

describe("stale wakers that do no harm", () => {
  it("a run_until-style join whose branch is woken through the waker of the previous poll passes, whether the old waker wakes or is inert", () => {
    for (const answer of [0, 1]) {
      const out = runScenario(localSet, { chooser: staleChooser(answer), trace: true });
      expect(staleWakes(out)).toBe(1); // the pattern does wake a stale waker…
      expect(out.violations).toEqual([]); // …and that is not a bug
      expect(out.ok).toBe(true);
    }
    expect(explore(localSet, { runs: 200 }).ok).toBe(true);
  });

  it("an embassy-style Signal that wakes the waker it evicts passes under spurious wakeups", () => {
    const found = explore(embassySignal, { runs: 500, faults: ["spurious-wake"] });
    expect(found.ok).toBe(true);
    // the pattern happens: a spurious wake makes the second poll evict and wake poll 1's waker
    let seen = 0;
    for (let seed = 0; seed < 50; seed++) seen += staleWakes(runScenario(embassySignal, { seed, faults: ["spurious-wake"], trace: true }));
    expect(seen).toBeGreaterThan(0);
    expect(explore(embassySignal, { runs: 500, faults: "all" }).ok).toBe(true);
  });
});

// ---- embassy's Signal waited on with a heartbeat: every tick re-polls the wait ---------------

const heartbeatWaiter = asyncFn(function* heartbeatWaiter(s: Signal<number>) {
  for (;;) {
    const r = yield* select(s.wait(), sleep(1));
    if (r.index === 0) return r.value;
  }
});
const slowSignaler = asyncFn(function* slowSignaler(s: Signal<number>) {
  yield* sleep(3);
  s.signal(7);
});
const embassyHeartbeat = defineScenario({
  name: "embassy-signal-heartbeat",
  setup(sim) {
    const s = new Signal<number>();
    sim.spawn(heartbeatWaiter(s), { name: "waiter" });
    sim.spawn(slowSignaler(s), { name: "signaler" });
  },
});

describe("willWake agrees with the runtime the run models (waker.ts rule 4)", () => {
  it("an embassy Signal re-polled every tick ends in both kinds of runtime, never an endless self-wake", () => {
    // Per-task wakers (0): willWake is true across polls, the slot keeps its waker. Per-poll
    // wakers (1): willWake is false, the evicted waker is woken, and it is inert. Mixing
    // per-poll willWake with live old wakers made the waiter wake itself on every poll, so it
    // never parked, virtual time never moved and the signaller's sleep never fired.
    for (const answer of [0, 1]) {
      const out = runScenario(embassyHeartbeat, { chooser: staleChooser(answer), maxSteps: 2000 });
      expect(out.violations, `answer ${answer}`).toEqual([]);
      expect(out.status).toBe("completed");
      expect(out.polls, `answer ${answer}`).toBeLessThan(20);
    }
  });

  it("willWake across two polls of one task: true with per-task wakers, false with per-poll ones; one answer per run", () => {
    for (const [mode, expected] of [["off", true], ["inert", false]] as const) {
      const sim = new Sim({ oracles: { staleWakers: mode } });
      const seen: boolean[] = [];
      let first: Waker | null = null;
      sim.spawn({
        poll(cx) {
          if (first === null) {
            first = cx.waker.clone();
            cx.waker.wakeByRef();
            return PENDING;
          }
          seen.push(first.willWake(cx.waker), cx.waker.willWake(cx.waker));
          first.drop();
          return ready(0);
        },
      });
      expect(sim.run().ok).toBe(true);
      expect(seen, mode).toEqual([expected, true]);
    }
    // "report" asks once, the first time it matters, and keeps the answer for the run.
    const choices = runScenario(embassyHeartbeat, { seed: 3, trace: true }).trace!.filter((e) => e.type === "ChoiceMade" && (e as { kind?: string }).kind === "stale-wake");
    expect(choices.length).toBeLessThanOrEqual(1);
  });
});

describe("a stale waker that loses the task", () => {
  it("is found by the default exploration, with the poll whose waker was kept", () => {
    const found = explore(keptFirst, { runs: 200 });
    expect(found.ok).toBe(false);
    const v = found.failure!.outcome.violations[0]!;
    expect(v).toMatchObject({ kind: "stale-waker", task: "reader", wakerGeneration: 1, by: "writer" });
    expect(v.message).toMatchInlineSnapshot(`"task 'reader' was lost through a stale waker: at step 5, t=2, task 'writer' woke it through a waker from its poll 1, though it had been polled since (latest: poll 2) — whatever held that waker kept the waker of poll 1 instead of the latest. Most runtimes let such a wake through, but one with per-poll wakers does not, nor does any once the future moves to another task or combinator slot: this run modelled per-poll wakers, so it was inert, and nothing else woke the task — at quiescence (step 6, t=2) it was still pending (awaiting reader › get). Keep the waker of every poll: replace the stored one unless stored.willWake(cx.waker)."`);
  });

  it("is found by every strategy: the inert answer is a choice like any other (PCT, exhaustive search, swarm)", () => {
    for (const strategy of ["random", "pct", "exhaustive", "swarm"] as const) {
      const found = explore(keptFirst, { runs: 200, strategy });
      expect(found.failure?.outcome.violations[0]?.kind, strategy).toBe("stale-waker");
      // shrunk to the one deviation it needs: the stale wake made inert
      expect(found.failure!.choices.filter((c) => c !== 0), strategy).toEqual([1]);
    }
  });

  it("replays the find byte for byte", () => {
    const found = explore(keptFirst, { runs: 200 });
    const again = replay(keptFirst, found.failure!.token);
    expect(again.violations[0]!.kind).toBe("stale-waker");
    expect(again.violations[0]!.message).toBe(found.failure!.outcome.violations[0]!.message);
    const twice = replay(keptFirst, found.failure!.token);
    expect(JSON.stringify(twice.trace)).toBe(JSON.stringify(again.trace));
  });

  it("is not reported when the old waker wakes the task (index 0, the plain option)", () => {
    const out = runScenario(keptFirst, { chooser: staleChooser(0), trace: true });
    expect(staleWakes(out)).toBe(1);
    expect(out.ok).toBe(true);
  });

  it('staleWakers: "inert" treats every stale waker as inert, without a choice; "off" lets it through', () => {
    const inert = runScenario(keptFirst, { seed: 1, oracles: { staleWakers: "inert" } });
    expect(inert.violations.map((v) => v.kind)).toEqual(["stale-waker"]);
    expect(inert.choices).toEqual(runScenario(keptFirst, { seed: 1, oracles: { staleWakers: "off" } }).choices);
    expect(runScenario(keptFirst, { seed: 1, oracles: { staleWakers: "off" } }).ok).toBe(true);
  });
});

describe("Sim wiring", () => {
  it("asks no stale-wake choice when the wake changes nothing (the task is already queued)", () => {
    const sim = new Sim({ chooser: staleChooser(1), trace: true });
    let old: Waker | null = null;
    sim.spawn(
      {
        poll(cx) {
          if (old === null) {
            old = cx.waker.clone();
            cx.waker.wakeByRef();
            return PENDING;
          }
          if (cx.waker.generation === 2) {
            cx.waker.wakeByRef(); // notified: the task will be polled again anyway
            old.wake(); // stale, but changes nothing
            return PENDING;
          }
          return ready(0);
        },
      },
      { name: "t" },
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(out.trace!.filter((e) => e.type === "ChoiceMade")).toEqual([]);
  });
});

