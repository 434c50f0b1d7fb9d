/**
 * Sim: one simulation — tasks and wakers, the executor's queueing policy, the reactor and its
 * virtual clock, fake I/O, the oracles, and the one chooser every nondeterministic choice goes
 * to. No module-level state: any number of sims run side by side in one process.
 *
 * One step is one poll or one event delivery (clock jumps are not steps). Step rule:
 *  1. If an event is due and a task is runnable, the chooser decides which goes first
 *     (0 = deliver the event: the plain, in-order option). With nothing runnable, deliver.
 *  2. Otherwise poll one of the executor's candidates, chosen by the chooser (0 = its own pick).
 *  3. With nothing runnable and nothing due, jump the clock to the next event (auto-advance).
 *  4. With nothing at all left, the world is quiescent: tasks still pending are stuck.
 *  5. Once a liveness oracle asked for a fair suffix (oracles/fair-suffix.ts), rules 1–2 follow
 *     its fair policy instead of the chooser, to the end of the run.
 * A run stops at the first violation (unless `stopOnViolation: false`), except a task panic,
 * after which the run goes on: a panic is a value on the task's join handle.
 *
 * This class is the user's surface only. The parts, each owning its data, live beside it:
 *   step-loop.ts    the run: steps, the task being polled, the tasks' lifecycle, violations
 *   task-table.ts   the tasks, their names, the unfinished and cancellable counts
 *   wake-hook.ts    what wakers call (wake, clone, release, misuse) and the poll budget's counters
 *   faults.ts       faults injected between steps, and the per-poll-wakers answer
 *   choice-log.ts   the door to the chooser and the list of its answers
 *   tracer.ts       the trace events (a no-op when tracing is off)
 *   sim-runtime.ts  the Runtime that futures, the reactor and fake I/O see
 *   async-run.ts    runAsync's driver: each step followed by the engine's drain (promise/drain.ts), the host's timers the run's
 *   threads.ts      the step rule of a run with preemptible polls and simulated threads (one atomic step per step)
 *   race-detector.ts  data races on DataCells, by vector clocks over those steps
 * A task is polled through its body (task/task-body.ts): a spawned future is its own body, and
 * an async function's body is an AsyncTask (promise/async-task.ts) — the second kind of task,
 * which plugged in without changing the step loop, the wake hook or the oracles.
 */
import { isFuture, type Future } from "../future/future.js";
import type { SimIo } from "../io/sim-io.js";
import type { BypassMonitor } from "../oracles/bypass.js";
import type { JoinHandle } from "../task/join-handle.js";
import { checkInt } from "../core/checks.js";
import { CheckedOptions, checkSimOptions, type SimSettings, type SimOptions } from "./config.js";
import { OptionError } from "../core/errors.js";
import type { Outcome } from "./outcome.js";
import type { Scenario } from "./scenario.js";
import { StepLoop } from "./step-loop.js";
import { runAsync } from "./async-run.js";
import { AsyncTask, type AsyncBody } from "../promise/async-task.js";
import type { SimThread, ThreadBody, ThreadOptions } from "../threads/thread-handle.js";

export interface SpawnOptions {
  /** Shown in reports and traces (default "task<N>"). */
  name?: string;
  /** A daemon task is not expected to finish: it is never reported as stuck. */
  daemon?: boolean;
  /**
   * The "cancel" fault may drop this task's future at any await point (between steps, once it
   * has been polled), as an abort or a losing select branch would; the run then checks that
   * nothing it registered leaked.
   */
  cancellable?: boolean;
}

export interface RunOptions {
  /** Overrides the Sim's `maxSteps` for this run. */
  maxSteps?: number;
}

export class Sim {
  /** The options as checked, with every default filled in (read-only: the run and its outcome share them). */
  readonly options: Readonly<SimSettings>;
  /** Fake I/O: `sim.io.pipe()` and friends. */
  readonly io: SimIo;
  readonly #loop: StepLoop;

  constructor(options: SimOptions | CheckedOptions = {}) {
    this.options = options instanceof CheckedOptions ? options.settings : checkSimOptions(options);
    this.#loop = new StepLoop(this.options);
    this.io = this.#loop.io;
  }

  /** Virtual time, in ticks. */
  get now(): number {
    return this.#loop.now;
  }

