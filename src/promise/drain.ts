/**
 * How runs with async tasks are driven: between two steps Node runs every process.nextTick
 * callback and microtask queued so far, and those they queue in turn, in the engine's own order,
 * and reports the promise rejections nothing handled; and what a step runs (a task's first
 * segment, a timer's callback) runs as a macrotask does natively: its nextTick callbacks before
 * its promise reactions.
 *
 * Rules:
 *  1. Runs take turns process-wide, in the order they asked: the globals a run owns (timers,
 *     clocks) are process-wide and its microtasks are not labelled with the run they belong to,
 *     so two runs stepping interleaved (two concurrent tests, or a test that timed out while its
 *     exploration went on) would take each other's timers.
 *  2. Everything a run does — its start (`begin`: its setup), each step, its end — happens in a
 *     callback of the real setImmediate (taken when this module loads: a run's own is virtual),
 *     never in a microtask, and is followed by Node's own drain, `process._tickCallback` (Node's
 *     `runNextTicks`): the very function Node runs between two immediates of one batch and
 *     between two timers — nextTicks, microtasks and rejection processing, in Node's order, until
 *     all are empty, as after any macrotask. So several units share one real macrotask (a hop of
 *     the event loop costs ~10× a drain), also across runs: a run that ends settles its promise
 *     there, and the next run its awaiter starts begins after that drain, as it would in a
 *     macrotask of its own. Every `UNITS_PER_TURN` units the driver hops to a new macrotask, so
 *     real timers and I/O (a test's timeout) still get their turn while runs step.
 *  3. Where Node has no `_tickCallback`, each unit is a macrotask of its own: the drain after a
 *     macrotask is the same one.
 *  4. A throw from a nextTick callback during a drain is uncaught, as after a macrotask: the
 *     driver takes up the runs again in the next macrotask and lets the throw reach Node.
 *  5. A run ends only after the drain of its last step (its rejections reported).
 */
const realSetImmediate = globalThis.setImmediate;

/** Node's drain (rule 2), or null where there is none (rule 3). Read per macrotask: a test takes it away to check rule 3. */
function nodeDrain(): ((this: unknown) => void) | null {
  const f = typeof process === "undefined" ? undefined : (process as unknown as { _tickCallback?: unknown })._tickCallback;
  return typeof f === "function" ? (f as () => void) : null;
}

/** Units (starts, steps, ends) in one real macrotask at most (rule 2). */
const UNITS_PER_TURN = 128;

/** A run with async tasks, as the driver takes it through its turn. */
export interface SteppedRun {
  /** Its turn came: install what the run owns while it steps and run its setup. */
  begin(): void;
  /** One step of the run; false once it has ended (that call did no work). */
  step(): boolean;
  /** After the last step: a promise to wait for before the run ends (real I/O still pending), or null. */
  settling?(): Promise<void> | null;
  /** After the last step's drain, or once `begin` or `step` threw (`failed`): release what `begin` installed and settle. Must not throw. */
  end(failed: boolean, error: unknown): void;
}

const enum Phase {
  Begin,
  Step,
  /** Waiting for what `settling` returned: no unit runs, no hop is made until it settles. */
  Wait,
  End,
}

/** Runs waiting for their turn, in order (rule 1). */
const waiting: SteppedRun[] = [];
/** The run whose turn it is, and where it stands. */
let current: SteppedRun | null = null;
let phase = Phase.Begin;
/** Inside `pump`: a run that asks now is taken up by the pump already running. */
let pumping = false;
let hopScheduled = false;

/** Asks for `run`'s turn (rule 1); it begins in a later macrotask. */
export function takeTurn(run: SteppedRun): void {
  waiting.push(run);
  if (!pumping && !hopScheduled) hop();
}

function hop(): void {
  hopScheduled = true;
  realSetImmediate(pump);
}

/** One real macrotask: units of the runs, each followed by Node's drain (rule 2). */
function pump(): void {
  hopScheduled = false;
  pumping = true;
  const drain = nodeDrain();
  try {
    for (let budget = drain === null ? 1 : UNITS_PER_TURN; budget > 0; budget--) {
      let run = current;
      if (run === null) {
        run = current = waiting.shift() ?? null;
        if (run === null) return;
        phase = Phase.Begin;
      }
      if (phase === Phase.Wait) return;
      unit(run);
      drain?.call(process); // rule 4: a throw goes up to Node, and `finally` hops on
    }
  } finally {
    pumping = false;
    if (!hopScheduled && phase !== Phase.Wait && (current !== null || waiting.length > 0)) hop();
  }
}

function unit(run: SteppedRun): void {
  if (phase === Phase.End) {
    current = null; // before `end`: a run its awaiter starts waits behind none
    run.end(false, undefined);
    return;
  }
  try {
    if (phase === Phase.Begin) {
      run.begin();
      phase = Phase.Step;
    } else if (!run.step()) {
      const wait = run.settling?.() ?? null;
      if (wait === null) phase = Phase.End; // rule 5: ends after this step's drain
      else {
        phase = Phase.Wait;
        void wait.then(() => {
          phase = Phase.End;
          if (!hopScheduled && !pumping) hop();
        });
      }
    }
  } catch (e) {
    current = null;
    run.end(true, e);
  }
}
