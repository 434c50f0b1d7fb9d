/**
 * Liveness verdicts only on fair stretches (DESIGN §8, issue 11 "Livelock under unfair
 * schedules"). Correct producer/consumer code must never be reported as a livelock, a reactor
 * starvation, a fairness violation or a too-hot monitor just because the strategy (PCT,
 * exhaustive search, a fast-check array) starved the one task that would have stopped the loop.
 * Real liveness bugs must still be found, replayed, and say that they persisted under a fair
 * schedule.
 */
import { describe, expect, it } from "vitest";
import {
  asyncBlock,
  defineScenario,
  PctChooser,
  readyFuture,
  select,
  type Future,
  ExhaustiveStrategy,
  explore,
  holdEscapeTraps,
  PENDING,
  ready,
  replay,
  ReplayChooser,
  runScenario,
  sleep,
  traceText,
  WakerSlot,
  yieldNow,
  type Context,
  type Poll,
  type Scenario,
  type StrategyName,
} from "wakesim";

// ---- correct code that an unfair schedule can make look stuck ---------------------------------

/**
 * The example: a producer loops `send; yieldNow()` until the consumer, after taking
 * `want` messages, tells it to stop. The queue is a plain JS array: its progress is invisible
 * to the harness (no sim.progress()).
 */
const producerConsumer = defineScenario({
  name: "producer-consumer",
  setup(sim) {
    const queue: number[] = [];
    const consumerWaker = new WakerSlot();
    let stop = false;
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; !stop; i++) {
        queue.push(i);
        consumerWaker.wake();
        yield* yieldNow();
      }
    }), { name: "producer" });
    let taken = 0;
    sim.spawn({
      label: "consumer",
      poll(cx: Context): Poll<void> {
        while (queue.length > 0) {
          queue.shift();
          if (++taken === 5) {
            stop = true;
            return ready();
          }
        }
        consumerWaker.register(cx);
        return PENDING;
      },
    }, { name: "consumer" });
  },
});

/** The stopper is a third task that is runnable from the start; the consumer drains a plain array by polling it. */
const thirdTaskStops = defineScenario({
  name: "third-task-stops",
  setup(sim) {
    const queue: number[] = [];
    let stop = false;
    sim.spawn(asyncBlock(function* () {
      while (!stop) {
        queue.push(1);
        yield* yieldNow();
      }
    }), { name: "producer" });
    sim.spawn(asyncBlock(function* () {
      while (!stop || queue.length > 0) {
        queue.length = 0; // drain
        yield* yieldNow();
      }
    }), { name: "drainer" });
    sim.spawn(asyncBlock(function* () {
      stop = true;
    }), { name: "stopper" });
  },
});

/**
 * The producer marks its sends as progress (so the livelock oracle stays quiet), and the user
 * watches the queue with a hot/cold monitor and an `eventually`: both cool down as soon as the
 * consumer runs.
 */
const monitoredQueue = defineScenario({
  name: "monitored-queue",
  setup(sim) {
    const queue: number[] = [];
    let stop = false;
    let consumed = 0;
    sim.spawn(asyncBlock(function* () {
      while (!stop) {
        queue.push(1);
        sim.progress();
        yield* yieldNow();
      }
    }), { name: "producer" });
    sim.spawn(asyncBlock(function* () {
      while (consumed < 3) {
        if (queue.length > 0) {
          queue.shift();
          consumed++;
        }
        yield* yieldNow();
      }
      stop = true;
    }), { name: "consumer" });
    sim.monitor("queue not drained", () => queue.length > 2 && !stop, { maxHotSteps: 300 });
    sim.eventually("the consumer took a message", () => consumed > 0, { withinSteps: 300 });
  },
});

/**
 * A spinner yields until a sleeper's timer fires. Polls cost virtual time here, so the timer
 * falls due while the spinner is still runnable, and whether it is delivered before the next
 * poll is a "deliver" choice: a schedule that keeps answering "poll first" starves the reactor.
 */
const dueTimerStops = defineScenario({
  name: "due-timer-stops",
  options: { pollCostTicks: 1 },
  setup(sim) {
    let stop = false;
    sim.spawn(asyncBlock(function* () {
      while (!stop) yield* yieldNow();
    }), { name: "spinner" });
    sim.spawn(asyncBlock(function* () {
      yield* sleep(5);
      stop = true;
    }), { name: "sleeper" });
  },
});

/**
 * A loop over the reference `select` of a busy source and a one-off message: the message is
 * taken as soon as the select starts at branch 1 once. A schedule that keeps answering 0 to the
 * select's choice starves it.
 */