  /** Steps taken so far (polls and event deliveries). */
  get steps(): number {
    return this.#loop.steps;
  }

  /** Polls made so far. */
  get polls(): number {
    return this.#loop.polls;
  }

  /**
   * Spawns a task; it becomes runnable at once. Works before and during a run. The task is a
   * future, or an async function (any function returning a promise), called in the task's first
   * poll — a run with one needs `runAsync`.
   */
  spawn<T>(task: Future<T> | AsyncBody<T>, opts: SpawnOptions = {}): JoinHandle<T> {
    if (isFuture(task)) return this.#loop.spawn(task as Future<T>, opts.name, opts.daemon ?? false, opts.cancellable === true);
    if (typeof task === "function") {
      return this.#loop.spawn(new AsyncTask(task as AsyncBody<T>), opts.name ?? (task.name === "" ? undefined : task.name), opts.daemon ?? false, opts.cancellable === true);
    }
    throw new OptionError("task", `sim.spawn expects a Future (an object with poll(cx)) or an async function, got ${String(task)}`);
  }

  /**
   * A simulated thread that is not a task (a driver thread, a blocking-pool thread, a callback
   * thread): a generator function of atomic steps (`yield* cell.load()`, `yield* wake(w)`,
   * `yield* t.park()`), interleaved step by step with the tasks' preemptible polls, other
   * threads and event deliveries. Its code up to its first step runs now. A non-daemon thread
   * must finish before the run completes.
   */
  thread(body: ThreadBody, opts: ThreadOptions = {}): SimThread {
    if (typeof body !== "function") throw new OptionError("thread", `sim.thread expects a generator function (function* (t) { … }), got ${String(body)}`);
    return this.#loop.thread(body, opts.name, opts.daemon ?? false);
  }

  /** Steps until every non-daemon task finished, the world is quiescent, a violation, or the step bound. */
  run(opts: RunOptions = {}): Outcome {
    return this.#loop.run(opts.maxSteps === undefined ? this.options.maxSteps : checkInt("maxSteps", opts.maxSteps, 1));
  }

  /**
   * As `run`, for a run with async tasks (or any run): between two steps the engine runs the
   * microtasks they queued, and setTimeout, setInterval, setImmediate, Date and performance.now
   * are this run's virtual ones until it ends.
   */
  runAsync(opts: RunOptions & { /** @internal A scenario whose setup runs inside the run, on this Sim (async-run.ts). */ scenario?: Scenario } = {}): Promise<Outcome> {
    const { scenario } = opts;
    return runAsync(this.#loop, opts.maxSteps === undefined ? this.options.maxSteps : checkInt("maxSteps", opts.maxSteps, 1), scenario === undefined ? undefined : () => scenario.setup(this));
  }

  /**
   * Does one unit of work (step rules 1–3). Returns false when nothing can happen any more.
   * Exposed so tests can step a simulation one poll at a time.
   */
  tick(): boolean {
    return this.#loop.tick();
  }

  /** Marks progress (for the livelock and reactor-starvation oracles): call it when your scenario gets work done. */
  progress(): void {
    this.#loop.watch.progress();
  }

  /** Records a note in the trace (no-op unless tracing). */
  note(text: string): void {
    this.#loop.tracer.note(text);
  }

  /** A predicate that must hold after every step. */
  invariant(name: string, predicate: () => boolean): void {
    this.#loop.watch.monitors.invariant(name, predicate);
  }

  /** A condition that must become true within `withinSteps` steps (and by the end of the run). */
  eventually(name: string, predicate: () => boolean, opts: { withinSteps: number }): void {
    this.#loop.watch.monitors.eventually(name, predicate, opts.withinSteps);
  }

  /** A hot/cold liveness monitor: hot for more than `maxHotSteps` steps in a row, or hot at the end, is a violation. */
  monitor(name: string, isHot: () => boolean, opts: { maxHotSteps: number }): void {
    this.#loop.watch.monitors.monitor(name, isHot, opts.maxHotSteps);
  }

  /** Bounded-bypass bookkeeping for a resource with waiters; see BypassMonitor. */
  bypassMonitor(resource: string): BypassMonitor {
    return this.#loop.watch.bypassMonitor(resource);
  }
}
