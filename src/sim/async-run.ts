/**
 * The driver of a run with async tasks (`sim.runAsync`): the step rule of step-loop.ts, driven by
 * promise/drain.ts so that the engine runs the tasks' microtasks between steps, with the host's
 * timers this run's while it steps.
 *
 * Rules:
 *  1. Runs with async tasks take turns process-wide (promise/drain.ts rule 1).
 *  2. A rejection nothing handled during the run is a panic of the run, as Node would crash on
 *     it; the run ends after its last step's drain, in which Node reports the last step's.
 *  3. In a traced run, where a stuck task is parked is recorded (promise/where.ts).
 *  4. What the run installs (the host's timers, the unhandled-rejection listener, the recording)
 *     is installed when its turn comes and removed when it ends, also when it throws.
 */
import { describeThrown, panicViolation } from "../oracles/contract.js";
import { takeTurn, type SteppedRun } from "../promise/drain.js";
import { settleRealIo } from "../promise/real-io.js";
import { runBegins, runEnds, stallReady, stepBeat } from "../promise/stall.js";
import { atStep, recordAwaits } from "../promise/where.js";
import type { Outcome, RunStatus } from "./outcome.js";
import type { StepLoop } from "./step-loop.js";

/**
 * Told of every step of a run with async tasks, before it runs (null: nobody listens). The CLI's
 * pool workers mirror it so that the main thread can say at which step a run hung (cli/mirror.ts).
 */
let stepListener: ((step: number, now: number) => void) | null = null;
export function onAsyncStep(listener: ((step: number, now: number) => void) | null): void {
  stepListener = listener;
}

/** `setup` (a scenario's) runs inside the run's turn, with its timers and clocks virtual from t = 0. */
export function runAsync(loop: StepLoop, maxSteps: number, setup?: () => void): Promise<Outcome> {
  const run = new AsyncRun(loop, maxSteps, setup);
  const ready = stallReady(); // once per thread (stall.ts)
  if (ready !== null) return ready.then(() => (takeTurn(run), run.outcome));
  takeTurn(run);
  return run.outcome;
}

/** The run listening for unhandled rejections (rule 2): one at a time, as runs take turns. */
let listening: StepLoop | null = null;

function unhandledRejection(reason: unknown): void {
  const loop = listening;
  if (loop === null) return;
  loop.report(panicViolation("(unhandled rejection)", reason, `a promise was rejected and nothing handled it, before step ${loop.steps}: ${describeThrown(reason)}`, loop.steps, loop.now));
}

class AsyncRun implements SteppedRun {
  readonly outcome: Promise<Outcome>;
  private settle!: (o: Outcome) => void;
  private fail!: (e: unknown) => void;
  /** "Did not finish" is a liveness verdict too: the second half of the budget confirms it (watch.ts rule 7). */
  private readonly confirmAt: number;
  private status: RunStatus | null = null;
  private leave: (() => void) | null = null;
  private listens = false;
  private stopRecording: (() => void) | null = null;

  constructor(
    private readonly loop: StepLoop,
    private readonly maxSteps: number,
    private readonly setup: (() => void) | undefined,
  ) {
    this.confirmAt = maxSteps >>> 1;
    this.outcome = new Promise<Outcome>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
  }

  begin(): void {
    this.leave = this.loop.enterAsync();
    process.on("unhandledRejection", unhandledRejection);
    listening = this.loop;
    this.listens = true;
    this.stopRecording = this.loop.options.trace ? recordAwaits() : null;
    runBegins(this.loop.options.scenario ?? "(unnamed)");
    this.setup?.();
  }

  step(): boolean {
    stepBeat(this.loop.steps);
    stepListener?.(this.loop.steps, this.loop.now);
    if (this.stopRecording !== null) atStep(this.loop.steps); // what the microtasks after this step make is this step's activity
    return (this.status = this.loop.step(this.maxSteps, this.confirmAt)) === null;
  }

  /** Went quiet while real I/O it started is pending: its end waits for that I/O (real-io.ts rule 3). */
  settling(): Promise<void> | null {
    return this.loop.ioAtEnd ? settleRealIo(this.loop.ioBefore!) : null;
  }

  end(failed: boolean, error: unknown): void {
    try {
      if (!failed) this.loop.atEnd(this.status!);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      if (this.listens) {
        this.listens = false;
        listening = null;
        process.off("unhandledRejection", unhandledRejection);
      }
      this.stopRecording?.();
      this.leave?.();
      runEnds();
    }
    if (failed) return this.fail(error);
    let out: Outcome;
    try {
      out = this.loop.outcome(this.status!);
    } catch (e) {
      return this.fail(e);
    }
    this.settle(out);
  }
}
