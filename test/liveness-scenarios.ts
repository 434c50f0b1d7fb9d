/**
 * Scenarios for the liveness-under-unfair-schedules tests (test/liveness-fairness.test.ts):
 * correct code that an unfair schedule can make look stuck, and real liveness bugs.
 */
import {
  asyncBlock,
  defineScenario,
  PENDING,
  ready,
  readyFuture,
  select,
  sleep,
  WakerSlot,
  yieldNow,
  type Context,
  type Future,
  type Poll,
  type Scenario,
} from "wakesim";

// ---- correct code that an unfair schedule can make look stuck ---------------------------------

/**
 * The example: a producer loops `send; yieldNow()` until the consumer, after taking
 * `want` messages, tells it to stop. The queue is a plain JS array: its progress is invisible
 * to the harness (no sim.progress()).
 */
export const producerConsumer = defineScenario({
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
export const thirdTaskStops = defineScenario({
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
export const monitoredQueue = defineScenario({
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
export const dueTimerStops = defineScenario({
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
export const referenceSelect = defineScenario({
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

/**
 * The producer, marking each send as progress (as the docs advise): no livelock can be
 * suspected, so a schedule that starves the consumer forever only ends at the step limit.
 */
export const progressMarkingProducer = defineScenario({
  name: "progress-marking-producer",
  options: { maxSteps: 2_000 },
  setup(sim) {
    const queue: number[] = [];
    const consumerWaker = new WakerSlot();
    let stop = false;
    sim.spawn(asyncBlock(function* () {
      while (!stop) {
        queue.push(1);
        sim.progress();
        consumerWaker.wake();
        yield* yieldNow();
      }
    }), { name: "producer" });
    let taken = 0;
    sim.spawn({
      label: "consumer",
      poll(cx: Context): Poll<void> {
        taken += queue.splice(0).length;
        if (taken >= 5) {
          stop = true;
          return ready();
        }
        consumerWaker.register(cx);
        return PENDING;
      },
    }, { name: "consumer" });
  },
});

export const CORRECT: readonly Scenario[] = [producerConsumer, thirdTaskStops, monitoredQueue, dueTimerStops, referenceSelect, progressMarkingProducer];

// ---- real liveness bugs ------------------------------------------------------------------------

/** Two tasks wake each other forever and nothing else happens: a true livelock under every schedule. */
export const pingPongForever = defineScenario({
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
export const spinnerWithBystander = defineScenario({
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
export const neverConsumed = defineScenario({
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


/** A producer that marks progress and is never stopped: it really does not finish, under any schedule. */
export const endlessProducer = defineScenario({
  name: "endless-producer",
  options: { maxSteps: 2_000 },
  setup(sim) {
    sim.spawn(asyncBlock(function* () {
      for (;;) {
        sim.progress();
        yield* yieldNow();
      }
    }), { name: "producer" });
    sim.spawn(asyncBlock(function* () {
      for (let i = 0; i < 3; i++) yield* yieldNow();
    }), { name: "bystander" });
  },
});