const referenceSelect = defineScenario({
  name: "reference-select",
  setup(sim) {
    let waiting = 1;
    const busy = () => readyFuture("busy");
    const message = (): Future<string> => ({ poll: () => (waiting > 0 ? (waiting--, ready("message")) : PENDING) });
    sim.spawn(asyncBlock(function* () {
      while (waiting > 0) {
        yield* select(busy(), message());
        sim.progress();
        yield* yieldNow();
      }
    }), { name: "selector" });
    sim.monitor("the message is waiting", () => waiting > 0, { maxHotSteps: 300 });
  },
});

const CORRECT: readonly Scenario[] = [producerConsumer, thirdTaskStops, monitoredQueue, dueTimerStops, referenceSelect];

// ---- real liveness bugs ------------------------------------------------------------------------

/** Two tasks wake each other forever and nothing else happens: a true livelock under every schedule. */
const pingPongForever = defineScenario({
  name: "ping-pong-forever",
  setup(sim) {
    const slots = [new WakerSlot(), new WakerSlot()];
    for (const me of [0, 1]) {
      sim.spawn({
        label: "ping-pong",
        poll(cx: Context): Poll<void> {
          slots[me]!.register(cx);
          slots[1 - me]!.wake();
          return PENDING;
        },
      }, { name: me === 0 ? "ping" : "pong" });
    }
  },
});

/** A task that spins forever next to a bystander that finishes: a real busy loop, whoever runs first. */
const spinnerWithBystander = defineScenario({
  name: "spinner-with-bystander",
  setup(sim) {
    sim.spawn(asyncBlock(function* () {
      for (;;) yield* yieldNow();
    }), { name: "spinner" });
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 3; i++) yield* yieldNow();
    }), { name: "bystander" });
  },
});

/** The monitored queue with a consumer that never takes anything: the monitor stays hot under every schedule. */
const neverConsumed = defineScenario({
  name: "never-consumed",
  setup(sim) {
    const queue: number[] = [];
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 2000; i++) {
        queue.push(1);
        sim.progress();
        yield* yieldNow();
      }
    }), { name: "producer" });
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 2000; i++) yield* yieldNow(); // forgets to take from the queue
    }), { name: "consumer" });
    sim.monitor("queue not drained", () => queue.length > 2, { maxHotSteps: 300 });
  },
});

// ---- helpers -----------------------------------------------------------------------------------

/** Runs `runs` runs of a strategy; returns the first failing violation message, or null. */
function falseAlarm(s: Scenario, strategy: StrategyName, runs: number): string | null {
  const r = explore(s, { runs, strategy, seed: 7, shrink: false });
  return r.ok ? null : `${r.failure!.violation.kind}: ${r.failure!.violation.message}`;
}

/** Runs a scenario under fixed arrays of choices, as a fast-check or replay chooser reads them. */
function underArrays(s: Scenario, arrays: readonly (readonly number[])[], generator: string): string | null {
  const release = holdEscapeTraps();
  try {
    for (const a of arrays) {
      const out = runScenario(s, { chooser: new ReplayChooser(a, generator) });
      if (!out.ok) return `[${a.slice(0, 4).join(",")}…] ${out.violations[0]!.kind}: ${out.violations[0]!.message}`;
    }
    return null;
  } finally {
    release();
  }
}

const constant = (v: number, n = 5000) => new Array<number>(n).fill(v);

describe("correct code under unfair schedules", () => {
  for (const s of CORRECT) {
    describe(s.name, () => {
      for (const strategy of ["pct", "exhaustive", "random", "swarm", "portfolio"] as const) {
        it(`gives no liveness verdict under ${strategy} (2000 runs)`, () => {
          expect(falseAlarm(s, strategy, 2000)).toBeNull();
        });
      }
      it("gives none under the preemption-bounded exhaustive search (2000 runs)", () => {
        const r = explore(s, { runs: 2000, strategy: new ExhaustiveStrategy({ bound: "preemption", maxBound: 3 }), shrink: false });
        expect(r.ok ? null : r.failure!.violation.message).toBeNull();
      });
      it("gives none under replay / fast-check arrays that keep answering one value", () => {
        const arrays = [constant(0), constant(1), constant(2), constant(1).map((v, i) => (i % 3 === 0 ? 0 : v))];
        expect(underArrays(s, arrays, "fast-check")).toBeNull();
        expect(underArrays(s, arrays, "replay")).toBeNull();
      });
    });
  }
});

