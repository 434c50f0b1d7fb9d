import { describe, expect, it } from "vitest";
import {
  asyncBlock,
  FutureBase,
  PENDING,
  ready,
  Sim,
  sleep,
  timeout,
  yieldNow,
  type BypassMonitor,
  type Context,
  type Outcome,
  type Poll,
  type Violation,
  type Waker,
} from "wakesim";
import { spin } from "./helpers.js";

const SEEDS = 200;

// ---- a counter primitive, buggy and correct --------------------------------------------------

/** A shared counter; `done` counts the increments that finished. */
interface Counter {
  value: number;
  done: number;
}

/** BUGGY increment: read, yield (another task may run), write back — a lost update. */
function* racyIncrement(c: Counter) {
  const v = c.value;
  yield* yieldNow();
  c.value = v + 1;
  c.done++;
}

/** Correct twin: the read-modify-write happens within one poll, so nothing can interleave. */
function* atomicIncrement(c: Counter) {
  c.value++;
  c.done++;
  yield* yieldNow();
}

function counterRun(seed: number, inc: typeof racyIncrement): Outcome {
  const sim = new Sim({ seed });
  const c: Counter = { value: 0, done: 0 };
  sim.invariant("value counts every finished increment", () => c.value === c.done);
  for (const name of ["inc-a", "inc-b"]) {
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 3; i++) yield* inc(c);
    }), { name });
  }
  return sim.run();
}

function firstFailingSeed(run: (seed: number) => Outcome): number {
  for (let seed = 0; seed < SEEDS; seed++) if (!run(seed).ok) return seed;
  return -1;
}

describe("sim.invariant", () => {
  it("finds the buggy counter's lost update, naming the invariant and the step", () => {
    const seed = firstFailingSeed((s) => counterRun(s, racyIncrement));
    expect(seed).toBeGreaterThanOrEqual(0);
    const out = counterRun(seed, racyIncrement);
    expect(out.status).toBe("stopped");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "invariant", invariant: "value counts every finished increment", error: null, tasks: [] });
    // A fixed seed, for a message that does not move.
    const fixed = counterRun(0, racyIncrement);
    expect(fixed.violations.map((v) => v.message)).toMatchInlineSnapshot(`
      [
        "invariant 'value counts every finished increment' was violated after step 5",
      ]
    `);
  });

  it("holds for the correct counter over 200 seeds", () => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const out = counterRun(seed, atomicIncrement);
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
    }
  });

  it("reports a predicate that throws, with the error", () => {
    const sim = new Sim({ seed: 1 });
    const state: { queue: number[] | null } = { queue: [] };
    sim.invariant("queue is short", () => state.queue!.length < 10);
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      state.queue = null; // the invariant's own assumption breaks
      yield* yieldNow();
    }), { name: "t" });
    const out = sim.run();
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0]!;
    expect(v).toMatchObject({ kind: "invariant", invariant: "queue is short" });
    expect(v.kind === "invariant" && v.error).toMatch(/^TypeError: /);
    expect(v.message).toMatchInlineSnapshot(`"invariant 'queue is short' threw after step 2: TypeError: Cannot read properties of null (reading 'length')"`);
  });

  it("reports a thrown non-Error value as text", () => {
    const sim = new Sim({ seed: 1 });
    sim.invariant("strict", () => {
      throw "not an Error"; // eslint-disable-line no-throw-literal
    });
    sim.spawn(spin(1, 0), { name: "t" });
    expect(sim.run().violations).toMatchObject([{ kind: "invariant", error: "not an Error" }]);
  });

  it("rejects a nameless invariant or a predicate that is not a function", () => {
    const sim = new Sim();
    expect(() => sim.invariant("", () => true)).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'name': sim.invariant() needs a non-empty name for reports]`);
    expect(() => sim.invariant("x", true as never)).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'predicate': sim.invariant('x', …) needs a function returning true or false]`);
  });
});

// ---- eventually ----------------------------------------------------------------------------------

