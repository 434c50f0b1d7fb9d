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

/** A timer task stops the producer; the producer waits for it on sleep(0) rounds, so events are due while tasks run. */
const dueTimerStops = defineScenario({
  name: "due-timer-stops",
  setup(sim) {
    let stop = false;
    sim.spawn(asyncBlock(function* () {
      while (!stop) yield* yieldNow();
    }), { name: "spinner" });
    sim.spawn(asyncBlock(function* () {
      yield* sleep(0);
      stop = true;
    }), { name: "sleeper" });
  },
});

const CORRECT: readonly Scenario[] = [producerConsumer, thirdTaskStops, monitoredQueue, dueTimerStops];

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

void sleep;