describe("a true livelock", () => {
  for (const strategy of ["pct", "random", "exhaustive", "portfolio"] as const) {
    it(`is still found under ${strategy}, and replays to the same trace and message`, () => {
      const r = explore(pingPongForever, { runs: 50, strategy, seed: 3 });
      expect(r.ok).toBe(false);
      const f = r.failure!;
      expect(f.violation).toMatchObject({ kind: "starvation", cause: "livelock" });
      const again = replay(pingPongForever, f.token);
      expect(traceText(again)).toBe(traceText(f.outcome));
      expect(again.violations[0]!.message).toBe(f.violation.message);
    });
  }
});

describe("a real busy loop next to a task the schedule starves", () => {
  /** Polls the spinner every time: the bystander (candidate 0 after the first poll) never runs. */
  const starveBystander = [0, ...constant(1)];

  it("is confirmed under a fair suffix and says so", () => {
    expect(underArrays(spinnerWithBystander, [starveBystander], "fast-check")).toMatchInlineSnapshot(`"[0,1,1,1…] starvation: task 'spinner' was polled 1000 times with no progress anywhere (no task finished, no event delivered, no bytes moved, no sim.progress()): a busy loop or livelock (it keeps waking itself); this held under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run had switched at step 256 to confirm a suspected starvation of task 'bystander'"`);
  });

  it("is found by PCT, and a run that needed the suffix replays to the same trace and message", () => {
    const release = holdEscapeTraps();
    try {
      let seen = 0;
      let first = "";
      for (let i = 0; i < 40; i++) {
        const out = runScenario(spinnerWithBystander, { chooser: new PctChooser(`s${i}`, { depth: 3, expectedSteps: 50 }), trace: true });
        expect(out.violations[0]).toMatchObject({ kind: "starvation", cause: "livelock", tasks: ["spinner"] });
        if (!traceText(out).includes("fair suffix, to confirm a suspected livelock of task 'spinner'")) continue;
        seen++;
        first ||= out.violations[0]!.message;
        const again = replay(spinnerWithBystander, out.token);
        expect(traceText(again)).toBe(traceText(out));
        expect(again.violations[0]!.message).toBe(out.violations[0]!.message);
      }
      expect(seen).toBeGreaterThan(0);
      expect(first).toMatchInlineSnapshot(`"task 'spinner' was polled 1000 times with no progress anywhere (no task finished, no event delivered, no bytes moved, no sim.progress()): a busy loop or livelock (it keeps waking itself); it persisted for another 1000 polls under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run switched at step 1002 when it was first suspected"`);
    } finally {
      release();
    }
  });

  it("still shrinks: the shrunk schedule fires the same oracle and replays", () => {
    const r = explore(spinnerWithBystander, { runs: 50, strategy: "pct", seed: 1 });
    const f = r.failure!;
    expect(f.violation).toMatchObject({ kind: "starvation", cause: "livelock" });
    expect(replay(spinnerWithBystander, f.token).violations[0]!.message).toBe(f.violation.message);
  });

  it("a monitor that stays hot under the fair suffix is reported, saying so", () => {
    const r = explore(neverConsumed, { runs: 50, strategy: "pct", seed: 1, shrink: false });
    expect(r.failure!.violation).toMatchObject({ kind: "liveness", monitor: "queue not drained" });
    expect(r.failure!.violation.message).toMatchInlineSnapshot(`"liveness monitor 'queue not drained' stayed hot for 301 steps (bound 300); this held under a fair schedule (every runnable task polled in turn, due events delivered first), to which the run had switched at step 1002 to confirm a suspected livelock of task 'consumer'"`);
  });

  for (const strategy of ["pct", "random", "exhaustive", "swarm", "portfolio"] as const) {
    it(`a never-drained queue is found under ${strategy}`, () => {
      const r = explore(neverConsumed, { runs: 200, strategy, seed: 2 });
      expect(r.failure?.violation).toMatchObject({ kind: "liveness", monitor: "queue not drained" });
    });
  }
});

describe("the fair suffix is part of the run", () => {
  it("is deterministic: a correct run that needed it gives the same trace twice, and its token replays it", () => {
    const run = (seed: string) => runScenario(producerConsumer, { chooser: new PctChooser(seed, { depth: 3, expectedSteps: 50 }), trace: true });
    // A PCT seed whose run needed the suffix (the consumer starved).
    let seed = "";
    for (let i = 0; i < 200 && seed === ""; i++) if (traceText(run(`s${i}`)).includes("fair suffix, to confirm")) seed = `s${i}`;
    expect(seed).not.toBe("");
    const a = run(seed);
    expect(a.ok).toBe(true);
    expect(traceText(run(seed))).toBe(traceText(a));
    expect(traceText(replay(producerConsumer, a.token))).toBe(traceText(a));
  });
});