describe("sim.eventually", () => {
  it("is violated when the condition does not come true within the bound", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    sim.eventually("buffer flushed", () => false, { withinSteps: 5 });
    sim.spawn(spin(20, 0), { name: "writer" });
    const out = sim.run();
    expect(out.status).toBe("stopped");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "liveness", monitor: "buffer flushed", atEnd: false, bound: 5, step: 6, hotSteps: 6 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"liveness monitor 'buffer flushed' did not become true within 5 steps of step 0"`);
  });

  it("is violated at the end of the run when the condition never came true", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    sim.eventually("buffer flushed", () => false, { withinSteps: 1000 });
    sim.spawn(spin(2, 0), { name: "writer" });
    const out = sim.run();
    expect(out.status).toBe("completed");
    expect(out.ok).toBe(false);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "liveness", monitor: "buffer flushed", atEnd: true, bound: 1000 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"liveness monitor 'buffer flushed' never became true (declared at step 0; the run ended at step 3)"`);
  });

  it("is satisfied when the condition comes true in time, and is not checked again", () => {
    for (let seed = 0; seed < 50; seed++) {
      const sim = new Sim({ seed });
      let flushed = false;
      // The bound covers the whole run (about 35 steps): what is checked is that once true is enough.
      sim.eventually("buffer flushed", () => flushed, { withinSteps: 40 });
      sim.spawn(asyncBlock(function* () {
        yield* yieldNow();
        flushed = true;
        yield* yieldNow();
        flushed = false; // once true is enough
      }), { name: "flusher" });
      sim.spawn(spin(30, 0), { name: "other" });
      const out = sim.run();
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
    }
  });

  it("counts the bound from the step at which it was declared", () => {
    const sim = new Sim({ seed: 1, executor: "fifo" });
    let done = false;
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 10; i++) yield* yieldNow();
      sim.eventually("done within 3", () => done, { withinSteps: 3 }); // declared during step 10
      yield* yieldNow();
      yield* yieldNow();
      done = true;
      yield* yieldNow();
    }), { name: "t" });
    expect(sim.run().ok).toBe(true);
  });

  it("rejects a bad withinSteps, naming it", () => {
    const sim = new Sim();
    expect(() => sim.eventually("x", () => true, { withinSteps: 0 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'withinSteps': must be ≥ 1, got 0]`);
    expect(() => sim.eventually("x", () => true, { withinSteps: 2.5 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'withinSteps': expected an integer, got 2.5]`);
    expect(() => sim.eventually("x", () => true, {} as never)).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'withinSteps': expected an integer, got undefined]`);
  });
});

// ---- hot/cold monitors ---------------------------------------------------------------------------

/** One task whose k-th poll sets `hot` from `pattern[k]`, then completes; FIFO: one poll per step. */
function temperatureRun(pattern: readonly boolean[], maxHotSteps: number): Outcome {
  const sim = new Sim({ seed: 1, executor: "fifo" });
  let hot = false;
  sim.monitor("request outstanding", () => hot, { maxHotSteps });
  let k = 0;
  sim.spawn({
    poll(cx: Context): Poll<void> {
      if (k === pattern.length) return ready();
      hot = pattern[k++]!;
      cx.waker.wakeByRef();
      return PENDING;
    },
  }, { name: "client" });
  return sim.run();
}

const H = true;
const C = false;

describe("sim.monitor (hot/cold)", () => {
  it("is violated when the condition stays hot past maxHotSteps", () => {
    const out = temperatureRun([C, H, H, H, H, H, C], 3);
    expect(out.status).toBe("stopped");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "liveness", monitor: "request outstanding", hotSteps: 4, bound: 3, atEnd: false, step: 5 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"liveness monitor 'request outstanding' stayed hot for 4 steps (bound 3)"`);
  });

  it("cools down: a cold step resets the temperature, so short hot spells pass", () => {
    const spells = [H, H, H, C, H, H, H, C, H, H, H, C, C];
    expect(temperatureRun(spells, 3).ok).toBe(true);
    // The same pattern with a tighter bound fails: the spells are really three steps long.
    expect(temperatureRun(spells, 2).violations).toMatchObject([{ kind: "liveness", hotSteps: 3, bound: 2 }]);
  });

  it("is violated with atEnd: true when the run ends hot", () => {
    const out = temperatureRun([C, C, H, H], 100);
    expect(out.status).toBe("completed");
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ kind: "liveness", monitor: "request outstanding", atEnd: true, bound: 100 });
    expect(out.violations[0]!.message).toMatchInlineSnapshot(`"liveness monitor 'request outstanding' was still hot when the run ended (hot for 3 steps)"`);
  });

  it("rejects a bad maxHotSteps, naming it", () => {
    const sim = new Sim();
    expect(() => sim.monitor("m", () => false, { maxHotSteps: 0 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxHotSteps': must be ≥ 1, got 0]`);
    expect(() => sim.monitor("m", () => false, { maxHotSteps: 1.5 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'maxHotSteps': expected an integer, got 1.5]`);
    expect(() => sim.monitor("m", "hot" as never, { maxHotSteps: 3 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'isHot': sim.monitor('m', …) needs a function returning true or false]`);
  });
});

// ---- bounded bypass: a barging lock and a FIFO-fair lock -----------------------------------------

interface Lock {
  lock(): FutureBase<void>;
  unlock(): void;
  readonly holders: number;
}

/**
 * BUGGY (unfair) lock: unlock frees the lock and wakes the oldest waiter, but whoever polls first
 * takes it — a newcomer barges past the waiter that was woken but not yet polled.
 */
class BargingLock implements Lock {
  locked = false;
  holders = 0;
  readonly queue: BargingWait[] = [];
  constructor(readonly bypass: BypassMonitor) {}
  lock(): FutureBase<void> {
    return new BargingWait(this);
  }
  unlock(): void {
    this.locked = false;
    this.holders--;
    this.queue.shift()?.wakeUp(); // it still has to race for the lock
  }
}

class BargingWait extends FutureBase<void> {
  readonly label = "barging.lock";
  private waker: Waker | null = null;
  private queued = false;
  private acquired = false;
  constructor(private readonly l: BargingLock) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const l = this.l;
    if (!l.locked) {
      l.locked = true;
      l.holders++;
      this.leave();
      this.acquired = true;
      l.bypass.acquired();
      return ready();
    }
    l.bypass.waiting();
    if (this.waker === null || !this.waker.willWake(cx.waker)) {
      this.waker?.drop();
      this.waker = cx.waker.clone();
    }
    if (!this.queued) {
      this.queued = true;
      l.queue.push(this);
    }
    return PENDING;
  }
  wakeUp(): void {
    this.queued = false;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
  private leave(): void {
    if (this.queued) this.l.queue.splice(this.l.queue.indexOf(this), 1);
    this.queued = false;
    this.waker?.drop();
    this.waker = null;
  }
  drop(): void {
    this.leave();
    if (!this.acquired) this.l.bypass.gaveUp();
  }
}

/** Correct twin: unlock hands the lock straight to the oldest waiter, so nobody can barge. */
class FairLock implements Lock {
  locked = false;
  holders = 0;
  readonly queue: FairWait[] = [];
  constructor(readonly bypass: BypassMonitor) {}
  lock(): FutureBase<void> {
    return new FairWait(this);
  }
  unlock(): void {
    this.holders--;
    const next = this.queue.shift();
    if (next === undefined) this.locked = false;
    else next.grant(); // stays locked: ownership passes to `next`
  }
}

class FairWait extends FutureBase<void> {
  readonly label = "fair.lock";
  private waker: Waker | null = null;
  private queued = false;
  private granted = false;
  private acquired = false;
  constructor(private readonly l: FairLock) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const l = this.l;
    if (this.granted || !l.locked) {
      l.locked = true;
      l.holders++;
      this.acquired = true;
      this.waker?.drop();
      this.waker = null;
      l.bypass.acquired();
      return ready();
    }
    l.bypass.waiting();
    if (this.waker === null || !this.waker.willWake(cx.waker)) {
      this.waker?.drop();
      this.waker = cx.waker.clone();
    }
    if (!this.queued) {
      this.queued = true;
      l.queue.push(this);
    }
    return PENDING;
  }
  grant(): void {
    this.queued = false;
    this.granted = true;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
  drop(): void {
    if (this.acquired) return;
    if (this.granted) {
      // Granted but never polled: pass the lock on instead of leaking it.
      this.l.holders++;
      this.l.unlock();
    } else if (this.queued) {
      this.l.queue.splice(this.l.queue.indexOf(this), 1);
    }
    this.waker?.drop();
    this.waker = null;
    this.l.bypass.gaveUp();
  }
}

/** Three tasks loop lock → yield → unlock → yield, under a tight bypass bound. */
function lockRun(seed: number, make: (m: BypassMonitor) => Lock): Outcome {
  const sim = new Sim({ seed, oracles: { bypassLimit: 5 } });
  const lock = make(sim.bypassMonitor("lock"));
  sim.invariant("one holder at a time", () => lock.holders <= 1);
  for (const name of ["w0", "w1", "w2"]) {
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 15; i++) {
        yield* lock.lock();
        yield* yieldNow();
        lock.unlock();
        yield* yieldNow();
      }
    }), { name });
  }
  return sim.run();
}

