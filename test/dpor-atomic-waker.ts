/**
 * An AtomicWaker-style register/wake protocol in the tiny interpreter (the shape of futures-rs's
 * AtomicWaker, written from its documented state machine): a `state` cell with WAITING (0),
 * REGISTERING (1) and WAKING (2) bits, a `waker` slot (1 = holds the task's waker), and a `ready`
 * flag. Thread 0 polls a future once: ready? else register the waker, re-check ready. Thread 1
 * sets ready and wakes. The "no-recheck" twin returns pending without the re-check, so a wake
 * that runs between its check and its registration finds no waker: a lost wakeup.
 */
import { ops, type Program, type ThreadBody } from "./dpor-programs.js";

const { load, store, swap, cas, fetchAdd, fetchOr, fetchAnd, wake } = ops;
const WAITING = 0;
const REGISTERING = 1;
const WAKING = 2;

function* register(): ThreadBody {
  const prev = yield cas("state", WAITING, REGISTERING);
  if (prev === WAITING) {
    yield store("waker", 1);
    const res = yield cas("state", REGISTERING, WAITING);
    if (res !== REGISTERING) {
      // A wake arrived while registering: it left the waker to us.
      const w = yield swap("waker", 0);
      yield swap("state", WAITING);
      if (w === 1) yield wake("task");
    }
  } else if (prev === WAKING) {
    yield wake("task"); // a wake is in progress: wake ourselves by reference
  }
}

function* wakeIt(): ThreadBody {
  const prev = yield fetchOr("state", WAKING);
  if (prev === WAITING) {
    const w = yield swap("waker", 0);
    yield fetchAnd("state", ~WAKING);
    if (w === 1) yield wake("task");
  }
}

export interface AtomicWakerShape {
  /** Threads that make the future ready and wake it (a channel with that many senders). */
  readonly notifiers?: number;
  /** Add a worker polling an unrelated task (its own cells) meanwhile, as a multi-worker runtime has. */
  readonly bystander?: boolean;
}

export function atomicWaker(variant: "correct" | "no-recheck", shape: AtomicWakerShape = {}): Program {
  const { notifiers = 1, bystander = false } = shape;
  function* poll(): ThreadBody {
    if ((yield load("ready")) > 0) return "ready";
    yield* register();
    if (variant === "correct" && (yield load("ready")) > 0) return "ready";
    return "pending";
  }
  function* notifier(): ThreadBody {
    yield fetchAdd("ready", 1);
    yield* wakeIt();
  }
  function* other(): ThreadBody {
    const v = yield load("other.state");
    yield store("other.state", v + 1);
    yield store("other.waker", 1);
  }
  return {
    cells: { state: WAITING, waker: 0, ready: 0 },
    threads: [poll, ...Array.from({ length: notifiers }, () => notifier), ...(bystander ? [other] : [])],
    check: (cells, returned) =>
      returned[0] === "pending" && (cells["woken:task"] ?? 0) === 0 ? ["lost wakeup: task pending, never woken"] : [],
  };
}

/**
 * The smallest register/wake race, as issue 14 sketches it: a waker slot and a state cell; one
 * thread loads the state, stores its waker, re-checks the state; the other stores the state,
 * takes the waker and calls it. "no-recheck" leaves out the re-check.
 */
export function registerWakeSketch(variant: "correct" | "no-recheck"): Program {
  function* registerThread(): ThreadBody {
    if ((yield load("state")) === 1) return "ready";
    yield store("waker", 1);
    if (variant === "correct" && (yield load("state")) === 1) return "ready";
    return "pending";
  }
  function* wakeThread(): ThreadBody {
    yield store("state", 1);
    if ((yield swap("waker", 0)) === 1) yield wake("task");
  }
  return {
    cells: { state: 0, waker: 0 },
    threads: [registerThread, wakeThread],
    check: (cells, returned) =>
      returned[0] === "pending" && (cells["woken:task"] ?? 0) === 0 ? ["lost wakeup: task pending, never woken"] : [],
  };
}
