/**
 * The driver of a run with async tasks (`sim.runAsync`): the step rule of step-loop.ts, each step
 * in a macrotask of its own so that the engine runs the tasks' microtasks between steps
 * (promise/drain.ts), with the host's timers this run's while it steps.
 *
 * Rules:
 *  1. Runs with async tasks take turns process-wide (promise/drain.ts `oneAtATime`).
 *  2. A rejection nothing handled during the run is a panic of the run, as Node would crash on
 *     it; one more turn after the last step lets Node report the last step's.
 *  3. In a traced run, where a stuck task is parked is recorded (promise/where.ts).
 */
import { describeThrown, panicViolation } from "../oracles/contract.js";
import { driveSteps, oneAtATime } from "../promise/drain.js";
import { settleRealIo } from "../promise/real-io.js";
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
  return oneAtATime(async () => {
    const leave = loop.enterAsync();
    let stopRecording: (() => void) | null = null;
    const unhandled = (reason: unknown): void => {
      loop.report(panicViolation("(unhandled rejection)", reason, `a promise was rejected and nothing handled it, before step ${loop.steps}: ${describeThrown(reason)}`, loop.steps, loop.now));
    };
    process.on("unhandledRejection", unhandled);
    // "Did not finish" is a liveness verdict too: the second half of the budget confirms it (watch.ts rule 7).
    const confirmAt = maxSteps >>> 1;
    let status: RunStatus | null = null;
    try {
      stopRecording = loop.options.trace ? recordAwaits() : null;
      setup?.();
      const listen = stepListener;
      await driveSteps(
        stopRecording === null && listen === null
          ? () => (status = loop.step(maxSteps, confirmAt)) === null
          : () => {
              listen?.(loop.steps, loop.now);
              if (stopRecording !== null) atStep(loop.steps); // what the microtasks after this step make is this step's activity
              return (status = loop.step(maxSteps, confirmAt)) === null;
            },
        () => undefined,
      );
      await driveSteps(() => false, () => undefined); // rule 2
      if (loop.ioAtEnd) await settleRealIo(loop.ioBefore!); // real-io.ts rule 3
      loop.atEnd(status!);
    } finally {
      process.off("unhandledRejection", unhandled);
      stopRecording?.();
      leave();
    }
    return loop.outcome(status!);
  });
}