const bypassOf = (vs: readonly Violation[]) => vs.find((v) => v.kind === "starvation" && v.cause === "bypass");

describe("bypass monitor", () => {
  it("finds the barging lock overtaking a woken waiter more than bypassLimit times", () => {
    const seed = firstFailingSeed((s) => lockRun(s, (m) => new BargingLock(m)));
    expect(seed, "no seed in 200 found the barging").toBeGreaterThanOrEqual(0);
    const out = lockRun(seed, (m) => new BargingLock(m));
    expect(out.violations).toHaveLength(1);
    const v = bypassOf(out.violations);
    expect(v).toMatchObject({ kind: "starvation", cause: "bypass", bound: 5, observed: 6 });
    expect(v!.tasks).toHaveLength(2);
    expect(v!.message).toMatch(/^task 'w\d' has waited for lock since step \d+ and was overtaken 6 times \(bound 5\), last by 'w\d', which never waited \(barging\)$/);
    const fixed = lockRun(seed, (m) => new BargingLock(m));
    expect({ seed, message: bypassOf(fixed.violations)?.message }).toMatchInlineSnapshot(`
      {
        "message": "task 'w2' has waited for lock since step 24 and was overtaken 6 times (bound 5), last by 'w1', which never waited (barging)",
        "seed": 0,
      }
    `);
  });

  it("passes the FIFO-fair lock over 200 seeds", () => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const out = lockRun(seed, (m) => new FairLock(m));
      expect(out.ok, `seed ${seed}: ${out.violations[0]?.message}`).toBe(true);
    }
  });

  it("forgets a waiter that gave up in its own task (a timeout dropped its lock future)", () => {
    for (const make of [(m: BypassMonitor) => new FairLock(m), (m: BypassMonitor) => new BargingLock(m)]) {
      const sim = new Sim({ seed: 1, executor: "fifo", oracles: { bypassLimit: 1 } });
      const lock = make(sim.bypassMonitor("lock"));
      sim.spawn(asyncBlock(function* () {
        yield* lock.lock();
        yield* sleep(10); // holds the lock past the other task's deadline
        lock.unlock();
        for (let i = 0; i < 3; i++) {
          yield* lock.lock(); // acquires with nobody waiting: overtakes nobody
          lock.unlock();
          yield* yieldNow();
        }
      }), { name: "owner" });
      const impatient = sim.spawn(asyncBlock(function* () {
        return (yield* timeout(lock.lock(), 2)).timedOut;
      }), { name: "impatient" });
      const out = sim.run();
      expect(impatient.outcome).toEqual({ kind: "completed", value: true });
      expect(out.ok, out.violations[0]?.message).toBe(true);
    }
  });

  it("forgets a waiter whose task was aborted by another task (its lock future dropped during the other task's poll)", () => {
    // The fair lock is correct; `gaveUp()` in its drop must stop counting the aborted waiter.
    const sim = new Sim({ seed: 1, executor: "fifo", oracles: { bypassLimit: 1 } });
    const lock = new FairLock(sim.bypassMonitor("lock"));
    sim.spawn(asyncBlock(function* () {
      yield* lock.lock();
      for (let i = 0; i < 6; i++) yield* yieldNow();
      lock.unlock();
      for (let i = 0; i < 3; i++) {
        yield* lock.lock();
        lock.unlock();
        yield* yieldNow();
      }
    }), { name: "owner" });
    const quitter = sim.spawn(asyncBlock(function* () {
      yield* lock.lock(); // parks behind the owner, then is aborted
    }), { name: "quitter" });
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
      yield* yieldNow();
      quitter.abort();
    }), { name: "killer" });
    const out = sim.run();
    expect(quitter.outcome).toEqual({ kind: "cancelled" });
    expect(lock.queue).toEqual([]);
    expect(out.ok, out.violations[0]?.message).toBe(true);
  });
});

// ---- option validation ---------------------------------------------------------------------------

describe("oracle options", () => {
  it("rejects a misspelt oracle option, naming it with a did-you-mean", () => {
    expect(() => new Sim({ oracles: { livelockPols: 3 } as never })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'oracles.livelockPols': unknown oracle option — did you mean 'livelockPolls'? Known: pendingWithoutWaker, staleWakers, fairnessStepsPerRunnable, fairnessMinSteps, reactorStarvationPolls, livelockPolls, pollBudget, parkedWhileReadySteps, bypassLimit, escapes.]`);
  });

  it("rejects bad oracle thresholds, naming them", () => {
    expect(() => new Sim({ oracles: { bypassLimit: 0 } })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'oracles.bypassLimit': must be ≥ 1, got 0]`);
    expect(() => new Sim({ oracles: { escapes: "yes" as never } })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'oracles.escapes': expected true or false, got "yes"]`);
    expect(() => new Sim({ oracles: { staleWakers: "loud" as never } })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'oracles.staleWakers': expected "report", "inert" or "off", got "loud"]`);
  });
});
